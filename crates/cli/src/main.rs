//! `livegate` (直播准入): can this WeChat mini program go live, through which
//! access path, and what is still missing?
//!
//! Exit codes: 0 eligible (or success), 1 not (yet) eligible, 2 bad input or usage.

mod audit;
mod backup;
mod batch;
mod doctor;
mod impact;
mod plan;
mod render;
mod ruletools;
mod serve;
mod show;
mod wechat;

use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use livegate_core::catalog::msg;
use livegate_core::doc;
use livegate_core::{Lang, Options, Ruleset, Verdict};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "livegate",
    version,
    about = "直播准入 · Can a WeChat mini program go live, through which access path, and what is still missing?",
    after_help = "Exit codes: 0 eligible, 1 not (yet) eligible, 2 bad input or usage."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// How to evaluate one profile: the language, the ruleset and the date.
#[derive(clap::Args)]
struct EvalArgs {
    #[arg(long, value_enum, default_value_t = LangArg::Zh)]
    lang: LangArg,
    /// A ruleset file instead of the embedded one.
    #[arg(long, value_name = "FILE")]
    rules: Option<PathBuf>,
    /// A ruleset fragment to include too, such as a WeChat catalogue from
    /// `rules import-wechat`; repeatable.
    #[arg(long, value_name = "FRAGMENT")]
    include: Vec<PathBuf>,
    /// The evaluation date when the profile gives no `as_of` (default: today in Beijing time).
    #[arg(long, value_name = "YYYY-MM-DD")]
    as_of: Option<String>,
}

#[derive(Subcommand)]
enum Command {
    /// Check one profile (JSON) against the ruleset.
    Check {
        /// The profile file; `-` reads standard input.
        profile: PathBuf,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        #[command(flatten)]
        eval: EvalArgs,
    },
    /// The plan of one profile, in order; `--wechat` prints WeChat's addcategory request body.
    Plan(plan::PlanArgs),
    /// Check many profiles (JSON Lines or CSV), streamed: one record a line, in input order.
    Batch(batch::BatchArgs),
    /// Generate realistic profiles (JSON Lines) for benchmarks and tests, reproducibly.
    Gen(batch::GenArgs),
    /// Ruleset tools.
    Rules {
        #[command(subcommand)]
        command: RulesCommand,
    },
    /// Run the HTTP API (SQLite in ./livegate-data by default, or PostgreSQL).
    #[cfg(feature = "serve")]
    Serve(serve::ServeArgs),
    /// Check what `serve` would meet here (configuration, ruleset, data
    /// directory, disk space, database, listen address) without starting
    /// it or changing anything; each problem with its fix.
    Doctor(doctor::DoctorArgs),
    /// Tenants and tokens of the service.
    Admin {
        #[command(subcommand)]
        command: serve::AdminCommand,
    },
    /// List documents that expire within a window, from the service's database.
    Expiring(serve::ExpiringArgs),
    /// Profiles from WeChat's own formats.
    Profile {
        #[command(subcommand)]
        command: wechat::ProfileCommand,
    },
}

