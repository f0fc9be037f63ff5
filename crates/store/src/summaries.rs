//! The applicants as the console lists them: each with its latest
//! evaluation in brief and its next expiry, filtered and paged in SQL; and
//! the tenant-wide figures of the dashboard.

use sqlx::Row;
use sqlx::any::AnyRow;

use crate::applicants::applicant_row;
use crate::audit::audit_row;
use crate::documents::{DOC_SELECT, document_row};
use crate::evaluations::evaluation_row;
use crate::{Applicant, AuditEntry, Document, Evaluation, Page, Principal, Result, Store, page};

/// An evaluation in brief, written beside it on the applicant.
#[derive(Debug, Clone, Default)]
pub struct EvaluationIndex {
    /// (path id, status) for every path of the report.
    pub paths: Vec<(String, String)>,
    /// Documents the plan's path still misses.
    pub missing: Vec<String>,
    /// The ruleset categories the profile names.
    pub categories: Vec<String>,
}

/// `,a,b,`: a list LIKE can search for `,a,`.
pub(crate) fn delimited<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    let mut s = String::from(",");
    for i in items {
        s.push_str(i);
        s.push(',');
    }
    s
}

fn undelimit(s: &str) -> impl Iterator<Item = &str> {
    s.split(',').filter(|p| !p.is_empty())
}

/// What the applicants list is narrowed to; empty fields do not narrow.
#[derive(Debug, Clone, Default)]
pub struct ApplicantFilter {
    pub verdict: Option<String>,
    /// A path id and the status it must have in the latest evaluation.
    pub path_status: Option<(String, String)>,
    /// A ruleset category id the profile names.
    pub category: Option<String>,
    /// Only applicants with a document expiring between `today` (or
    /// `expiring_from`, when later) and this date, both inclusive.
    pub expiring_until: Option<String>,
    pub expiring_from: Option<String>,
    /// A document id the latest plan's path still misses.
    pub missing: Option<String>,
    /// Part of the name, the subject's name or the appid, any case.
    pub text: Option<String>,
    /// Today, `YYYY-MM-DD`: the start of "next expiry".
    pub today: String,
    pub sort: ApplicantSort,
}

/// The order of the applicants list. Every order pages by its key and then
/// the id, so a page boundary between equal keys loses or repeats nothing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ApplicantSort {
    /// Creation order (the ids are time-ordered).
    #[default]
    Created,
    /// By the name a person reads: its own, else its subject's, else the AppID.
    Name,
    /// Eligible first, then pending, needs action, ineligible, never evaluated.
    Verdict,
    /// The most recently evaluated first.
    Evaluated,
}

impl ApplicantSort {
    /// The key's SQL and whether the order is descending.
    fn key(self) -> Option<(&'static str, bool)> {
        match self {
            ApplicantSort::Created => None,
            // In pinyin (拼音排序): `applicants::sort_name`.
            ApplicantSort::Name => Some(("COALESCE(a.sort_name, '')", false)),
            ApplicantSort::Verdict => Some((
                "CASE a.last_verdict WHEN 'eligible' THEN '0' WHEN 'pending' THEN '1' \
                 WHEN 'needs_action' THEN '2' WHEN 'ineligible' THEN '3' ELSE '4' END",
                false,
            )),
            ApplicantSort::Evaluated => Some(("COALESCE(a.last_evaluated_at, '')", true)),
        }
    }
}

/// An applicant with its latest evaluation in brief.
#[derive(Debug, Clone)]
pub struct ApplicantSummary {
    pub applicant: Applicant,
    pub last_verdict: Option<String>,
    pub last_evaluated_at: Option<String>,
    pub last_paths: Vec<(String, String)>,
    /// The earliest `valid_until` on or after today.
    pub next_expiry: Option<String>,
    /// Documents the latest plan's path still misses.
    pub last_missing: Vec<String>,
}

fn like(s: &str) -> String {
    let escaped: String = s
        .to_lowercase()
        .chars()
        .flat_map(|c| match c {
            '%' | '_' | '\\' => vec!['\\', c],
            c => vec![c],
        })
        .collect();
    format!("%{escaped}%")
}

const SUMMARY_SELECT: &str = "SELECT a.id, a.version, a.appid, a.name, a.profile, a.created_at, a.updated_at, \
    a.last_verdict, a.last_evaluated_at, a.last_paths, a.last_missing, \
    (SELECT MIN(d.valid_until) FROM documents d WHERE d.tenant_id = a.tenant_id AND d.applicant_id = a.id \
     AND d.valid_until >= $2) AS next_expiry FROM applicants a";

