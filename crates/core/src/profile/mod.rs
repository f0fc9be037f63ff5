//! The profile of a mini program (the input), its parsing with precise
//! errors, and its resolution against a ruleset.

pub mod schema;
pub mod wechat;
pub mod whole;

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize};

use crate::err::{ErrorKind, ProfileError, line_col};
use crate::fuzzy;

/// A mini program as the user describes it. Only `subject.type` is required.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// WeChat AppID, kept as given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub appid: Option<String>,
    /// A display name, kept as given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub subject: Subject,
    #[serde(default)]
    pub categories: Vec<ProfileCategory>,
    #[serde(default)]
    pub scenarios: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub multi_merchant: Option<bool>,
    #[serde(default)]
    pub goods: Vec<String>,
    #[serde(default)]
    pub services: Vec<String>,
    #[serde(default)]
    pub documents: Vec<ProfileDocument>,
    /// The evaluation date, `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_of: Option<String>,
    /// Setup steps already done (ids or names of the ruleset's steps).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub steps_done: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Subject {
    /// A subject type id, its Chinese name, or WeChat's `verify_type` number.
    #[serde(rename = "type")]
    pub kind: SubjectTypeRef,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit_code: Option<String>,
    /// Where the subject is registered (a region id or name); the ruleset's
    /// first region (mainland China) when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
}

/// A subject type as given: a string, or WeChat's `verify_type` number.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct SubjectTypeRef(pub String);

impl<'de> Deserialize<'de> for SubjectTypeRef {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = SubjectTypeRef;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a subject type (such as \"enterprise\") or a verify_type number 0-4")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(SubjectTypeRef(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(SubjectTypeRef(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(SubjectTypeRef(v.to_string()))
            }
            // JSON's 1.0 is the number 1 (a JSON Schema `integer`).
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                match whole(v) {
                    Some(n) => Ok(SubjectTypeRef(n.to_string())),
                    None => Err(E::invalid_type(de::Unexpected::Float(v), &self)),
                }
            }
        }
        d.deserialize_any(V)
    }
}

/// A float with no fraction, within `u32`, as that number.
fn whole(v: f64) -> Option<u32> {
    (v.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&v)).then_some(v as u32)
}

/// An optional `u32` that may be written `420` or `420.0`.
fn whole_u32<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    Option::<crate::whole::WholeU32>::deserialize(d).map(|w| w.map(|w| w.0))
}

/// The status of a category in WeChat's back office.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CategoryStatus {
    #[default]
    Approved,
    Pending,
    Rejected,
    Planned,
}

impl CategoryStatus {
    pub const ALL: [(&'static str, CategoryStatus); 4] = [
        ("approved", CategoryStatus::Approved),
        ("pending", CategoryStatus::Pending),
        ("rejected", CategoryStatus::Rejected),
        ("planned", CategoryStatus::Planned),
    ];

    pub fn as_str(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, s)| *s == self)
            .map_or("", |(n, _)| n)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileCategory {
    /// First level (一级类目), or the whole category as `一级/二级`.
    pub first: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub second: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// WeChat's category ids (`getcategory`'s `first` and `second`), kept as given.
    #[serde(
        default,
        deserialize_with = "whole_u32",
        skip_serializing_if = "Option::is_none"
    )]
    pub wechat_first: Option<u32>,
    #[serde(
        default,
        deserialize_with = "whole_u32",
        skip_serializing_if = "Option::is_none"
    )]
    pub wechat_second: Option<u32>,
    /// Why WeChat's review rejected it (`getcategory`'s `audit_reason`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audit_reason: Option<String>,
    /// For a category whose documents the ruleset does not list: the
    /// person confirms they hold what WeChat's page asks for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub documents_confirmed: Option<bool>,
}

impl ProfileCategory {
    /// The category as written: `first/second`.
    pub fn label(&self) -> String {
        match &self.second {
            Some(s) => format!("{}/{}", self.first.trim(), s.trim()),
            None => self.first.trim().to_string(),
        }
    }