#[derive(Subcommand)]
enum RulesCommand {
    /// Validate a ruleset: errors and warnings with file, line and key,
    /// and every category whose qualification was not checked against its
    /// source in the last 180 days.
    Lint {
        /// The ruleset file; `-` reads standard input.
        file: PathBuf,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        #[arg(long, value_enum, default_value_t = LangArg::Zh)]
        lang: LangArg,
        /// The day to measure staleness from (default: today in Beijing time).
        #[arg(long, value_name = "DATE")]
        as_of: Option<String>,
    },
    /// Run the test cases a ruleset carries (`[[tests]]`): the embedded one by default.
    Test {
        /// The ruleset file; `-` reads standard input.
        file: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        #[arg(long, value_enum, default_value_t = LangArg::Zh)]
        lang: LangArg,
    },
    /// Render the catalogue as the tables of WeChat's and Tencent's documentation.
    Render {
        #[arg(long, value_enum, default_value_t = DocFormat::Markdown)]
        format: DocFormat,
        #[arg(long, value_enum, default_value_t = LangArg::Zh)]
        lang: LangArg,
        /// A ruleset file instead of the embedded one.
        #[arg(long, value_name = "FILE")]
        rules: Option<PathBuf>,
    },
    /// What changed between two rulesets, in words.
    Diff {
        old: PathBuf,
        new: PathBuf,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        #[arg(long, value_enum, default_value_t = LangArg::Zh)]
        lang: LangArg,
    },
    /// Every profile whose verdict, path statuses or missing documents
    /// change between two rulesets, grouped by the change that touches it.
    Impact {
        old: PathBuf,
        new: PathBuf,
        /// The profiles, JSON Lines; `-` reads standard input. Bad lines are counted and skipped.
        #[arg(long, value_name = "FILE")]
        profiles: PathBuf,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Worker threads [default: the number of cores].
        #[arg(short, long, value_name = "N")]
        jobs: Option<usize>,
        #[arg(long, value_enum, default_value_t = LangArg::Zh)]
        lang: LangArg,
    },
    /// A ruleset fragment from WeChat's category catalogue (a getallcategories
    /// or getcategoriesbytype response), to `include` from a ruleset.
    ImportWechat(wechat::ImportArgs),
    /// Compare the ruleset's qualifications with WeChat's catalogue (a
    /// getallcategories response or a copy of the catalogue page): each
    /// category whose lists differ, and the profiles that would change.
    Audit(audit::AuditArgs),
    /// Print the catalogue: paths, categories, alternatives and their documents.
    Show {
        #[arg(long, value_enum, default_value_t = LangArg::Zh)]
        lang: LangArg,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// A ruleset file instead of the embedded one.
        #[arg(long, value_name = "FILE")]
        rules: Option<PathBuf>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum DocFormat {
    Markdown,
    Html,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum LangArg {
    Zh,
    En,
}

impl From<LangArg> for Lang {
    fn from(l: LangArg) -> Lang {
        match l {
            LangArg::Zh => Lang::Zh,
            LangArg::En => Lang::En,
        }
    }
}

/// A failure the user can act on: printed as one message, exit code 2.
struct Failure(String);

enum Stop {
    Fail(Failure),
    Closed,
}

impl From<Failure> for Stop {
    fn from(f: Failure) -> Stop {
        Stop::Fail(f)
    }
}

impl From<io::Error> for Stop {
    fn from(e: io::Error) -> Stop {
        if e.kind() == io::ErrorKind::BrokenPipe {
            Stop::Closed
        } else {
            Stop::Fail(Failure(e.to_string()))
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(Stop::Closed) => ExitCode::SUCCESS,
        Err(Stop::Fail(Failure(m))) => {
            let lang = asked_lang();
            let _ = writeln!(
                anstream::stderr(),
                "livegate: {}: {m}",
                msg("error", lang, &[])
            );
            ExitCode::from(2)
        }
    }
}

/// The language the command line asked for (`--lang en` or `--lang=en`),
/// for a failure reported after the command's own arguments are gone.
fn asked_lang() -> Lang {
    let args: Vec<String> = std::env::args().collect();
    let en = args.windows(2).any(|w| w[0] == "--lang" && w[1] == "en")
        || args.iter().any(|a| a == "--lang=en");
    if en { Lang::En } else { Lang::Zh }
}

/// Runs the command asked for.
fn run(cli: Cli) -> Result<ExitCode, Stop> {
    match cli.command {
        Command::Batch(args) => batch::batch(args),
        Command::Gen(args) => batch::generate(args),
        #[cfg(feature = "serve")]
        Command::Serve(args) => Ok(serve::serve(args)?),
        Command::Doctor(args) => doctor::run(args),
        Command::Admin { command } => Ok(serve::admin(command)?),
        Command::Expiring(args) => Ok(serve::expiring(args)?),
        Command::Profile { command } => wechat::run(command),
        Command::Plan(args) => plan::plan(args),
        Command::Check {
            profile,
            format,
            eval,
        } => check(&profile, format, eval),
        Command::Rules { command } => rules(command),
    }
}

/// Runs a `rules …` command.
fn rules(command: RulesCommand) -> Result<ExitCode, Stop> {
    match command {
        RulesCommand::Lint {
            file,
            format,
            lang,
            as_of,
        } => lint(&file, format, lang.into(), as_of.as_deref()),
        RulesCommand::Test { file, format, lang } => {
            rules_test(file.as_deref(), format, lang.into())
        }
        RulesCommand::Render {
            format,
            lang,
            rules,
        } => rules_render(rules.as_deref(), format, lang.into()),
        RulesCommand::Diff {
            old,
            new,
            format,
            lang,
        } => rules_diff(&old, &new, format, lang.into()),
        RulesCommand::Impact {
            old,
            new,
            profiles,
            format,
            jobs,
            lang,
        } => rules_impact(&old, &new, &profiles, (format, jobs), lang.into()),
        RulesCommand::ImportWechat(a) => wechat::import(a),
        RulesCommand::Audit(a) => audit::run(a),
        RulesCommand::Show {
            lang,
            format,
            rules,
        } => rules_show(rules.as_deref(), format, lang.into()),
    }
}

/// `livegate check`: evaluates one profile and prints its report.
fn check(profile: &Path, format: Format, eval: EvalArgs) -> Result<ExitCode, Stop> {
    let EvalArgs {
        lang,
        rules,
        include,
        as_of,
    } = eval;
    let lang = Lang::from(lang);
    let as_of = parse_as_of(as_of.as_deref(), lang)?;
    let rs = load_rules_with(rules.as_deref(), &include, lang)?;
    let text = read_input(profile, lang)?;
    let opts = Options {
        lang,
        as_of: Some(as_of),
    };
    let report = livegate_core::evaluate_text(&rs, &text, &opts).map_err(|e| {
        if matches!(format, Format::Json) {
            print_error_json(&e, lang);
        }
        Failure(msg(
            "invalid_profile",
            lang,
            &[("path", &display(profile)), ("error", &e.localized(lang))],
        ))
    })?;
    let mut out = anstream::stdout().lock();
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, &report)
                .map_err(|e| Stop::from(io::Error::from(e)))?;
            writeln!(out)?;
        }
        Format::Text => render::report(&mut out, &report, lang)?,
    }
    out.flush()?;
    Ok(if report.verdict == Verdict::Eligible {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// `rules test`: runs the test cases of a ruleset, the embedded one by default.
fn rules_test(file: Option<&Path>, format: Format, lang: Lang) -> Result<ExitCode, Stop> {
    let (rs, origin) = match file {
        Some(f) => (load_rules(Some(f), lang)?, display(f)),
        None => (
            load_rules(None, lang)?,
            livegate_core::DEFAULT_ORIGIN.to_string(),
        ),
    };
    let mut out = anstream::stdout().lock();
    let ok = ruletools::test(&mut out, &rs, &origin, matches!(format, Format::Json), lang)?;
    out.flush()?;
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// `rules render`: the catalogue as Markdown or HTML documentation.
fn rules_render(rules: Option<&Path>, format: DocFormat, lang: Lang) -> Result<ExitCode, Stop> {
    let rs = load_rules(rules, lang)?;
    let text = match format {
        DocFormat::Markdown => doc::markdown(&rs, lang),
        DocFormat::Html => doc::html(&rs, lang),
    };
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// `rules diff`: what changed between two rulesets; exit 1 when anything did.
fn rules_diff(old: &Path, new: &Path, format: Format, lang: Lang) -> Result<ExitCode, Stop> {
    let (a, b) = (load_rules(Some(old), lang)?, load_rules(Some(new), lang)?);
    let changes = livegate_core::diff::diff(&a, &b, lang);
    let mut out = anstream::stdout().lock();
    ruletools::print_diff(&mut out, &changes, matches!(format, Format::Json), lang)?;
    out.flush()?;
    Ok(if changes.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// `rules impact`: the profiles whose outcome changes between two rulesets,
/// with `(format, jobs)` saying how to print and how many threads to use
/// (default: the number of cores).
fn rules_impact(
    old: &Path,
    new: &Path,
    profiles: &Path,
    (format, jobs): (Format, Option<usize>),
    lang: Lang,
) -> Result<ExitCode, Stop> {
    let jobs = jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let json = matches!(format, Format::Json);
    let (a, b) = (load_rules(Some(old), lang)?, load_rules(Some(new), lang)?);
    let mut out = anstream::stdout().lock();
    let code = impact::impact(&mut out, (&a, &b), profiles, (json, jobs), lang)?;
    out.flush()?;
    Ok(code)
}

/// `rules show`: the catalogue as tables, or as JSON.
fn rules_show(rules: Option<&Path>, format: Format, lang: Lang) -> Result<ExitCode, Stop> {
    let rs = load_rules(rules, lang)?;
    let mut out = anstream::stdout().lock();
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, &rs.catalogue())
                .map_err(|e| Stop::from(io::Error::from(e)))?;
            writeln!(out)?;
        }
        Format::Text => show::catalogue(&mut out, &rs, lang)?,
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// The `--as-of` date, or today in Beijing time.
pub(crate) fn parse_as_of(value: Option<&str>, lang: Lang) -> Result<jiff::civil::Date, Failure> {
    match value {
        Some(d) => livegate_core::dates::parse_trimmed(d)
            .ok_or_else(|| Failure(msg("invalid_date", lang, &[("value", d)]))),
        None => Ok(livegate_core::dates::today()),
    }
}

fn display(p: &Path) -> String {
    if p == Path::new("-") {
        "<stdin>".to_string()
    } else {
        p.display().to_string()
    }
}

/// Reads a file, or standard input for `-`, as UTF-8 text.
pub(crate) fn read_input(path: &Path, lang: Lang) -> Result<String, Failure> {
    let name = display(path);
    let mut bytes = Vec::new();
    let res = if path == Path::new("-") {
        io::stdin().lock().read_to_end(&mut bytes).map(|_| ())
    } else {
        std::fs::read(path).map(|b| bytes = b)
    };
    res.map_err(|e| {
        Failure(msg(
            "read_failed",
            lang,
            &[
                ("path", &name),
                ("reason", &livegate_core::catalog::io_reason(&e, lang)),
            ],
        ))
    })?;
    String::from_utf8(bytes).map_err(|_| Failure(msg("not_utf8", lang, &[("path", &name)])))
}

fn load_rules(path: Option<&Path>, lang: Lang) -> Result<Ruleset, Failure> {
    load_rules_with(path, &[], lang)
}

/// The ruleset (the embedded one when `path` is `None`) with the fragments
/// it includes and `extra` ones.
pub(crate) fn load_rules_with(
    path: Option<&Path>,
    extra: &[PathBuf],
    lang: Lang,
) -> Result<Ruleset, Failure> {
    let (text, origin) = match path {
        None => (
            livegate_core::DEFAULT_RULESET.to_string(),
            livegate_core::DEFAULT_ORIGIN.to_string(),
        ),
        Some(p) => (read_input(p, lang)?, display(p)),
    };
    let extra: Vec<String> = extra.iter().map(|p| display(p)).collect();
    load_ruleset(&text, &origin, path, &extra, None)
        .map(|l| l.ruleset)
        .map_err(|e| Failure(format!("{}\n{e}", msg("invalid_ruleset", lang, &[]))))
}

/// With `--format json`, an invalid profile is also a JSON object on
/// stdout, with the fields `batch` and the service give:
/// `{"error": {"fault", "path", "line", "column", "message", "suggestion"}}`.
fn print_error_json(e: &livegate_core::ProfileError, lang: Lang) {
    let v = serde_json::json!({"error": {
        "fault": e.kind.as_str(),
        "path": e.path,
        "line": e.line,
        "column": e.column,
        "message": e.phrase(lang),
        "suggestion": e.suggestion,
    }});
    let mut out = io::stdout().lock();
    let _ = writeln!(out, "{v}");
}

/// Loads a ruleset's text, reading the fragments it includes relative to
/// its file (to the current directory for standard input or the embedded
/// one), then the `extra` ones as given. `made` is a fragment not yet
/// written: its name and text.
pub(crate) fn load_ruleset(
    text: &str,
    origin: &str,
    path: Option<&Path>,
    extra: &[String],
    made: Option<(&str, &str)>,
) -> Result<livegate_core::Loaded, livegate_core::RulesetError> {
    let base = path
        .filter(|p| *p != Path::new("-"))
        .and_then(Path::parent)
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let mut read = |name: &str| {
        if let Some((_, t)) = made.filter(|(n, _)| *n == name) {
            return Ok(t.to_string());
        }
        let p = if extra.iter().any(|e| e == name) {
            PathBuf::from(name)
        } else {
            base.join(name)
        };
        std::fs::read_to_string(&p)
            .map_err(|e| format!("cannot read the included fragment {}: {e}", p.display()))
    };
    let mut all: Vec<String> = extra.to_vec();
    all.extend(made.map(|(n, _)| n.to_string()));
    livegate_core::compile::load_including(text, origin, &mut read, &all)
}

fn lint(file: &Path, format: Format, lang: Lang, as_of: Option<&str>) -> Result<ExitCode, Stop> {
    let today = parse_as_of(as_of, lang)?;
    let text = read_input(file, lang)?;
    let origin = display(file);
    let result = load_ruleset(&text, &origin, Some(file), &[], None);
    let mut out = anstream::stdout().lock();
    let (ok, diagnostics) = match &result {
        Ok(l) => {
            let mut all = l.warnings.clone();
            all.extend(l.staleness(today, livegate_core::STALE_AFTER_DAYS));
            (true, all)
        }
        Err(e) => (false, e.diagnostics.clone()),
    };
    match format {
        Format::Json => {
            let v = serde_json::json!({
                "file": origin,
                "valid": ok,
                "diagnostics": diagnostics,
            });
            serde_json::to_writer_pretty(&mut out, &v)
                .map_err(|e| Stop::from(io::Error::from(e)))?;
            writeln!(out)?;
        }
        Format::Text => {
            for d in &diagnostics {
                writeln!(out, "{}", d.display(&origin))?;
            }
            let errors = diagnostics
                .iter()
                .filter(|d| d.level == livegate_core::Level::Error)
                .count();
            let warnings = diagnostics.len() - errors;
            let line = match &result {
                Ok(l) => msg(
                    "lint_ok",
                    lang,
                    &[
                        ("origin", &origin),
                        ("version", &l.ruleset.meta.version),
                        ("categories", &l.ruleset.categories.len().to_string()),
                        ("paths", &l.ruleset.paths.len().to_string()),
                        ("documents", &l.ruleset.documents.len().to_string()),
                        ("warnings", &warnings.to_string()),
                    ],
                ),
                Err(_) => msg(
                    "lint_failed",
                    lang,
                    &[
                        ("origin", &origin),
                        ("errors", &errors.to_string()),
                        ("warnings", &warnings.to_string()),
                    ],
                ),
            };
            writeln!(out, "{line}")?;
        }
    }
    out.flush()?;
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}
