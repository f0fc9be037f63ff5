//! WeChat's own formats. A mini program's categories as the open
//! platform's `getcategory` returns them
//! (https://developers.weixin.qq.com/doc/oplatform/Third-party_Platforms/2.0/api/category/getcategory.html):
//! `categories[]` with `first`, `first_name`, `second`, `second_name`,
//! `audit_status` (1 审核中, 2 审核不通过, 3 审核通过) and `audit_reason`.

use serde::{Deserialize, Serialize};

use crate::catalog::msg;
use crate::l10n::Lang;
use crate::ruleset::Ruleset;
use crate::whole::{WholeI64, WholeU8, WholeU32};

use crate::err::ProfileError;
use crate::profile::{Profile, ProfileCategory, SubjectTypeRef};

const GETCATEGORY: &str = "https://developers.weixin.qq.com/doc/oplatform/Third-party_Platforms/2.0/api/category/getcategory.html";

#[derive(Debug, Deserialize)]
struct GetCategory {
    #[serde(default)]
    errcode: WholeI64,
    #[serde(default)]
    errmsg: Option<String>,
    #[serde(default)]
    categories: Option<Vec<WxCategory>>,
}

#[derive(Debug, Deserialize)]
struct WxCategory {
    first: WholeU32,
    first_name: String,
    second: WholeU32,
    second_name: String,
    audit_status: WholeU8,
    #[serde(default)]
    audit_reason: Option<String>,
}

fn error(path: &str, message: String) -> ProfileError {
    ProfileError {
        kind: crate::err::ErrorKind::Value,
        path: path.to_string(),
        line: None,
        column: None,
        message,
        suggestion: None,
    }
}

/// A WeChat response of type `T`; JSON of another shape is an error naming
/// the JSON path, the response and the page that documents it, in `lang`.
pub(crate) fn read_response<T: serde::de::DeserializeOwned>(
    text: &str,
    what: &str,
    doc: &str,
    lang: Lang,
) -> Result<T, ProfileError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut de = serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let mut said = inner.to_string();
        // serde_json appends " at line L column C"; the error carries them.
        if let Some(i) = said.rfind(" at line ") {
            said.truncate(i);
        }
        let detail = crate::parse_words::phrase(&said, lang);
        let vars = [("what", what), ("doc", doc), ("detail", detail.as_str())];
        ProfileError {
            // The words are the catalogue's already: not phrased again.
            kind: crate::err::ErrorKind::Value,
            path: crate::err::json_path(&path),
            line: Some(inner.line()),
            column: Some(inner.column()),
            message: msg("wechat_not_response", lang, &vars),
            suggestion: None,
        }
    })
}

/// WeChat answered an error instead of what was asked (`instead`, a
/// catalogue key).
pub(crate) fn errcode(
    code: i64,
    errmsg: Option<String>,
    instead: &str,
    lang: Lang,
) -> ProfileError {
    let (code, m) = (code.to_string(), errmsg.unwrap_or_default());
    let instead = msg(instead, lang, &[]);
    let vars = [
        ("code", code.as_str()),
        ("errmsg", m.as_str()),
        ("instead", instead.as_str()),
    ];
    error("errcode", msg("wechat_errcode", lang, &vars))
}

/// The categories of a `getcategory` response, as a profile lists them:
/// WeChat's names, ids, review status and reason. A response with an
/// `errcode` other than 0, JSON of another shape, or an unknown
/// `audit_status` is an error naming the JSON path.
pub fn categories_from_getcategory(
    text: &str,
    lang: Lang,
) -> Result<Vec<ProfileCategory>, ProfileError> {
    let r: GetCategory = read_response(text, "getcategory", GETCATEGORY, lang)?;
    if r.errcode.0 != 0 {
        return Err(errcode(
            r.errcode.0,
            r.errmsg,
            "wechat_the_categories",
            lang,
        ));
    }
    let none = || msg("wechat_no_list", lang, &[("field", "categories")]);
    let list = r.categories.ok_or_else(|| error("categories", none()))?;
    list.into_iter()
        .enumerate()
        .map(|(i, c)| {
            let status = match c.audit_status.0 {
                1 => "pending",
                2 => "rejected",
                3 => "approved",
                n => {
                    let said = msg("wechat_audit_status", lang, &[("n", &n.to_string())]);
                    return Err(error(&format!("categories[{i}].audit_status"), said));
                }
            };
            Ok(ProfileCategory {
                first: c.first_name,
                second: Some(c.second_name),
                status: Some(status.to_string()),
                wechat_first: Some(c.first.0),
                wechat_second: Some(c.second.0),
                audit_reason: c.audit_reason.filter(|r| !r.trim().is_empty()),
                documents_confirmed: None,
            })
        })
        .collect()
}

/// A profile's categories replaced by WeChat's: WeChat lists every category
/// added to the mini program, so the profile keeps only the ones it plans
/// (status `planned`) that WeChat does not list yet.
pub fn merge_categories(profile: &mut Profile, mut wechat: Vec<ProfileCategory>) {
    // What the person confirmed of a category stays with it.
    for w in &mut wechat {
        w.documents_confirmed = profile
            .categories
            .iter()
            .find(|c| c.label() == w.label())
            .and_then(|c| c.documents_confirmed);
    }
    let planned: Vec<ProfileCategory> = profile
        .categories
        .drain(..)
        .filter(|c| c.status.as_deref().map(str::trim) == Some("planned"))
        .filter(|c| !wechat.iter().any(|w| w.label() == c.label()))
        .collect();
    profile.categories = wechat;
    profile.categories.extend(planned);
}

