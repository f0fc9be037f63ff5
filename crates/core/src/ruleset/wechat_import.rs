//! WeChat's category catalogue into a ruleset fragment. It reads a
//! `getallcategories` response (or `getcategoriesbytype`, the same shape):
//! `categories_list.categories[]` with `id`, `name`, `level`, `father`,
//! `children`, `sensitive_type` and `qualify` (`exter_list[].inner_list[].name`,
//! `remark`), and writes each second-level category with its WeChat ids and
//! its qualification: any one of `exter_list`, each all of its `inner_list`.
//!
//! Document names are matched against the ruleset's documents and aliases
//! (with or without 《》, in either width); the others get ids derived from
//! their name, so that a re-import gives the same ids. A text that is an
//! instruction ("若涉及食品，请提供《食品经营许可证》或《卫生许可证》") becomes the
//! documents it names, with its condition kept as a note.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::err::ProfileError;
use crate::normalize::fold_width;
use crate::ruleset::{Ruleset, normalize};

/// The page that documents the response, the source of every imported fact.
pub const GETALLCATEGORIES: &str = "https://developers.weixin.qq.com/doc/oplatform/openApi/OpenApiDoc/miniprogram-management/category-management/getAllCategories.html";

#[derive(Debug, Deserialize)]
struct Response {
    #[serde(default)]
    errcode: i64,
    #[serde(default)]
    errmsg: Option<String>,
    #[serde(default)]
    categories_list: Option<CategoriesList>,
}

#[derive(Debug, Deserialize)]
struct CategoriesList {
    categories: Vec<WxNode>,
}

#[derive(Debug, Deserialize)]
struct WxNode {
    id: u32,
    #[serde(default)]
    name: String,
    #[serde(default)]
    level: u32,
    #[serde(default)]
    father: u32,
    #[serde(default)]
    children: Vec<u32>,
    #[serde(default)]
    sensitive_type: u8,
    #[serde(default)]
    qualify: Option<Qualify>,
}

