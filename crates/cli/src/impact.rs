//! `livegate rules impact OLD NEW --profiles FILE`: every profile whose
//! verdict, path statuses or missing documents change between two
//! rulesets, grouped by the `rules diff` changes that touch it, with the
//! new documents each must prepare.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::ExitCode;

use livegate_core::catalog::{join, msg};
use livegate_core::diff::Change;
use livegate_core::impact::{PathChange, ProfileImpact, compare};
use livegate_core::text::doc_title;
use livegate_core::{Lang, Ruleset, parse_profile};
use serde::Serialize;

use crate::{Failure, Stop, display};

/// A profile line that changes.
#[derive(Serialize)]
struct Changed {
    line: usize,
    profile_id: Option<String>,
    #[serde(flatten)]
    impact: ProfileImpact,
}

#[derive(Serialize)]
struct Group<'a> {
    change: &'a Change,
    count: usize,
    lines: Vec<usize>,
}

#[derive(Serialize)]
struct Summary<'a> {
    profiles: usize,
    bad_lines: usize,
    changed: usize,
    groups: Vec<Group<'a>>,
    unattributed: Vec<usize>,
    profiles_changed: Vec<Changed>,
}

/// Lines read before they are compared, split between the threads.
const CHUNK: usize = 16_384;

/// The rulesets and their changes, shared by the threads.
struct Compare<'a> {
    old: &'a Ruleset,
    new: &'a Ruleset,
    changes: &'a [Change],
}