/// WeChat's ids and review reason of the categories in `from` that `to`
/// lists too (by label): an edit that does not know them keeps them.
pub fn keep_wechat_fields(to: &mut [ProfileCategory], from: &[ProfileCategory]) {
    for c in to.iter_mut() {
        if let Some(old) = from.iter().find(|o| o.label() == c.label()) {
            c.wechat_first = c.wechat_first.or(old.wechat_first);
            c.wechat_second = c.wechat_second.or(old.wechat_second);
            if c.status == old.status {
                c.audit_reason = c.audit_reason.take().or(old.audit_reason.clone());
            }
        }
    }
}

/// A profile with only a subject type (WeChat's `verify_type`) and WeChat's
/// categories.
pub fn profile_from_getcategory(
    text: &str,
    verify_type: Option<u8>,
    base: Option<Profile>,
    lang: Lang,
) -> Result<Profile, ProfileError> {
    let categories = categories_from_getcategory(text, lang)?;
    let mut profile = match (base, verify_type) {
        (Some(p), _) => p,
        (None, Some(_)) => Profile::default(),
        (None, None) => {
            return Err(error("subject.type", msg("wechat_no_subject", lang, &[])));
        }
    };
    if let Some(v) = verify_type {
        profile.subject.kind = SubjectTypeRef(v.to_string());
    }
    merge_categories(&mut profile, categories);
    Ok(profile)
}

/// One category of an `addcategory` request
/// (https://developers.weixin.qq.com/doc/oplatform/Third-party_Platforms/2.0/api/category/addcategory.html).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AddCategory {
    pub first: u32,
    pub second: u32,
    /// WeChat's spelling: 资质名称 (`key`) and the scan's `media_id` (`value`).
    pub certicates: Vec<Certificate>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Certificate {
    pub key: String,
    pub value: String,
}

/// A category the plan adds that no request can be written for, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Unresolved {
    pub category: String,
    pub reason: String,
}

/// The `addcategory` request body for the categories the plan adds or
/// resubmits, and those it cannot write.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AddCategoryPlan {
    /// The plan's path.
    pub path: Option<String>,
    /// The request body, as WeChat takes it: `{"categories": [...]}`.
    pub addcategory: AddCategoryBody,
    pub unresolved: Vec<Unresolved>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AddCategoryBody {
    pub categories: Vec<AddCategory>,
}

/// The documents of a category's nearest alternative (all of them: WeChat
/// takes the whole qualification), as 《name》 keys with the scan's media
/// id from `media`, or a named placeholder.
fn certificates(
    rs: &Ruleset,
    k: usize,
    nearest: Option<(usize, usize)>,
    media: &dyn Fn(&str) -> Option<String>,
) -> Vec<Certificate> {
    let Some((a, t)) = nearest else {
        return Vec::new();
    };
    let mut docs: Vec<usize> = rs.categories[k].alternatives[a].terms[t]
        .atoms
        .iter()
        .map(|atom| rs.atoms[atom].doc.0)
        .collect();
    docs.sort_unstable();
    docs.dedup();
    docs.into_iter()
        .map(|d| {
            let doc = &rs.documents[d];
            let key = format!("《{}》", doc.name.zh);
            let value = media(&doc.id).unwrap_or_else(|| format!("<media_id: {key}>"));
            Certificate { key, value }
        })
        .collect()
}

/// The WeChat ids of a category: those the profile keeps for it (from
/// `getcategory`), else the ruleset's (curated or from an imported
/// catalogue), never guessed.
fn wechat_ids(rs: &Ruleset, p: &Profile, k: usize) -> Option<(u32, u32)> {
    let c = &rs.categories[k];
    let label = c.label();
    p.categories
        .iter()
        .find(|pc| pc.label() == label)
        .and_then(|pc| Some((pc.wechat_first?, pc.wechat_second?)))
        .or_else(|| Some((c.wechat_first?, c.wechat_id?)))
}

/// What to send WeChat for the plan: an `addcategory` category for each one
/// the plan's path adds or resubmits, with WeChat's ids and the documents
/// of its nearest alternative; the others (no known WeChat id, a choice
/// between categories, a first level) are reported, never given an id.
pub fn addcategory(
    rs: &Ruleset,
    p: &Profile,
    d: &crate::Decision,
    media: &dyn Fn(&str) -> Option<String>,
    lang: crate::Lang,
) -> AddCategoryPlan {
    let mut out = AddCategoryPlan {
        path: d.plan_path.map(|pi| rs.paths[pi].id.clone()),
        addcategory: AddCategoryBody {
            categories: Vec::new(),
        },
        unresolved: Vec::new(),
    };
    let Some(pi) = d.plan_path else { return out };
    for q in &d.paths[pi].requirements {
        if q.eval.action.is_none() {
            continue;
        }
        let label = q.category.map_or_else(
            || rs.category_req_label(&q.req(rs)),
            |k| rs.categories[k].label(),
        );
        let unresolved = |key: &str, list: &str| Unresolved {
            category: label.clone(),
            reason: crate::catalog::msg(key, lang, &[("list", list)]),
        };
        match (q.category, q.options.is_empty()) {
            (Some(k), true) => match wechat_ids(rs, p, k) {
                Some((first, second)) => out.addcategory.categories.push(AddCategory {
                    first,
                    second,
                    certicates: certificates(rs, k, q.eval.nearest, media),
                }),
                None => out.unresolved.push(unresolved("wechat_no_id", "")),
            },
            (Some(_), false) => {
                let all: Vec<String> = q
                    .options
                    .iter()
                    .map(|&c| rs.categories[c].label())
                    .collect();
                let list = crate::catalog::join(&all, lang);
                out.unresolved.push(unresolved("wechat_choose_one", &list));
            }
            (None, _) => out.unresolved.push(unresolved("wechat_first_level", "")),
        }
    }
    out
}
