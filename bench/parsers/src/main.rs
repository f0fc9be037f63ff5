//! serde_json, sonic-rs and simd-json reading the same generated profiles
//! into livegate's `Profile` (serde, the same Deserialize impls), on one
//! thread, in one run; each parser's time a profile and its ratio to
//! serde_json's. Also the UTF-8 check alone (std against simdutf8 as sonic-rs
//! bundles it), since batch validates each line before parsing.

use std::hint::black_box;
use std::time::Instant;

use livegate_batch::generate::{GenOptions, Generator, Mix};
use livegate_core::{Profile, default_ruleset};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn time(label: &str, rounds: usize, lines: &[String], base: Option<f64>, mut f: impl FnMut(&str) -> bool) -> f64 {
    let mut ok = 0usize;
    let start = Instant::now();
    for _ in 0..rounds {
        for l in lines {
            ok += usize::from(f(black_box(l)));
        }
    }
    let ns = start.elapsed().as_nanos() as f64 / (rounds * lines.len()) as f64;
    let ratio = base.map_or(1.0, |b| ns / b);
    println!("{label:<28} {ns:>8.0} ns a profile   {ratio:.2}× serde_json   ({ok} parsed)");
    ns
}

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(20_000);
    let rounds: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(10);
    let rs = default_ruleset().expect("the curated ruleset");
    let lines: Vec<String> = Generator::new(&rs, &Mix::default_mix(), GenOptions::default())
        .expect("the built-in mix")
        .take(n)
        .collect();
    let bytes: usize = lines.iter().map(String::len).sum();
    println!("{n} generated profiles (seed 1), {} bytes a line on average, {rounds} rounds", bytes / n);
    // Every parser must read every profile the same.
    for l in &lines {
        let a: Profile = serde_json::from_str(l).expect("serde_json");
        let b: Profile = sonic_rs::from_str(l).expect("sonic-rs");
        let mut buf = l.clone().into_bytes();
        let c: Profile = simd_json::serde::from_slice(&mut buf).expect("simd-json");
        assert!(a == b && a == c, "the parsers disagree on {l}");
    }
    let base = time("serde_json::from_str", rounds, &lines, None, |l| serde_json::from_str::<Profile>(l).is_ok());
    time("sonic_rs::from_str", rounds, &lines, Some(base), |l| sonic_rs::from_str::<Profile>(l).is_ok());
    let mut buf = Vec::new();
    time("simd_json (copy + parse)", rounds, &lines, Some(base), |l| {
        buf.clear();
        buf.extend_from_slice(l.as_bytes());
        simd_json::serde::from_slice::<Profile>(&mut buf).is_ok()
    });
    time("serde_json again (drift)", rounds, &lines, Some(base), |l| serde_json::from_str::<Profile>(l).is_ok());
    time("std::str::from_utf8", rounds, &lines, Some(base), |l| std::str::from_utf8(l.as_bytes()).is_ok());
    time("simdutf8::basic::from_utf8", rounds, &lines, Some(base), |l| simdutf8::basic::from_utf8(l.as_bytes()).is_ok());
}
