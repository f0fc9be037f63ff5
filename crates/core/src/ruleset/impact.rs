//! What a rule change does to a profile: its decision under the old and the
//! new ruleset, compared on the verdict, every path's status and missing
//! documents, and the `rules diff` changes that touch it.

use std::collections::BTreeSet;

use jiff::civil::Date;
use serde::Serialize;

use crate::decide::{Decision, Note, decide};
use crate::diff::Change;
use crate::l10n::Lang;
use crate::profile::Profile;
use crate::ruleset::Ruleset;
use crate::{ProfileError, Verdict};

/// One path, before and after.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PathChange {
    pub id: String,
    pub old: String,
    pub new: String,
    pub missing_old: Vec<String>,
    pub missing_new: Vec<String>,
}

/// A profile whose answer changes.
#[derive(Debug, Clone, Serialize)]
pub struct ProfileImpact {
    pub verdict_old: Verdict,
    pub verdict_new: Verdict,
    /// The paths whose status or missing documents change.
    pub paths: Vec<PathChange>,
    /// Documents the new ruleset asks for on some path that the old did not.
    pub to_prepare: Vec<String>,
    /// Indexes into the `rules diff` changes that touch the profile.
    pub causes: Vec<usize>,
}

/// Each path's (id, status, missing document ids) in a decision.
fn paths_of(rs: &Ruleset, d: &Decision) -> Vec<(String, String, Vec<String>)> {
    rs.paths
        .iter()
        .zip(&d.paths)
        .map(|(p, pd)| {
            let missing = pd
                .missing
                .iter()
                .map(|&m| rs.documents[m].id.clone())
                .collect();
            (p.id.clone(), pd.status.as_str().to_string(), missing)
        })
        .collect()
}

/// The ids of what a decision involves: categories its paths name, rules
/// that fired, documents missing or held.
fn involved(rs: &Ruleset, d: &Decision, out: &mut BTreeSet<(&'static str, String)>) {
    for pd in &d.paths {
        for q in &pd.requirements {
            for c in q.category.iter().chain(&q.options) {
                out.insert(("category", rs.categories[*c].id.clone()));
            }
        }
        for &m in &pd.missing {
            out.insert(("document", rs.documents[m].id.clone()));
        }
    }
    for n in &d.notes {
        if let Note::Rule { rule, .. } = n {
            out.insert(("rule", rs.rules[*rule].id.clone()));
        }
    }
    for a in 0..rs.atoms.len() {
        if d.held.contains(a) {
            out.insert(("document", rs.documents[rs.atoms[a].doc].id.clone()));
        }
    }
}

/// Whether a `rules diff` change touches what a profile involves.
fn touches(
    change: &Change,
    seen: &BTreeSet<(&'static str, String)>,
    rulesets: [&Ruleset; 2],
) -> bool {
    let has = |area: &'static str, id: &str| seen.contains(&(area, id.to_string()));
    match change.area.as_str() {
        "category" | "rule" | "document" => {
            let area = match change.area.as_str() {
                "category" => "category",
                "rule" => "rule",
                _ => "document",
            };
            has(area, &change.id)
        }
        // An alternative is known by its id within its category.
        "alternative" => rulesets.iter().any(|rs| {
            rs.categories
                .iter()
                .filter(|c| c.alternatives.iter().any(|a| a.id == change.id))
                .any(|c| has("category", &c.id))
        }),
        _ => false,
    }
}

/// The profile's decision under both rulesets; `None` when nothing the
/// comparison reads changes.
pub fn compare(
    old: &Ruleset,
    new: &Ruleset,
    changes: &[Change],
    p: &Profile,
    as_of: Option<Date>,
) -> Result<Option<ProfileImpact>, ProfileError> {
    let (a, b) = (
        decide(old, p, as_of, Lang::En)?,
        decide(new, p, as_of, Lang::En)?,
    );
    let (pa, pb) = (paths_of(old, &a), paths_of(new, &b));
    let mut paths = Vec::new();
    let mut to_prepare = BTreeSet::new();
    for (id, status, missing) in &pb {
        let before = pa.iter().find(|x| &x.0 == id);
        let (old_status, old_missing) = before.map_or(("-", &[][..]), |x| (x.1.as_str(), &x.2[..]));
        to_prepare.extend(missing.iter().filter(|m| !old_missing.contains(m)).cloned());
        if old_status != status || old_missing != &missing[..] {
            paths.push(PathChange {
                id: id.clone(),
                old: old_status.to_string(),
                new: status.clone(),
                missing_old: old_missing.to_vec(),
                missing_new: missing.clone(),
            });
        }
    }
    if a.verdict == b.verdict && paths.is_empty() {
        return Ok(None);
    }
    let mut seen = BTreeSet::new();
    involved(old, &a, &mut seen);
    involved(new, &b, &mut seen);
    let causes = (0..changes.len())
        .filter(|&i| touches(&changes[i], &seen, [old, new]))
        .collect();
    Ok(Some(ProfileImpact {
        verdict_old: a.verdict,
        verdict_new: b.verdict,
        paths,
        to_prepare: to_prepare.into_iter().collect(),
        causes,
    }))
}

/// The changed profiles under each `rules diff` change that touches them
/// (indexes into `impacts`), and those no change was traced to.
pub fn group<'a>(
    changes: &'a [Change],
    impacts: &[&ProfileImpact],
) -> (Vec<(&'a Change, Vec<usize>)>, Vec<usize>) {
    let groups = changes
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let hit = (0..impacts.len())
                .filter(|&k| impacts[k].causes.contains(&i))
                .collect();
            (c, hit)
        })
        .filter(|(_, hit): &(_, Vec<usize>)| !hit.is_empty())
        .collect();
    let unattributed = (0..impacts.len())
        .filter(|&k| impacts[k].causes.is_empty())
        .collect();
    (groups, unattributed)
}