const SUMMARY_WHERE: &str = " WHERE a.tenant_id = $1 AND a.id > $3 \
    AND ($4 = '' OR a.last_verdict = $4) \
    AND ($5 = '' OR a.last_paths LIKE $5) \
    AND ($6 = '' OR a.categories_index LIKE $6) \
    AND ($7 = '' OR LOWER(a.appid) LIKE $7 ESCAPE '\\' OR LOWER(COALESCE(a.name, '')) LIKE $7 ESCAPE '\\' \
         OR LOWER(COALESCE(a.subject_name, '')) LIKE $7 ESCAPE '\\') \
    AND ($8 = '' OR EXISTS (SELECT 1 FROM documents d WHERE d.tenant_id = a.tenant_id AND d.applicant_id = a.id \
         AND d.valid_until >= $2 AND d.valid_until >= $10 AND d.valid_until <= $8)) \
    AND ($9 = '' OR a.last_missing LIKE $9)";

fn summary_row(r: &AnyRow) -> Result<ApplicantSummary> {
    let paths: Option<String> = r.try_get("last_paths")?;
    Ok(ApplicantSummary {
        applicant: applicant_row(r)?,
        last_verdict: r.try_get("last_verdict")?,
        last_evaluated_at: r.try_get("last_evaluated_at")?,
        last_paths: undelimit(paths.as_deref().unwrap_or(""))
            .filter_map(|p| p.split_once('='))
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect(),
        next_expiry: r.try_get("next_expiry")?,
        last_missing: undelimit(
            r.try_get::<Option<String>, _>("last_missing")?
                .as_deref()
                .unwrap_or(""),
        )
        .map(String::from)
        .collect(),
    })
}

/// The filter's LIKE patterns: path status, category, text and missing document.
fn patterns(f: &ApplicantFilter) -> [String; 4] {
    [
        f.path_status
            .as_ref()
            .map(|(p, s)| format!("%,{p}={s},%"))
            .unwrap_or_default(),
        f.category
            .as_ref()
            .map(|c| format!("%,{c},%"))
            .unwrap_or_default(),
        f.text.as_deref().map(like).unwrap_or_default(),
        f.missing
            .as_ref()
            .map(|d| format!("%,{d},%"))
            .unwrap_or_default(),
    ]
}

/// `sql` (which holds [`SUMMARY_WHERE`]) with the filter's ten parameters bound.
fn filtered<'q>(
    sql: &'q str,
    tenant_id: &'q str,
    f: &'q ApplicantFilter,
    cursor: &'q str,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    let [path, category, text, missing] = patterns(f);
    sqlx::query(sql)
        .bind(tenant_id)
        .bind(&f.today)
        .bind(cursor)
        .bind(f.verdict.clone().unwrap_or_default())
        .bind(path)
        .bind(category)
        .bind(text)
        .bind(f.expiring_until.clone().unwrap_or_default())
        .bind(missing)
        .bind(f.expiring_from.clone().unwrap_or_default())
}

impl Store {
    /// A page of the tenant's applicants, narrowed by `f`, in creation order.
    pub async fn search_applicants(
        &self,
        tenant_id: &str,
        f: &ApplicantFilter,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<Page<ApplicantSummary>> {
        let Some((key, desc)) = f.sort.key() else {
            let sql = format!("{SUMMARY_SELECT}{SUMMARY_WHERE} ORDER BY a.id LIMIT $11");
            let rows = filtered(&sql, tenant_id, f, cursor.unwrap_or(""))
                .bind(limit as i64 + 1)
                .fetch_all(&self.pool)
                .await?;
            let items = rows.iter().map(summary_row).collect::<Result<Vec<_>>>()?;
            return Ok(page(items, limit, |s| &s.applicant.id));
        };
        // A sorted page's cursor is `id:key` of its last row.
        let (after_id, after_key) = cursor.and_then(|c| c.split_once(':')).unwrap_or(("", ""));
        let (cmp, dir) = if desc { ("<", "DESC") } else { (">", "ASC") };
        let sql = format!(
            "{}, {key} AS sort_key FROM applicants a{} ORDER BY {key} {dir}, a.id {dir} LIMIT $11",
            SUMMARY_SELECT.trim_end_matches(" FROM applicants a"),
            SUMMARY_WHERE.replace(
                "a.id > $3",
                &format!("($3 = '' OR ({key}, a.id) {cmp} ($12, $3))")
            ),
        );
        let rows = filtered(&sql, tenant_id, f, after_id)
            .bind(limit as i64 + 1)
            .bind(after_key)
            .fetch_all(&self.pool)
            .await?;
        let keys: Vec<String> = rows
            .iter()
            .map(|r| r.try_get("sort_key"))
            .collect::<std::result::Result<_, _>>()?;
        let items = rows.iter().map(summary_row).collect::<Result<Vec<_>>>()?;
        let mut p = page(items, limit, |s| &s.applicant.id);
        p.next_cursor = p
            .next_cursor
            .map(|id| format!("{id}:{}", keys[limit.saturating_sub(1)]));
        Ok(p)
    }

    /// How many of the tenant's applicants `f` lets through.
    pub async fn count_applicants(&self, tenant_id: &str, f: &ApplicantFilter) -> Result<i64> {
        let sql = format!("SELECT COUNT(*) AS n FROM applicants a{SUMMARY_WHERE}");
        let row = filtered(&sql, tenant_id, f, "")
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get("n")?)
    }

