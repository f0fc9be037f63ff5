//! `livegate rules audit`: the curated qualifications beside a WeChat
//! category catalogue, either a `getallcategories` response or a copy of
//! the catalogue page ([`page`]). For each category of the ruleset the
//! catalogue lists, the alternatives are compared as sets of documents (a
//! name the ruleset does not know is a document of its own); where they
//! differ, [`what_if`] writes a fragment that puts the catalogue's lists in
//! place of the ruleset's, so that `rules impact` can say which profiles
//! the difference would change.
//!
//! Matching a catalogue's wording to the ruleset's documents is livegate's
//! own reading: names and aliases first, then a name within the category's
//! own documents that contains, or is contained in, the catalogue's words.

pub mod page;

use std::collections::BTreeSet;

use crate::err::ProfileError;
use crate::normalize::normalize;
use crate::ruleset::{Category, Ruleset};
use crate::wechat_import::{ResponseRow, response_rows};

/// A qualification as a catalogue writes it: names, all of, any of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Req {
    Name(String),
    All(Vec<Req>),
    Any(Vec<Req>),
}

/// A catalogue to compare with.
pub enum Catalogue {
    /// A `getallcategories` (or `getcategoriesbytype`) response.
    Response(Vec<ResponseRow>),
    /// A copy of the catalogue page, its tables read.
    Page(page::Page),
}

impl Catalogue {
    /// A response when the text is JSON, a page copy otherwise.
    pub fn read(text: &str) -> Result<Catalogue, ProfileError> {
        if text.trim_start().starts_with('{') {
            return response_rows(text).map(Catalogue::Response);
        }
        let Some(page) = page::Page::read(text) else {
            return Err(ProfileError {
                kind: crate::err::ErrorKind::Shape,
                path: String::new(),
                line: None,
                column: None,
                message: "neither a getallcategories response (JSON) nor a copy of the catalogue page: no table begins with the line 二级分类 三级分类 资质要求 类目适用范围 备注".into(),
                suggestion: None,
            });
        };
        Ok(Catalogue::Page(page))
    }

    /// The row of a category, under any of its names: its line on a page,
    /// and its alternatives (`None`: WeChat asks for nothing).
    fn row(&self, rs: &Ruleset, c: &Category) -> Option<(Option<usize>, Option<Vec<Req>>)> {
        let (firsts, seconds) = names(rs, c);
        match self {
            Catalogue::Page(page) => page
                .find(&firsts, &seconds)
                .map(|f| (Some(f.line), f.alternatives)),
            Catalogue::Response(rows) => {
                let (firsts, seconds) = (normalized(&firsts), normalized(&seconds));
                let row = rows.iter().find(|r| {
                    firsts.contains(&normalize(&r.first)) && seconds.contains(&normalize(&r.second))
                })?;
                let alternatives = row.sensitive.then(|| {
                    let all = |names: &Vec<String>| {
                        Req::All(names.iter().map(|n| page::piece(n)).collect())
                    };
                    row.alternatives.iter().map(all).collect()
                });
                Some((None, alternatives))
            }
        }
    }
}

fn normalized(list: &[String]) -> Vec<String> {
    list.iter().map(|s| normalize(s)).collect()
}

/// Every first and second level a category is written with.
fn names(rs: &Ruleset, c: &Category) -> (Vec<String>, Vec<String>) {
    let (mut firsts, mut seconds) = (vec![c.first.clone()], vec![c.second.clone()]);
    for label in rs.older_labels(c) {
        if let Some((first, second)) = label.split_once('/') {
            for (list, name) in [(&mut firsts, first), (&mut seconds, second)] {
                if !list.iter().any(|x| x == name) {
                    list.push(name.to_string());
                }
            }
        }
    }
    (firsts, seconds)
}

/// A document a catalogue names: one of the ruleset's kinds, or a name it
/// does not know.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Doc {
    Known(usize),
    New(String),
}

/// One category of the ruleset beside the catalogue.
#[derive(Debug, Clone)]
pub struct CategoryAudit {
    /// The ruleset's category.
    pub category: usize,
    /// Its line on a catalogue page.
    pub line: Option<usize>,
    pub state: AuditState,
    /// Alternatives the catalogue lists that the ruleset does not.
    pub only_wechat: Vec<Vec<Doc>>,
    /// Alternatives of the ruleset the catalogue no longer lists.
    pub only_ruleset: Vec<Vec<Doc>>,
    /// Which of the catalogue's alternatives the ruleset lacks, and which of
    /// the ruleset's (by index) the catalogue no longer lists.
    pub added: Vec<usize>,
    pub dropped: Vec<usize>,
    /// The catalogue's alternatives, its names read as documents (`None`:
    /// it asks for nothing).
    pub wechat: Option<Vec<Resolved>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditState {
    /// The same documents, alternative for alternative.
    Same,
    /// Some alternative differs.
    Differs,
    /// The catalogue has no row for the category.
    NotListed,
}

/// A catalogue requirement with each name read as a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    Doc(Doc),
    All(Vec<Resolved>),
    Any(Vec<Resolved>),
}

