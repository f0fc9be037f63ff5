//! `livegate profile from-wechat`: a mini program's categories as WeChat's
//! open platform returns them (`getcategory`), turned into a profile or
//! merged into one that has the documents.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand};
use livegate_core::catalog::msg;
use livegate_core::wechat::profile_from_getcategory;
use livegate_core::{Lang, parse_profile};

use crate::{Failure, LangArg, Stop, display, read_input};

#[derive(Subcommand)]
pub enum ProfileCommand {
    /// A profile from a `getcategory` response (WeChat's ids, statuses and
    /// review reasons kept), or merged into a base profile.
    FromWechat(FromWechatArgs),
}

#[derive(Args)]
pub struct FromWechatArgs {
    /// The `getcategory` response (JSON); `-` reads standard input.
    #[arg(long, value_name = "FILE")]
    categories: PathBuf,
    /// The subject's WeChat `verify_type` (0 个人, 1 企业, 2 政府, 3 媒体, 4 其他组织).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(0..=4))]
    verify_type: Option<u8>,
    /// A profile to merge into: its subject, documents and the rest are
    /// kept; its categories are WeChat's, plus the planned ones WeChat does
    /// not list yet.
    #[arg(long, value_name = "FILE")]
    profile: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = LangArg::Zh)]
    lang: LangArg,
}

pub fn run(command: ProfileCommand) -> Result<ExitCode, Stop> {
    match command {
        ProfileCommand::FromWechat(a) => from_wechat(a),
    }
}

