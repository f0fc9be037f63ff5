//! `livegate rules audit --catalogue FILE`: the ruleset's qualifications
//! beside a WeChat catalogue (a `getallcategories` response or a copy of
//! the catalogue page), each category that differs said in words, and with
//! `--profiles` the profiles the catalogue's lists would change, as `rules
//! impact` finds them.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use livegate_core::audit::{AuditState, Catalogue, CategoryAudit, Doc, audit, what_if};
use livegate_core::catalog::{join, msg};
use livegate_core::{Lang, Ruleset};
use serde_json::{Value, json};

use crate::{Failure, Format, LangArg, Stop, display, read_input};

#[derive(Args)]
pub struct AuditArgs {
    /// WeChat's catalogue: a `getallcategories` response (JSON) or a text
    /// copy of the catalogue page; `-` reads standard input.
    #[arg(long, value_name = "FILE")]
    catalogue: PathBuf,
    /// The ruleset to audit; the embedded one by default.
    #[arg(long, value_name = "FILE")]
    rules: Option<PathBuf>,
    /// Profiles (JSON Lines) to check against the catalogue's lists.
    #[arg(long, value_name = "FILE")]
    profiles: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Worker threads for `--profiles` [default: the number of cores].
    #[arg(short, long, value_name = "N")]
    jobs: Option<usize>,
    #[arg(long, value_enum, default_value_t = LangArg::Zh)]
    lang: LangArg,
}

/// WeChat's category catalogue, which a page copy copies.
const CATALOGUE_PAGE: &str = "https://developers.weixin.qq.com/miniprogram/product/material/";

