//! The flat CSV layout: one row per merchant, one line per row, list columns
//! separated by `|`.
//!
//! | column | content |
//! |---|---|
//! | `id`, `appid`, `name` | kept as given |
//! | `subject_type` (required) | as in JSON: id, Chinese name or verify_type |
//! | `subject_name`, `credit_code` | the subject's |
//! | `region` | where the subject is registered: `mainland` (default), `hong_kong`, `macao`, `taiwan`, `overseas`, or a Chinese name |
//! | `categories` | `一级/二级` or `一级/二级:status`, separated by `|` |
//! | `scenarios`, `goods`, `services` | separated by `|` |
//! | `multi_merchant` | `true`/`false` (also `1`/`0`, `是`/`否`), empty for unstated |
//! | `documents` | `kind;key=value;key=v1,v2`, separated by `|`; keys: `number`, `holder`, `credit_code`, `valid_from`, `valid_until`, or an attribute (`service_items`, `scope`) whose values are separated by `,` |
//! | `as_of` | the evaluation date, `YYYY-MM-DD` |

use std::collections::BTreeMap;

use livegate_core::profile::{
    AttributeValues, ProfileCategory, ProfileDocument, Subject, SubjectTypeRef,
};
use livegate_core::{Lang, Profile, fuzzy};

use crate::messages::msg;

/// The columns of a CSV input, from its header line.
#[derive(Debug, Clone)]
pub struct Columns {
    cols: Vec<Col>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    Id,
    Appid,
    Name,
    SubjectType,
    SubjectName,
    CreditCode,
    Region,
    Categories,
    Scenarios,
    MultiMerchant,
    Goods,
    Services,
    Documents,
    AsOf,
}

const NAMES: [(&str, Col); 14] = [
    ("id", Col::Id),
    ("appid", Col::Appid),
    ("name", Col::Name),
    ("subject_type", Col::SubjectType),
    ("subject_name", Col::SubjectName),
    ("credit_code", Col::CreditCode),
    ("region", Col::Region),
    ("categories", Col::Categories),
    ("scenarios", Col::Scenarios),
    ("multi_merchant", Col::MultiMerchant),
    ("goods", Col::Goods),
    ("services", Col::Services),
    ("documents", Col::Documents),
    ("as_of", Col::AsOf),
];

/// The column names the layout knows, in order.
pub fn column_names() -> impl Iterator<Item = &'static str> {
    NAMES.iter().map(|(n, _)| *n)
}

/// A problem with one row: the column and what is wrong.
#[derive(Debug, Clone)]
pub struct RowError {
    pub column: Option<String>,
    pub message: String,
}

fn record(line: &str, lang: Lang) -> Result<csv::StringRecord, String> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(line.as_bytes());
    let mut rec = csv::StringRecord::new();
    match r.read_record(&mut rec) {
        Ok(_) => Ok(rec),
        Err(e) => Err(msg(lang, "csv_unreadable", &[("detail", &e.to_string())])),
    }
}

impl Columns {
    /// Reads the header line. Errors name an unknown column and the nearest known one.
    pub fn parse(header: &str, lang: Lang) -> Result<Columns, String> {
        let rec = record(header, lang)?;
        let mut cols = Vec::new();
        for name in rec.iter() {
            let name = name.trim();
            match NAMES.iter().find(|(n, _)| *n == name) {
                Some((_, c)) => {
                    if cols.contains(c) {
                        return Err(msg(lang, "csv_column_twice", &[("name", name)]));
                    }
                    cols.push(*c);
                }
                None => {
                    let hint = fuzzy::nearest(name, column_names())
                        .map(|n| {
                            livegate_core::catalog::msg("did_you_mean", lang, &[("nearest", n)])
                        })
                        .unwrap_or_default();
                    let known = column_names().collect::<Vec<_>>().join(", ");
                    let vars = [
                        ("name", name),
                        ("hint", hint.as_str()),
                        ("known", known.as_str()),
                    ];
                    return Err(msg(lang, "csv_unknown_column", &vars));
                }
            }
        }
        if !cols.contains(&Col::SubjectType) {
            return Err(msg(lang, "csv_no_subject_type", &[]));
        }
        Ok(Columns { cols })
    }

