//! The decision alone in a loop, for a profiler: `perf record` or
//! `valgrind --tool=callgrind` on
//! `target/release/examples/decide_loop [PROFILES] [ROUNDS]`
//! (generated profiles, seed 1; default 20,000 profiles, 20 rounds).

use livegate_batch::generate::{GenOptions, Generator, Mix};
use livegate_core::{Lang, Profile, decide, default_ruleset, parse_profile};
use std::hint::black_box;

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(20_000);
    let rounds: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(20);
    let rs = default_ruleset().expect("the curated ruleset loads");
    let profiles: Vec<Profile> = Generator::new(&rs, &Mix::default_mix(), GenOptions::default())
        .expect("the built-in mix fits the ruleset")
        .take(n)
        .map(|l| parse_profile(&l).expect("generated profiles parse"))
        .collect();
    let as_of = livegate_core::dates::parse("2026-11-28");
    let start = std::time::Instant::now();
    for _ in 0..rounds {
        for p in &profiles {
            black_box(decide(&rs, black_box(p), as_of, Lang::Zh).ok());
        }
    }
    let each = start.elapsed().as_nanos() as f64 / (n * rounds) as f64;
    eprintln!("{each:.0} ns a decision over {n} profiles × {rounds}");
}