/// Exit 0 when every category the catalogue lists reads as the ruleset has
/// it, 1 when some differs, 2 for bad input.
pub fn run(a: AuditArgs) -> Result<ExitCode, Stop> {
    let lang = Lang::from(a.lang);
    let (text, origin) = crate::wechat::ruleset_text(a.rules.as_deref(), lang)?;
    let invalid = |e: livegate_core::RulesetError| {
        Failure(format!("{}\n{e}", msg("invalid_ruleset", lang, &[])))
    };
    let rules = a.rules.as_deref();
    let rs = crate::load_ruleset(&text, &origin, rules, &[], None)
        .map_err(invalid)?
        .ruleset;
    let from = display(&a.catalogue);
    let cat_text = read_input(&a.catalogue, lang)?;
    let catalogue = Catalogue::read(&cat_text)
        .map_err(|e| crate::wechat::invalid_catalogue(&from, &e, lang))?;
    let audits = audit(&rs, &catalogue);
    let page = match catalogue {
        Catalogue::Response(_) => livegate_core::wechat_import::GETALLCATEGORIES,
        Catalogue::Page(_) => CATALOGUE_PAGE,
    };
    let fragment = what_if(&rs, &audits, (page, &from));
    let impact = match (&a.profiles, &fragment) {
        (Some(p), Some(f)) => {
            let name = "<catalogue lists>";
            let new = crate::load_ruleset(&text, &origin, rules, &[], Some((name, f)))
                .map_err(invalid)?
                .ruleset;
            Some(impact(&rs, &new, p, a.jobs, a.format, lang)?)
        }
        _ => None,
    };
    let mut out = anstream::stdout().lock();
    match a.format {
        Format::Json => {
            let v = as_json(&rs, &audits, &from, impact);
            serde_json::to_writer_pretty(&mut out, &v)
                .map_err(|e| Stop::from(std::io::Error::from(e)))?;
            writeln!(out)?;
        }
        Format::Text => {
            text_report(&mut out, &rs, &audits, &from, lang)?;
            if let Some(Value::String(s)) = impact {
                writeln!(out)?;
                writeln!(out, "{}", msg("audit_impact", lang, &[]))?;
                write!(out, "{s}")?;
            }
        }
    }
    out.flush()?;
    Ok(if fragment.is_some() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// `rules impact` between the ruleset and its copy with the catalogue's
/// lists: its JSON, or its text as one string.
fn impact(
    old: &Ruleset,
    new: &Ruleset,
    profiles: &std::path::Path,
    jobs: Option<usize>,
    format: Format,
    lang: Lang,
) -> Result<Value, Stop> {
    let jobs = jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    if matches!(format, Format::Json) {
        return crate::impact::impact_json((old, new), profiles, jobs, lang);
    }
    let mut buf = Vec::new();
    crate::impact::impact(&mut buf, (old, new), profiles, (false, jobs), lang)?;
    Ok(Value::String(String::from_utf8_lossy(&buf).into_owned()))
}

/// A set of documents in words: 《A》 + 《B》, named in the reader's language.
fn docs_text(rs: &Ruleset, docs: &[Doc], lang: Lang) -> String {
    let names: Vec<String> = docs
        .iter()
        .map(|d| match d {
            Doc::Known(k) => livegate_core::text::doc_title(rs.documents[*k].name.get(lang), lang),
            Doc::New(n) => n.clone(),
        })
        .collect();
    names.join(" + ")
}

fn text_report(
    out: &mut impl Write,
    rs: &Ruleset,
    audits: &[CategoryAudit],
    from: &str,
    lang: Lang,
) -> std::io::Result<()> {
    let count = |s: AuditState| audits.iter().filter(|a| a.state == s).count().to_string();
    let vars = [
        ("ruleset", format!("{} {}", rs.meta.id, rs.meta.version)),
        ("catalogue", from.to_string()),
        ("same", count(AuditState::Same)),
        ("differs", count(AuditState::Differs)),
        ("unlisted", count(AuditState::NotListed)),
    ];
    let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    writeln!(out, "{}", msg("audit_head", lang, &vars))?;
    for a in audits.iter().filter(|a| a.state == AuditState::Differs) {
        differing(out, rs, a, lang)?;
    }
    let unlisted: Vec<String> = audits
        .iter()
        .filter(|a| a.state == AuditState::NotListed)
        .map(|a| rs.categories[a.category].label())
        .collect();
    if !unlisted.is_empty() {
        let list = join(&unlisted, lang);
        writeln!(
            out,
            "{}",
            msg("audit_not_listed", lang, &[("categories", &list)])
        )?;
    }
    Ok(())
}

/// One category whose lists differ: what WeChat lists that the ruleset
/// lacks, and what the ruleset has that WeChat no longer lists.
fn differing(
    out: &mut impl Write,
    rs: &Ruleset,
    a: &CategoryAudit,
    lang: Lang,
) -> std::io::Result<()> {
    let c = &rs.categories[a.category];
    let at = a
        .line
        .map(|l| msg("audit_at_line", lang, &[("line", &l.to_string())]))
        .unwrap_or_default();
    writeln!(out, "≠ {}{at}", c.label())?;
    if a.wechat.is_none() {
        writeln!(out, "    {}", msg("audit_none_asked", lang, &[]))?;
    } else if !c.documents_sourced {
        writeln!(out, "    {}", msg("audit_ruleset_unlisted", lang, &[]))?;
    }
    let sides = [
        ("+", "audit_only_wechat", &a.only_wechat),
        ("-", "audit_only_ruleset", &a.only_ruleset),
    ];
    for (mark, key, sets) in sides {
        for docs in sets {
            let d = docs_text(rs, docs, lang);
            writeln!(out, "    {mark} {}", msg(key, lang, &[("docs", &d)]))?;
        }
    }
    Ok(())
}

fn as_json(rs: &Ruleset, audits: &[CategoryAudit], from: &str, impact: Option<Value>) -> Value {
    let doc = |d: &Doc| match d {
        Doc::Known(k) => json!({"id": rs.documents[*k].id, "name": rs.documents[*k].name.zh}),
        Doc::New(n) => json!({"id": null, "name": n}),
    };
    let sets = |v: &[Vec<Doc>]| -> Vec<Vec<Value>> {
        v.iter().map(|s| s.iter().map(doc).collect()).collect()
    };
    let categories: Vec<Value> = audits
        .iter()
        .map(|a| {
            let c = &rs.categories[a.category];
            json!({
                "id": c.id,
                "category": c.label(),
                "state": match a.state {
                    AuditState::Same => "same",
                    AuditState::Differs => "differs",
                    AuditState::NotListed => "not_listed",
                },
                "line": a.line,
                "only_wechat": sets(&a.only_wechat),
                "only_ruleset": sets(&a.only_ruleset),
            })
        })
        .collect();
    json!({
        "ruleset": {"id": rs.meta.id, "version": rs.meta.version},
        "catalogue": from,
        "categories": categories,
        "impact": impact,
    })
}