#[derive(Debug, Default, Deserialize)]
struct Qualify {
    #[serde(default)]
    exter_list: Vec<Exter>,
    #[serde(default)]
    remark: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Exter {
    #[serde(default)]
    desc: Option<String>,
    #[serde(default)]
    inner_list: Vec<Inner>,
}

#[derive(Debug, Deserialize)]
struct Inner {
    name: String,
}

/// A fragment as written to TOML; field for field what `[ruleset] include`
/// reads back.
#[derive(Debug, Serialize)]
pub struct Fragment {
    pub fragment: FragmentMeta,
    pub documents: Vec<FragDocument>,
    pub categories: Vec<FragCategory>,
}

#[derive(Debug, Serialize)]
pub struct FragmentMeta {
    pub source: String,
    pub imported_from: String,
}

#[derive(Debug, Serialize)]
pub struct FragText {
    pub zh: String,
    pub en: String,
}

impl FragText {
    /// WeChat's catalogue is in Chinese only: the English text is the same.
    fn zh(s: &str) -> Self {
        FragText {
            zh: s.to_string(),
            en: s.to_string(),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct FragDocument {
    pub id: String,
    pub name: FragText,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct FragCategory {
    pub id: String,
    pub first: String,
    pub second: String,
    pub wechat_first: u32,
    pub wechat_id: u32,
    pub source: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<FragText>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub no_qualification: bool,
    /// The day the qualification was read from WeChat's response (written
    /// by [`to_toml`] as a TOML date).
    #[serde(skip)]
    pub verified: Option<toml::value::Datetime>,
    /// Written as tables of their own after the category's.
    #[serde(skip)]
    pub alternatives: Vec<FragAlternative>,
}

#[derive(Debug, Serialize)]
pub struct FragAlternative {
    pub id: String,
    pub label: FragText,
    pub all_of: Vec<FragExpr>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<FragText>,
}

#[derive(Debug, Serialize)]
pub struct FragExpr {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub any_of: Option<Vec<FragExpr>>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub optional: bool,
}

/// What an import found besides the fragment: texts kept as notes only.
#[derive(Debug, Default)]
pub struct Imported {
    pub fragment: Fragment,
    /// `category: text` for each qualification text that names no document.
    pub notes_only: Vec<String>,
}

impl Default for Fragment {
    fn default() -> Self {
        Fragment {
            fragment: FragmentMeta {
                source: GETALLCATEGORIES.to_string(),
                imported_from: String::new(),
            },
            documents: Vec::new(),
            categories: Vec::new(),
        }
    }
}

fn error(path: String, message: String) -> ProfileError {
    ProfileError {
        kind: crate::err::ErrorKind::Value,
        path,
        line: None,
        column: None,
        message,
        suggestion: None,
    }
}

/// Reads a `getallcategories` response and builds its fragment against the
/// ruleset's documents. Not JSON, another shape, an `errcode`, a duplicate
/// id, an unknown `father` or child, or a cycle in `children` is an error
/// naming the JSON path.
pub fn import(text: &str, imported_from: &str, rs: &Ruleset) -> Result<Imported, ProfileError> {
    import_on(text, imported_from, rs, None)
}

/// As [`import`], each category marked as verified on `day` (when the
/// response was read), for `rules lint` to tell when it grows stale.
pub fn import_on(
    text: &str,
    imported_from: &str,
    rs: &Ruleset,
    day: Option<jiff::civil::Date>,
) -> Result<Imported, ProfileError> {
    let mut imported = import_nodes(text, imported_from, rs)?;
    let day = day.and_then(|d| d.to_string().parse::<toml::value::Datetime>().ok());
    for c in &mut imported.fragment.categories {
        c.verified = day;
    }
    Ok(imported)
}

fn import_nodes(text: &str, imported_from: &str, rs: &Ruleset) -> Result<Imported, ProfileError> {
    let nodes = parse(text, IMPORT_LANG)?;
    check_tree(&nodes)?;
    let mut b = Builder::new(rs);
    let by_id: HashMap<u32, (usize, &WxNode)> = nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.id, (i, n)))
        .collect();
    let mut labels: HashMap<String, usize> = HashMap::new();
    for (i, n) in nodes.iter().enumerate().filter(|(_, n)| n.level == 2) {
        let Some(&(fi, first)) = by_id.get(&n.father).filter(|(_, f)| f.level == 1) else {
            continue; // a second level under the root or a deeper level: not a category
        };
        for (at, node) in [(fi, first), (i, n)] {
            if node.name.trim().is_empty() {
                let m = format!("category {} has no name", node.id);
                return Err(error(format!("categories_list.categories[{at}].name"), m));
            }
        }
        let label = normalize(&format!("{}/{}", first.name.trim(), n.name.trim()));
        if let Some(j) = labels.insert(label, i) {
            let m = format!(
                "the same name as categories[{j}]: two categories cannot share first and second level"
            );
            return Err(error(format!("categories_list.categories[{i}].name"), m));
        }
        b.category(first, n);
    }
    b.out.fragment.fragment.imported_from = imported_from.to_string();
    Ok(b.out)
}

/// A second-level category of a `getallcategories` response: its names,
/// whether WeChat asks for a qualification, and each alternative's
/// document names (`exter_list[].inner_list[].name`).
#[derive(Debug, Clone, PartialEq)]
pub struct ResponseRow {
    pub first: String,
    pub second: String,
    pub sensitive: bool,
    pub alternatives: Vec<Vec<String>>,
}

/// Every second-level category of a response, checked as [`import`] checks it.
pub fn response_rows(text: &str) -> Result<Vec<ResponseRow>, ProfileError> {
    let nodes = parse(text, IMPORT_LANG)?;
    check_tree(&nodes)?;
    let by_id: HashMap<u32, &WxNode> = nodes.iter().map(|n| (n.id, n)).collect();
    let mut rows = Vec::new();
    for n in nodes.iter().filter(|n| n.level == 2) {
        let Some(first) = by_id.get(&n.father).filter(|f| f.level == 1) else {
            continue;
        };
        let alternatives = n
            .qualify
            .iter()
            .flat_map(|q| &q.exter_list)
            .map(|e| e.inner_list.iter().map(|i| i.name.clone()).collect())
            .collect();
        rows.push(ResponseRow {
            first: first.name.trim().to_string(),
            second: n.name.trim().to_string(),
            sensitive: n.sensitive_type == 1,
            alternatives,
        });
    }
    Ok(rows)
}

/// The language of the import tools' messages (`rules import-wechat`,
/// `rules audit`): English, as every check of this file writes them.
const IMPORT_LANG: crate::Lang = crate::Lang::En;

fn parse(text: &str, lang: crate::Lang) -> Result<Vec<WxNode>, ProfileError> {
    use crate::wechat::{errcode, read_response};
    let r: Response = read_response(text, "getallcategories", GETALLCATEGORIES, lang)?;
    if r.errcode != 0 {
        return Err(errcode(r.errcode, r.errmsg, "wechat_the_catalogue", lang));
    }
    r.categories_list.map(|l| l.categories).ok_or_else(|| {
        let said = crate::catalog::msg("wechat_no_list", lang, &[("field", "categories_list")]);
        error("categories_list".into(), said)
    })
}

/// Ids are unique, every `father` and child exists (0 is the root), and
/// `children` has no cycle.
fn check_tree(nodes: &[WxNode]) -> Result<(), ProfileError> {
    let at = |i: usize, f: &str| format!("categories_list.categories[{i}].{f}");
    let mut index: HashMap<u32, usize> = HashMap::new();
    for (i, n) in nodes.iter().enumerate() {
        if let Some(j) = index.insert(n.id, i) {
            let m = format!("id {} appears twice (also at categories[{j}])", n.id);
            return Err(error(at(i, "id"), m));
        }
    }
    for (i, n) in nodes.iter().enumerate() {
        if n.id != 0 && n.father != 0 && !index.contains_key(&n.father) {
            let m = format!("father {} is no category of the catalogue", n.father);
            return Err(error(at(i, "father"), m));
        }
        if let Some((k, c)) = n
            .children
            .iter()
            .enumerate()
            .find(|(_, c)| !index.contains_key(c))
        {
            let m = format!("child {c} is no category of the catalogue");
            return Err(error(at(i, &format!("children[{k}]")), m));
        }
    }
    match find_cycle(nodes, &index) {
        Some((i, ids)) => {
            let ring: Vec<String> = ids.iter().map(u32::to_string).collect();
            let m = format!("children form a cycle: {}", ring.join(" → "));
            Err(error(at(i, "children"), m))
        }
        None => Ok(()),
    }
}

/// A cycle in `children`, as the index of a node on it and its ids.
fn find_cycle(nodes: &[WxNode], index: &HashMap<u32, usize>) -> Option<(usize, Vec<u32>)> {
    // 0 unseen, 1 on the current walk, 2 done.
    let mut state = vec![0u8; nodes.len()];
    for start in 0..nodes.len() {
        let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
        while let Some(&mut (i, ref mut next)) = stack.last_mut() {
            if *next == 0 && state[i] == 2 {
                stack.pop();
                continue;
            }
            state[i] = 1;
            let Some(c) = nodes[i].children.get(*next).and_then(|c| index.get(c)) else {
                state[i] = 2;
                stack.pop();
                continue;
            };
            *next += 1;
            match state[*c] {
                1 => {
                    let from = stack.iter().position(|(j, _)| j == c).unwrap_or(0);
                    let mut ids: Vec<u32> =
                        stack[from..].iter().map(|(j, _)| nodes[*j].id).collect();
                    ids.push(nodes[*c].id);
                    return Some((*c, ids));
                }
                0 => stack.push((*c, 0)),
                _ => {}
            }
        }
    }
    None
}

/// Builds the fragment: documents by normalised name, categories in order.
struct Builder<'a> {
    rs: &'a Ruleset,
    out: Imported,
    /// Normalised name → document id, for the documents new to the ruleset.
    new_docs: HashMap<String, String>,
    aliases: BTreeMap<String, HashSet<String>>,
}

impl<'a> Builder<'a> {
    fn new(rs: &'a Ruleset) -> Self {
        Builder {
            rs,
            out: Imported::default(),
            new_docs: HashMap::new(),
            aliases: BTreeMap::new(),
        }
    }

