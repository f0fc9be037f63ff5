//! An applicant evaluated with its stored documents, and the evaluation
//! kept with its brief index: the one way the API and the console do it.

use livegate_core::ProfileError;
use livegate_core::profile::ProfileDocument;
use livegate_core::{Lang, Options, Profile, Report, Ruleset};
use livegate_store::{
    ApplicantInput, DocumentInput, EvaluationIndex, EvaluationInput, Principal, clock,
};

use crate::{ApiError, AppState};

/// A stored applicant as an evaluation sees it: the profile with the
/// documents its tenant's review policy counts, and the documents held back
/// (awaiting review, or rejected).
pub struct OnFile {
    pub profile: Profile,
    pub held: Vec<livegate_store::Document>,
}

/// The stored profile of an applicant with its stored documents.
pub async fn stored_profile(
    state: &AppState,
    tenant_id: &str,
    id: &str,
) -> Result<OnFile, ApiError> {
    let a = state.store.get_applicant(tenant_id, id).await?;
    let docs = state.store.list_documents(tenant_id, id).await?;
    let policy = state.store.review_policy(tenant_id).await?;
    with_documents(a, docs, policy)
}

/// A stored applicant's profile with the stored documents `policy` counts.
pub fn with_documents(
    a: livegate_store::Applicant,
    docs: Vec<livegate_store::Document>,
    policy: livegate_store::ReviewPolicy,
) -> Result<OnFile, ApiError> {
    let mut profile: Profile = serde_json::from_value(a.profile)
        .map_err(|e| ApiError::Internal(format!("stored profile: {e}")))?;
    let (counted, held) = crate::review::counted(policy, docs)
        .map_err(|e| ApiError::Internal(format!("stored document: {e}")))?;
    profile.documents = counted;
    Ok(OnFile { profile, held })
}

/// Evaluates a stored applicant: the engine's report, with the documents
/// held back for review named and their review first in the plan.
pub fn evaluate_on_file(
    rs: &Ruleset,
    on_file: &OnFile,
    opts: &Options,
) -> Result<Report, ProfileError> {
    let mut report = livegate_core::evaluate(rs, &on_file.profile, opts)?;
    crate::review::annotate(rs, opts.lang, &mut report, &on_file.held);
    Ok(report)
}

/// Dates a stored profile today in Beijing time. A stored applicant is
/// always evaluated as things stand now: an `as_of` the profile carries (an
/// import's, a generated line's) stays in the profile and the console shows
/// it, but it never dates an evaluation, or an old date would hide every
/// licence that has expired since.
pub fn dated(profile: &mut Profile) {
    profile.as_of = Some(clock::format_date(clock::today()));
}

/// The brief of a report kept on the applicant.
pub fn index(rs: &Ruleset, profile: &Profile, report: &Report) -> EvaluationIndex {
    let missing = report
        .plan_path
        .as_deref()
        .and_then(|p| report.path(p))
        .map(|p| p.missing_documents.clone())
        .unwrap_or_default();
    let categories = profile
        .categories
        .iter()
        .filter_map(|c| rs.category_by_levels(c.first_level(), c.second.as_deref().unwrap_or("")))
        .map(|i| rs.categories[i].id.clone())
        .collect();
    EvaluationIndex {
        paths: report
            .paths
            .iter()
            .map(|p| (p.id.clone(), p.status.as_str().to_string()))
            .collect(),
        missing,
        categories,
    }
}

/// A report's paths in brief, kept beside it for timelines.
pub fn brief(report: &Report) -> serde_json::Value {
    let paths: Vec<serde_json::Value> = report
        .paths
        .iter()
        .map(|p| serde_json::json!({"id": p.id, "status": p.status.as_str(), "missing_documents": p.missing_documents}))
        .collect();
    serde_json::json!({ "paths": paths })
}

/// Replaces a stored applicant's profile if its version is still
/// `expected`, then evaluates it; the console's writes of a profile.
pub async fn save_profile(
    state: &AppState,
    who: &Principal,
    id: &str,
    expected: i64,
    profile: Profile,
    lang: Lang,
) -> Result<(), ApiError> {
    let input = check_applicant(state, profile, lang)?;
    state
        .store
        .update_applicant(who, id, expected, input)
        .await?;
    evaluate_and_record(state, who, id, lang).await?;
    Ok(())
}

