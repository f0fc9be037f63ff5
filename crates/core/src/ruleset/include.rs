//! Fragments a ruleset includes (`[ruleset] include = [...]`): their
//! documents and categories join the ruleset's, the ruleset's own winning
//! where both define a category, and the lint reports where a fragment's
//! qualification differs from the curated one.

use std::collections::{BTreeSet, HashMap};

use crate::compile::{Cx, Part};
use crate::raw::{RawCategory, RawExpr, RawFragment, RawGroup, RawRuleset};
use crate::ruleset::normalize;

/// The included files' texts, by the path the ruleset writes. A file that
/// cannot be read is an error at its `include` entry.
pub(crate) fn read_all(
    cx: &mut Cx,
    raw: &RawRuleset,
    read: &mut dyn FnMut(&str) -> Result<String, String>,
) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (i, inc) in raw.ruleset.include.iter().enumerate() {
        let name = inc.get_ref();
        if out.iter().any(|(n, _)| n == name) {
            cx.error(
                inc.span(),
                format!("ruleset.include[{i}]"),
                format!("`{name}` is included twice"),
            );
            continue;
        }
        match read(name) {
            Ok(text) => out.push((name.clone(), text)),
            Err(e) => cx.error(inc.span(), format!("ruleset.include[{i}]"), e),
        }
    }
    out
}

/// Each text parsed as a fragment; a TOML error is located in its file.
pub(crate) fn parse_all<'a>(
    cx: &mut Cx<'a>,
    texts: &'a [(String, String)],
) -> Vec<(&'a str, &'a str, RawFragment)> {
    let mut out = Vec::new();
    for (name, text) in texts {
        cx.enter_file(name, text);
        match toml::from_str::<RawFragment>(text) {
            Ok(f) => out.push((name.as_str(), text.as_str(), f)),
            Err(e) => cx.toml_error(&e),
        }
    }
    cx.leave();
    out
}

/// Appends each fragment's documents and categories to the ruleset's,
/// except those the ruleset (or an earlier fragment) already defines. A
/// category both define keeps the ruleset's qualification, takes WeChat's
/// ids from the fragment if it has none, and is linted for differences.
pub(crate) fn merge<'a>(
    cx: &mut Cx<'a>,
    raw: &mut RawRuleset,
    fragments: Vec<(&'a str, &'a str, RawFragment)>,
) {
    for (file, text, f) in fragments {
        cx.enter_file(file, text);
        let src = &f.fragment.source;
        cx.source(Some(src), src.span(), "fragment.source");
        cx.leave();
        let docs_start = raw.documents.len();
        let cats_start = raw.categories.len();
        for d in f.documents {
            if !raw
                .documents
                .iter()
                .any(|o| o.id.get_ref() == d.id.get_ref())
            {
                raw.documents.push(d);
            }
        }
        let mut differences = Vec::new();
        let replaces = f.fragment.replaces;
        for c in f.categories {
            match same_category(&raw.categories[..cats_start], &c) {
                Some(k) if replaces => replace_qualification(&mut raw.categories[k], c),
                Some(k) => {
                    let curated = &mut raw.categories[k];
                    curated.wechat_id = curated.wechat_id.or(c.wechat_id);
                    curated.wechat_first = curated.wechat_first.or(c.wechat_first);
                    differences.push((k, c));
                }
                None if same_category(&raw.categories[cats_start..], &c).is_some() => {}
                None => raw.categories.push(c),
            }
        }
        cx.parts.push(Part {
            file: file.to_string(),
            text,
            documents: docs_start..raw.documents.len(),
            categories: cats_start..raw.categories.len(),
        });
        for (k, c) in differences {
            lint_difference(cx, raw, file, k, &c);
        }
    }
}

