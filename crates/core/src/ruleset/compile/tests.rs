//! The test cases a ruleset carries (`[[tests]]`, run by `rules test`):
//! each profile parses and each expectation names things that exist.

use std::collections::{BTreeMap, HashSet};

use toml::Spanned;

use super::Cx;
use super::vocab::ids;
use crate::err::{Diagnostic, Level, line_col};
use crate::fuzzy;
use crate::raw::*;
use crate::ruleset::*;

const STATUSES: [&str; 4] = ["available", "pending", "actionable", "blocked"];

/// The ids an expectation may name.
pub(super) struct Vocab<'a> {
    findings: Vec<&'a str>,
    paths: Vec<&'a str>,
    documents: &'a [&'a str],
    categories: Vec<&'a str>,
    verdicts: Vec<&'static str>,
}

impl<'a> Vocab<'a> {
    pub(super) fn new(
        rules: &'a [Rule],
        checks: &'a [Check],
        paths: &'a [Path],
        documents: &'a [&'a str],
        categories: &'a [Category],
    ) -> Self {
        let mut findings = ids(rules, |r| &r.id);
        findings.extend(ids(checks, |c| &c.id));
        Vocab {
            findings,
            paths: ids(paths, |p| &p.id),
            documents,
            categories: ids(categories, |c| &c.id),
            verdicts: crate::report::Verdict::ALL
                .iter()
                .map(|v| v.as_str())
                .collect(),
        }
    }
}

impl Cx<'_> {
    pub(super) fn tests(&mut self, raw: &[Spanned<RawTest>], v: &Vocab) -> Vec<RulesetTest> {
        let mut names = HashSet::new();
        let mut tests = Vec::new();
        for (i, t) in raw.iter().enumerate() {
            let k = format!("tests[{i}]");
            let tr = t.get_ref();
            if !names.insert(tr.name.get_ref().clone()) {
                self.error(
                    tr.name.span(),
                    format!("{k}.name"),
                    format!("test `{}` is defined twice", tr.name.get_ref()),
                );
            }
            self.test_profile(tr, &k);
            let as_of = tr.as_of.as_ref().map(|d| {
                let value = d.get_ref();
                if value.date.is_none() || value.time.is_some() {
                    let m = "as_of must be a date such as 2026-11-28";
                    self.error(d.span(), format!("{k}.as_of"), m);
                }
                value.to_string()
            });
            tests.push(RulesetTest {
                name: tr.name.get_ref().clone(),
                line: line_col(self.text, t.span().start).0,
                profile: tr.profile.get_ref().clone(),
                as_of,
                expect: self.expect(&tr.expect, &format!("{k}.expect"), v),
            });
        }
        tests
    }

    /// The test's profile parses; an error is located inside the TOML string.
    fn test_profile(&mut self, tr: &RawTest, k: &str) {
        let Err(e) = crate::profile::parse_profile(tr.profile.get_ref()) else {
            return;
        };
        let (line, _) = line_col(self.text, tr.profile.span().start);
        self.diags.push(Diagnostic {
            level: Level::Error,
            file: self.file.clone(),
            line: line + e.line.unwrap_or(1).saturating_sub(1),
            column: e.column.unwrap_or(1),
            key: format!("{k}.profile"),
            message: format!("invalid profile: {e}"),
            suggestion: None,
        });
    }

    fn expect(&mut self, ex: &RawExpect, ek: &str, v: &Vocab) -> Expect {
        let verdict = ex.verdict.as_ref().map(|x| {
            self.resolve(x, &format!("{ek}.verdict"), "verdict", &v.verdicts);
            x.get_ref().clone()
        });
        let names = |cx: &mut Self, l: &[S], name: &str| -> Vec<String> {
            l.iter()
                .enumerate()
                .map(|(n, f)| {
                    cx.resolve(f, &format!("{ek}.{name}[{n}]"), "finding", &v.findings);
                    f.get_ref().clone()
                })
                .collect()
        };
        let plan_path = ex.plan_path.as_ref().map(|p| {
            self.resolve(p, &format!("{ek}.plan_path"), "path", &v.paths);
            p.get_ref().clone()
        });
        Expect {
            verdict,
            paths: self.expect_paths(&ex.paths, ek, v),
            findings: names(self, &ex.findings, "findings"),
            no_findings: names(self, &ex.no_findings, "no_findings"),
            plan_path,
            missing_documents: self.per_path(
                &ex.missing_documents,
                ek,
                "missing_documents",
                "document",
                v.documents,
            ),
            adds: self.per_path(&ex.adds, ek, "adds", "category", &v.categories),
        }
    }

    /// `paths = { id = "status" }`: known paths and statuses.
    fn expect_paths(
        &mut self,
        map: &BTreeMap<String, S>,
        ek: &str,
        v: &Vocab,
    ) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for (pid, st) in map {
            if !v.paths.contains(&pid.as_str()) {
                let s = fuzzy::nearest(pid, v.paths.iter().copied()).map(str::to_string);
                let key = format!("{ek}.paths.{pid}");
                self.push(
                    Level::Error,
                    st.span(),
                    key,
                    format!("unknown path `{pid}`"),
                    s,
                );
            }
            self.resolve(st, &format!("{ek}.paths.{pid}"), "path status", &STATUSES);
            out.push((pid.clone(), st.get_ref().clone()));
        }
        out
    }

    /// Per path, a list of ids of one kind.
    fn per_path(
        &mut self,
        map: &BTreeMap<String, Vec<S>>,
        ek: &str,
        name: &str,
        what: &str,
        ids: &[&str],
    ) -> Vec<(String, Vec<String>)> {
        let mut out = Vec::new();
        for (pid, l) in map {
            let list = l
                .iter()
                .enumerate()
                .map(|(n, d)| {
                    self.resolve(d, &format!("{ek}.{name}.{pid}[{n}]"), what, ids);
                    d.get_ref().clone()
                })
                .collect();
            out.push((pid.clone(), list));
        }
        out
    }
}