    /// Reads one data row into a profile.
    pub fn profile(&self, line: &str, lang: Lang) -> Result<Profile, RowError> {
        let rec = self.fields(line, lang)?;
        let mut p = Profile::default();
        for (col, value) in self.cols.iter().zip(rec.iter()) {
            let v = value.trim();
            if v.is_empty() {
                continue;
            }
            fill(&mut p, *col, v, lang)?;
        }
        if p.subject.kind.0.is_empty() {
            return Err(RowError {
                column: Some("subject_type".into()),
                message: msg(lang, "csv_subject_type_empty", &[]),
            });
        }
        Ok(p)
    }

    /// Splits a data row into its fields, no more than there are columns.
    fn fields(&self, line: &str, lang: Lang) -> Result<csv::StringRecord, RowError> {
        let rec = record(line, lang).map_err(|message| RowError {
            column: None,
            message,
        })?;
        if rec.len() > self.cols.len() {
            return Err(RowError {
                column: None,
                message: msg(
                    lang,
                    "csv_too_many_fields",
                    &[
                        ("fields", &rec.len().to_string()),
                        ("columns", &self.cols.len().to_string()),
                    ],
                ),
            });
        }
        Ok(rec)
    }
}

/// Sets the part of the profile that column `col` gives from its (non-empty) value `v`.
fn fill(p: &mut Profile, col: Col, v: &str, lang: Lang) -> Result<(), RowError> {
    let s = || Some(v.to_string());
    match col {
        Col::Id => p.id = s(),
        Col::Appid => p.appid = s(),
        Col::Name => p.name = s(),
        Col::SubjectType => {
            p.subject = Subject {
                kind: SubjectTypeRef(v.to_string()),
                ..std::mem::take(&mut p.subject)
            }
        }
        Col::SubjectName => p.subject.name = s(),
        Col::CreditCode => p.subject.credit_code = s(),
        Col::Region => p.subject.region = s(),
        Col::Categories => p.categories = list(v).map(category).collect(),
        Col::Scenarios => p.scenarios = list(v).map(str::to_string).collect(),
        Col::Goods => p.goods = list(v).map(str::to_string).collect(),
        Col::Services => p.services = list(v).map(str::to_string).collect(),
        Col::MultiMerchant => p.multi_merchant = Some(flag(v, lang)?),
        Col::Documents => {
            p.documents = list(v)
                .map(|d| document(d, lang))
                .collect::<Result<_, _>>()?;
        }
        Col::AsOf => p.as_of = s(),
    }
    Ok(())
}

/// One entry of `categories`: `一级/二级`, `一级/二级:status`, or with
/// `:confirmed` after them (the person holds what WeChat's page asks for a
/// category whose documents the ruleset does not list).
fn category(c: &str) -> ProfileCategory {
    let (c, confirmed) = match c.trim_end().strip_suffix(":confirmed") {
        Some(rest) => (rest, Some(true)),
        None => (c, None),
    };
    let (label, status) = match c.rsplit_once(':') {
        Some((l, st)) => (l.trim(), Some(st.trim().to_string())),
        None => (c, None),
    };
    ProfileCategory {
        first: label.to_string(),
        status,
        documents_confirmed: confirmed,
        ..ProfileCategory::default()
    }
}

/// The value of `multi_merchant`: `true`/`false`, `1`/`0`, `是`/`否` or `yes`/`no`.
fn flag(v: &str, lang: Lang) -> Result<bool, RowError> {
    match v {
        "true" | "TRUE" | "True" | "1" | "是" | "yes" => Ok(true),
        "false" | "FALSE" | "False" | "0" | "否" | "no" => Ok(false),
        _ => Err(RowError {
            column: Some("multi_merchant".into()),
            message: msg(lang, "csv_not_bool", &[("value", v)]),
        }),
    }
}