impl Compare<'_> {
    /// One line: `None` unchanged, `Some(Err)` a bad line.
    fn line(&self, n: usize, line: &str) -> Option<Result<Changed, ()>> {
        let r = parse_profile(line).and_then(|p| {
            compare(self.old, self.new, self.changes, &p, None)
                .map(|c| c.map(|c| (p.id.clone(), c)))
        });
        match r {
            Ok(Some((profile_id, impact))) => Some(Ok(Changed {
                line: n,
                profile_id,
                impact,
            })),
            Ok(None) => None,
            Err(_) => Some(Err(())),
        }
    }

    /// A chunk of numbered lines on `jobs` threads, results in input order.
    fn chunk(&self, lines: &[(usize, String)], jobs: usize) -> Vec<Result<Changed, ()>> {
        let per = lines.len().div_ceil(jobs.max(1)).max(1);
        std::thread::scope(|s| {
            let parts: Vec<_> = lines
                .chunks(per)
                .map(|part| {
                    s.spawn(move || {
                        part.iter()
                            .filter_map(|(n, l)| self.line(*n, l))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            parts
                .into_iter()
                .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                .collect()
        })
    }
}

/// Reads the profiles and compares each on `jobs` threads; bad lines are
/// counted and skipped.
fn scan(
    cmp: &Compare,
    file: &Path,
    jobs: usize,
    lang: Lang,
) -> Result<(usize, usize, Vec<Changed>), Failure> {
    let name = display(file);
    let read_failed = |e: std::io::Error| {
        Failure(msg(
            "read_failed",
            lang,
            &[
                ("path", &name),
                ("reason", &livegate_core::catalog::io_reason(&e, lang)),
            ],
        ))
    };
    let input: Box<dyn BufRead> = if file == Path::new("-") {
        Box::new(BufReader::new(std::io::stdin()))
    } else {
        Box::new(BufReader::new(
            std::fs::File::open(file).map_err(read_failed)?,
        ))
    };
    let (mut profiles, mut bad, mut changed) = (0, 0, Vec::new());
    let mut lines = input.lines().enumerate();
    loop {
        let mut chunk = Vec::with_capacity(CHUNK);
        for (i, line) in lines.by_ref() {
            let line = line.map_err(read_failed)?;
            if !line.trim().is_empty() {
                chunk.push((i + 1, line));
                if chunk.len() == CHUNK {
                    break;
                }
            }
        }
        if chunk.is_empty() {
            return Ok((profiles, bad, changed));
        }
        profiles += chunk.len();
        for r in cmp.chunk(&chunk, jobs) {
            match r {
                Ok(c) => changed.push(c),
                Err(()) => bad += 1,
            }
        }
    }
}

pub fn impact(
    out: &mut impl Write,
    (old, new): (&Ruleset, &Ruleset),
    file: &Path,
    (json, jobs): (bool, usize),
    lang: Lang,
) -> Result<ExitCode, Stop> {
    summarize((old, new), file, jobs, lang, |s| {
        if json {
            serde_json::to_writer_pretty(&mut *out, s)
                .map_err(|e| Stop::from(std::io::Error::from(e)))?;
            writeln!(out)?;
        } else {
            text(out, s, new, lang)?;
        }
        Ok(if s.changed == 0 {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        })
    })?
}

/// The impact as a JSON value, for a report that carries it.
pub fn impact_json(
    rulesets: (&Ruleset, &Ruleset),
    file: &Path,
    jobs: usize,
    lang: Lang,
) -> Result<serde_json::Value, Stop> {
    summarize(rulesets, file, jobs, lang, |s| serde_json::to_value(s))?
        .map_err(|e| Stop::from(std::io::Error::from(e)))
}

/// The profiles of `file` that change between the rulesets, grouped by
/// the changes that touch them, handed to `f`.
fn summarize<T>(
    (old, new): (&Ruleset, &Ruleset),
    file: &Path,
    jobs: usize,
    lang: Lang,
    f: impl FnOnce(&Summary) -> T,
) -> Result<T, Stop> {
    let changes = livegate_core::diff::diff(old, new, lang);
    let cmp = Compare {
        old,
        new,
        changes: &changes,
    };
    let (profiles, bad_lines, changed) = scan(&cmp, file, jobs, lang)?;
    let impacts: Vec<&ProfileImpact> = changed.iter().map(|c| &c.impact).collect();
    let (grouped, other) = livegate_core::impact::group(&changes, &impacts);
    let groups: Vec<Group> = grouped
        .into_iter()
        .map(|(change, hit)| Group {
            change,
            count: hit.len(),
            lines: hit.iter().map(|&k| changed[k].line).collect(),
        })
        .collect();
    let unattributed = other.iter().map(|&k| changed[k].line).collect();
    Ok(f(&Summary {
        profiles,
        bad_lines,
        changed: changed.len(),
        groups,
        unattributed,
        profiles_changed: changed,
    }))
}

/// A path whose status changes, or whose missing documents do.
fn path_change(c: &PathChange, rs: &Ruleset, lang: Lang) -> String {
    let name = rs
        .paths
        .iter()
        .find(|x| x.id == c.id)
        .map_or(c.id.clone(), |x| x.name.get(lang).to_string());
    let st = |s: &str| match s {
        "-" => s.to_string(),
        _ => msg(&format!("status_{s}"), lang, &[]),
    };
    if c.old != c.new {
        return format!("{name} {} → {}", st(&c.old), st(&c.new));
    }
    let (old, new) = (
        c.missing_old.len().to_string(),
        c.missing_new.len().to_string(),
    );
    let vars = [("status", st(&c.new)), ("old", old), ("new", new)];
    let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    format!("{name} {}", msg("impact_missing", lang, &vars))
}

fn text(out: &mut impl Write, s: &Summary, rs: &Ruleset, lang: Lang) -> std::io::Result<()> {
    let n = |v: usize| v.to_string();
    let head = [
        ("profiles", n(s.profiles)),
        ("changed", n(s.changed)),
        ("bad", n(s.bad_lines)),
    ];
    let vars: Vec<(&str, &str)> = head.iter().map(|(k, v)| (*k, v.as_str())).collect();
    writeln!(out, "{}", msg("impact_head", lang, &vars))?;
    for g in &s.groups {
        writeln!(
            out,
            "  · {} — {}",
            g.change.message,
            msg("impact_count", lang, &[("n", &n(g.count))])
        )?;
    }
    if !s.unattributed.is_empty() {
        let c = n(s.unattributed.len());
        writeln!(out, "  · {}", msg("impact_other", lang, &[("n", &c)]))?;
    }
    for p in &s.profiles_changed {
        writeln!(out, "{}", profile_line(p, rs, lang))?;
    }
    Ok(())
}

/// One changed profile in words: its line and id, the verdict and the paths
/// before and after, and what to prepare.
/// One changed profile: what changed of its verdict and paths (a status
/// that stays is said through its count of missing documents), and what
/// it must newly prepare.
fn profile_line(p: &Changed, rs: &Ruleset, lang: Lang) -> String {
    let m = |k: &str| msg(k, lang, &[]);
    let mut parts = Vec::new();
    if p.impact.verdict_old != p.impact.verdict_new {
        parts.push(format!(
            "{} {} → {}",
            m("impact_verdict"),
            m(&format!("verdict_{}", p.impact.verdict_old.as_str())),
            m(&format!("verdict_{}", p.impact.verdict_new.as_str()))
        ));
    }
    for c in &p.impact.paths {
        parts.push(path_change(c, rs, lang));
    }
    if !p.impact.to_prepare.is_empty() {
        let docs: Vec<String> = p
            .impact
            .to_prepare
            .iter()
            .map(|d| {
                rs.documents
                    .iter()
                    .find(|x| &x.id == d)
                    .map_or(d.clone(), |x| doc_title(x.name.get(lang), lang))
            })
            .collect();
        parts.push(format!("{}: {}", m("impact_prepare"), join(&docs, lang)));
    }
    let who = p.profile_id.as_deref().unwrap_or("-");
    let line = msg(
        "impact_line",
        lang,
        &[("line", &p.line.to_string()), ("id", who)],
    );
    format!("  {line} {}", parts.join(&m("list_sep")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use livegate_core::Verdict;

    fn changed(verdict: (Verdict, Verdict), status: (&str, &str)) -> Changed {
        let path = PathChange {
            id: "cloud_live_plugin".into(),
            old: status.0.into(),
            new: status.1.into(),
            missing_old: vec!["a".into(), "b".into()],
            missing_new: vec!["a".into()],
        };
        Changed {
            line: 3,
            profile_id: Some("m-3".into()),
            impact: ProfileImpact {
                verdict_old: verdict.0,
                verdict_new: verdict.1,
                paths: vec![path],
                to_prepare: Vec::new(),
                causes: Vec::new(),
            },
        }
    }

    #[test]
    fn a_line_says_what_changed_and_not_what_stayed() {
        let rs = livegate_core::default_ruleset().expect("the embedded ruleset loads");
        let same = changed(
            (Verdict::NeedsAction, Verdict::NeedsAction),
            ("actionable", "actionable"),
        );
        let line = profile_line(&same, &rs, Lang::En);
        assert!(!line.contains("verdict"), "{line}");
        assert!(line.contains("still"), "{line}");
        assert!(line.contains("missing documents 2 → 1"), "{line}");
        let moved = changed(
            (Verdict::Pending, Verdict::NeedsAction),
            ("pending", "actionable"),
        );
        let line = profile_line(&moved, &rs, Lang::Zh);
        assert!(line.contains("结论"), "{line}");
        assert!(!line.contains("仍为"), "{line}");
    }
}
