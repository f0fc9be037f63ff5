//! The profile form shared by the pre-check wizard and the applicant page:
//! form fields to a [`Profile`], a profile back to form fields, and the
//! fields an engine error names.
//!
//! Field names: `subject`, `subject_name`, `credit_code`, `c.<category id>`
//! (a status), `scenario`, `goods`, `service` (repeated), `multi_merchant`
//! (`yes`/`no`), `d.<document id>` (`on`: held) with `d.<id>.number`,
//! `.holder`, `.valid_from`, `.valid_until` and `d.<id>.<attribute id>`
//! (repeated), and `as_of`.

use std::collections::BTreeMap;

use livegate_core::profile::{AttributeValues, CategoryStatus, ProfileCategory, ProfileDocument};
use livegate_core::{Profile, Ruleset};

use super::form::Form;

/// The document fields besides the checkbox, as (suffix, profile field).
pub const DOC_FIELDS: [&str; 4] = ["number", "holder", "valid_from", "valid_until"];

/// The profile a form describes. `None` until a subject type is chosen.
pub fn to_profile(rs: &Ruleset, f: &Form) -> Option<Profile> {
    let mut p = Profile::default();
    p.subject.kind.0 = f.text("subject")?;
    p.subject.name = f.text("subject_name");
    p.subject.credit_code = f.text("credit_code");
    p.subject.region = f.text("region");
    p.name = f.text("name");
    p.appid = f.text("appid");
    p.categories = categories(rs, f);
    p.scenarios = f.all("scenario");
    p.goods = f.all("goods");
    p.services = f.all("service");
    p.multi_merchant = match f.get("multi_merchant") {
        Some("yes") => Some(true),
        Some("no") => Some(false),
        _ => None,
    };
    p.documents = documents(rs, f);
    p.as_of = f.text("as_of");
    Some(p)
}

fn categories(rs: &Ruleset, f: &Form) -> Vec<ProfileCategory> {
    rs.categories
        .iter()
        .filter_map(|c| {
            let status = f.get(&format!("c.{}", c.id))?;
            Some(ProfileCategory {
                first: c.first.clone(),
                second: Some(c.second.clone()),
                status: Some(status.to_string()),
                documents_confirmed: f.get(&format!("cc.{}", c.id)).map(|_| true),
                ..ProfileCategory::default()
            })
        })
        .collect()
}

fn documents(rs: &Ruleset, f: &Form) -> Vec<ProfileDocument> {
    rs.documents
        .iter()
        .filter(|d| f.has(&format!("d.{}", d.id), "on"))
        .map(|d| {
            let field = |s: &str| f.text(&format!("d.{}.{s}", d.id));
            let attributes: BTreeMap<String, AttributeValues> = d
                .attributes
                .iter()
                .map(|&a| &rs.attributes[a].id)
                .map(|a| (a.clone(), f.all(&format!("d.{}.{a}", d.id))))
                .filter(|(_, v)| !v.is_empty())
                .map(|(a, v)| (a, AttributeValues(v)))
                .collect();
            ProfileDocument {
                kind: d.id.clone(),
                number: field("number"),
                holder: field("holder"),
                credit_code: None,
                valid_from: field("valid_from"),
                valid_until: field("valid_until"),
                attributes,
            }
        })
        .collect()
}

/// A profile as the form's pairs, so a stored applicant fills the same
/// controls. Names the ruleset does not know are kept as written, so the
/// engine still reports them.
pub fn to_form(rs: &Ruleset, p: &Profile) -> Form {
    let mut pairs: Vec<(String, String)> = vec![("subject".into(), subject_id(rs, p))];
    let mut push = |k: &str, v: Option<&String>| {
        if let Some(v) = v {
            pairs.push((k.to_string(), v.clone()));
        }
    };
    push("subject_name", p.subject.name.as_ref());
    push("credit_code", p.subject.credit_code.as_ref());
    push("region", p.subject.region.as_ref());
    push("name", p.name.as_ref());
    push("appid", p.appid.as_ref());
    push("as_of", p.as_of.as_ref());
    for c in &p.categories {
        let second = c.second.clone().unwrap_or_default();
        if let Some(i) = rs.category_by_levels(c.first_level(), &second) {
            let status = c.status.clone().unwrap_or_else(|| "approved".into());
            pairs.push((format!("c.{}", rs.categories[i].id), status));
            if c.documents_confirmed == Some(true) {
                pairs.push((format!("cc.{}", rs.categories[i].id), "1".into()));
            }
        }
    }
    terms(
        &mut pairs,
        "scenario",
        &p.scenarios,
        &rs.lookups.scenarios,
        |i| &rs.scenarios[i].id,
    );
    terms(&mut pairs, "goods", &p.goods, &rs.lookups.goods, |i| {
        &rs.goods[i].id
    });
    terms(
        &mut pairs,
        "service",
        &p.services,
        &rs.lookups.services,
        |i| &rs.services[i].id,
    );
    if let Some(m) = p.multi_merchant {
        pairs.push(("multi_merchant".into(), if m { "yes" } else { "no" }.into()));
    }
    for d in &p.documents {
        document_pairs(rs, d, &mut pairs);
    }
    Form::from_pairs(pairs)
}