    /// The first level.
    pub fn first_level(&self) -> &str {
        let f = self.first.trim();
        if self.second.is_none()
            && let Some((a, _)) = f.split_once(['/', '-'])
        {
            return a.trim();
        }
        f
    }
}

/// A qualification document as the applicant holds it.
///
/// Deserialised by hand: `#[serde(flatten)]` would buffer every document
/// into an intermediate map before reading it, which doubled the cost of
/// parsing a profile.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ProfileDocument {
    /// A document kind id, its Chinese name (with or without 《》) or an alias.
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub holder: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_from: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<String>,
    /// Attributes the ruleset declares for the kind (`service_items`, `scope`…): a value or a list.
    #[serde(flatten)]
    pub attributes: BTreeMap<String, AttributeValues>,
}

impl<'de> Deserialize<'de> for ProfileDocument {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ProfileDocument;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a document: an object with at least `kind`")
            }
            fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut doc = ProfileDocument::default();
                let mut kind: Option<String> = None;
                while let Some(key) = map.next_key::<String>()? {
                    let slot = match key.as_str() {
                        "kind" => {
                            if kind.is_some() {
                                return Err(de::Error::duplicate_field("kind"));
                            }
                            kind = Some(map.next_value()?);
                            continue;
                        }
                        "number" => &mut doc.number,
                        "holder" => &mut doc.holder,
                        "credit_code" => &mut doc.credit_code,
                        "valid_from" => &mut doc.valid_from,
                        "valid_until" => &mut doc.valid_until,
                        _ => {
                            let v: AttributeValues = map.next_value()?;
                            if doc.attributes.insert(key.clone(), v).is_some() {
                                return Err(de::Error::custom(format_args!(
                                    "duplicate field `{key}`"
                                )));
                            }
                            continue;
                        }
                    };
                    if slot.is_some() {
                        return Err(de::Error::custom(format_args!("duplicate field `{key}`")));
                    }
                    *slot = map.next_value()?;
                }
                doc.kind = kind.ok_or_else(|| de::Error::missing_field("kind"))?;
                Ok(doc)
            }
        }
        d.deserialize_map(V)
    }
}

/// An attribute's values: one string or a list of strings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct AttributeValues(pub Vec<String>);

impl<'de> Deserialize<'de> for AttributeValues {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = AttributeValues;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string or a list of strings")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(AttributeValues(vec![v.to_string()]))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(s) = seq.next_element::<String>()? {
                    out.push(s);
                }
                Ok(AttributeValues(out))
            }
        }
        d.deserialize_any(V)
    }
}

/// Parses a profile from JSON text. Errors name the field path, the line and
/// the column; an unknown field suggests the nearest known one.
pub fn parse_profile(text: &str) -> Result<Profile, ProfileError> {
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    if body.trim().is_empty() {
        return Err(ProfileError {
            kind: ErrorKind::Syntax,
            path: String::new(),
            line: None,
            column: None,
            message: "the profile is empty: expected a JSON object with at least subject.type"
                .into(),
            suggestion: None,
        });
    }
    // Most profiles are valid: parse them directly, and only on an error
    // parse again tracking the field path (which costs as much as the parse).
    if let Ok(p) = serde_json::from_str::<Profile>(body) {
        return Ok(p);
    }
    let mut de = serde_json::Deserializer::from_str(body);
    let result: Result<Profile, _> = serde_path_to_error::deserialize(&mut de);
    let profile = match result {
        Ok(p) => p,
        Err(e) => {
            let path = e.path().to_string();
            let inner = e.into_inner();
            let (line, column) = (inner.line(), inner.column());
            let mut message = inner.to_string();
            // serde_json appends " at line L column C"; the error carries them separately.
            if let Some(i) = message.rfind(" at line ") {
                message.truncate(i);
            }
            let suggestion = suggest_from_message(&message);
            return Err(ProfileError {
                kind: ErrorKind::of_json(&inner),
                path: crate::err::json_path(&path),
                line: Some(line),
                column: Some(column),
                message,
                suggestion,
            });
        }
    };
    // Trailing content after the object.
    if let Err(e) = de.end() {
        return Err(ProfileError {
            kind: ErrorKind::Syntax,
            path: String::new(),
            line: Some(e.line()),
            column: Some(e.column()),
            message: "unexpected content after the profile object".into(),
            suggestion: None,
        });
    }
    Ok(profile)
}

