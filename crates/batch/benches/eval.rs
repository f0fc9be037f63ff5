//! The engine alone, on one thread: the decision (verdict, path statuses,
//! missing documents; what `batch --summary` needs) and the full report on
//! pre-parsed profiles, and parse + evaluate, beside parsing alone as the
//! baseline of the same run.
//! The profiles are the generator's (seed 1, 1,000 of them).
//!
//! cargo bench -p livegate-batch --bench eval

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use livegate_batch::generate::{GenOptions, Generator, Mix};
use livegate_core::{Lang, Options, Profile, decide, default_ruleset, evaluate, parse_profile};
use std::hint::black_box;

const N: usize = 1000;

fn options() -> Options {
    Options {
        lang: Lang::Zh,
        ..Default::default()
    }
}

fn bench(c: &mut Criterion) {
    let rs = default_ruleset().expect("ruleset");
    let lines: Vec<String> = Generator::new(
        &rs,
        &Mix::default_mix(),
        GenOptions {
            seed: 1,
            bad_ratio: 0.0,
            validity: true,
        },
    )
    .expect("the built-in mix fits the ruleset")
    .take(N)
    .collect();
    let profiles: Vec<Profile> = lines
        .iter()
        .map(|l| parse_profile(l).expect("generated profiles parse"))
        .collect();
    let opts = options();

    let mut g = c.benchmark_group("per_1000_profiles");
    g.throughput(Throughput::Elements(N as u64));
    g.bench_function("parse (baseline)", |b| {
        b.iter(|| {
            for l in &lines {
                black_box(parse_profile(black_box(l)).ok());
            }
        })
    });
    g.bench_function("decide (pre-parsed, no report)", |b| {
        b.iter(|| {
            for p in &profiles {
                black_box(decide(&rs, black_box(p), opts.as_of, opts.lang).ok());
            }
        })
    });
    g.bench_function("evaluate (pre-parsed, full report)", |b| {
        b.iter(|| {
            for p in &profiles {
                black_box(evaluate(&rs, black_box(p), &opts).ok());
            }
        })
    });
    g.bench_function("parse + decide", |b| {
        b.iter(|| {
            for l in &lines {
                if let Ok(p) = parse_profile(black_box(l)) {
                    black_box(decide(&rs, &p, opts.as_of, opts.lang).ok());
                }
            }
        })
    });
    g.bench_function("parse + evaluate", |b| {
        b.iter(|| {
            for l in &lines {
                if let Ok(p) = parse_profile(black_box(l)) {
                    black_box(evaluate(&rs, &p, &opts).ok());
                }
            }
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