fn subject_id(rs: &Ruleset, p: &Profile) -> String {
    rs.lookups
        .subject_types
        .get(&p.subject.kind.0)
        .or_else(|| {
            let n: u8 = p.subject.kind.0.parse().ok()?;
            rs.subject_types
                .iter()
                .position(|s| s.verify_type == Some(n))
        })
        .map_or_else(
            || p.subject.kind.0.clone(),
            |i| rs.subject_types[i].id.clone(),
        )
}

fn terms<'a>(
    pairs: &mut Vec<(String, String)>,
    field: &str,
    names: &[String],
    lookup: &livegate_core::ruleset::Lookup,
    id: impl Fn(usize) -> &'a String,
) {
    for n in names {
        let v = lookup.get(n).map_or_else(|| n.clone(), |i| id(i).clone());
        pairs.push((field.to_string(), v));
    }
}

fn document_pairs(rs: &Ruleset, d: &ProfileDocument, pairs: &mut Vec<(String, String)>) {
    let Some(k) = rs.lookups.documents.get(&d.kind) else {
        return;
    };
    let kind = &rs.documents[k];
    let id = &kind.id;
    pairs.push((format!("d.{id}"), "on".into()));
    for (suffix, v) in DOC_FIELDS
        .iter()
        .zip([&d.number, &d.holder, &d.valid_from, &d.valid_until])
    {
        if let Some(v) = v {
            pairs.push((format!("d.{id}.{suffix}"), v.clone()));
        }
    }
    for (attr, values) in &d.attributes {
        let Some(a) = rs.lookups.attributes.get(attr) else {
            continue;
        };
        let attr_id = &rs.attributes[a].id;
        for v in &values.0 {
            let value = rs.lookups.values[a]
                .get(v)
                .map_or_else(|| v.clone(), |i| rs.attributes[a].values[i].id.clone());
            pairs.push((format!("d.{id}.{attr_id}"), value));
        }
    }
}

/// The form field an engine error's profile path points at, given the
/// profile the form made: `documents[1].valid_until` → `d.<id>.valid_until`.
pub fn field_of(p: &Profile, path: &str) -> String {
    if let Some(rest) = path.strip_prefix("documents[") {
        let (idx, tail) = rest.split_once(']').unwrap_or((rest, ""));
        if let Some(d) = idx.parse::<usize>().ok().and_then(|i| p.documents.get(i)) {
            let tail = tail.trim_start_matches('.');
            let field = tail.split(['.', '[']).next().unwrap_or("");
            return if field.is_empty() {
                format!("d.{}", d.kind)
            } else {
                format!("d.{}.{field}", d.kind)
            };
        }
    }
    match path {
        "subject.type" => "subject".into(),
        "subject.name" => "subject_name".into(),
        "subject.credit_code" => "credit_code".into(),
        "subject.region" => "region".into(),
        p if p.starts_with("scenarios") => "scenario".into(),
        p if p.starts_with("goods") => "goods".into(),
        p if p.starts_with("services") => "service".into(),
        p if p.starts_with("categories") => "categories".into(),
        other => other.to_string(),
    }
}

/// The statuses a category can have, in the order the form offers them.
pub fn statuses() -> impl Iterator<Item = &'static str> {
    CategoryStatus::ALL.iter().map(|(n, _)| *n)
}