    /// How many of the tenant's applicants have each latest verdict
    /// (`None`: never evaluated).
    pub async fn verdict_counts(&self, tenant_id: &str) -> Result<Vec<(Option<String>, i64)>> {
        let rows = sqlx::query(
            "SELECT last_verdict, COUNT(*) AS n FROM applicants WHERE tenant_id = $1 GROUP BY last_verdict",
        )
        .bind(tenant_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("last_verdict")?, r.try_get("n")?)))
            .collect()
    }

    /// For each document kind, how many applicants' latest plan still misses it, most first.
    pub async fn missing_counts(&self, tenant_id: &str) -> Result<Vec<(String, i64)>> {
        let rows = sqlx::query(
            "SELECT last_missing FROM applicants WHERE tenant_id = $1 AND last_missing IS NOT NULL",
        )
        .bind(tenant_id)
        .fetch_all(&self.pool)
        .await?;
        let mut counts: std::collections::BTreeMap<String, i64> = Default::default();
        for r in &rows {
            let s: String = r.try_get("last_missing")?;
            for d in undelimit(&s) {
                *counts.entry(d.to_string()).or_default() += 1;
            }
        }
        let mut out: Vec<(String, i64)> = counts.into_iter().collect();
        out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        Ok(out)
    }

    /// The `valid_until` dates of the tenant's documents between two dates (inclusive).
    pub async fn expiry_dates(
        &self,
        tenant_id: &str,
        from: &str,
        until: &str,
    ) -> Result<Vec<String>> {
        let rows = sqlx::query(
            "SELECT valid_until FROM documents WHERE tenant_id = $1 AND valid_until >= $2 AND valid_until <= $3 \
             ORDER BY valid_until",
        )
        .bind(tenant_id)
        .bind(from)
        .bind(until)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| Ok(r.try_get("valid_until")?)).collect()
    }

    /// The audit trail of one applicant, its documents' included, newest first.
    pub async fn applicant_audit(
        &self,
        tenant_id: &str,
        applicant_id: &str,
        limit: usize,
    ) -> Result<Vec<AuditEntry>> {
        let rows = sqlx::query(
            "SELECT id, token_id, action, target, at, diff FROM audit \
             WHERE tenant_id = $1 AND applicant_id = $2 ORDER BY id DESC LIMIT $3",
        )
        .bind(tenant_id)
        .bind(applicant_id)
        .bind(limit as i64)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(audit_row).collect()
    }
}

impl Store {
    /// Every applicant of the tenant with its documents, in two queries
    /// (not two an applicant): what a portfolio-wide question reads.
    pub async fn portfolio(&self, tenant_id: &str) -> Result<Vec<(Applicant, Vec<Document>)>> {
        let rows = sqlx::query(
            "SELECT id, version, appid, name, profile, created_at, updated_at FROM applicants \
             WHERE tenant_id = $1 ORDER BY id",
        )
        .bind(tenant_id)
        .fetch_all(&self.pool)
        .await?;
        let mut out: Vec<(Applicant, Vec<Document>)> = rows
            .iter()
            .map(|r| Ok((applicant_row(r)?, Vec::new())))
            .collect::<Result<_>>()?;
        let docs = sqlx::query(&format!(
            "{DOC_SELECT} WHERE tenant_id = $1 ORDER BY applicant_id, id"
        ))
        .bind(tenant_id)
        .fetch_all(&self.pool)
        .await?;
        let at: std::collections::HashMap<String, usize> = out
            .iter()
            .enumerate()
            .map(|(i, (a, _))| (a.id.clone(), i))
            .collect();
        for r in &docs {
            let d = document_row(r)?;
            if let Some(&i) = at.get(&d.applicant_id) {
                out[i].1.push(d);
            }
        }
        Ok(out)
    }

    /// Every applicant of the tenant as (appid, id, version).
    pub async fn appids(&self, tenant_id: &str) -> Result<Vec<(String, String, i64)>> {
        let rows = sqlx::query("SELECT appid, id, version FROM applicants WHERE tenant_id = $1")
            .bind(tenant_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("appid")?, r.try_get("id")?, r.try_get("version")?)))
            .collect()
    }
}

