//! An audit entry's diff in words: each changed field by its label, with its
//! value before and after as a person reads it (names, not ids), and each
//! service category's status change on its own line.

use livegate_core::{Lang, Ruleset};
use serde_json::Value;

use super::i18n::{Key, t, tf};
use super::report::{doc_name, rm};

/// The lines of a diff (`[{path, before, after}]`).
pub fn describe(l: Lang, rs: &Ruleset, diff: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for d in diff.as_array().into_iter().flatten() {
        let path = d.get("path").and_then(Value::as_str).unwrap_or("");
        let before = d.get("before").unwrap_or(&Value::Null);
        let after = d.get("after").unwrap_or(&Value::Null);
        if path == "/categories" {
            out.extend(categories(l, before, after));
        } else if path != "/" {
            let from = value(l, rs, path, before);
            let to = value(l, rs, path, after);
            if from != to {
                let field = label(l, rs, path);
                out.push(tf(
                    l,
                    Key::AuditChange,
                    &[("field", &field), ("from", &from), ("to", &to)],
                ));
            }
        }
    }
    out
}

/// A field's label: the profile's and the documents' fields by their console
/// names; anything else by its pointer.
fn label(l: Lang, rs: &Ruleset, path: &str) -> String {
    let key = match path {
        "/subject/type" => Some(Key::StepSubject),
        "/subject/name" => Some(Key::SubjectNameShort),
        "/subject/credit_code" => Some(Key::CreditCode),
        "/subject/region" => Some(Key::Region),
        "/scenarios" => Some(Key::Scenarios),
        "/goods" => Some(Key::Goods),
        "/services" => Some(Key::Services),
        "/multi_merchant" => Some(Key::MultiMerchant),
        "/as_of" => Some(Key::AsOf),
        "/kind" => Some(Key::DocumentKind),
        "/number" => Some(Key::DocNumber),
        "/holder" => Some(Key::DocHolder),
        "/valid_from" => Some(Key::DocValidFrom),
        "/valid_until" => Some(Key::DocValidUntil),
        "/file" => Some(Key::Scan),
        "/review" => Some(Key::ReviewColumn),
        "/reason" => Some(Key::RejectReason),
        _ => None,
    };
    if let Some(key) = key {
        return t(l, key);
    }
    let attr = path.trim_start_matches('/');
    rs.attributes
        .iter()
        .find(|a| a.id == attr)
        .map_or_else(|| attr.to_string(), |a| a.name.get(l).to_string())
}

/// A value as a person reads it: ids of the ruleset by their names.
fn value(l: Lang, rs: &Ruleset, path: &str, v: &Value) -> String {
    match v {
        Value::Null => "—".to_string(),
        Value::Bool(b) => t(l, if *b { Key::Yes } else { Key::No }),
        Value::String(s) => word(l, rs, path, s),
        Value::Array(items) => {
            let words: Vec<String> = items.iter().map(|i| value(l, rs, path, i)).collect();
            if words.is_empty() {
                "—".to_string()
            } else {
                words.join(&rm(l, "list_sep"))
            }
        }
        Value::Object(o) => match o.get("name").and_then(Value::as_str) {
            Some(n) => n.to_string(),
            None => t(l, Key::AuditScanChanged),
        },
        Value::Number(n) => n.to_string(),
    }
}

fn word(l: Lang, rs: &Ruleset, path: &str, s: &str) -> String {
    let terms = match path {
        "/scenarios" => &rs.scenarios,
        "/goods" => &rs.goods,
        "/services" => &rs.services,
        "/kind" => return doc_name(rs, l, s),
        "/review" => {
            let key = match s {
                "verified" => Key::ReviewVerified,
                "rejected" => Key::ReviewRejected,
                _ => Key::ReviewSubmitted,
            };
            return t(l, key);
        }
        "/subject/type" => {
            let t = rs.subject_types.iter().find(|t| t.id == s);
            return t.map_or_else(|| s.to_string(), |t| t.name.get(l).to_string());
        }
        _ => {
            let values = rs.attributes.iter().flat_map(|a| &a.values);
            let v = values.clone().find(|v| v.id == s);
            return v.map_or_else(|| s.to_string(), |v| v.name.get(l).to_string());
        }
    };
    terms
        .iter()
        .find(|t| t.id == s)
        .map_or_else(|| s.to_string(), |t| t.name.get(l).to_string())
}

/// `(first/second, status)` of each category of a profile's list.
fn category_list(v: &Value) -> Vec<(String, String)> {
    let s = |c: &Value, k: &str| c.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    v.as_array()
        .into_iter()
        .flatten()
        .map(|c| {
            let name = [s(c, "first"), s(c, "second")]
                .into_iter()
                .filter(|x| !x.is_empty())
                .collect::<Vec<_>>()
                .join("/");
            (name, s(c, "status"))
        })
        .collect()
}

/// One line per category added, removed or with a new status.
fn categories(l: Lang, before: &Value, after: &Value) -> Vec<String> {
    let (old, new) = (category_list(before), category_list(after));
    let status = |s: &str| match s {
        "" => "—".to_string(),
        s => rm(l, &format!("profile_status_{s}")),
    };
    let mut out = Vec::new();
    for (name, now) in &new {
        let was = old.iter().find(|(n, _)| n == name).map(|(_, s)| s.as_str());
        if was != Some(now.as_str()) {
            let vars = [
                ("category", name.as_str()),
                ("from", &status(was.unwrap_or(""))),
                ("to", &status(now)),
            ];
            out.push(tf(l, Key::AuditCategory, &vars));
        }
    }
    for (name, was) in old.iter().filter(|(n, _)| !new.iter().any(|(m, _)| m == n)) {
        let vars = [("category", name.as_str()), ("from", &status(was))];
        out.push(tf(l, Key::AuditCategoryRemoved, &vars));
    }
    out
}
