//! Everything a person reads is in the language asked for, with names, not
//! ids: every finding, action, path and scenario text of generated reports,
//! the errors of bad lines, and the batch summary, in both languages.
//!
//! Chinese that stays in an English text is what has no English: category
//! names (WeChat's, e.g. 社交/直播) and what the profile itself wrote (holder
//! names). ASCII that stays in a Chinese text is a URL, an id in backquotes,
//! a value the profile wrote, or one of a few names (WeChat, AppID, JSON).

use livegate_batch::generate::{GenOptions, Generator, Mix};
use livegate_batch::{Config, run};
use livegate_core::{Lang, Options, Ruleset, default_ruleset, evaluate_text};
use serde_json::Value;

/// Keys whose values a person reads.
const HUMAN: &[&str] = &[
    "notice",
    "subject_type_name",
    "name",
    "opened_by",
    "label",
    "message",
    "plan",
    "actions",
    "note",
];

/// ASCII words a Chinese text may carry.
const NAMES: &[&str] = &[
    "WeChat", "AppID", "JSON", "CSV", "UTF", "livegate", "batch", "true", "false", "null",
];

fn has_cjk(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// The strings under human keys.
fn human_texts(v: &Value, key: Option<&str>, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                human_texts(x, Some(k), out);
            }
        }
        Value::Array(l) => l.iter().for_each(|x| human_texts(x, key, out)),
        Value::String(s) if key.is_some_and(|k| HUMAN.contains(&k)) => out.push(s.clone()),
        _ => {}
    }
}

/// What a ruleset's authors wrote in the other script on purpose: the
/// Chinese in its English texts (a plugin's name, a licence number's
/// characters) and the ASCII words in its Chinese texts (AppID, ICP).
fn deliberate(rs: &Ruleset) -> (Vec<String>, Vec<String>) {
    fn walk(v: &Value, cjk: &mut Vec<String>, ascii: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                if let (Some(Value::String(zh)), Some(Value::String(en))) =
                    (m.get("zh"), m.get("en"))
                {
                    cjk.extend(runs(en, has_cjk_char));
                    ascii.extend(runs(zh, |c| c.is_ascii_alphanumeric()));
                }
                m.values().for_each(|x| walk(x, cjk, ascii));
            }
            Value::Array(l) => l.iter().for_each(|x| walk(x, cjk, ascii)),
            _ => {}
        }
    }
    let (mut cjk, mut ascii) = (Vec::new(), Vec::new());
    walk(&rs.catalogue(), &mut cjk, &mut ascii);
    cjk.sort_by_key(|l| std::cmp::Reverse(l.len()));
    cjk.dedup();
    (cjk, ascii)
}

fn has_cjk_char(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c) || "〔〕".contains(c)
}

/// The runs of characters `keep` accepts.
fn runs(s: &str, keep: impl Fn(char) -> bool) -> Vec<String> {
    s.split(|c: char| !keep(c))
        .filter(|r| !r.is_empty())
        .map(str::to_string)
        .collect()
}

/// What a text may legitimately carry in the other script, removed.
fn without_allowed(s: &str, rs: &Ruleset, profile: &str, deliberate: &[String]) -> String {
    let mut t: String = s
        .split_whitespace()
        .filter(|w| !w.contains("http"))
        .collect::<Vec<_>>()
        .join(" ");
    // Ids and values to type, in backquotes or in 「」 when they are ASCII.
    for (open, close) in [('`', '`'), ('「', '」')] {
        let mut from = 0;
        while let Some(a) = t[from..].find(open).map(|i| i + from) {
            let Some(b) = t[a + open.len_utf8()..]
                .find(close)
                .map(|i| i + a + open.len_utf8())
            else {
                break;
            };
            let inner = &t[a + open.len_utf8()..b];
            if open == '`' || inner.is_ascii() {
                t.replace_range(a..b + close.len_utf8(), " ");
                from = a;
            } else {
                from = b;
            }
        }
    }
    let mut labels: Vec<String> = rs.categories.iter().map(|c| c.label()).collect();
    labels.extend(rs.categories.iter().flat_map(|c| c.aliases.clone()));
    labels.extend(rs.categories.iter().map(|c| c.first.clone()));
    // What the profile wrote (a holder's name, a category, a number).
    if let Ok(v) = serde_json::from_str::<Value>(profile) {
        strings(&v, &mut labels);
    }
    labels.retain(|l| l.chars().count() >= 2);
    labels.extend(deliberate.iter().cloned());
    labels.sort_by_key(|l| std::cmp::Reverse(l.len()));
    for l in labels {
        t = t.replace(&l, " ");
    }
    t
}

fn strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(l) => l.iter().for_each(|x| strings(x, out)),
        Value::Object(m) => m.iter().for_each(|(k, x)| {
            out.push(k.clone());
            strings(x, out)
        }),
        _ => {}
    }
}

fn english_words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| w.len() >= 4 && !NAMES.iter().any(|n| n.eq_ignore_ascii_case(w)))
        .map(str::to_string)
        .collect()
}

