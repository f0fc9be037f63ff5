//! Scans on disk: each stored under its SHA-256 in `DATA_DIR/files`, and
//! removed once no document of any tenant references it. The service and
//! the CLI (`admin gc`, `admin delete-tenant`) share this.
//!
//! Crash-safe by order: the database change commits first, the file goes
//! after, so a crash in between leaves at worst an orphan, never a dangling
//! reference; `livegate admin gc` and the server at start sweep orphans. A
//! file younger than the grace period is left to a later sweep, because an
//! upload of the same bytes may be about to reference it (storing touches
//! an existing file).

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use sha2::{Digest, Sha256};

use crate::{Store, StoreError};

/// How long an unreferenced scan is kept before a sweep removes it: an
/// upload of the same bytes may be about to reference it.
pub const GRACE: Duration = Duration::from_secs(60);

/// Where a file with this digest lives: `DIR/files/ab/abcdef…`.
pub fn path_for(data_dir: &Path, sha256: &str) -> PathBuf {
    data_dir.join("files").join(&sha256[..2]).join(sha256)
}

/// The SHA-256 of bytes, hex: a scan's key.
pub fn digest(bytes: &[u8]) -> String {
    crate::hex(&Sha256::digest(bytes))
}

/// Stores bytes under their SHA-256 (written to a temporary name, synced,
/// then renamed, so a file is whole or absent); returns the digest.
pub async fn store(data_dir: &Path, bytes: &[u8]) -> std::io::Result<String> {
    let sha = digest(bytes);
    let path = path_for(data_dir, &sha);
    if tokio::fs::try_exists(&path).await.unwrap_or(false) {
        // Touched, so a release racing with this upload leaves it alone.
        let touch = path.clone();
        tokio::task::spawn_blocking(move || {
            std::fs::File::options()
                .append(true)
                .open(&touch)?
                .set_modified(std::time::SystemTime::now())
        })
        .await
        .map_err(std::io::Error::other)??;
        return Ok(sha);
    }
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    tokio::fs::create_dir_all(&dir).await?;
    let tmp = dir.join(format!(".{sha}.{}.tmp", crate::clock::new_id("up")));
    let bytes = bytes.to_vec();
    let tmp2 = tmp.clone();
    let written = tokio::task::spawn_blocking(move || {
        use std::io::Write;
        let mut f = std::fs::File::create(&tmp2)?;
        f.write_all(&bytes)?;
        f.sync_all()
    })
    .await
    .map_err(std::io::Error::other)
    .and_then(|r| r)
    .and_then(|()| std::fs::rename(&tmp, &path));
    if written.is_err() {
        // No partial file stays behind (a full disk, most likely).
        let _ = std::fs::remove_file(&tmp);
    }
    written.map(|()| sha)
}

/// Releases scans that a change may have left unreferenced; how many it
/// removed. Failures are logged, not returned: the change itself is done,
/// and gc finishes the job.
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
/// blobs in the database), and upload leftovers, after purging the deleted
/// documents whose undo window has passed; with `dry_run` only says which
/// (and purges nothing). Returns what it removed (or would), as paths and `blob:` digests.
pub async fn gc(
    store: &Store,
    data_dir: &Path,
    grace: Duration,
    dry_run: bool,
) -> Result<Vec<String>, StoreError> {
    if !dry_run {
        // Deleted documents past their undo window let go of their scans.
        store.purge_deleted_documents().await?;
    }
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