/// Every category of the ruleset beside the catalogue, in ruleset order.
pub fn audit(rs: &Ruleset, catalogue: &Catalogue) -> Vec<CategoryAudit> {
    (0..rs.categories.len())
        .map(|k| audit_one(rs, catalogue, k))
        .collect()
}

fn audit_one(rs: &Ruleset, catalogue: &Catalogue, k: usize) -> CategoryAudit {
    let c = &rs.categories[k];
    let Some((line, alternatives)) = catalogue.row(rs, c) else {
        return CategoryAudit {
            category: k,
            line: None,
            state: AuditState::NotListed,
            only_wechat: Vec::new(),
            only_ruleset: Vec::new(),
            added: Vec::new(),
            dropped: Vec::new(),
            wechat: None,
        };
    };
    let own = rs.documents_of(&[k]);
    let wechat: Option<Vec<Resolved>> =
        alternatives.map(|alts| alts.iter().map(|a| resolve(rs, &own, a)).collect());
    let theirs: Vec<BTreeSet<Doc>> = wechat.iter().flatten().map(flatten).collect();
    let ours: Vec<BTreeSet<Doc>> = c
        .alternatives
        .iter()
        .map(|a| {
            rs.expr_documents(&a.expr)
                .into_iter()
                .map(Doc::Known)
                .collect()
        })
        .collect();
    let (added, dropped) = unmatched(&theirs, &ours);
    let only_wechat: Vec<Vec<Doc>> = added.iter().map(|&i| set(&theirs[i])).collect();
    let only_ruleset: Vec<Vec<Doc>> = dropped.iter().map(|&i| set(&ours[i])).collect();
    let same = only_wechat.is_empty()
        && only_ruleset.is_empty()
        && c.documents_sourced
        && (wechat.is_none() == c.alternatives.is_empty());
    CategoryAudit {
        category: k,
        line,
        state: if same {
            AuditState::Same
        } else {
            AuditState::Differs
        },
        only_wechat,
        only_ruleset,
        added,
        dropped,
        wechat,
    }
}

fn set(s: &BTreeSet<Doc>) -> Vec<Doc> {
    s.iter().cloned().collect()
}

/// The indexes of `theirs` with no equal in `ours`, and those of `ours`
/// left over.
fn unmatched(theirs: &[BTreeSet<Doc>], ours: &[BTreeSet<Doc>]) -> (Vec<usize>, Vec<usize>) {
    let mut left: Vec<usize> = (0..ours.len()).collect();
    let mut only = Vec::new();
    for (i, t) in theirs.iter().enumerate() {
        match left.iter().position(|&o| ours[o] == *t) {
            Some(at) => {
                left.remove(at);
            }
            None => only.push(i),
        }
    }
    (only, left)
}

fn flatten(r: &Resolved) -> BTreeSet<Doc> {
    let mut out = BTreeSet::new();
    fn walk(r: &Resolved, out: &mut BTreeSet<Doc>) {
        match r {
            Resolved::Doc(d) => {
                out.insert(d.clone());
            }
            Resolved::All(v) | Resolved::Any(v) => v.iter().for_each(|x| walk(x, out)),
        }
    }
    walk(r, &mut out);
    out
}

fn resolve(rs: &Ruleset, own: &[usize], r: &Req) -> Resolved {
    match r {
        Req::Name(n) => Resolved::Doc(document(rs, own, n)),
        Req::All(v) => Resolved::All(v.iter().map(|x| resolve(rs, own, x)).collect()),
        Req::Any(v) => Resolved::Any(v.iter().map(|x| resolve(rs, own, x)).collect()),
    }
}

/// The document a catalogue's words name: by name or alias (the whole
/// words, then a name in 《》 within them), then by a name of the
/// category's own documents that contains them or that they contain.
fn document(rs: &Ruleset, own: &[usize], words: &str) -> Doc {
    if let Some(k) = rs.lookups.documents.get(words) {
        return Doc::Known(k);
    }
    for name in bracketed(words) {
        if let Some(k) = rs.lookups.documents.get(name) {
            return Doc::Known(k);
        }
    }
    let w = normalize(words);
    let hit = own.iter().copied().find(|&d| {
        let doc = &rs.documents[d];
        std::iter::once(&doc.name.zh)
            .chain(&doc.aliases)
            .map(|n| normalize(n))
            .any(|n| n.chars().count() >= 4 && (w.contains(&n) || n.contains(&w)))
    });
    match hit {
        Some(d) => Doc::Known(d),
        None => Doc::New(words.trim().to_string()),
    }
}

