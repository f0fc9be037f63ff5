//! Evaluations: the verdicts recorded for an applicant, each with its full
//! report, kept as history (the latest one in brief is also kept on the
//! applicant, see `summaries.rs`).

use serde::Serialize;
use serde_json::Value;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::audit::{Target, audit};
use crate::{
    EvaluationIndex, Page, Principal, Result, Store, clock, json_text, page, parse_json, summaries,
};

#[derive(Debug, Clone, Serialize)]
pub struct Evaluation {
    pub id: String,
    pub applicant_id: String,
    pub verdict: String,
    pub ruleset_version: String,
    pub ruleset_as_of: String,
    pub created_at: String,
    pub report: Value,
}

#[derive(Debug, Clone)]
pub struct EvaluationInput {
    pub verdict: String,
    pub ruleset_version: String,
    pub ruleset_as_of: String,
    pub report: Value,
    /// The evaluation in brief, kept on the applicant for lists and filters.
    pub index: EvaluationIndex,
    /// The report's paths in brief (`{"paths": [{"id", "status",
    /// "missing_documents"}]}`), kept beside it for timelines.
    pub brief: Value,
}

/// An evaluation row; its `report` column may hold the brief instead.
pub(crate) fn evaluation_row(r: &AnyRow) -> Result<Evaluation> {
    Ok(Evaluation {
        id: r.try_get("id")?,
        applicant_id: r.try_get("applicant_id")?,
        verdict: r.try_get("verdict")?,
        ruleset_version: r.try_get("ruleset_version")?,
        ruleset_as_of: r.try_get("ruleset_as_of")?,
        created_at: r.try_get("created_at")?,
        report: parse_json(&r.try_get::<String, _>("report")?),
    })
}

impl Store {
    pub async fn record_evaluation(
        &self,
        who: &Principal,
        applicant_id: &str,
        input: EvaluationInput,
    ) -> Result<Evaluation> {
        let e = Evaluation {
            id: clock::new_id("evl"),
            applicant_id: applicant_id.to_string(),
            verdict: input.verdict,
            ruleset_version: input.ruleset_version,
            ruleset_as_of: input.ruleset_as_of,
            created_at: clock::now_rfc3339(),
            report: input.report,
        };
        let mut tx = self.pool.begin().await?;
        let previous = sqlx::query(
            "SELECT verdict FROM evaluations WHERE tenant_id = $1 AND applicant_id = $2 ORDER BY id DESC LIMIT 1",
        )
        .bind(&who.tenant_id)
        .bind(applicant_id)
        .fetch_optional(&mut *tx)
        .await?
        .map(|r| r.try_get::<String, _>(0))
        .transpose()?;
        if let Some(from) = previous.filter(|v| *v != e.verdict) {
            let data =
                serde_json::json!({"applicant_id": applicant_id, "from": from, "to": e.verdict});
            crate::webhooks::emit(&mut tx, &who.tenant_id, "applicant.verdict_changed", data)
                .await?;
        }
        sqlx::query(
            "INSERT INTO evaluations (id, tenant_id, applicant_id, verdict, ruleset_version, ruleset_as_of, report, created_at, brief) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&e.id)
        .bind(&who.tenant_id)
        .bind(applicant_id)
        .bind(&e.verdict)
        .bind(&e.ruleset_version)
        .bind(&e.ruleset_as_of)
        .bind(json_text(&e.report))
        .bind(&e.created_at)
        .bind(json_text(&input.brief))
        .execute(&mut *tx)
        .await?;
        summaries::index_evaluation(&mut tx, who, applicant_id, &e, &input.index).await?;
        let summary =
            serde_json::json!({"verdict": e.verdict, "ruleset_version": e.ruleset_version});
        audit(
            &mut tx,
            &who.tenant_id,
            Some(&who.token_id),
            "applicant.evaluate",
            Target {
                id: applicant_id,
                applicant: Some(applicant_id),
            },
            &Value::Null,
            &summary,
        )
        .await?;
        tx.commit().await?;
        Ok(e)
    }

    pub async fn list_evaluations(
        &self,
        tenant_id: &str,
        applicant_id: &str,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<Page<Evaluation>> {
        let rows = sqlx::query(
            "SELECT id, applicant_id, verdict, ruleset_version, ruleset_as_of, report, created_at FROM evaluations \
             WHERE tenant_id = $1 AND applicant_id = $2 AND id > $3 ORDER BY id LIMIT $4",
        )
        .bind(tenant_id)
        .bind(applicant_id)
        .bind(cursor.unwrap_or(""))
        .bind(limit as i64 + 1)
        .fetch_all(&self.pool)
        .await?;
        let items = rows
            .iter()
            .map(evaluation_row)
            .collect::<Result<Vec<_>>>()?;
        Ok(page(items, limit, |e| &e.id))
    }
}
