//! Requirement expressions: documents, groups, `all_of` and `any_of`,
//! compiled to interned atoms and expanded to disjunctive normal form.

use std::collections::{BTreeMap, HashMap, HashSet};

use toml::Spanned;

use super::vocab::Vocab;
use super::{Cx, MAX_TERMS, Spans};
use crate::bits::Bits;
use crate::err::Level;
use crate::fuzzy;
use crate::raw::*;
use crate::ruleset::*;

/// Compiles requirement expressions, interning their atoms.
pub(super) struct ExprCx<'r> {
    subject_ids: &'r [&'r str],
    doc_ids: &'r [&'r str],
    documents: &'r [DocumentKind],
    attributes: &'r [Attribute],
    group_ids: Vec<String>,
    pub(super) atoms: Vec<Atom>,
    atom_index: HashMap<Atom, usize>,
    group_refs: Vec<Vec<usize>>,
    current_group: Option<usize>,
    pub(super) used_groups: HashSet<usize>,
}

impl<'r> ExprCx<'r> {
    pub(super) fn new(
        subject_ids: &'r [&'r str],
        doc_ids: &'r [&'r str],
        v: &'r Vocab,
        groups: &[RawGroup],
    ) -> Self {
        ExprCx {
            subject_ids,
            doc_ids,
            documents: &v.documents,
            attributes: &v.attributes,
            group_ids: groups.iter().map(|g| g.id.get_ref().clone()).collect(),
            atoms: Vec::new(),
            atom_index: HashMap::new(),
            group_refs: vec![Vec::new(); groups.len()],
            current_group: None,
            used_groups: HashSet::new(),
        }
    }
}

impl Cx<'_> {
    /// Groups of documents that requirements name; `None` when they refer
    /// to each other in a cycle, which would make the expansion infinite.
    pub(super) fn groups(&mut self, raw: &[RawGroup], ex: &mut ExprCx) -> Option<Vec<Group>> {
        let mut seen = HashSet::new();
        let mut groups = Vec::new();
        for (i, g) in raw.iter().enumerate() {
            let k = format!("groups[{i}]");
            let id = self.id(&g.id, &format!("{k}.id"), &mut seen);
            let name = self.text(&g.name, &format!("{k}.name"));
            ex.current_group = Some(i);
            let expr = ex.list(self, &g.all_of, &g.any_of, g.id.span(), &k);
            ex.current_group = None;
            groups.push(Group { id, name, expr });
        }
        if let Some(cycle) = find_cycle(&ex.group_refs) {
            let names: Vec<&str> = cycle.iter().map(|&g| groups[g].id.as_str()).collect();
            self.error(
                raw[cycle[0]].id.span(),
                format!("groups[{}]", cycle[0]),
                format!(
                    "groups refer to each other in a cycle: {}",
                    names.join(" → ")
                ),
            );
            return None;
        }
        Some(groups)
    }
}

