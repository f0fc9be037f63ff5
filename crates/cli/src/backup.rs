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
    let referenced = store
        .referenced_files()
        .await
        .map_err(|e| fail_with("db_failed", e))?;
    store.close().await;
    let copy = Store::open(&Store::sqlite_url(to))
        .await
        .map_err(|e| fail_with("db_failed", e))?;
    let mut scans = 0;
    for sha in &referenced {
        if let Ok(bytes) = std::fs::read(livegate_server::files::path_for(&cfg.data_dir, sha)) {
            copy.put_blob(sha, &bytes)
                .await
                .map_err(|e| fail_with("db_failed", e))?;
            scans += 1;
        }
    }
    copy.close().await;
    println!("{}", to.display());
    eprintln!("{}: {scans}", crate::serve::message("backup_done"));
    Ok(ExitCode::SUCCESS)
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