    fn category(&mut self, first: &WxNode, n: &WxNode) {
        let label = format!("{}/{}", first.name.trim(), n.name.trim());
        let q = n.qualify.as_ref();
        let scope = q
            .and_then(|q| q.remark.as_deref())
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(FragText::zh);
        let mut alternatives = Vec::new();
        if n.sensitive_type == 1 {
            for (j, e) in q
                .map(|q| q.exter_list.as_slice())
                .unwrap_or_default()
                .iter()
                .enumerate()
            {
                if let Some(a) = self.alternative(&label, j, e) {
                    join_same(&mut alternatives, a);
                }
            }
        }
        self.out.fragment.categories.push(FragCategory {
            id: format!("wechat_{}", n.id),
            first: first.name.trim().to_string(),
            second: n.name.trim().to_string(),
            wechat_first: first.id,
            wechat_id: n.id,
            source: GETALLCATEGORIES.to_string(),
            scope,
            no_qualification: n.sensitive_type != 1,
            verified: None,
            alternatives,
        });
        let cats = &mut self.out.fragment.categories;
        if let Some(c) = cats
            .last_mut()
            .filter(|c| !c.no_qualification && c.alternatives.is_empty())
        {
            // Sensitive, but the catalogue lists no document: say so rather
            // than take it as needing none.
            c.no_qualification = false;
        }
    }