impl ExprCx<'_> {
    /// An `all_of` or `any_of` list at the top of an alternative or group.
    pub(super) fn list(
        &mut self,
        cx: &mut Cx,
        all_of: &Option<Vec<Spanned<RawExpr>>>,
        any_of: &Option<Vec<Spanned<RawExpr>>>,
        span: Spans,
        key: &str,
    ) -> Expr {
        match (all_of, any_of) {
            (Some(l), None) => Expr::AllOf(self.items(cx, l, span, &format!("{key}.all_of"))),
            (None, Some(l)) => Expr::AnyOf(self.items(cx, l, span, &format!("{key}.any_of"))),
            _ => {
                cx.error(span, key, "give exactly one of `all_of` and `any_of`");
                Expr::AllOf(Vec::new())
            }
        }
    }

    fn items(&mut self, cx: &mut Cx, l: &[Spanned<RawExpr>], span: Spans, key: &str) -> Vec<Expr> {
        if l.is_empty() {
            cx.error(
                span,
                key,
                "an empty list requires nothing: remove it or add items",
            );
        }
        l.iter()
            .enumerate()
            .map(|(i, e)| self.expr(cx, e, &format!("{key}[{i}]")))
            .collect()
    }

    fn expr(&mut self, cx: &mut Cx, e: &Spanned<RawExpr>, key: &str) -> Expr {
        let r = e.get_ref();
        let kinds = [
            r.doc.is_some(),
            r.group.is_some(),
            r.all_of.is_some(),
            r.any_of.is_some(),
        ];
        if kinds.iter().filter(|b| **b).count() != 1 {
            cx.error(
                e.span(),
                key,
                "a requirement is exactly one of `doc`, `group`, `all_of` or `any_of`",
            );
            return Expr::AllOf(Vec::new());
        }
        if r.doc.is_none() && (r.constraint.is_some() || r.subject_types.is_some() || r.optional) {
            cx.error(
                e.span(),
                key,
                "`where`, `subject_types` and `optional` go with `doc`",
            );
        }
        if let Some(l) = &r.all_of {
            return Expr::AllOf(self.items(cx, l, e.span(), &format!("{key}.all_of")));
        }
        if let Some(l) = &r.any_of {
            return Expr::AnyOf(self.items(cx, l, e.span(), &format!("{key}.any_of")));
        }
        if let Some(g) = &r.group {
            let ids: Vec<&str> = self.group_ids.iter().map(String::as_str).collect();
            return match cx.resolve(g, &format!("{key}.group"), "group", &ids) {
                Some(i) => {
                    self.used_groups.insert(i);
                    if let Some(cur) = self.current_group {
                        self.group_refs[cur].push(i);
                    }
                    Expr::Group(i)
                }
                None => Expr::AllOf(Vec::new()),
            };
        }
        let Some(d) = &r.doc else {
            return Expr::AllOf(Vec::new());
        };
        let Some(doc) = cx.resolve(d, &format!("{key}.doc"), "document", self.doc_ids) else {
            return Expr::AllOf(Vec::new());
        };
        let constraint = r
            .constraint
            .as_ref()
            .and_then(|w| self.constraint(cx, doc, w, e.span(), key));
        let subjects = r
            .subject_types
            .as_ref()
            .map(|l| cx.subject_mask(l, &format!("{key}.subject_types"), self.subject_ids));
        let atom = Atom {
            doc: crate::ids::DocKind(doc),
            constraint,
        };
        let next = self.atoms.len();
        let atom = *self.atom_index.entry(atom.clone()).or_insert_with(|| {
            self.atoms.push(atom);
            next
        });
        Expr::Doc {
            atom,
            subjects,
            optional: r.optional,
        }
    }

    /// `where = { ATTR = [values] }` on a document: one attribute the
    /// document has, and values that attribute takes.
    fn constraint(
        &mut self,
        cx: &mut Cx,
        doc: usize,
        w: &BTreeMap<String, Spanned<Vec<S>>>,
        span: Spans,
        key: &str,
    ) -> Option<Constraint> {
        if w.len() != 1 {
            cx.error(
                span,
                format!("{key}.where"),
                "`where` takes exactly one attribute",
            );
        }
        let (attr_name, values) = w.iter().next()?;
        let kind = &self.documents[doc];
        let own: Vec<&str> = kind
            .attributes
            .iter()
            .map(|&a| self.attributes[a].id.as_str())
            .collect();
        let Some(p) = own.iter().position(|a| a == attr_name) else {
            let one = if own.len() == 1 {
                own.first().copied()
            } else {
                None
            };
            let s = fuzzy::nearest(attr_name, own.iter().copied())
                .or(one)
                .map(str::to_string);
            cx.push(
                Level::Error,
                values.span(),
                format!("{key}.where.{attr_name}"),
                format!("document `{}` has no attribute `{attr_name}`", kind.id),
                s,
            );
            return None;
        };
        let attribute = kind.attributes[p];
        let vids: Vec<&str> = self.attributes[attribute]
            .values
            .iter()
            .map(|v| v.id.as_str())
            .collect();
        let mut any_of: Vec<usize> = values
            .get_ref()
            .iter()
            .enumerate()
            .filter_map(|(n, v)| {
                cx.resolve(v, &format!("{key}.where.{attr_name}[{n}]"), "value", &vids)
            })
            .collect();
        if values.get_ref().is_empty() {
            cx.error(
                values.span(),
                format!("{key}.where.{attr_name}"),
                "list at least one value",
            );
        }
        any_of.sort_unstable();
        any_of.dedup();
        Some(Constraint { attribute, any_of })
    }
}

