//! `livegate batch` and `livegate gen`: the command-line edge of the
//! livegate-batch crate (arguments, files, progress bar, summary).

use std::fs::File;
use std::io::{self, BufReader, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use livegate_batch::generate::{GenOptions, Generator, Mix, MixError};
use livegate_batch::{BatchError, Config, InputFormat, msg};
use livegate_core::catalog::io_reason;
use livegate_core::{Lang, Options};

use crate::{Failure, Stop, display, load_rules_with};

#[derive(Args)]
pub struct BatchArgs {
    /// Profiles, one a line: JSON Lines, or CSV with a header (see README); `-` reads standard input.
    input: PathBuf,
    /// Write the records here instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// The input's layout [default: csv for a .csv file, else jsonl].
    #[arg(long, value_enum)]
    format: Option<InputFormatArg>,
    /// Only the verdict, path statuses and missing documents per record.
    #[arg(long)]
    summary: bool,
    /// Worker threads [default: the number of cores].
    #[arg(short, long, value_name = "N")]
    jobs: Option<usize>,
    /// A ruleset file instead of the embedded one.
    #[arg(long, value_name = "FILE")]
    rules: Option<PathBuf>,
    /// A ruleset fragment to include too (from `rules import-wechat`); repeatable.
    #[arg(long, value_name = "FRAGMENT")]
    include: Vec<PathBuf>,
    /// No progress bar and no summary on standard error.
    #[arg(short, long)]
    quiet: bool,
    #[arg(long, value_enum, default_value_t = BatchLang::Zh)]
    lang: BatchLang,
    /// The evaluation date for profiles that give no `as_of` (default: today in Beijing time).
    #[arg(long, value_name = "YYYY-MM-DD")]
    as_of: Option<String>,
}

#[derive(Clone, Copy, ValueEnum)]
enum InputFormatArg {
    Jsonl,
    Csv,
}

#[derive(Clone, Copy, ValueEnum)]
enum BatchLang {
    Zh,
    En,
}

#[derive(Args)]
pub struct GenArgs {
    /// How many lines.
    #[arg(long, default_value_t = 1000)]
    count: u64,
    /// The seed: the same seed gives the same lines in every version.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// The share of bad lines (malformed JSON, unknown fields or values), 0 to 1.
    #[arg(long, default_value_t = 0.0, value_name = "R")]
    bad_ratio: f64,
    /// Leave out as_of, document dates and holders.
    #[arg(long)]
    no_validity: bool,
    /// A ruleset file whose vocabulary to write instead of the embedded one.
    #[arg(long, value_name = "FILE")]
    rules: Option<PathBuf>,
    /// A ruleset fragment to include too (from `rules import-wechat`); repeatable.
    #[arg(long, value_name = "FRAGMENT")]
    include: Vec<PathBuf>,
    /// The portfolio's mix (shares of subject types, businesses, statuses,
    /// documents) instead of the built-in one; see crates/batch/src/mix.toml.
    #[arg(long, value_name = "FILE")]
    mix: Option<PathBuf>,
}

const MAX_JOBS: usize = 256;

/// `livegate batch`: checks every profile of the input, streaming the
/// records out, with a progress bar and a summary on standard error.
pub fn batch(args: BatchArgs) -> Result<ExitCode, Stop> {
    let lang = match args.lang {
        BatchLang::Zh => Lang::Zh,
        BatchLang::En => Lang::En,
    };
    let cfg = config(&args, lang)?;
    let rs = load_rules_with(args.rules.as_deref(), &args.include, lang)?;
    let input = open_input(&args.input, lang)?;
    let out = open_output(args.output.as_deref(), lang)?;

    let bar = progress_bar(args.quiet);
    let progress = |n: u64| {
        if let Some(b) = &bar {
            b.set_position(n);
        }
    };
    let result = livegate_batch::run(&rs, input, out, &cfg, &progress);
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let totals = result.map_err(|e| run_failure(e, &args, lang))?;
    if !args.quiet {
        let _ = io::stderr().write_all(totals.render(&rs, lang).as_bytes());
    }
    Ok(if totals.errors == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The run's settings from the arguments: jobs, input format and date.
fn config(args: &BatchArgs, lang: Lang) -> Result<Config, Failure> {
    let jobs = match args.jobs {
        Some(n) if (1..=MAX_JOBS).contains(&n) => n,
        Some(_) => {
            return Err(Failure(msg(
                lang,
                "bad_jobs",
                &[("max", &MAX_JOBS.to_string())],
            )));
        }
        None => std::thread::available_parallelism().map_or(1, |n| n.get()),
    };
    let format = match args.format {
        Some(InputFormatArg::Csv) => InputFormat::Csv,
        Some(InputFormatArg::Jsonl) => InputFormat::Jsonl,
        None if args
            .input
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("csv")) =>
        {
            InputFormat::Csv
        }
        None => InputFormat::Jsonl,
    };
    let as_of = crate::parse_as_of(args.as_of.as_deref(), lang)?;
    Ok(Config {
        format,
        summary: args.summary,
        jobs,
        options: Options {
            lang,
            as_of: Some(as_of),
        },
        ..Config::default()
    })
}

/// The input file, or standard input for `-`, buffered.
fn open_input(path: &Path, lang: Lang) -> Result<Box<dyn io::BufRead + Send>, Failure> {
    Ok(if path == Path::new("-") {
        Box::new(BufReader::with_capacity(1 << 18, io::stdin()))
    } else {
        let f = File::open(path).map_err(|e| read_failed(e, &display(path), lang))?;
        Box::new(BufReader::with_capacity(1 << 18, f))
    })
}

/// The output file, created, or standard output when none or `-`, buffered.
fn open_output(path: Option<&Path>, lang: Lang) -> Result<Box<dyn Write>, Failure> {
    Ok(match path {
        Some(p) if p != Path::new("-") => {
            let f = File::create(p).map_err(|e| write_failed(e, &display(p), lang))?;
            Box::new(BufWriter::with_capacity(1 << 18, f))
        }
        _ => Box::new(BufWriter::with_capacity(1 << 18, io::stdout())),
    })
}

/// A spinner on standard error when it is a terminal and `quiet` is off.
fn progress_bar(quiet: bool) -> Option<ProgressBar> {
    (!quiet && io::stderr().is_terminal()).then(|| {
        let bar = ProgressBar::new_spinner();
        bar.set_style(
            ProgressStyle::with_template("{spinner} {human_pos} profiles  {per_sec}  {elapsed}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar
    })
}

/// Why a run stopped, as the failure to report (or a closed output).
fn run_failure(e: BatchError, args: &BatchArgs, lang: Lang) -> Stop {
    match e {
        BatchError::Closed => Stop::Closed,
        BatchError::Read(e) => read_failed(e, &display(&args.input), lang).into(),
        BatchError::Write(e) => {
            let path = args
                .output
                .as_deref()
                .map(display)
                .unwrap_or_else(|| "<stdout>".into());
            write_failed(e, &path, lang).into()
        }
        BatchError::Header(reason) => {
            Failure(msg(lang, "bad_header", &[("reason", &reason)])).into()
        }
        e @ BatchError::Panicked(_) => {
            Failure(e.phrase(lang, &display(&args.input), "<stdout>")).into()
        }
    }
}

/// The input named `name` could not be read.
fn read_failed(e: io::Error, name: &str, lang: Lang) -> Failure {
    Failure(msg(
        lang,
        "read_failed",
        &[("path", name), ("reason", &io_reason(&e, lang))],
    ))
}

/// The output named `path` could not be written.
fn write_failed(e: io::Error, path: &str, lang: Lang) -> Failure {
    Failure(msg(
        lang,
        "write_failed",
        &[("path", path), ("reason", &io_reason(&e, lang))],
    ))
}

pub fn generate(args: GenArgs) -> Result<ExitCode, Stop> {
    if !(0.0..=1.0).contains(&args.bad_ratio) {
        return Err(Failure(msg(
            Lang::Zh,
            "bad_ratio",
            &[("value", &args.bad_ratio.to_string())],
        ))
        .into());
    }
    let rs = load_rules_with(args.rules.as_deref(), &args.include, Lang::Zh)?;
    let mix = match &args.mix {
        None => Mix::default_mix(),
        Some(path) => {
            Mix::parse(&crate::read_input(path, Lang::Zh)?).map_err(|e| mix_failure(path, &e))?
        }
    };
    let opts = GenOptions {
        seed: args.seed,
        bad_ratio: args.bad_ratio,
        validity: !args.no_validity,
    };
    let path = args
        .mix
        .as_deref()
        .unwrap_or(Path::new("(built-in mix.toml)"));
    let mut g = Generator::new(&rs, &mix, opts).map_err(|e| mix_failure(path, &e))?;
    let mut out = BufWriter::with_capacity(1 << 18, io::stdout().lock());
    for _ in 0..args.count {
        let line = g.next_line();
        out.write_all(line.as_bytes())?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// A mix that cannot be used: the file, the key and what is wrong.
fn mix_failure(path: &Path, e: &MixError) -> Failure {
    Failure(msg(
        Lang::Zh,
        "bad_mix",
        &[
            ("path", &display(path)),
            ("key", &e.path),
            ("detail", &e.phrase(Lang::Zh)),
        ],
    ))
}