/// Keeps an evaluation's brief on its applicant, in the transaction that records it.
pub(crate) async fn index_evaluation(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    who: &Principal,
    applicant_id: &str,
    e: &Evaluation,
    index: &EvaluationIndex,
) -> Result<()> {
    let paths: Vec<String> = index
        .paths
        .iter()
        .map(|(p, s)| format!("{p}={s}"))
        .collect();
    sqlx::query(
        "UPDATE applicants SET last_verdict = $1, last_evaluated_at = $2, last_paths = $3, \
         last_missing = $4, categories_index = $5 WHERE tenant_id = $6 AND id = $7",
    )
    .bind(&e.verdict)
    .bind(&e.created_at)
    .bind(delimited(paths.iter().map(String::as_str)))
    .bind(delimited(index.missing.iter().map(String::as_str)))
    .bind(delimited(index.categories.iter().map(String::as_str)))
    .bind(&who.tenant_id)
    .bind(applicant_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

impl Store {
    /// The latest `limit` evaluations of an applicant, oldest first, each
    /// with its brief in place of the report (the report where an
    /// evaluation predates briefs).
    pub async fn evaluation_briefs(
        &self,
        tenant_id: &str,
        applicant_id: &str,
        limit: usize,
    ) -> Result<Vec<Evaluation>> {
        let rows = sqlx::query(
            "SELECT id, applicant_id, verdict, ruleset_version, ruleset_as_of, created_at, \
             COALESCE(brief, report) AS report FROM evaluations \
             WHERE tenant_id = $1 AND applicant_id = $2 ORDER BY id DESC LIMIT $3",
        )
        .bind(tenant_id)
        .bind(applicant_id)
        .bind(limit as i64)
        .fetch_all(&self.pool)
        .await?;
        let mut out = rows
            .iter()
            .map(evaluation_row)
            .collect::<Result<Vec<_>>>()?;
        out.reverse();
        Ok(out)
    }
}

impl Store {
    /// Whether any document, of any tenant, still references a scan (a
    /// deleted one that can still be restored does).
    pub async fn file_referenced(&self, sha256: &str) -> Result<bool> {
        let row = sqlx::query(
            "SELECT id FROM documents WHERE file_sha256 = $1 \
             UNION ALL SELECT id FROM deleted_documents WHERE file_sha256 = $1 LIMIT 1",
        )
        .bind(sha256)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.is_some())
    }

    /// Every scan some document references, deleted ones in their undo
    /// window included.
    pub async fn referenced_files(&self) -> Result<std::collections::HashSet<String>> {
        let rows = sqlx::query(
            "SELECT file_sha256 FROM documents WHERE file_sha256 IS NOT NULL \
             UNION SELECT file_sha256 FROM deleted_documents WHERE file_sha256 IS NOT NULL",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok(r.try_get::<String, _>(0)?))
            .collect()
    }

    /// The scans of an applicant's documents, deleted ones included (to
    /// release after deleting it).
    pub async fn applicant_files(
        &self,
        tenant_id: &str,
        applicant_id: &str,
    ) -> Result<Vec<String>> {
        let rows = sqlx::query(
            "SELECT file_sha256 FROM documents WHERE tenant_id = $1 AND applicant_id = $2 \
             AND file_sha256 IS NOT NULL \
             UNION SELECT file_sha256 FROM deleted_documents WHERE tenant_id = $1 \
             AND applicant_id = $2 AND file_sha256 IS NOT NULL",
        )
        .bind(tenant_id)
        .bind(applicant_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok(r.try_get::<String, _>(0)?))
            .collect()
    }

    /// Removes a scan kept in the database if no document references it,
    /// in one statement; whether it did.
    pub async fn delete_unreferenced_blob(&self, sha256: &str) -> Result<bool> {
        let done = sqlx::query(
            "DELETE FROM blobs WHERE sha256 = $1 \
             AND NOT EXISTS (SELECT 1 FROM documents WHERE file_sha256 = $1) \
             AND NOT EXISTS (SELECT 1 FROM deleted_documents WHERE file_sha256 = $1)",
        )
        .bind(sha256)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// The digests of every scan kept in the database.
    pub async fn blob_digests(&self) -> Result<Vec<String>> {
        let rows = sqlx::query("SELECT sha256 FROM blobs")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| Ok(r.try_get::<String, _>(0)?))
            .collect()
    }
}

impl Store {
    /// A consistent copy of the embedded database at `to` while the service
    /// keeps writing (SQLite's `VACUUM INTO`); `to` must not exist.
    /// PostgreSQL is backed up with its own tools (`pg_dump`).
    pub async fn backup_into(&self, to: &std::path::Path) -> Result<()> {
        if self.backend != crate::Backend::Sqlite {
            return Err(crate::StoreError::UnsupportedUrl(
                "backup of PostgreSQL: use pg_dump".into(),
            ));
        }
        sqlx::query("VACUUM INTO $1")
            .bind(to.display().to_string())
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
