//! The floor of `livegate batch --summary`: the same batch machinery (capped
//! line reader, chunks, workers, ordered writer) with serde_json parsing each
//! line into a profile and writing a summary-like record, and no evaluation.
//! What livegate costs beyond it is the engine's.
//!
//! cargo run --release -p livegate-batch --example floor -- FILE [--jobs N]

use std::fs::File;
use std::io::{BufReader, BufWriter};

use livegate_batch::lines::Line;
use livegate_batch::{Config, Totals, run_with};
use livegate_core::Profile;
use serde::Serialize;

// The allocator of the livegate binary: the benchmark compares engines, not allocators.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Serialize)]
struct Brief<'a> {
    line: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    profile_id: Option<&'a str>,
    verdict: &'a str,
    paths: [BriefPath; 2],
}

#[derive(Serialize)]
struct BriefPath {
    id: &'static str,
    status: &'static str,
    missing_documents: [&'static str; 0],
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let file = args.first().ok_or("usage: floor FILE [--jobs N]")?;
    let jobs = match args.iter().position(|a| a == "--jobs") {
        Some(i) => args.get(i + 1).ok_or("--jobs N")?.parse()?,
        None => 1,
    };
    let cfg = Config {
        jobs,
        ..Config::default()
    };
    let input = BufReader::with_capacity(1 << 18, File::open(file)?);
    let out = BufWriter::with_capacity(1 << 18, std::io::stdout());
    let f = |line: &Line, out: &mut Vec<u8>, totals: &mut Totals| {
        totals.records += 1;
        let text = livegate_batch::lines::utf8(&line.bytes).unwrap_or("");
        match serde_json::from_str::<Profile>(text) {
            Ok(p) => {
                let rec = Brief {
                    line: line.number,
                    profile_id: p.id.as_deref(),
                    verdict: "eligible",
                    paths: [
                        BriefPath {
                            id: "cloud_live_plugin",
                            status: "available",
                            missing_documents: [],
                        },
                        BriefPath {
                            id: "standard_live_tags",
                            status: "available",
                            missing_documents: [],
                        },
                    ],
                };
                let _ = serde_json::to_writer(&mut *out, &rec);
            }
            Err(e) => {
                totals.errors += 1;
                let _ = serde_json::to_writer(
                    &mut *out,
                    &serde_json::json!({"line": line.number, "error": e.to_string()}),
                );
            }
        }
        out.push(b'\n');
    };
    let t = run_with(input, out, &cfg, &|_| {}, &f).map_err(|e| format!("{e:?}"))?;
    eprintln!(
        "floor: {} profiles in {:.3} s ({:.0} profiles/s), jobs {jobs}",
        t.records,
        t.elapsed.as_secs_f64(),
        t.throughput()
    );
    Ok(())
}