fn suggest_from_message(message: &str) -> Option<String> {
    if !(message.starts_with("unknown field") || message.starts_with("unknown variant")) {
        return None;
    }
    let quoted: Vec<&str> = message.split('`').skip(1).step_by(2).collect();
    let (given, expected) = quoted.split_first()?;
    fuzzy::nearest(given, expected.iter().copied()).map(str::to_string)
}

/// One step of a field path.
#[derive(Debug, Clone, Copy)]
pub enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

/// Finds the line and column of the value at `path` in valid JSON text, so
/// that an error found after parsing can still point at its place.
pub fn locate(text: &str, path: &[Step]) -> Option<(usize, usize)> {
    let b = text.as_bytes();
    let mut pos = 0;
    for step in path {
        skip_ws(b, &mut pos);
        match (step, b.get(pos)?) {
            (Step::Key(k), b'{') => {
                pos += 1;
                loop {
                    skip_ws(b, &mut pos);
                    if *b.get(pos)? == b'}' {
                        return None;
                    }
                    let key = read_string(text, &mut pos)?;
                    skip_ws(b, &mut pos);
                    pos += 1; // ':'
                    skip_ws(b, &mut pos);
                    if key == *k {
                        break;
                    }
                    skip_value(b, &mut pos)?;
                    skip_ws(b, &mut pos);
                    if *b.get(pos)? == b',' {
                        pos += 1;
                    }
                }
            }
            (Step::Index(n), b'[') => {
                pos += 1;
                for _ in 0..*n {
                    skip_ws(b, &mut pos);
                    skip_value(b, &mut pos)?;
                    skip_ws(b, &mut pos);
                    if *b.get(pos)? != b',' {
                        return None;
                    }
                    pos += 1;
                }
                skip_ws(b, &mut pos);
            }
            _ => return None,
        }
    }
    skip_ws(b, &mut pos);
    Some(line_col(text, pos))
}

fn skip_ws(b: &[u8], pos: &mut usize) {
    while let Some(c) = b.get(*pos) {
        if matches!(c, b' ' | b'\t' | b'\n' | b'\r') || (*pos == 0 && *c == 0xEF) {
            *pos += if *c == 0xEF { 3 } else { 1 };
        } else {
            break;
        }
    }
}

fn read_string(text: &str, pos: &mut usize) -> Option<String> {
    let b = text.as_bytes();
    if *b.get(*pos)? != b'"' {
        return None;
    }
    let start = *pos;
    *pos += 1;
    while *b.get(*pos)? != b'"' {
        if b[*pos] == b'\\' {
            *pos += 1;
        }
        *pos += 1;
    }
    *pos += 1;
    serde_json::from_str(&text[start..*pos]).ok()
}

