//! A scan lives exactly as long as something references it. Replacing or
//! deleting a document, or deleting an applicant, releases the scans it
//! referenced: those no document of any tenant references any more are
//! removed (scans are content-addressed, so two documents can share one).
//!
//! Crash-safe by order: the database change commits first, the file goes
//! after, so a crash in between leaves at worst an orphan, never a dangling
//! reference; `livegate admin gc` and the server at start sweep orphans. A
//! file younger than the grace period is left to a later sweep, because an
//! upload of the same bytes may be about to reference it (storing touches
//! an existing file).

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use livegate_store::{Document, Principal, Store, StoreError, StoredFile};

use crate::files::path_for;
use crate::{ApiError, AppState};

/// Releases scans that a change may have left unreferenced. Failures are
/// logged, not returned: the change itself is done, and gc finishes the job.
pub async fn release(state: &AppState, shas: &[String]) {
    let (dir, grace) = (&state.settings.data_dir, state.settings.file_grace);
    release_in(&state.store, dir, grace, shas).await;
}

/// [`release`] outside a running service; how many scans it removed.
pub async fn release_in(store: &Store, data_dir: &Path, grace: Duration, shas: &[String]) -> usize {
    let mut removed = 0;
    for sha in shas {
        match release_one(store, data_dir, grace, sha).await {
            Ok(gone) => removed += usize::from(gone),
            Err(e) => tracing::warn!(error = %e, %sha, "releasing a scan"),
        }
    }
    removed
}

async fn release_one(
    store: &Store,
    data_dir: &Path,
    grace: Duration,
    sha: &str,
) -> Result<bool, StoreError> {
    if store.file_referenced(sha).await? {
        return Ok(false);
    }
    let path = path_for(data_dir, sha);
    let file = remove_if_older(&path, grace).unwrap_or_else(|e| {
        tracing::warn!(error = %e, path = %path.display(), "removing a scan");
        false
    });
    let blob = store.delete_unreferenced_blob(sha).await?;
    Ok(file || blob)
}

/// Deletes a document if its version is still `expected`, then releases its scan.
pub async fn delete_document(
    state: &AppState,
    who: &Principal,
    app: &str,
    doc: &str,
    expected: i64,
) -> Result<(), ApiError> {
    let scan = state
        .store
        .get_document(&who.tenant_id, app, doc)
        .await?
        .file;
    state.store.delete_document(who, app, doc, expected).await?;
    let scans: Vec<String> = scan.into_iter().map(|f| f.sha256).collect();
    release(state, &scans).await;
    Ok(())
}

/// Deletes an applicant at version `expected` with its documents and
/// history, then releases the scans nothing else references.
pub async fn delete_applicant(
    state: &AppState,
    who: &Principal,
    id: &str,
    expected: i64,
) -> Result<(), ApiError> {
    let scans = state.store.applicant_files(&who.tenant_id, id).await?;
    state.store.delete_applicant(who, id, expected).await?;
    release(state, &scans).await;
    Ok(())
}

/// Attaches a scan to a document at version `expected`, then releases the
/// scan it replaced (`previous`).
pub async fn attach_file(
    state: &AppState,
    who: &Principal,
    (app, doc): (&str, &str),
    expected: i64,
    file: StoredFile,
    previous: Option<StoredFile>,
) -> Result<Document, ApiError> {
    let d = state
        .store
        .attach_file(who, app, doc, expected, file)
        .await?;
    let replaced: Vec<String> = previous.into_iter().map(|f| f.sha256).collect();
    release(state, &replaced).await;
    Ok(d)
}

/// Removes a file last written more than `grace` ago; whether it did.
fn remove_if_older(path: &Path, grace: Duration) -> std::io::Result<bool> {
    let modified = match std::fs::metadata(path) {
        Ok(m) => m.modified()?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(e),
    };
    let age = SystemTime::now()
        .duration_since(modified)
        .unwrap_or_default();
    if age < grace {
        return Ok(false);
    }
    std::fs::remove_file(path)?;
    Ok(true)
}

/// Every scan file under the data directory: (digest or temporary name, path).
fn scan_files(data_dir: &Path) -> Vec<(String, PathBuf)> {
    let Ok(shards) = std::fs::read_dir(data_dir.join("files")) else {
        return Vec::new();
    };
    shards
        .filter_map(Result::ok)
        .filter_map(|d| std::fs::read_dir(d.path()).ok())
        .flatten()
        .filter_map(Result::ok)
        .map(|f| (f.file_name().to_string_lossy().into_owned(), f.path()))
        .collect()
}

/// Removes every scan nothing references (files older than `grace`, and
/// blobs in the database), and upload leftovers; with `dry_run` only says
/// which. Returns what it removed (or would), as paths and `blob:` digests.
pub async fn gc(
    store: &Store,
    data_dir: &Path,
    grace: Duration,
    dry_run: bool,
) -> Result<Vec<String>, StoreError> {
    let referenced = store.referenced_files().await?;
    let mut out = Vec::new();
    for (name, path) in scan_files(data_dir) {
        let leftover = name.starts_with('.');
        if !leftover && referenced.contains(&name) {
            continue;
        }
        let removed = if dry_run {
            old_enough(&path, grace)
        } else {
            remove_if_older(&path, grace).unwrap_or(false)
        };
        if removed {
            out.push(path.display().to_string());
        }
    }
    for sha in store.blob_digests().await? {
        if referenced.contains(&sha) {
            continue;
        }
        if dry_run || store.delete_unreferenced_blob(&sha).await? {
            out.push(format!("blob:{sha}"));
        }
    }
    Ok(out)
}

fn old_enough(path: &Path, grace: Duration) -> bool {
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .map(|m| SystemTime::now().duration_since(m).unwrap_or_default() >= grace)
        .unwrap_or(false)
}