fn list(v: &str) -> impl Iterator<Item = &str> {
    v.split('|').map(str::trim).filter(|s| !s.is_empty())
}

fn document(entry: &str, lang: Lang) -> Result<ProfileDocument, RowError> {
    let mut parts = entry.split(';');
    let kind = parts.next().unwrap_or_default().trim();
    let mut d = ProfileDocument {
        kind: kind.to_string(),
        ..ProfileDocument::default()
    };
    let mut attributes = BTreeMap::new();
    for kv in parts {
        let kv = kv.trim();
        if kv.is_empty() {
            continue;
        }
        let Some((k, v)) = kv.split_once('=') else {
            return Err(RowError {
                column: Some("documents".into()),
                message: msg(lang, "csv_not_key_value", &[("entry", kv), ("kind", kind)]),
            });
        };
        let (k, v) = (k.trim(), v.trim().to_string());
        match k {
            "number" => d.number = Some(v),
            "holder" => d.holder = Some(v),
            "credit_code" => d.credit_code = Some(v),
            "valid_from" => d.valid_from = Some(v),
            "valid_until" => d.valid_until = Some(v),
            _ => {
                let values = v
                    .split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect();
                attributes.insert(k.to_string(), AttributeValues(values));
            }
        }
    }
    d.attributes = attributes;
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_fills_lists_statuses_and_document_attributes() {
        let cols = Columns::parse(
            "id,subject_type,categories,multi_merchant,documents",
            Lang::En,
        )
        .unwrap();
        let p = cols
            .profile("m1,enterprise,电商平台/电商平台:pending|社交/直播,true,\"telecom_value_added_license;service_items=B21,B25;valid_until=2029-01-01|platform_service_agreement\"", Lang::En)
            .unwrap();
        assert_eq!(p.id.as_deref(), Some("m1"));
        assert_eq!(p.categories.len(), 2);
        assert_eq!(p.categories[0].status.as_deref(), Some("pending"));
        assert_eq!(p.categories[1].first, "社交/直播");
        assert_eq!(p.multi_merchant, Some(true));
        assert_eq!(
            p.documents[0].attributes["service_items"].0,
            vec!["B21", "B25"]
        );
        assert_eq!(p.documents[0].valid_until.as_deref(), Some("2029-01-01"));
        assert_eq!(p.documents[1].kind, "platform_service_agreement");
    }

    #[test]
    fn a_category_says_its_unlisted_documents_are_confirmed_after_its_status() {
        let cols = Columns::parse("subject_type,categories", Lang::En).unwrap();
        let p = cols
            .profile(
                "enterprise,社交/直播表演:pending:confirmed|社交/直播:confirmed|教育/在线视频课程",
                Lang::En,
            )
            .unwrap();
        let c = &p.categories;
        assert_eq!(
            (
                c[0].first.as_str(),
                c[0].status.as_deref(),
                c[0].documents_confirmed
            ),
            ("社交/直播表演", Some("pending"), Some(true))
        );
        assert_eq!(
            (c[1].status.as_deref(), c[1].documents_confirmed),
            (None, Some(true))
        );
        assert_eq!(c[2].documents_confirmed, None);
    }

    #[test]
    fn an_unknown_column_names_the_nearest_and_subject_type_is_required() {
        let e = Columns::parse("id,subject_typ", Lang::En).unwrap_err();
        assert!(e.contains("subject_type"), "{e}");
        assert!(
            Columns::parse("id,goods", Lang::En)
                .unwrap_err()
                .contains("subject_type")
        );
    }

    #[test]
    fn a_bad_flag_or_too_many_fields_is_a_row_error() {
        let cols = Columns::parse("subject_type,multi_merchant", Lang::En).unwrap();
        assert_eq!(
            cols.profile("enterprise,maybe", Lang::En)
                .unwrap_err()
                .column
                .as_deref(),
            Some("multi_merchant")
        );
        assert!(cols.profile("enterprise,true,x", Lang::En).is_err());
        assert!(cols.profile(",true", Lang::En).is_err());
    }
}