fn skip_value(b: &[u8], pos: &mut usize) -> Option<()> {
    let mut depth = 0usize;
    loop {
        let c = *b.get(*pos)?;
        match c {
            b'"' => {
                *pos += 1;
                while *b.get(*pos)? != b'"' {
                    if b[*pos] == b'\\' {
                        *pos += 1;
                    }
                    *pos += 1;
                }
                *pos += 1;
            }
            b'{' | b'[' => {
                depth += 1;
                *pos += 1;
            }
            b'}' | b']' => {
                if depth == 0 {
                    return Some(());
                }
                depth -= 1;
                *pos += 1;
            }
            b',' if depth == 0 => return Some(()),
            _ => *pos += 1,
        }
        if depth == 0 && matches!(c, b'"' | b'}' | b']') {
            return Some(());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locate_finds_nested_values() {
        let t = "{\n  \"a\": [1, {\"x\": \"y\"}],\n  \"subject\": {\"name\": \"n\", \"type\": \"enterprize\"}\n}";
        assert_eq!(
            locate(t, &[Step::Key("subject"), Step::Key("type")]),
            Some((3, 36))
        );
        assert_eq!(
            locate(t, &[Step::Key("a"), Step::Index(1), Step::Key("x")]),
            Some((2, 18))
        );
        assert_eq!(locate(t, &[Step::Key("missing")]), None);
    }

    #[test]
    fn a_wrong_type_names_the_field_path_line_and_column() {
        let e =
            parse_profile("{\"subject\": {\"type\": \"enterprise\"},\n \"goods\": 3}").unwrap_err();
        assert_eq!(e.path, "goods");
        assert_eq!(e.line, Some(2));
        assert!(e.message.contains("invalid type"), "{e}");
    }

    #[test]
    fn an_unknown_field_suggests_the_nearest_one() {
        let e = parse_profile("{\"subject\": {\"type\": \"enterprise\"}, \"catgories\": []}")
            .unwrap_err();
        assert_eq!(e.suggestion.as_deref(), Some("categories"));
    }

    #[test]
    fn documents_keep_their_fields_and_attributes_and_refuse_what_is_malformed() {
        let p = parse_profile(
            r#"{"subject": {"type": "enterprise"}, "documents": [{"kind": "k", "number": "n", "valid_until": null, "scope": "x", "service_items": ["a", "b"]}]}"#,
        )
        .unwrap();
        let d = &p.documents[0];
        assert_eq!(
            (
                d.kind.as_str(),
                d.number.as_deref(),
                d.valid_until.as_deref()
            ),
            ("k", Some("n"), None)
        );
        assert_eq!(d.attributes["scope"].0, vec!["x"]);
        assert_eq!(d.attributes["service_items"].0, vec!["a", "b"]);
        let e =
            parse_profile(r#"{"subject": {"type": "enterprise"}, "documents": [{"number": "n"}]}"#)
                .unwrap_err();
        assert!(e.message.contains("missing field `kind`"), "{e}");
        assert_eq!(e.path, "documents[0]");
        let e = parse_profile(
            r#"{"subject": {"type": "enterprise"}, "documents": [{"kind": "k", "holder": 3}]}"#,
        )
        .unwrap_err();
        assert_eq!(e.path, "documents[0].holder");
        let e = parse_profile(
            r#"{"subject": {"type": "enterprise"}, "documents": [{"kind": "k", "scope": [1]}]}"#,
        )
        .unwrap_err();
        assert!(e.path.starts_with("documents[0].scope"), "{e}");
        let e = parse_profile(
            r#"{"subject": {"type": "enterprise"}, "documents": [{"kind": "k", "kind": "j"}]}"#,
        )
        .unwrap_err();
        assert!(e.message.contains("duplicate field"), "{e}");
        let e = parse_profile(r#"{"subject": {"type": "enterprise"}, "documents": ["k"]}"#)
            .unwrap_err();
        assert_eq!(e.path, "documents[0]");
    }

    #[test]
    fn whole_numbers_may_be_written_with_a_zero_fraction() {
        let p = parse_profile(
            r#"{"subject":{"type":1.0},"categories":[{"first":"a","wechat_first":420.0,"wechat_second":7}]}"#,
        )
        .expect("1.0 and 420.0 are whole numbers");
        assert_eq!(p.subject.kind.0, "1");
        assert_eq!(p.categories[0].wechat_first, Some(420));
        assert_eq!(p.categories[0].wechat_second, Some(7));
        for bad in ["420.5", "-1", "4294967296", "\"7\""] {
            let text = format!(
                r#"{{"subject":{{"type":1}},"categories":[{{"first":"a","wechat_first":{bad}}}]}}"#
            );
            let e = parse_profile(&text).expect_err(bad);
            assert_eq!(e.path, "categories[0].wechat_first", "{bad}: {e}");
        }
        assert!(parse_profile(r#"{"subject":{"type":1.5}}"#).is_err());
    }

    #[test]
    fn a_missing_subject_is_an_error_and_a_bom_is_accepted() {
        assert!(parse_profile("{}").is_err());
        assert!(parse_profile("\u{feff}{\"subject\": {\"type\": 1}}").is_ok());
        assert!(parse_profile("   ").unwrap_err().message.contains("empty"));
        assert!(parse_profile("{\"subject\": {\"type\": 1}} x").is_err());
    }
}
