//! `livegate admin backup` and `restore`: one file holds the whole service,
//! the database copied consistently while the service writes (SQLite's
//! `VACUUM INTO`) and every referenced scan stored into it as a blob, so the
//! copy serves the same data wherever it is put. A restore never overwrites
//! a database without `--force`; it writes a temporary copy and renames it.

use std::path::Path;
use std::process::ExitCode;

use livegate_store::Store;

use crate::Failure;
use crate::serve::{Config, default_db_path, fail_with, open_existing};

/// Copies the service's data to `to`, scans included.
pub async fn backup(cfg: &Config, to: &Path) -> Result<ExitCode, Failure> {
    if to.exists() {
        return Err(fail_with("backup_exists", to.display()));
    }
    let store = open_existing(cfg).await?;
    store
        .backup_into(to)
        .await
        .map_err(|e| fail_with("db_failed", e))?;
    let copied = copy_scans(cfg, &store, to).await;
    store.close().await;
    let scans = match copied {
        Ok(n) => n,
        Err(e) => {
            for side in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{side}", to.display()));
            }
            return Err(e);
        }
    };
    println!("{}", to.display());
    eprintln!("{}: {scans}", crate::serve::message("backup_done"));
    Ok(ExitCode::SUCCESS)
}

/// Stores every scan a document references into the backup at `to`, one
/// at a time, from the data directory or (stored in the database) from the
/// database, then empties the backup's log so that the file alone is whole.
/// A scan that is in neither fails the backup, naming it: a backup never
/// leaves a scan out silently.
async fn copy_scans(cfg: &Config, live: &Store, to: &Path) -> Result<usize, Failure> {
    let db = |e: livegate_store::StoreError| fail_with("db_failed", e);
    let referenced = live.referenced_files().await.map_err(db)?;
    let copy = Store::open(&Store::sqlite_url(to)).await.map_err(db)?;
    for sha in &referenced {
        let path = livegate_store::scans::path_for(&cfg.data_dir, sha);
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) => live.get_blob(sha).await.map_err(|_| {
                fail_with("backup_scan_missing", format!("{}: {e}", path.display()))
            })?,
        };
        copy.put_blob(sha, &bytes).await.map_err(db)?;
    }
    copy.checkpoint().await.map_err(db)?;
    copy.close().await;
    Ok(referenced.len())
}

/// Puts a backup in place of the service's database.
pub async fn restore(cfg: &Config, from: &Path, force: bool) -> Result<ExitCode, Failure> {
    let target = default_db_path(&cfg.data_dir);
    if target.exists() && !force {
        return Err(fail_with("restore_refused", target.display()));
    }
    // The backup must open as a livegate database before anything is replaced.
    let probe = Store::open(&format!("sqlite://{}?mode=ro", from.display()))
        .await
        .map_err(|e| fail_with("restore_bad_backup", format!("{}: {e}", from.display())))?;
    probe.close().await;
    std::fs::create_dir_all(&cfg.data_dir).map_err(|e| fail_with("db_failed", e))?;
    let tmp = cfg.data_dir.join(".livegate.db.restoring");
    std::fs::copy(from, &tmp).map_err(|e| fail_with("db_failed", e))?;
    for suffix in ["-wal", "-shm"] {
        let side = cfg.data_dir.join(format!("livegate.db{suffix}"));
        let _ = std::fs::remove_file(side);
    }
    std::fs::rename(&tmp, &target).map_err(|e| fail_with("db_failed", e))?;
    eprintln!(
        "{}: {}",
        crate::serve::message("restore_done"),
        target.display()
    );
    Ok(ExitCode::SUCCESS)
}
