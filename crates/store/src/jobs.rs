//! The console's batch jobs: a row per job, with its state as one of five
//! words the database checks, its counts, and a heartbeat that a running
//! job renews. The job's files live in the data directory.

use sqlx::Row;
use sqlx::any::AnyRow;

use crate::{Result, Store, StoreError, clock};

/// Where a job stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobState {
    /// Waiting for a free place (the tenant's, or the service's).
    Queued,
    Running,
    Done,
    /// It stopped on an error, which the job says.
    Failed,
    /// The service stopped while it ran or waited; it can be run again.
    Interrupted,
}

impl JobState {
    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Running => "running",
            JobState::Done => "done",
            JobState::Failed => "failed",
            JobState::Interrupted => "interrupted",
        }
    }

    pub fn parse(s: &str) -> Option<JobState> {
        [
            JobState::Queued,
            JobState::Running,
            JobState::Done,
            JobState::Failed,
            JobState::Interrupted,
        ]
        .into_iter()
        .find(|j| j.as_str() == s)
    }

    /// Queued or running.
    pub fn is_open(self) -> bool {
        matches!(self, JobState::Queued | JobState::Running)
    }
}

/// A batch job.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchJob {
    pub id: String,
    pub tenant_id: String,
    pub file_name: String,
    pub csv: bool,
    pub created_at: String,
    pub state: JobState,
    /// The input's lines (records to come), counted as it was uploaded.
    pub lines: Option<u64>,
    /// Records written so far (all of them, once done).
    pub records: u64,
    pub errors: u64,
    /// Reports per verdict, in `Verdict::ALL` order.
    pub verdicts: [u64; 4],
    /// Documents most often missing: (id, count).
    pub missing: Vec<(String, u64)>,
    pub failure: Option<String>,
}

const COLUMNS: &str = "id, tenant_id, file_name, csv, created_at, state, lines, records, \
                       errors, summary, failure";

fn job_from(row: &AnyRow) -> Result<BatchJob> {
    let state: String = row.try_get("state")?;
    let summary: Option<String> = row.try_get("summary")?;
    let summary: serde_json::Value = summary
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or_default();
    let count = |name: &str| -> Result<u64> { Ok(row.try_get::<i64, _>(name)?.max(0) as u64) };
    Ok(BatchJob {
        id: row.try_get("id")?,
        tenant_id: row.try_get("tenant_id")?,
        file_name: row.try_get("file_name")?,
        csv: row.try_get::<i64, _>("csv")? != 0,
        created_at: row.try_get("created_at")?,
        state: JobState::parse(&state).ok_or_else(|| {
            StoreError::Db(sqlx::Error::Decode(format!("job state `{state}`").into()))
        })?,
        lines: row
            .try_get::<Option<i64>, _>("lines")?
            .map(|n| n.max(0) as u64),
        records: count("records")?,
        errors: count("errors")?,
        verdicts: serde_json::from_value(summary["verdicts"].clone()).unwrap_or_default(),
        missing: serde_json::from_value(summary["missing"].clone()).unwrap_or_default(),
        failure: row.try_get("failure")?,
    })
}

fn summary_of(job: &BatchJob) -> String {
    serde_json::json!({"verdicts": job.verdicts, "missing": job.missing}).to_string()
}

