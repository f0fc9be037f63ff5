//! The JSON Schema of a profile, made from a ruleset: what
//! [`crate::parse_profile`] and the evaluation accept, with the ruleset's
//! vocabularies (subject types, regions, statuses, setup steps) as enums.
//! The API's OpenAPI document gives it as the request body of its routes,
//! so clients and API testers generate profiles the engine takes.
//!
//! Names the engine reports as findings rather than refuses (a category,
//! scenario or document kind it does not know) are free strings here.

use serde_json::{Value, json};

use crate::profile::CategoryStatus;
use crate::ruleset::{Lookup, Ruleset};

/// A field serde reads into an `Option`: absent, `null`, or the value.
fn nullable(schema: Value) -> Value {
    json!({ "anyOf": [schema, { "type": "null" }] })
}

fn string() -> Value {
    json!({ "type": "string" })
}

fn strings() -> Value {
    json!({ "type": "array", "items": { "type": "string" } })
}

/// A `YYYY-MM-DD` date.
fn date() -> Value {
    json!({ "type": "string", "format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$" })
}

/// Every name a vocabulary accepts as it is written.
fn one_of(lookup: &Lookup) -> Value {
    let mut names = lookup.names.clone();
    names.sort();
    names.dedup();
    json!({ "type": "string", "enum": names })
}

fn subject(rs: &Ruleset) -> Value {
    let numbers: Vec<u8> = rs
        .subject_types
        .iter()
        .filter_map(|s| s.verify_type)
        .collect();
    let kind = json!({ "anyOf": [
        one_of(&rs.lookups.subject_types),
        { "type": "integer", "enum": numbers },
    ] });
    json!({
        "type": "object",
        "additionalProperties": false,
        "required": ["type"],
        "properties": {
            "type": kind,
            "name": nullable(string()),
            "credit_code": nullable(string()),
            "region": nullable(one_of(&rs.lookups.regions)),
        },
    })
}

fn category() -> Value {
    let statuses: Vec<&str> = CategoryStatus::ALL.iter().map(|(n, _)| *n).collect();
    let id = json!({ "type": "integer", "minimum": 0, "maximum": u32::MAX });
    json!({
        "type": "object",
        "additionalProperties": false,
        "required": ["first"],
        "properties": {
            "first": string(),
            "second": nullable(string()),
            "status": nullable(json!({ "type": "string", "enum": statuses })),
            "wechat_first": nullable(id.clone()),
            "wechat_second": nullable(id),
            "audit_reason": nullable(string()),
            "documents_confirmed": nullable(json!({ "type": "boolean" })),
        },
    })
}

/// A document of a profile: its kind, its fields, and any attribute as a
/// value or a list. A kind the ruleset does not know (even an empty one) is
/// a finding of the report, not a refusal.
fn profile_document() -> Value {
    json!({
        "type": "object",
        "required": ["kind"],
        "properties": {
            "kind": string(),
            "number": nullable(string()),
            "holder": nullable(string()),
            "credit_code": nullable(string()),
            "valid_from": nullable(date()),
            "valid_until": nullable(date()),
        },
        "additionalProperties": { "anyOf": [string(), strings()] },
    })
}

/// A document stored on its own (`POST …/documents`): as in a profile,
/// with a kind that is not blank.
pub fn document_schema() -> Value {
    let mut schema = profile_document();
    schema["properties"]["kind"] = json!({ "type": "string", "pattern": "\\S" });
    schema
}

/// WeChat's `getcategory` response, as `PUT …/wechat/categories` takes it:
/// `errcode` 0 and the categories with their ids, names and review status
/// (https://developers.weixin.qq.com/doc/oplatform/Third-party_Platforms/2.0/api/category/getcategory.html).
pub fn getcategory_schema() -> Value {
    let id = json!({ "type": "integer", "minimum": 0, "maximum": u32::MAX });
    let category = json!({
        "type": "object",
        "required": ["first", "first_name", "second", "second_name", "audit_status"],
        "properties": {
            "first": id.clone(),
            "first_name": string(),
            "second": id,
            "second_name": string(),
            "audit_status": { "type": "integer", "enum": [1, 2, 3] },
            "audit_reason": nullable(string()),
        },
    });
    json!({
        "type": "object",
        "required": ["categories"],
        "properties": {
            "errcode": { "type": "integer", "enum": [0] },
            "errmsg": nullable(string()),
            "categories": { "type": "array", "items": category },
        },
    })
}

/// A whole profile, as `livegate check` and `POST /v1/evaluate` read it.
pub fn profile_schema(rs: &Ruleset) -> Value {
    json!({
        "type": "object",
        "additionalProperties": false,
        "required": ["subject"],
        "properties": {
            "id": nullable(string()),
            "appid": nullable(string()),
            "name": nullable(string()),
            "subject": subject(rs),
            "categories": { "type": "array", "items": category() },
            "scenarios": strings(),
            "multi_merchant": nullable(json!({ "type": "boolean" })),
            "goods": strings(),
            "services": strings(),
            "documents": { "type": "array", "items": profile_document() },
            "as_of": nullable(date()),
            "steps_done": { "type": "array", "items": one_of(&rs.lookups.steps) },
        },
    })
}

/// A stored applicant: a profile with a WeChat AppID (`wx` and 16
/// lowercase hex digits) and without documents, which have routes of
/// their own.
pub fn applicant_schema(rs: &Ruleset) -> Value {
    let mut schema = profile_schema(rs);
    schema["required"] = json!(["subject", "appid"]);
    schema["properties"]["appid"] = json!({ "type": "string", "pattern": "^wx[0-9a-f]{16}$" });
    if let Some(p) = schema["properties"].as_object_mut() {
        p.remove("documents");
    }
    schema
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_vocabularies_are_the_rulesets_and_statuses_the_engines() {
        let rs = crate::default_ruleset().expect("the shipped ruleset");
        let s = profile_schema(&rs);
        let kinds = &s["properties"]["subject"]["properties"]["type"]["anyOf"][0]["enum"];
        for name in ["enterprise", "企业", "1"] {
            assert!(
                kinds.as_array().is_some_and(|k| k.contains(&json!(name))),
                "{name}"
            );
        }
        let status = &s["properties"]["categories"]["items"]["properties"]["status"];
        assert_eq!(status["anyOf"][0]["enum"][1], "pending");
        let a = applicant_schema(&rs);
        assert!(a["properties"].get("documents").is_none());
        assert_eq!(a["required"], json!(["subject", "appid"]));
    }
}