/// Ruleset ids with an underscore: never part of a sentence.
fn bare_ids(s: &str, rs: &Ruleset) -> Vec<String> {
    let mut ids: Vec<&str> = rs.documents.iter().map(|d| d.id.as_str()).collect();
    ids.extend(rs.paths.iter().map(|p| p.id.as_str()));
    ids.extend(rs.categories.iter().map(|c| c.id.as_str()));
    ids.extend(rs.scenarios.iter().map(|c| c.id.as_str()));
    ids.extend(rs.goods.iter().map(|c| c.id.as_str()));
    ids.extend(rs.services.iter().map(|c| c.id.as_str()));
    ids.into_iter()
        .filter(|id| id.contains('_') && s.contains(id))
        .map(str::to_string)
        .collect()
}

/// A field path of the profile (`documents[2]`, `subject.credit_code`):
/// the reader's own JSON, named as written.
fn without_paths(s: &str) -> String {
    let is_path_char = |c: char| c.is_ascii_alphanumeric() || "_.[]".contains(c);
    let mut out = String::new();
    let mut token = String::new();
    for c in s.chars().chain(std::iter::once(' ')) {
        if is_path_char(c) {
            token.push(c);
            continue;
        }
        if !token.contains(['[', '.', '_']) || token.ends_with('.') {
            out.push_str(&token);
        }
        token.clear();
        out.push(c);
    }
    out
}

struct Checker {
    rs: Ruleset,
    cjk: Vec<String>,
    ascii: Vec<String>,
}

impl Checker {
    fn new(rs: Ruleset) -> Self {
        let (cjk, ascii) = deliberate(&rs);
        Checker { rs, cjk, ascii }
    }

    fn check(&self, text: &str, lang: Lang, profile: &str, problems: &mut Vec<String>) {
        check_text(text, lang, self, profile, problems);
    }
}

fn check_text(text: &str, lang: Lang, ck: &Checker, profile: &str, problems: &mut Vec<String>) {
    let (rs, cjk, ascii) = (&ck.rs, &ck.cjk, &ck.ascii);
    // In English, the ruleset's deliberate Chinese goes with the names,
    // longest first: a profile's words (直播) can be part of one
    // (腾讯云直播助手), and a deliberate run (金融) part of a name.
    let deliberate: &[String] = if lang == Lang::En { cjk } else { &[] };
    let rest = without_paths(&without_allowed(text, rs, profile, deliberate));
    let wrong = match lang {
        Lang::En => has_cjk(&rest),
        Lang::Zh => english_words(&rest).iter().any(|w| !ascii.contains(w)),
    };
    if wrong {
        problems.push(format!("{lang:?} in the other script: {text}"));
    }
    for id in bare_ids(&rest, rs) {
        problems.push(format!("{lang:?} bare id `{id}`: {text}"));
    }
}

#[test]
fn every_report_text_is_in_the_language_asked_for_with_names_not_ids() {
    let ck = Checker::new(default_ruleset().unwrap());
    let rs = &ck.rs;
    let mut g = Generator::new(
        rs,
        &Mix::default_mix(),
        GenOptions {
            seed: 11,
            bad_ratio: 0.05,
            validity: true,
        },
    )
    .expect("the built-in mix fits the ruleset");
    let mut problems = Vec::new();
    let mut finding_kinds = std::collections::BTreeSet::new();
    for _ in 0..2500 {
        let line = g.next_line();
        for lang in [Lang::Zh, Lang::En] {
            let opts = Options {
                lang,
                as_of: livegate_core::dates::parse("2026-11-28"),
            };
            let texts = match evaluate_text(rs, &line, &opts) {
                Ok(report) => {
                    let v = serde_json::to_value(&report).unwrap();
                    for f in v["findings"].as_array().unwrap() {
                        finding_kinds.insert(f["id"].as_str().unwrap().to_string());
                    }
                    let mut out = Vec::new();
                    human_texts(&v, None, &mut out);
                    out
                }
                Err(e) => vec![e.localized(lang)],
            };
            for t in texts {
                ck.check(&t, lang, &line, &mut problems);
            }
        }
    }
    problems.sort();
    problems.dedup();
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
    assert!(
        finding_kinds.len() >= 15,
        "the profiles reach most findings: {finding_kinds:?}"
    );
}

#[test]
fn the_batch_summary_reads_in_the_language_asked_for() {
    let ck = Checker::new(default_ruleset().unwrap());
    let rs = &ck.rs;
    let mut g = Generator::new(
        rs,
        &Mix::default_mix(),
        GenOptions {
            seed: 5,
            bad_ratio: 0.05,
            validity: true,
        },
    )
    .expect("the built-in mix fits the ruleset");
    let input: String = (0..2000).map(|_| g.next_line() + "\n").collect();
    for lang in [Lang::Zh, Lang::En] {
        let cfg = Config {
            summary: true,
            options: Options {
                lang,
                as_of: livegate_core::dates::parse("2026-11-28"),
            },
            ..Config::default()
        };
        let mut out = Vec::new();
        let totals = run(rs, input.as_bytes(), &mut out, &cfg, &|_| {}).unwrap();
        let mut problems = Vec::new();
        for line in totals.render(rs, lang).lines() {
            ck.check(line, lang, "", &mut problems);
        }
        for rec in String::from_utf8(out).unwrap().lines() {
            let v: Value = serde_json::from_str(rec).unwrap();
            if let Some(m) = v["error"]["message"].as_str() {
                ck.check(m, lang, "", &mut problems);
            }
        }
        problems.sort();
        problems.dedup();
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }
}
