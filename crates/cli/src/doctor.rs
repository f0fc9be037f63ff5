//! `livegate doctor`: what `livegate serve` would meet on this machine,
//! checked without starting it or changing anything. Each problem is
//! printed with its fix; the exit code is 1 when there is one.
//!
//! It reads the same flags, variables and file as `serve`; the database is
//! only inspected (a SQLite file is opened read-only, nothing is migrated).

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use livegate_core::Lang;
use livegate_core::catalog::msg;
use livegate_store::Store;

use crate::serve::{Config, ServeArgs, default_db_path};
use crate::{Failure, LangArg, Stop};

/// Free space under the data directory below which doctor warns.
const LOW_SPACE: u64 = 1 << 30;

#[derive(clap::Args)]
pub struct DoctorArgs {
    #[command(flatten)]
    serve: ServeArgs,
    #[arg(long, value_enum, default_value_t = LangArg::Zh)]
    lang: LangArg,
}

/// One check's outcome: fine (what was seen), or a problem and its fix.
enum Outcome {
    Ok(String),
    Warn(String, String),
    Problem(String, String),
}

fn say(lang: Lang, key: &str, vars: &[(&str, &str)]) -> String {
    msg(&format!("doctor_{key}"), lang, vars)
}

pub fn run(args: DoctorArgs) -> Result<ExitCode, Stop> {
    let lang = Lang::from(args.lang);
    let mut results = Vec::new();
    match crate::serve::resolve(&args.serve, &|k| {
        std::env::var(k).ok().filter(|v| !v.is_empty())
    }) {
        Err(Failure(m)) => {
            results.push(Outcome::Problem(m, say(lang, "fix_config", &[])));
        }
        Ok(cfg) => {
            results.push(Outcome::Ok(say(lang, "config_ok", &[])));
            results.push(rules(&cfg, lang));
            results.extend(data_dir(&cfg.data_dir, lang));
            results.push(database(&cfg, lang));
            results.push(listen(&cfg.listen, lang));
            results.push(public_url(cfg.public_url.as_deref(), lang));
        }
    }
    report(&results, lang)
}

