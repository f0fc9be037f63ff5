//! The test cases a ruleset carries (`[[tests]]`), like `opa test`: a
//! profile and what it must give — verdict, path statuses, findings present
//! and absent, the plan's path, the missing documents of a path.

use serde::Serialize;

use crate::catalog::msg;
use crate::l10n::Lang;
use crate::pipeline::{Options, evaluate};
use crate::profile::parse_profile;
use crate::report::Report;
use crate::ruleset::{Expect, Ruleset, RulesetTest};

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
    let as_of = t.as_of.as_deref().and_then(|d| d.parse().ok());
    let report = parse_profile(&t.profile).and_then(|p| evaluate(rs, &p, &Options { lang, as_of }));
    let mut failures = Vec::new();
    match report {
        Ok(report) => {
            check_outcome(&report, &t.expect, lang, &mut failures);
            check_lists(&report, &t.expect, lang, &mut failures);
        }
        Err(e) => failures.push(msg("test_error", lang, &[("error", &e.to_string())])),
    }
    TestOutcome {
        name: t.name.clone(),
        line: t.line,
        failures,
    }
}

/// Checks the verdict, path statuses, findings and plan's path against `ex`.
fn check_outcome(report: &Report, ex: &Expect, lang: Lang, failures: &mut Vec<String>) {
    let fail = |key: &str, vars: &[(&str, &str)]| msg(key, lang, vars);
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
}

/// Checks each path's missing documents and categories to add against `ex`.
fn check_lists(report: &Report, ex: &Expect, lang: Lang, failures: &mut Vec<String>) {
    for (path, docs) in &ex.missing_documents {
        let got = report
            .path(path)
            .map(|p| p.missing_documents.clone())
            .unwrap_or_default();
        if &got != docs {
            failures.push(list_mismatch("test_missing", path, docs, &got, lang));
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
            failures.push(list_mismatch("test_adds", path, ids, &got, lang));
        }
    }
}

/// The failure message `key` for a path's list that is not the expected one.
fn list_mismatch(key: &str, path: &str, expected: &[String], got: &[String], lang: Lang) -> String {
    msg(
        key,
        lang,
        &[
            ("path", path),
            ("expected", &expected.join(", ")),
            ("got", &got.join(", ")),
        ],
    )
}
