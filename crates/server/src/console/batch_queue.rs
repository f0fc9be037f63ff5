//! When batch jobs run: at most one at a time per tenant and a few across
//! the service, the rest queued (and a tenant's queue bounded); a heartbeat
//! on every job this process holds; on a stop, jobs marked interrupted so
//! they can be run again; and jobs whose process is gone found by their
//! old heartbeat.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use livegate_core::Lang;
use livegate_store::{BatchJob, JobState};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio_util::task::TaskTracker;

use super::batch_jobs::{self, Outcome};
use super::i18n::{Key, t};
use crate::AppState;

/// How many jobs a tenant may have queued or running.
pub const QUEUE_PER_TENANT: u64 = 10;

/// The jobs this process holds, and the places they wait for.
pub struct Jobs {
    /// Records written so far, by job id: queued and running jobs only.
    held: Mutex<HashMap<String, Arc<AtomicU64>>>,
    service: Arc<Semaphore>,
    tenants: Mutex<HashMap<String, Arc<Semaphore>>>,
    stopping: Arc<AtomicBool>,
    tasks: TaskTracker,
}

impl Jobs {
    /// Jobs that run `at_once` at a time across the service.
    pub fn new(at_once: usize) -> Jobs {
        Jobs {
            held: Mutex::default(),
            service: Arc::new(Semaphore::new(at_once.max(1))),
            tenants: Mutex::default(),
            stopping: Arc::default(),
            tasks: TaskTracker::new(),
        }
    }

    /// Records written so far by a job this process holds.
    pub fn progress(&self, id: &str) -> Option<u64> {
        let held = self.held.lock().unwrap_or_else(|e| e.into_inner());
        held.get(id).map(|c| c.load(Ordering::Relaxed))
    }

    fn hold(&self, id: &str) -> Arc<AtomicU64> {
        let counter = Arc::new(AtomicU64::new(0));
        let mut held = self.held.lock().unwrap_or_else(|e| e.into_inner());
        held.insert(id.to_string(), counter.clone());
        counter
    }

    fn release(&self, id: &str) {
        let mut held = self.held.lock().unwrap_or_else(|e| e.into_inner());
        held.remove(id);
    }

    fn held(&self) -> Vec<(String, u64)> {
        let held = self.held.lock().unwrap_or_else(|e| e.into_inner());
        held.iter()
            .map(|(id, c)| (id.clone(), c.load(Ordering::Relaxed)))
            .collect()
    }

    /// Waits for the tenant's place, then the service's.
    async fn turn(&self, tenant: &str) -> Option<(OwnedSemaphorePermit, OwnedSemaphorePermit)> {
        let own = {
            let mut tenants = self.tenants.lock().unwrap_or_else(|e| e.into_inner());
            tenants
                .entry(tenant.to_string())
                .or_insert_with(|| Arc::new(Semaphore::new(1)))
                .clone()
        };
        let own = own.acquire_owned().await.ok()?;
        let service = self.service.clone().acquire_owned().await.ok()?;
        Some((own, service))
    }

    /// On a stop: no job starts, running ones stop at their next write and
    /// are marked interrupted; waits for that for at most `within`.
    pub async fn stop(&self, within: Duration) {
        self.stopping.store(true, Ordering::Relaxed);
        self.service.close();
        self.tasks.close();
        if tokio::time::timeout(within, self.tasks.wait())
            .await
            .is_err()
        {
            tracing::warn!("batch jobs still stopping after the drain timeout");
        }
    }
}

/// Queues a recorded job and runs it when its turn comes.
pub fn spawn(state: &AppState, dir: PathBuf, job: BatchJob, lang: Lang) {
    let state2 = state.clone();
    state.jobs.tasks.spawn(drive(state2, dir, job, lang));
}

async fn drive(state: AppState, dir: PathBuf, mut job: BatchJob, lang: Lang) {
    let jobs = state.jobs.clone();
    let counter = jobs.hold(&job.id);
    let turn = jobs.turn(&job.tenant_id).await;
    if turn.is_none() || jobs.stopping.load(Ordering::Relaxed) {
        job.state = JobState::Interrupted;
    } else {
        job.state = JobState::Running;
        save(&state, &job).await;
        let (rs, stop, c, j) = (
            state.ruleset.clone(),
            jobs.stopping.clone(),
            counter.clone(),
            job.clone(),
        );
        let ran =
            tokio::task::spawn_blocking(move || batch_jobs::run(&rs, &dir, &j, lang, &c, &stop))
                .await;
        settle(&mut job, ran, &jobs.stopping, &counter, lang);
    }
    // The final state is recorded before the turn passes on, so no reader
    // ever sees two jobs running where one is allowed.
    save(&state, &job).await;
    drop(turn);
    jobs.release(&job.id);
}

/// A finished run's state and counts on the job.
fn settle(
    job: &mut BatchJob,
    ran: Result<Outcome, tokio::task::JoinError>,
    stopping: &AtomicBool,
    counter: &AtomicU64,
    lang: Lang,
) {
    match ran {
        Ok(Ok(totals)) => {
            job.state = JobState::Done;
            job.records = totals.records;
            job.errors = totals.errors;
            job.verdicts = totals.verdicts;
            job.missing = totals
                .top_missing(10)
                .into_iter()
                .map(|(d, n)| (d.to_string(), n))
                .collect();
        }
        Ok(Err(_)) if stopping.load(Ordering::Relaxed) => {
            job.state = JobState::Interrupted;
            job.records = counter.load(Ordering::Relaxed);
        }
        Ok(Err(reason)) => {
            job.state = JobState::Failed;
            job.failure = Some(reason);
        }
        Err(e) => {
            tracing::error!(error = %e, job = %job.id, "batch job panicked");
            job.state = JobState::Failed;
            job.failure = Some(t(lang, Key::BatchCrashed));
        }
    }
}

async fn save(state: &AppState, job: &BatchJob) {
    if let Err(e) = state.store.update_job(job).await {
        tracing::error!(error = %e, job = %job.id, "batch job: recording its state");
    }
}

/// Housekeeping: renew the heartbeat of the jobs this process holds, and
/// mark as interrupted those whose heartbeat is older than `stale`.
pub async fn keep(state: &AppState, stale: Duration) {
    let held = state.jobs.held();
    if let Err(e) = state.store.heartbeat_jobs(&held).await {
        tracing::warn!(error = %e, "batch jobs: renewing heartbeats");
    }
    match state
        .store
        .interrupt_stale_jobs(stale.as_secs().max(1))
        .await
    {
        Ok(gone) => {
            for j in gone {
                tracing::warn!(job = %j.id, records = j.records, "batch job interrupted: its process is gone");
            }
        }
        Err(e) => tracing::warn!(error = %e, "batch jobs: finding interrupted jobs"),
    }
}

/// On start: jobs described by `job.json` files (from before jobs were
/// kept in the database) become rows.
pub async fn adopt_files(state: &AppState) {
    let data_dir = state.settings.data_dir.clone();
    let found = tokio::task::spawn_blocking(move || batch_jobs::job_files(&data_dir))
        .await
        .unwrap_or_default();
    for (dir, job) in found {
        match state.store.create_job(&job).await {
            // The row holds all it said: later starts need not read it again.
            Ok(()) => {
                let _ = tokio::fs::remove_file(dir.join("job.json")).await;
            }
            Err(e) => {
                tracing::warn!(error = %e, job = %job.id, "batch job from job.json not adopted")
            }
        }
    }
}