/// Evaluates a stored applicant and keeps the evaluation in its history.
pub async fn evaluate_and_record(
    state: &AppState,
    who: &Principal,
    id: &str,
    lang: Lang,
) -> Result<(livegate_store::Evaluation, Report), ApiError> {
    let mut on_file = stored_profile(state, &who.tenant_id, id).await?;
    dated(&mut on_file.profile);
    let opts = Options {
        lang,
        ..Default::default()
    };
    let report = evaluate_on_file(&state.ruleset, &on_file, &opts)
        .map_err(|e| ApiError::invalid(&e.path, e.message))?;
    let profile = on_file.profile;
    state.metrics.evaluation(report.verdict.as_str());
    let input = EvaluationInput {
        verdict: report.verdict.as_str().to_string(),
        ruleset_version: state.ruleset.meta.version.clone(),
        ruleset_as_of: state.ruleset.meta.as_of.clone(),
        report: serde_json::to_value(&report).map_err(|e| ApiError::Internal(e.to_string()))?,
        index: index(&state.ruleset, &profile, &report),
        brief: brief(&report),
    };
    let e = state.store.record_evaluation(who, id, input).await?;
    Ok((e, report))
}

/// An engine error about the only document of a wrapper profile, with the
/// path made relative to the document.
pub fn unwrap_document_error(mut e: ProfileError) -> ApiError {
    e.path = e
        .path
        .strip_prefix("documents[0]")
        .map(|p| p.trim_start_matches('.').to_string())
        .unwrap_or(e.path);
    ApiError::Validation(vec![crate::FieldError {
        path: e.path,
        message: e.message,
        suggestion: e.suggestion,
        ..crate::FieldError::default()
    }])
}

/// A document checked as the engine checks a profile's documents (its kind,
/// attributes and dates), ready to store.
pub fn check_document(
    state: &AppState,
    doc: ProfileDocument,
    lang: Lang,
) -> Result<DocumentInput, ApiError> {
    use crate::console::i18n::{Key, t, tf};
    if doc.kind.trim().is_empty() {
        return Err(ApiError::invalid("kind", t(lang, Key::DocumentKindMissing)));
    }
    for (field, value) in [
        ("valid_from", &doc.valid_from),
        ("valid_until", &doc.valid_until),
    ] {
        if let Some(v) = value
            && clock::parse_date(v).is_none()
        {
            return Err(ApiError::invalid(
                field,
                tf(lang, Key::NotADate, &[("value", v)]),
            ));
        }
    }
    let mut profile = Profile::default();
    profile.subject.kind.0 = state
        .ruleset
        .subject_types
        .first()
        .map(|s| s.id.clone())
        .unwrap_or_default();
    profile.documents = vec![doc];
    let opts = Options {
        lang,
        ..Default::default()
    };
    livegate_core::evaluate(&state.ruleset, &profile, &opts).map_err(unwrap_document_error)?;
    let doc = profile.documents.remove(0);
    let body = serde_json::to_value(&doc).map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(DocumentInput {
        kind: doc.kind,
        valid_until: doc.valid_until,
        body,
    })
}

/// A WeChat AppID: `wx` and 16 lowercase hex digits.
pub fn valid_appid(s: &str) -> bool {
    s.len() == 18
        && s.starts_with("wx")
        && s[2..]
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// An applicant as written: a profile with an `appid`, without documents,
/// that the engine accepts. Messages in `lang`.
pub fn check_applicant(
    state: &AppState,
    profile: Profile,
    lang: Lang,
) -> Result<ApplicantInput, ApiError> {
    use crate::console::i18n::{Key, t, tf};
    if !profile.documents.is_empty() {
        return Err(ApiError::invalid(
            "documents",
            t(lang, Key::ApplicantHasDocuments),
        ));
    }
    let appid = profile
        .appid
        .clone()
        .ok_or_else(|| ApiError::invalid("appid", t(lang, Key::AppidMissing)))?;
    if !valid_appid(&appid) {
        return Err(ApiError::invalid(
            "appid",
            tf(lang, Key::AppidInvalid, &[("appid", &appid)]),
        ));
    }
    let opts = Options {
        lang,
        ..Default::default()
    };
    livegate_core::evaluate(&state.ruleset, &profile, &opts).map_err(|e| {
        ApiError::Validation(vec![crate::FieldError {
            path: e.path,
            message: e.message,
            suggestion: e.suggestion,
            ..crate::FieldError::default()
        }])
    })?;
    let value = serde_json::to_value(&profile).map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(ApplicantInput {
        appid,
        name: profile.name.clone(),
        profile: value,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appid_is_wx_and_16_lowercase_hex_digits() {
        assert!(valid_appid("wx0123456789abcdef"));
        for bad in [
            "wx0123456789abcde",
            "wx0123456789abcdeg",
            "xx0123456789abcdef",
            "wx0123456789ABCDEF",
            "wx0123456789abcdef0",
        ] {
            assert!(!valid_appid(bad), "{bad}");
        }
    }
}