fn from_wechat(a: FromWechatArgs) -> Result<ExitCode, Stop> {
    let lang = Lang::from(a.lang);
    let invalid = |path: &PathBuf, e: livegate_core::ProfileError| {
        Failure(msg(
            "invalid_profile",
            lang,
            &[("path", &display(path)), ("error", &e.localized(lang))],
        ))
    };
    let base = match &a.profile {
        Some(p) => Some(parse_profile(&read_input(p, lang)?).map_err(|e| invalid(p, e))?),
        None => None,
    };
    let text = read_input(&a.categories, lang)?;
    let mut profile = profile_from_getcategory(&text, a.verify_type, base, lang)
        .map_err(|e| invalid(&a.categories, e))?;
    if let Some(v) = a.verify_type {
        // The profile names the subject type by the ruleset's id, as every
        // other profile does, not by WeChat's number.
        let rs = crate::load_rules_with(None, &[], lang)?;
        let Some(st) = rs.subject_types.iter().find(|s| s.verify_type == Some(v)) else {
            let known: Vec<String> = rs
                .subject_types
                .iter()
                .filter_map(|s| s.verify_type.map(|n| format!("{n} {}", s.name.get(lang))))
                .collect();
            let vars = [("value", v.to_string()), ("expected", known.join(", "))];
            let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
            return Err(Failure(msg("unknown_verify_type", lang, &vars)).into());
        };
        profile.subject.kind = livegate_core::profile::SubjectTypeRef(st.id.clone());
    }
    let mut out = anstream::stdout().lock();
    serde_json::to_writer_pretty(&mut out, &profile)
        .map_err(|e| Stop::from(std::io::Error::from(e)))?;
    writeln!(out)?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

#[derive(Args)]
pub struct ImportArgs {
    /// The `getallcategories` or `getcategoriesbytype` response (JSON); `-` reads standard input.
    file: PathBuf,
    /// The fragment to write (TOML).
    #[arg(short, long, value_name = "FRAGMENT")]
    output: PathBuf,
    /// The ruleset whose documents the names are matched against; the embedded one by default.
    #[arg(long, value_name = "FILE")]
    rules: Option<PathBuf>,
    /// Overwrite an existing fragment.
    #[arg(long)]
    force: bool,
    /// The day the response was read from WeChat, written as each
    /// category's `verified` (default: today in Beijing time).
    #[arg(long, value_name = "DATE")]
    verified: Option<String>,
    #[arg(long, value_enum, default_value_t = LangArg::Zh)]
    lang: LangArg,
}

/// `livegate rules import-wechat`: the catalogue as a fragment, checked to
/// load in the ruleset before it is written, and written whole or not at all.
pub fn import(a: ImportArgs) -> Result<ExitCode, Stop> {
    let lang = Lang::from(a.lang);
    let out_name = display(&a.output);
    if !a.force && a.output.exists() {
        return Err(Failure(msg("fragment_exists", lang, &[("path", &out_name)])).into());
    }
    // The ruleset's text is read once: `--rules -` is standard input.
    let (rules_text, origin) = ruleset_text(a.rules.as_deref(), lang)?;
    let rs = crate::load_ruleset(&rules_text, &origin, a.rules.as_deref(), &[], None)
        .map(|l| l.ruleset)
        .map_err(|e| Failure(format!("{}\n{e}", msg("invalid_ruleset", lang, &[]))))?;
    let probe_name = format!("<{out_name}>");
    let day = crate::parse_as_of(a.verified.as_deref(), lang)?;
    let text = read_input(&a.file, lang)?;
    let from = display(&a.file);
    let imported = livegate_core::wechat_import::import_on(&text, &from, &rs, Some(day));
    let imported = imported.map_err(|e| invalid_catalogue(&from, &e, lang))?;
    let toml = livegate_core::wechat_import::to_toml(&imported.fragment)
        .map_err(|e| Failure(msg("fragment_invalid", lang, &[("error", &e)])))?;
    let ruleset = (rules_text.as_str(), origin.as_str(), a.rules.as_deref());
    check_loads(ruleset, &toml, &probe_name, lang)?;
    write_whole(&a.output, &toml)?;
    let mut err = anstream::stderr().lock();
    for text in &imported.notes_only {
        writeln!(
            err,
            "{}",
            msg("fragment_note_only", lang, &[("text", text)])
        )?;
    }
    let f = &imported.fragment;
    let (cats, docs) = (
        f.categories.len().to_string(),
        f.documents.len().to_string(),
    );
    let args = [
        ("path", out_name.as_str()),
        ("categories", &cats),
        ("documents", &docs),
    ];
    writeln!(err, "{}", msg("fragment_written", lang, &args))?;
    Ok(ExitCode::SUCCESS)
}

/// The fragment must load when the ruleset includes it: a fragment that
/// does not is never written.
fn check_loads(
    (text, origin, rules): (&str, &str, Option<&Path>),
    fragment: &str,
    name: &str,
    lang: Lang,
) -> Result<(), Stop> {
    crate::load_ruleset(text, origin, rules, &[], Some((name, fragment)))
        .map(|_| ())
        .map_err(|e| Failure(msg("fragment_invalid", lang, &[("error", &e.to_string())])).into())
}

/// A catalogue (`getallcategories`, or a copy of the page) that cannot be read.
pub(crate) fn invalid_catalogue(
    from: &str,
    e: &livegate_core::ProfileError,
    lang: Lang,
) -> Failure {
    let error = e.localized(lang);
    Failure(msg(
        "invalid_catalogue",
        lang,
        &[("path", from), ("error", &error)],
    ))
}

/// The ruleset's text and its name: the file given, or the embedded one.
pub(crate) fn ruleset_text(rules: Option<&Path>, lang: Lang) -> Result<(String, String), Failure> {
    Ok(match rules {
        None => (
            livegate_core::DEFAULT_RULESET.to_string(),
            livegate_core::DEFAULT_ORIGIN.to_string(),
        ),
        Some(p) => (read_input(p, lang)?, display(p)),
    })
}

/// Writes `text` to `path` through a temporary file in the same directory,
/// renamed into place: a reader sees the old file or the new one, whole.
fn write_whole(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = std::fs::write(&tmp, text).and_then(|()| std::fs::rename(&tmp, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