fn report(results: &[Outcome], lang: Lang) -> Result<ExitCode, Stop> {
    let mut out = anstream::stdout().lock();
    let mut problems = 0;
    for r in results {
        match r {
            Outcome::Ok(what) => writeln!(out, "✓ {what}")?,
            Outcome::Warn(what, fix) => writeln!(out, "! {what}\n    {fix}")?,
            Outcome::Problem(what, fix) => {
                problems += 1;
                writeln!(out, "✗ {what}\n    {fix}")?;
            }
        }
    }
    let n = problems.to_string();
    match problems {
        0 => writeln!(out, "{}", say(lang, "all_ok", &[]))?,
        _ => writeln!(out, "{}", say(lang, "problems", &[("n", &n)]))?,
    }
    Ok(if problems == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn rules(cfg: &Config, lang: Lang) -> Outcome {
    let Some(path) = &cfg.rules else {
        return Outcome::Ok(say(lang, "rules_embedded", &[]));
    };
    let shown = path.display().to_string();
    let loaded = std::fs::read_to_string(path)
        .map_err(|e| e.to_string())
        .and_then(|text| {
            crate::load_ruleset(&text, &shown, Some(path), &[], None)
                .map(|l| l.ruleset.meta.version.clone())
                .map_err(|e| e.to_string())
        });
    match loaded {
        Ok(version) => Outcome::Ok(say(
            lang,
            "rules_ok",
            &[("path", &shown), ("version", &version)],
        )),
        Err(e) => Outcome::Problem(
            say(lang, "rules_bad", &[("path", &shown), ("reason", &e)]),
            say(lang, "fix_rules", &[("path", &shown)]),
        ),
    }
}

/// The data directory: there (or creatable), writable, not open to other
/// users, with room left.
fn data_dir(dir: &Path, lang: Lang) -> Vec<Outcome> {
    let shown = dir.display().to_string();
    let vars = [("dir", shown.as_str())];
    if !dir.exists() {
        let parent = dir
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        return vec![match writable(parent) {
            Ok(()) => Outcome::Ok(say(lang, "dir_will_be_made", &vars)),
            Err(e) => Outcome::Problem(
                say(lang, "dir_cannot_make", &[("dir", &shown), ("reason", &e)]),
                say(lang, "fix_dir", &vars),
            ),
        }];
    }
    let mut out = vec![match writable(dir) {
        Ok(()) => Outcome::Ok(say(lang, "dir_ok", &vars)),
        Err(e) => Outcome::Problem(
            say(lang, "dir_not_writable", &[("dir", &shown), ("reason", &e)]),
            say(lang, "fix_dir", &vars),
        ),
    }];
    if open_to_others(dir) {
        out.push(Outcome::Warn(
            say(lang, "dir_open", &vars),
            say(lang, "fix_dir_open", &vars),
        ));
    }
    out.extend(free_space(dir, lang));
    out
}

fn writable(dir: &Path) -> Result<(), String> {
    let probe = dir.join(format!(".livegate-doctor-{}", std::process::id()));
    std::fs::write(&probe, b"").map_err(|e| e.to_string())?;
    std::fs::remove_file(&probe).map_err(|e| e.to_string())
}

#[cfg(unix)]
fn open_to_others(dir: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(dir).is_ok_and(|m| m.permissions().mode() & 0o007 != 0)
}

#[cfg(not(unix))]
fn open_to_others(_: &Path) -> bool {
    false
}

fn free_space(dir: &Path, lang: Lang) -> Option<Outcome> {
    let st = rustix::fs::statvfs(dir).ok()?;
    let free = st.f_bavail.saturating_mul(st.f_frsize);
    let mib = (free >> 20).to_string();
    let vars = [("dir", dir.display().to_string()), ("mib", mib)];
    let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    Some(if free < LOW_SPACE {
        Outcome::Problem(say(lang, "space_low", &vars), say(lang, "fix_space", &vars))
    } else {
        Outcome::Ok(say(lang, "space_ok", &vars))
    })
}

fn database(cfg: &Config, lang: Lang) -> Outcome {
    let url = match &cfg.database_url {
        Some(u) => u.clone(),
        None => {
            let path = default_db_path(&cfg.data_dir);
            if !path.exists() {
                let shown = path.display().to_string();
                return Outcome::Ok(say(lang, "db_will_be_made", &[("path", &shown)]));
            }
            format!("sqlite://{}?mode=ro", path.display())
        }
    };
    let inspected = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())
        .and_then(|rt| rt.block_on(Store::inspect(&url)).map_err(|e| e.to_string()));
    let latest = Store::schema_version().to_string();
    match inspected {
        Err(e) => Outcome::Problem(
            say(lang, "db_unreachable", &[("reason", &e)]),
            say(lang, "fix_db", &[]),
        ),
        Ok(Some(v)) if v > Store::schema_version() => Outcome::Problem(
            say(
                lang,
                "db_newer",
                &[("version", &v.to_string()), ("latest", &latest)],
            ),
            say(lang, "fix_db_newer", &[]),
        ),
        Ok(Some(v)) if v == Store::schema_version() => {
            Outcome::Ok(say(lang, "db_current", &[("version", &latest)]))
        }
        Ok(v) => {
            let at = v.map_or_else(|| "0".to_string(), |v| v.to_string());
            Outcome::Ok(say(lang, "db_ok", &[("version", &at), ("latest", &latest)]))
        }
    }
}

fn listen(addr: &str, lang: Lang) -> Outcome {
    match std::net::TcpListener::bind(addr) {
        Ok(_) => Outcome::Ok(say(lang, "listen_ok", &[("addr", addr)])),
        Err(e) => Outcome::Problem(
            say(
                lang,
                "listen_bad",
                &[("addr", addr), ("reason", &e.to_string())],
            ),
            say(lang, "fix_listen", &[]),
        ),
    }
}

fn public_url(url: Option<&str>, lang: Lang) -> Outcome {
    match url {
        None => Outcome::Ok(say(lang, "public_url_none", &[])),
        Some(u) if u.starts_with("https://") => {
            Outcome::Ok(say(lang, "public_url_ok", &[("url", u)]))
        }
        Some(u) => Outcome::Warn(
            say(lang, "public_url_plain", &[("url", u)]),
            say(lang, "fix_public_url", &[]),
        ),
    }
}