/// A category's qualification as a replacing fragment says it: the
/// alternatives it drops taken away, its own added, or none at all.
fn replace_qualification(curated: &mut RawCategory, c: RawCategory) {
    let drop: Vec<&String> = c.drop_alternatives.iter().map(|d| d.get_ref()).collect();
    curated
        .alternatives
        .retain(|a| !drop.contains(&a.id.get_ref()));
    if c.no_qualification.as_ref().is_some_and(|b| *b.get_ref()) {
        curated.alternatives.clear();
        curated.documents_unsourced = None;
        curated.no_qualification = c.no_qualification;
        return;
    }
    if !c.alternatives.is_empty() {
        curated.documents_unsourced = None;
        curated.no_qualification = None;
    }
    curated.alternatives.extend(c.alternatives);
}

/// The category of `list` that `c` names: by WeChat id, label or alias.
fn same_category(list: &[RawCategory], c: &RawCategory) -> Option<usize> {
    let label = normalize(&format!("{}/{}", c.first.get_ref(), c.second.get_ref()));
    list.iter().position(|o| {
        (o.wechat_id.is_some() && o.wechat_id == c.wechat_id)
            || normalize(&format!("{}/{}", o.first.get_ref(), o.second.get_ref())) == label
            || o.aliases.iter().any(|a| normalize(a.get_ref()) == label)
    })
}

/// A warning at the curated category when the fragment's qualification
/// asks for other documents than the curated one.
fn lint_difference(cx: &mut Cx, raw: &RawRuleset, file: &str, k: usize, frag: &RawCategory) {
    let curated = &raw.categories[k];
    if frag.documents_unsourced.is_some() || curated.documents_unsourced.is_some() {
        return;
    }
    let groups: HashMap<&str, &RawGroup> = raw
        .groups
        .iter()
        .map(|g| (g.id.get_ref().as_str(), g))
        .collect();
    let names: HashMap<&str, &str> = raw
        .documents
        .iter()
        .map(|d| (d.id.get_ref().as_str(), d.name.get_ref().zh.as_str()))
        .collect();
    let ours = qualification(curated, &groups);
    let theirs = qualification(frag, &groups);
    if ours == theirs {
        return;
    }
    let show = |q: &BTreeSet<BTreeSet<String>>| {
        let alts: Vec<String> = q
            .iter()
            .map(|a| {
                let docs: Vec<String> = a
                    .iter()
                    .map(|d| format!("《{}》", names.get(d.as_str()).copied().unwrap_or(d)))
                    .collect();
                docs.join(" + ")
            })
            .collect();
        if alts.is_empty() {
            "none".to_string()
        } else {
            alts.join(" | ")
        }
    };
    cx.warn(
        curated.id.span(),
        format!("categories[{k}]"),
        format!(
            "{}/{}: the curated qualification ({}) differs from `{file}` ({}); the curated one is used",
            curated.first.get_ref(),
            curated.second.get_ref(),
            show(&ours),
            show(&theirs),
        ),
    );
}

/// Per alternative, the documents it names (required or not, any branch):
/// enough to see that two qualifications ask for different papers.
fn qualification(c: &RawCategory, groups: &HashMap<&str, &RawGroup>) -> BTreeSet<BTreeSet<String>> {
    c.alternatives
        .iter()
        .map(|a| {
            let mut docs = BTreeSet::new();
            for e in a.all_of.iter().chain(a.any_of.iter()).flatten() {
                collect_docs(e.get_ref(), groups, &mut docs, 0);
            }
            docs
        })
        .collect()
}

fn collect_docs(
    e: &RawExpr,
    groups: &HashMap<&str, &RawGroup>,
    out: &mut BTreeSet<String>,
    depth: usize,
) {
    if depth > 32 {
        return; // a group cycle: the compiler reports it
    }
    if let Some(d) = &e.doc {
        out.insert(d.get_ref().clone());
    }
    let group = e
        .group
        .as_ref()
        .and_then(|g| groups.get(g.get_ref().as_str()))
        .map(|g| g.all_of.iter().chain(g.any_of.iter()).flatten());
    let nested = e.all_of.iter().chain(e.any_of.iter()).flatten();
    for x in nested.chain(group.into_iter().flatten()) {
        collect_docs(x.get_ref(), groups, out, depth + 1);
    }
}