fn find_cycle(refs: &[Vec<usize>]) -> Option<Vec<usize>> {
    // 0 unvisited, 1 on the stack, 2 done.
    fn visit(
        g: usize,
        refs: &[Vec<usize>],
        state: &mut [u8],
        stack: &mut Vec<usize>,
    ) -> Option<Vec<usize>> {
        state[g] = 1;
        stack.push(g);
        for &n in &refs[g] {
            if state[n] == 1 {
                let start = stack.iter().position(|&x| x == n).unwrap_or(0);
                let mut cycle = stack[start..].to_vec();
                cycle.push(n);
                return Some(cycle);
            }
            if state[n] == 0
                && let Some(c) = visit(n, refs, state, stack)
            {
                return Some(c);
            }
        }
        stack.pop();
        state[g] = 2;
        None
    }
    let mut state = vec![0u8; refs.len()];
    for g in 0..refs.len() {
        if state[g] == 0 {
            let mut stack = Vec::new();
            if let Some(c) = visit(g, refs, &mut state, &mut stack) {
                return Some(c);
            }
        }
    }
    None
}

pub(super) fn collect_optional(
    expr: &Expr,
    groups: &[Group],
    atoms: &[Atom],
    out: &mut Vec<usize>,
) {
    match expr {
        Expr::Doc {
            atom,
            optional: true,
            ..
        } => {
            let d = atoms[*atom].doc.0;
            if !out.contains(&d) {
                out.push(d);
            }
        }
        Expr::Doc { .. } => {}
        Expr::Group(g) => {
            if let Some(g) = groups.get(*g) {
                collect_optional(&g.expr, groups, atoms, out);
            }
        }
        Expr::AllOf(l) | Expr::AnyOf(l) => {
            for e in l {
                collect_optional(e, groups, atoms, out);
            }
        }
    }
}

/// Expands an expression into disjunctive normal form: the ways to satisfy
/// it, each a set of atoms for a set of subject types. Dominated terms (a
/// superset of another term's atoms, for no more subject types) are dropped.
/// Fails with the size reached when it would exceed [`MAX_TERMS`].
pub(crate) fn dnf(
    expr: &Expr,
    groups: &[Group],
    width: usize,
    all: SubjectMask,
) -> Result<Vec<Conj>, usize> {
    let terms = match expr {
        Expr::Doc { optional: true, .. } => vec![Conj {
            atoms: Bits::new(width),
            subjects: all,
        }],
        Expr::Doc { atom, subjects, .. } => {
            let mut atoms = Bits::new(width);
            atoms.insert(*atom);
            vec![Conj {
                atoms,
                subjects: subjects.unwrap_or(all) & all,
            }]
        }
        Expr::Group(g) => match groups.get(*g) {
            Some(g) => dnf(&g.expr, groups, width, all)?,
            None => Vec::new(),
        },
        Expr::AnyOf(l) => {
            let mut out = Vec::new();
            for e in l {
                out.extend(dnf(e, groups, width, all)?);
                if out.len() > MAX_TERMS {
                    return Err(out.len());
                }
            }
            out
        }
        Expr::AllOf(l) => {
            let mut acc = vec![Conj {
                atoms: Bits::new(width),
                subjects: all,
            }];
            for e in l {
                let child = dnf(e, groups, width, all)?;
                let mut next = Vec::with_capacity(acc.len() * child.len());
                for a in &acc {
                    for c in &child {
                        let subjects = a.subjects & c.subjects;
                        if subjects == 0 {
                            continue;
                        }
                        let mut atoms = a.atoms.clone();
                        atoms.union_with(&c.atoms);
                        next.push(Conj { atoms, subjects });
                    }
                }
                if next.len() > MAX_TERMS {
                    return Err(next.len());
                }
                acc = next;
            }
            acc
        }
    };
    Ok(prune(terms))
}

fn prune(terms: Vec<Conj>) -> Vec<Conj> {
    let mut keep: Vec<Conj> = Vec::with_capacity(terms.len());
    for t in terms {
        let dominated = keep
            .iter()
            .any(|k| k.atoms.is_subset(&t.atoms) && t.subjects & !k.subjects == 0);
        if dominated {
            continue;
        }
        keep.retain(|k| !(t.atoms.is_subset(&k.atoms) && k.subjects & !t.subjects == 0));
        keep.push(t);
    }
    keep
}

pub(super) fn same_terms(a: &[Conj], b: &[Conj]) -> bool {
    a.len() == b.len() && a.iter().all(|t| b.contains(t))
}