    /// One `exter_list` entry: all of its texts, each the documents it names.
    fn alternative(&mut self, label: &str, j: usize, e: &Exter) -> Option<FragAlternative> {
        let mut all_of = Vec::new();
        let mut notes = Vec::new();
        for inner in &e.inner_list {
            let split = split_text(&inner.name);
            if split.docs.is_empty() {
                if !inner.name.trim().is_empty() {
                    self.out
                        .notes_only
                        .push(format!("{label}: {}", inner.name.trim()));
                    notes.push(FragText::zh(inner.name.trim()));
                }
                continue;
            }
            let ids: Vec<String> = split.docs.iter().map(|d| self.document(d)).collect();
            let optional = split.conditional;
            if split.either {
                // `optional` goes with a document: each of the either.
                let any = ids.into_iter().map(|d| leaf(d, optional)).collect();
                all_of.push(FragExpr {
                    doc: None,
                    any_of: Some(any),
                    optional: false,
                });
            } else {
                all_of.extend(ids.into_iter().map(|d| leaf(d, optional)));
            }
            notes.extend(split.notes.iter().map(|n| FragText::zh(n)));
        }
        if all_of.is_empty() {
            return None;
        }
        let names: Vec<&str> = e
            .inner_list
            .iter()
            .map(|i| i.name.trim())
            .filter(|n| !n.is_empty())
            .collect();
        let desc = e.desc.as_deref().map(str::trim).filter(|d| !d.is_empty());
        Some(FragAlternative {
            id: format!("q{}", j + 1),
            label: FragText::zh(desc.unwrap_or(&names.join("；"))),
            all_of,
            notes,
        })
    }

    /// The id of the document a name stands for: the ruleset's, or a stable
    /// one derived from the name.
    fn document(&mut self, name: &str) -> String {
        if let Some(i) = self.rs.lookups.documents.get(name) {
            return self.rs.documents[i].id.clone();
        }
        let key = normalize(&fold_width(name));
        if let Some(id) = self.new_docs.get(&key) {
            let id = id.clone();
            self.note_alias(&id, name);
            return id;
        }
        let hash = fnv1a(&key);
        let mut id = format!("wechat_doc_{:08x}", hash as u32);
        // Two names whose short hashes meet keep apart with the whole hash.
        if self.new_docs.values().any(|d| *d == id) {
            id = format!("wechat_doc_{hash:016x}");
        }
        self.new_docs.insert(key, id.clone());
        self.out.fragment.documents.push(FragDocument {
            id: id.clone(),
            name: FragText::zh(name),
            aliases: Vec::new(),
        });
        id
    }

