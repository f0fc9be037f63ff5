//! The Rego peer (bench/peers/rego/livegate.rego) run with regorus'
//! interpreter over JSON Lines: one `{"verdict":…,"paths":…}` record a line,
//! and its throughput on stderr. Used by bench/batch.sh; `--rule NAME`
//! evaluates another rule of the policy (for debugging the oracle).
//!
//! cargo run --release -p livegate-batch --example rego_peer -- FILE [--rule data.livegate.held]

use std::io::{BufRead, BufReader, BufWriter, Write};
use std::time::Instant;

use regorus::{Engine, Value};

// The allocator of the livegate binary: the benchmark compares engines, not allocators.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const POLICY: &str = include_str!("../../../bench/peers/rego/livegate.rego");

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let file = args.first().ok_or("usage: rego_peer FILE [--rule RULE]")?;
    let rule = match args.iter().position(|a| a == "--rule") {
        Some(i) => args.get(i + 1).cloned().ok_or("--rule needs a name")?,
        None => "data.livegate.result".to_string(),
    };
    let mut engine = Engine::new();
    engine.add_policy("livegate.rego".into(), POLICY.into())?;
    let input: Box<dyn BufRead> = if file == "-" {
        Box::new(BufReader::new(std::io::stdin()))
    } else {
        Box::new(BufReader::new(std::fs::File::open(file)?))
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
        match Value::from_json_str(&line) {
            Ok(v) => {
                engine.set_input(v);
                match engine.eval_rule(rule.clone()) {
                    Ok(r) => writeln!(out, "{}", serde_json::to_string(&r)?)?,
                    Err(e) => writeln!(out, "{{\"error\":{:?}}}", e.to_string())?,
                }
            }
            Err(e) => writeln!(out, "{{\"error\":{:?}}}", e.to_string())?,
        }
    }
    out.flush()?;
    let s = start.elapsed().as_secs_f64();
    eprintln!(
        "regorus: {n} profiles in {s:.3} s ({:.0} profiles/s)",
        n as f64 / s
    );
    Ok(())
}
