//! The test cases a ruleset carries (`[[tests]]`), like `opa test`: a
//! profile and what it must give — verdict, path statuses, findings present
//! and absent, the plan's path, the missing documents of a path.

use serde::Serialize;

use crate::catalog::msg;
use crate::l10n::Lang;
use crate::pipeline::{Options, evaluate};
use crate::profile::parse_profile;
use crate::ruleset::{Ruleset, RulesetTest};

#[derive(Debug, Clone, Serialize)]
pub struct TestOutcome {
    pub name: String,
    pub line: usize,
    /// What did not hold; empty when the test passed.
    pub failures: Vec<String>,
}

impl TestOutcome {
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

/// Runs every test case of the ruleset.
pub fn run_tests(rs: &Ruleset, lang: Lang) -> Vec<TestOutcome> {
    rs.tests.iter().map(|t| run_one(rs, t, lang)).collect()
}

fn run_one(rs: &Ruleset, t: &RulesetTest, lang: Lang) -> TestOutcome {
    let mut failures = Vec::new();
    let fail = |key: &str, vars: &[(&str, &str)]| msg(key, lang, vars);
    let as_of = t.as_of.as_deref().and_then(|d| d.parse().ok());
    let report = parse_profile(&t.profile).and_then(|p| evaluate(rs, &p, &Options { lang, as_of }));
    let report = match report {
        Ok(r) => r,
        Err(e) => {
            failures.push(fail("test_error", &[("error", &e.to_string())]));
            return TestOutcome {
                name: t.name.clone(),
                line: t.line,
                failures,
            };
        }
    };
    let ex = &t.expect;
    if let Some(v) = &ex.verdict {
        let got = report.verdict.as_str();
        if got != v {
            failures.push(fail("test_verdict", &[("expected", v), ("got", got)]));
        }
    }
    for (path, status) in &ex.paths {
        let got = report.path(path).map_or("-", |p| p.status.as_str());
        if got != status {
            failures.push(fail(
                "test_path",
                &[("path", path), ("expected", status), ("got", got)],
            ));
        }
    }
    for f in &ex.findings {
        if !report.has_finding(f) {
            failures.push(fail("test_finding_missing", &[("finding", f)]));
        }
    }
    for f in &ex.no_findings {
        if report.has_finding(f) {
            failures.push(fail("test_finding_unexpected", &[("finding", f)]));
        }
    }
    if let Some(p) = &ex.plan_path {
        let got = report.plan_path.as_deref().unwrap_or("-");
        if got != p {
            failures.push(fail("test_plan_path", &[("expected", p), ("got", got)]));
        }
    }
    for (path, docs) in &ex.missing_documents {
        let got = report
            .path(path)
            .map(|p| p.missing_documents.clone())
            .unwrap_or_default();
        if &got != docs {
            failures.push(fail(
                "test_missing",
                &[
                    ("path", path),
                    ("expected", &docs.join(", ")),
                    ("got", &got.join(", ")),
                ],
            ));
        }
    }
    for (path, ids) in &ex.adds {
        let got: Vec<String> = report
            .path(path)
            .map(|p| {
                p.categories
                    .iter()
                    .filter(|c| c.profile_status == "absent")
                    .filter_map(|c| c.id.clone())
                    .collect()
            })
            .unwrap_or_default();
        if &got != ids {
            failures.push(fail(
                "test_adds",
                &[
                    ("path", path),
                    ("expected", &ids.join(", ")),
                    ("got", &got.join(", ")),
                ],
            ));
        }
    }
    TestOutcome {
        name: t.name.clone(),
        line: t.line,
        failures,
    }
}