    /// Another spelling of a merged document, kept as its alias.
    fn note_alias(&mut self, id: &str, name: &str) {
        let Some(d) = self.out.fragment.documents.iter_mut().find(|d| d.id == id) else {
            return;
        };
        let seen = self.aliases.entry(id.to_string()).or_default();
        if d.name.zh != name && seen.insert(name.to_string()) {
            d.aliases.push(name.to_string());
        }
    }
}

/// Adds an alternative, or joins it to an earlier one that asks for the
/// same documents (WeChat lists one per kind of business): its label and
/// notes are added to the earlier one's.
fn join_same(list: &mut Vec<FragAlternative>, a: FragAlternative) {
    let key = |x: &FragAlternative| serde_json::to_string(&x.all_of).unwrap_or_default();
    let k = key(&a);
    match list.iter_mut().find(|b| key(b) == k) {
        Some(b) => {
            b.label.zh = format!("{}；{}", b.label.zh, a.label.zh);
            b.label.en = b.label.zh.clone();
            b.notes.extend(a.notes);
        }
        None => list.push(a),
    }
}

fn leaf(doc: String, optional: bool) -> FragExpr {
    FragExpr {
        doc: Some(doc),
        any_of: None,
        optional,
    }
}

/// FNV-1a: a hash that stays the same across builds and platforms, so that
/// a document's id stays the same across imports.
pub(crate) fn fnv1a(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}

/// A qualification text taken apart.
#[derive(Debug, Default, PartialEq)]
pub struct SplitText {
    /// The documents it names.
    pub docs: Vec<String>,
    /// Whether any one of them serves (`或`, `/`), rather than all.
    pub either: bool,
    /// Whether WeChat asks for them only in a case livegate cannot tell
    /// (`若…`, `如…`): then they are shown, never counted as missing.
    pub conditional: bool,
    /// What the text says besides the names: its condition, remarks in
    /// brackets.
    pub notes: Vec<String>,
}

/// Takes a qualification text apart: the documents it names, whether one
/// or all of them, and the condition and remarks around them. A name in
/// 《》 is a document; without 《》 the whole text is one, unless it reads as
/// an instruction, when it names none.
pub fn split_text(text: &str) -> SplitText {
    let folded = fold_width(text.trim());
    let (plain, remarks) = strip_remarks(&folded);
    let mut out = SplitText::default();
    let names = bracketed(&plain);
    if names.is_empty() {
        let name = strip_numbering(plain.trim());
        if !name.is_empty() && !is_instruction(name) {
            out.docs.push(name.to_string());
            out.notes = remarks;
        }
        return out;
    }
    let lead = plain.split('《').next().unwrap_or("");
    let between: Vec<&str> = plain
        .split('》')
        .skip(1)
        .map(|s| s.split('《').next().unwrap_or(""))
        .collect();
    out.either = between[..between.len().saturating_sub(1)]
        .iter()
        .any(|s| s.contains('或') || s.contains('/'));
    let condition = strip_numbering(
        lead.trim()
            .trim_end_matches([':', ',', ' '])
            .trim_end_matches("请提供")
            .trim_end_matches("需提供")
            .trim_end_matches("提供")
            .trim_end_matches("提交")
            .trim_end_matches("需")
            .trim_end_matches([':', ',', ' ']),
    );
    out.conditional = ["若", "如", "涉及"]
        .iter()
        .any(|w| condition.starts_with(w));
    if !condition.is_empty() {
        out.notes.push(folded.trim().to_string());
    } else {
        out.notes = remarks;
    }
    out.docs = names;
    out
}

/// The text without its bracketed remarks `(…)`, and the remarks.
fn strip_remarks(s: &str) -> (String, Vec<String>) {
    let mut plain = String::new();
    let mut remarks = Vec::new();
    let mut depth = 0usize;
    let mut cur = String::new();
    for c in s.chars() {
        match c {
            '(' => {
                depth += 1;
                if depth == 1 {
                    cur.clear();
                    continue;
                }
            }
            ')' if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    remarks.push(format!("({})", cur.trim()));
                    continue;
                }
            }
            _ => {}
        }
        if depth > 0 {
            cur.push(c)
        } else {
            plain.push(c)
        }
    }
    (plain, remarks)
}

/// The names in 《》, in order, without duplicates.
fn bracketed(s: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for part in s.split('《').skip(1) {
        if let Some((name, _)) = part.split_once('》') {
            let name = name.trim().to_string();
            if !name.is_empty() && !out.contains(&name) {
                out.push(name);
            }
        }
    }
    out
}

/// Drops a list number (`1、`, `2.`) in front of a text.
fn strip_numbering(s: &str) -> &str {
    let t = s.trim_start_matches(|c: char| c.is_ascii_digit());
    if t.len() < s.len() {
        t.trim_start_matches(['、', '.', ' ']).trim()
    } else {
        s.trim()
    }
}

/// Whether a text without 《》 is an instruction rather than a name.
fn is_instruction(s: &str) -> bool {
    ["若", "如", "请", "需", "提供", ",", "。", ";", "；"]
        .iter()
        .any(|w| s.contains(w))
}

/// The fragment as TOML, with a header saying what made it: one table a
/// document or category, texts and expressions inline, so that a re-import
/// reviews as a short diff.
pub fn to_toml(f: &Fragment) -> Result<String, String> {
    let mut out = format!(
        "# A ruleset fragment made by `livegate rules import-wechat` from WeChat's\n\
         # category catalogue ({GETALLCATEGORIES}).\n\
         # WeChat publishes the names in Chinese only: the English texts repeat them.\n\
         # Include it from a ruleset with `include = [\"…\"]` under [ruleset].\n\n"
    );
    out += &table("fragment", &f.fragment)?;
    for d in &f.documents {
        out += &table("[documents]", d)?;
    }
    for c in &f.categories {
        let mut t = as_table("[categories]", c)?;
        if let Some(day) = c.verified {
            t.insert("verified".into(), toml::Value::Datetime(day));
        }
        out += &write_table("[categories]", &t);
        for a in &c.alternatives {
            out += &table("[categories.alternatives]", a)?;
        }
    }
    Ok(out)
}

