//! The ZEN peer: livegate's rules, as the Rego peer states them, in a
//! GoRules decision graph (livegate.jdm.json, written by gen_graph.py), run
//! with zen-engine over JSON Lines on one thread: one
//! `{"verdict":…,"paths":…}` record a line, and its throughput on stderr.
//! Built and run by bench/batch.sh.
//!
//! From the repository's root (its own workspace, built into target/zen as
//! bench/batch.sh does):
//!
//! CARGO_TARGET_DIR=target/zen cargo run --release --manifest-path bench/peers/zen/Cargo.toml -- FILE

use std::io::{BufRead, BufReader, BufWriter, Write};
use std::sync::Arc;
use std::time::Instant;

use zen_engine::model::DecisionContent;
use zen_engine::{DecisionEngine, Variable};

// The allocator of the livegate binary: the benchmark compares engines, not allocators.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const GRAPH: &str = include_str!("../livegate.jdm.json");

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let file = std::env::args().nth(1).ok_or("usage: livegate-zen-peer FILE")?;
    let content: DecisionContent = serde_json::from_str(GRAPH)?;
    let engine = DecisionEngine::default();
    let mut decision = engine.create_decision(Arc::new(content))?;
    decision.compile();
    let rt = tokio::runtime::Builder::new_current_thread().build()?;
    let input: Box<dyn BufRead> = if file == "-" {
        Box::new(BufReader::new(std::io::stdin()))
    } else {
        Box::new(BufReader::new(std::fs::File::open(&file)?))
    };
    let mut out = BufWriter::new(std::io::stdout().lock());
    let start = Instant::now();
    let mut n = 0u64;
    for line in input.lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        n += 1;
        let ctx: Variable = match serde_json::from_str(&line) {
            Ok(v) => v,
            Err(e) => {
                writeln!(out, "{{\"error\":{:?}}}", e.to_string())?;
                continue;
            }
        };
        match rt.block_on(decision.evaluate(ctx)) {
            Ok(r) => {
                let v = serde_json::to_value(&r.result)?;
                let rec = serde_json::json!({"verdict": v["verdict"], "paths": v["paths"]});
                writeln!(out, "{rec}")?;
            }
            Err(e) => writeln!(out, "{{\"error\":{:?}}}", e.to_string())?,
        }
    }
    out.flush()?;
    let s = start.elapsed().as_secs_f64();
    eprintln!("zen-engine: {n} profiles in {s:.3} s ({:.0} profiles/s)", n as f64 / s);
    Ok(())
}
