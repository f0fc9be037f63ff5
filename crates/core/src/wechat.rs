//! WeChat's own formats. A mini program's categories as the open
//! platform's `getcategory` returns them
//! (https://developers.weixin.qq.com/doc/oplatform/Third-party_Platforms/2.0/api/category/getcategory.html):
//! `categories[]` with `first`, `first_name`, `second`, `second_name`,
//! `audit_status` (1 审核中, 2 审核不通过, 3 审核通过) and `audit_reason`.

use serde::Deserialize;

use crate::err::ProfileError;
use crate::profile::{Profile, ProfileCategory, SubjectTypeRef};

const GETCATEGORY: &str = "https://developers.weixin.qq.com/doc/oplatform/Third-party_Platforms/2.0/api/category/getcategory.html";

#[derive(Debug, Deserialize)]
struct GetCategory {
    #[serde(default)]
    errcode: i64,
    #[serde(default)]
    errmsg: Option<String>,
    #[serde(default)]
    categories: Option<Vec<WxCategory>>,
}

#[derive(Debug, Deserialize)]
struct WxCategory {
    first: u32,
    first_name: String,
    second: u32,
    second_name: String,
    audit_status: u8,
    #[serde(default)]
    audit_reason: Option<String>,
}

fn error(path: &str, message: String) -> ProfileError {
    ProfileError {
        path: path.to_string(),
        line: None,
        column: None,
        message,
        suggestion: None,
    }
}

/// The categories of a `getcategory` response, as a profile lists them:
/// WeChat's names, ids, review status and reason. A response with an
/// `errcode` other than 0, JSON of another shape, or an unknown
/// `audit_status` is an error naming the JSON path.
pub fn categories_from_getcategory(text: &str) -> Result<Vec<ProfileCategory>, ProfileError> {
    let mut de = serde_json::Deserializer::from_str(text.strip_prefix('\u{feff}').unwrap_or(text));
    let r: GetCategory = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        ProfileError {
            path: if path == "." { String::new() } else { path },
            line: Some(inner.line()),
            column: Some(inner.column()),
            message: format!("not a getcategory response ({GETCATEGORY}): {inner}"),
            suggestion: None,
        }
    })?;
    if r.errcode != 0 {
        let m = r.errmsg.unwrap_or_default();
        return Err(error(
            "errcode",
            format!(
                "WeChat answered errcode {} ({m}) instead of the categories",
                r.errcode
            ),
        ));
    }
    let list = r
        .categories
        .ok_or_else(|| error("categories", "the response has no categories".into()))?;
    list.into_iter()
        .enumerate()
        .map(|(i, c)| {
            let status = match c.audit_status {
                1 => "pending",
                2 => "rejected",
                3 => "approved",
                n => {
                    return Err(error(
                        &format!("categories[{i}].audit_status"),
                        format!(
                            "audit_status {n} is none of 1 (审核中), 2 (审核不通过), 3 (审核通过)"
                        ),
                    ));
                }
            };
            Ok(ProfileCategory {
                first: c.first_name,
                second: Some(c.second_name),
                status: Some(status.to_string()),
                wechat_first: Some(c.first),
                wechat_second: Some(c.second),
                audit_reason: c.audit_reason.filter(|r| !r.trim().is_empty()),
            })
        })
        .collect()
}

/// A profile's categories replaced by WeChat's: WeChat lists every category
/// added to the mini program, so the profile keeps only the ones it plans
/// (status `planned`) that WeChat does not list yet.
pub fn merge_categories(profile: &mut Profile, wechat: Vec<ProfileCategory>) {
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
) -> Result<Profile, ProfileError> {
    let categories = categories_from_getcategory(text)?;
    let mut profile = match (base, verify_type) {
        (Some(p), _) => p,
        (None, Some(_)) => Profile::default(),
        (None, None) => {
            return Err(error(
                "subject.type",
                "give the subject type: --verify-type N (WeChat's verify_type 0-4) or a --profile with a subject".into(),
            ));
        }
    };
    if let Some(v) = verify_type {
        profile.subject.kind = SubjectTypeRef(v.to_string());
    }
    merge_categories(&mut profile, categories);
    Ok(profile)
}