/// `[name]` and one `key = value` line per field, values inline.
fn table<T: Serialize>(name: &str, v: &T) -> Result<String, String> {
    Ok(write_table(name, &as_table(name, v)?))
}

fn as_table<T: Serialize>(name: &str, v: &T) -> Result<toml::Table, String> {
    match toml::Value::try_from(v).map_err(|e| e.to_string())? {
        toml::Value::Table(t) => Ok(t),
        _ => Err(format!("{name} is not a table")),
    }
}

fn write_table(name: &str, t: &toml::Table) -> String {
    let mut out = format!("[{name}]\n");
    for (k, v) in t {
        out += &format!("{k} = {v}\n");
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_instruction_names_its_documents_and_keeps_its_condition() {
        let s = split_text("若涉及食品，请提供《食品经营许可证》或《卫生许可证》");
        assert_eq!(s.docs, ["食品经营许可证", "卫生许可证"]);
        assert!(s.either && s.conditional);
        assert_eq!(
            s.notes,
            ["若涉及食品,请提供《食品经营许可证》或《卫生许可证》"]
        );
    }

    #[test]
    fn a_scope_before_the_names_is_a_note_not_a_condition() {
        let s = split_text("鲜切蔬果类:提交《食品经营许可证》");
        assert_eq!(s.docs, ["食品经营许可证"]);
        assert!(!s.either && !s.conditional);
        assert_eq!(s.notes.len(), 1);
    }

    #[test]
    fn a_plain_name_with_a_remark_is_one_document() {
        let s = split_text("与运营商签署的代理协议（协议需含代理范围/代理产品）");
        assert_eq!(s.docs, ["与运营商签署的代理协议"]);
        assert_eq!(s.notes, ["(协议需含代理范围/代理产品)"]);
    }

    #[test]
    fn names_joined_by_and_are_all_needed() {
        let s = split_text(
            "《审批单位关于申请单位经营邮政通信业务的批复》与《审批单位经营邮政通信业务许可登记表》",
        );
        assert_eq!(s.docs.len(), 2);
        assert!(!s.either);
    }

    #[test]
    fn a_slash_between_names_is_either() {
        let s = split_text("合作方的《特种行业经营许可证》/《营业执照》");
        assert!(s.either);
    }

    fn catalogue(qualify: &[(&str, u32, &str)]) -> String {
        let children: Vec<String> = qualify.iter().map(|(_, id, _)| id.to_string()).collect();
        let root = format!(
            r#"{{"id":1,"name":"餐饮","level":1,"children":[{}]}}"#,
            children.join(",")
        );
        let mut nodes = vec![root];
        for (name, id, inner) in qualify {
            nodes.push(format!(
                r#"{{"id":{id},"name":"{name}","level":2,"father":1,"sensitive_type":1,"qualify":{{"exter_list":[{{"inner_list":[{{"name":"{inner}"}}]}}]}}}}"#
            ));
        }
        format!(
            r#"{{"errcode":0,"categories_list":{{"categories":[{}]}}}}"#,
            nodes.join(",")
        )
    }

    #[test]
    fn a_document_met_in_two_categories_and_two_widths_is_one_kind_with_a_stable_id() {
        let rs = crate::default_ruleset().unwrap();
        let text = catalogue(&[("点餐", 2, "《卫生许可证》"), ("外卖", 3, "卫生许可证 ")]);
        let a = import(&text, "a.json", &rs).unwrap();
        assert_eq!(a.fragment.documents.len(), 1, "{:?}", a.fragment.documents);
        let id = &a.fragment.documents[0].id;
        for c in &a.fragment.categories {
            assert_eq!(c.alternatives[0].all_of[0].doc.as_ref(), Some(id));
        }
        let again = import(&text, "b.json", &rs).unwrap();
        assert_eq!(
            &again.fragment.documents[0].id, id,
            "the same id on a re-import"
        );
        // A name the ruleset knows, in full-width brackets, is the ruleset's kind.
        let known = import(&catalogue(&[("点餐", 2, "《营业执照》（副本）")]), "c", &rs).unwrap();
        assert!(known.fragment.documents.is_empty());
        let all_of = &known.fragment.categories[0].alternatives[0].all_of;
        assert_eq!(all_of[0].doc.as_deref(), Some("business_license"));
    }

    #[test]
    fn an_instruction_without_names_names_no_document() {
        assert!(
            split_text("请提供相关资质证明，如有疑问请联系客服")
                .docs
                .is_empty()
        );
    }
}