/// The names in 《》 of a text.
fn bracketed(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('《') {
        let after = &rest[open + '《'.len_utf8()..];
        let Some(close) = after.find('》') else {
            break;
        };
        out.push(&after[..close]);
        rest = &after[close + '》'.len_utf8()..];
    }
    out
}

/// A document's name as a catalogue or the ruleset writes it, in zh.
pub fn doc_name(rs: &Ruleset, d: &Doc) -> String {
    match d {
        Doc::Known(k) => format!("《{}》", rs.documents[*k].name.zh),
        Doc::New(n) => n.clone(),
    }
}

/// A ruleset fragment that gives each differing category the catalogue's
/// lists (`replaces = true`): the ruleset's alternatives the catalogue no
/// longer lists dropped, those it lists and the ruleset lacks added, with a
/// document for each name the ruleset does not know; the alternatives both
/// have stay the ruleset's, with their constraints and subject types.
/// `None` when nothing differs.
/// `source` is the page the catalogue copies (a URL), `file` where it was read.
pub fn what_if(
    rs: &Ruleset,
    audits: &[CategoryAudit],
    (source, file): (&str, &str),
) -> Option<String> {
    let differing: Vec<&CategoryAudit> = audits
        .iter()
        .filter(|a| a.state == AuditState::Differs)
        .collect();
    if differing.is_empty() {
        return None;
    }
    let mut out = format!(
        "# What the ruleset would say with the lists of the catalogue read from\n# {}: made by `livegate rules audit`.\n\n[fragment]\nsource = {}\nreplaces = true\n\n",
        file.replace('\n', " "),
        quoted(source)
    );
    let mut new_docs: BTreeSet<String> = BTreeSet::new();
    for a in &differing {
        for r in a.wechat.iter().flatten() {
            collect_new(r, &mut new_docs);
        }
    }
    for n in &new_docs {
        out += &format!(
            "[[documents]]\nid = \"{}\"\nname = {{ zh = {n2}, en = {n2} }}\n\n",
            new_id(n),
            n2 = quoted(n)
        );
    }
    for a in differing {
        out += &what_if_category(rs, a);
    }
    Some(out)
}

fn what_if_category(rs: &Ruleset, a: &CategoryAudit) -> String {
    let c = &rs.categories[a.category];
    let mut out = format!(
        "[[categories]]\nid = \"audit_{}\"\nfirst = {}\nsecond = {}\nsource = {}\n",
        c.id,
        quoted(&c.first),
        quoted(&c.second),
        quoted(&c.qualification_source)
    );
    let dropped: Vec<String> = a
        .dropped
        .iter()
        .map(|&i| quoted(&c.alternatives[i].id))
        .collect();
    out += &format!("drop_alternatives = [{}]\n", dropped.join(", "));
    match &a.wechat {
        None => out += "no_qualification = true\n\n",
        Some(alts) => {
            out.push('\n');
            for &i in &a.added {
                let alt = &alts[i];
                let label = flatten(alt)
                    .iter()
                    .map(|d| doc_name(rs, d))
                    .collect::<Vec<_>>()
                    .join(" + ");
                out += &format!(
                    "[[categories.alternatives]]\nid = \"wechat_{}\"\nlabel = {{ zh = {l}, en = {l} }}\nall_of = [{}]\n\n",
                    i + 1,
                    expr_toml(rs, alt),
                    l = quoted(&label)
                );
            }
        }
    }
    out
}

fn collect_new(r: &Resolved, out: &mut BTreeSet<String>) {
    match r {
        Resolved::Doc(Doc::New(n)) => {
            out.insert(n.clone());
        }
        Resolved::Doc(Doc::Known(_)) => {}
        Resolved::All(v) | Resolved::Any(v) => v.iter().for_each(|x| collect_new(x, out)),
    }
}

fn expr_toml(rs: &Ruleset, r: &Resolved) -> String {
    let list = |v: &[Resolved]| {
        v.iter()
            .map(|x| expr_toml(rs, x))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match r {
        Resolved::Doc(Doc::Known(k)) => format!("{{ doc = \"{}\" }}", rs.documents[*k].id),
        Resolved::Doc(Doc::New(n)) => format!("{{ doc = \"{}\" }}", new_id(n)),
        Resolved::All(v) => format!("{{ all_of = [{}] }}", list(v)),
        Resolved::Any(v) => format!("{{ any_of = [{}] }}", list(v)),
    }
}

/// The id of a document the ruleset does not know: derived from its name,
/// so the same words give the same id.
fn new_id(name: &str) -> String {
    format!(
        "audit_doc_{:016x}",
        crate::wechat_import::fnv1a(&normalize(name))
    )
}

fn quoted(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

#[cfg(test)]
mod tests;