impl Store {
    /// Records a new job (or one found on disk from before jobs were kept
    /// here); an id already recorded is left as it is.
    pub async fn create_job(&self, job: &BatchJob) -> Result<()> {
        sqlx::query(
            "INSERT INTO batch_jobs (id, tenant_id, file_name, csv, created_at, state, lines, \
             records, errors, summary, failure, heartbeat_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
             ON CONFLICT (id) DO NOTHING",
        )
        .bind(&job.id)
        .bind(&job.tenant_id)
        .bind(&job.file_name)
        .bind(i64::from(job.csv))
        .bind(&job.created_at)
        .bind(job.state.as_str())
        .bind(job.lines.map(|n| n as i64))
        .bind(job.records as i64)
        .bind(job.errors as i64)
        .bind(summary_of(job))
        .bind(&job.failure)
        .bind(clock::now_rfc3339())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Writes a job's state, counts and failure, and renews its heartbeat.
    pub async fn update_job(&self, job: &BatchJob) -> Result<()> {
        sqlx::query(
            "UPDATE batch_jobs SET state = $1, records = $2, errors = $3, summary = $4, \
             failure = $5, heartbeat_at = $6 WHERE id = $7 AND tenant_id = $8",
        )
        .bind(job.state.as_str())
        .bind(job.records as i64)
        .bind(job.errors as i64)
        .bind(summary_of(job))
        .bind(&job.failure)
        .bind(clock::now_rfc3339())
        .bind(&job.id)
        .bind(&job.tenant_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Queues a failed or interrupted job again, its counts cleared: false
    /// when it is not (any more) in one of those states, so two requests to
    /// run it again start it once.
    pub async fn requeue_job(&self, tenant_id: &str, id: &str) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE batch_jobs SET state = 'queued', records = 0, errors = 0, summary = NULL, \
             failure = NULL, heartbeat_at = $1 \
             WHERE tenant_id = $2 AND id = $3 AND state IN ('failed', 'interrupted')",
        )
        .bind(clock::now_rfc3339())
        .bind(tenant_id)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// A tenant's job.
    pub async fn job(&self, tenant_id: &str, id: &str) -> Result<Option<BatchJob>> {
        let sql = format!("SELECT {COLUMNS} FROM batch_jobs WHERE tenant_id = $1 AND id = $2");
        let row = sqlx::query(&sql)
            .bind(tenant_id)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(job_from).transpose()
    }

    /// A tenant's latest jobs, newest first.
    pub async fn jobs(&self, tenant_id: &str, limit: usize) -> Result<Vec<BatchJob>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM batch_jobs WHERE tenant_id = $1 ORDER BY id DESC LIMIT $2"
        );
        let rows = sqlx::query(&sql)
            .bind(tenant_id)
            .bind(limit as i64)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(job_from).collect()
    }

    /// How many of a tenant's jobs are queued or running.
    pub async fn open_jobs(&self, tenant_id: &str) -> Result<u64> {
        let n: i64 = sqlx::query(
            "SELECT COUNT(*) FROM batch_jobs WHERE tenant_id = $1 \
             AND state IN ('queued', 'running')",
        )
        .bind(tenant_id)
        .fetch_one(&self.pool)
        .await?
        .try_get(0)?;
        Ok(n.max(0) as u64)
    }

    /// Renews the heartbeat (and the records so far) of open jobs a
    /// process holds: (id, records).
    pub async fn heartbeat_jobs(&self, held: &[(String, u64)]) -> Result<()> {
        let now = clock::now_rfc3339();
        for (id, records) in held {
            sqlx::query(
                "UPDATE batch_jobs SET heartbeat_at = $1, records = $2 \
                 WHERE id = $3 AND state IN ('queued', 'running')",
            )
            .bind(&now)
            .bind(*records as i64)
            .bind(id)
            .execute(&self.pool)
            .await?;
        }
        Ok(())
    }

    /// Marks as interrupted every queued or running job whose heartbeat is
    /// older than `stale_secs` (its process is gone); returns them.
    pub async fn interrupt_stale_jobs(&self, stale_secs: u64) -> Result<Vec<BatchJob>> {
        let cutoff = clock::rfc3339_before(stale_secs);
        let sql = format!(
            "UPDATE batch_jobs SET state = 'interrupted' \
             WHERE state IN ('queued', 'running') AND heartbeat_at < $1 RETURNING {COLUMNS}"
        );
        let rows = sqlx::query(&sql).bind(cutoff).fetch_all(&self.pool).await?;
        rows.iter().map(job_from).collect()
    }
}
