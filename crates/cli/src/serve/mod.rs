//! `livegate serve`, `livegate admin …` and `livegate expiring`: the service
//! and the commands that share its database, one file each:
//!
//! - `config`: flags, then `LIVEGATE_*` environment variables, then an
//!   optional TOML file (`--config` or `LIVEGATE_CONFIG`), then defaults;
//! - `run`: `serve`, the only command that needs the HTTP crate (the
//!   default `serve` feature; `--no-default-features` builds the CLI alone);
//! - `admin`: tenants, tokens, backups and scan sweeps;
//! - `expiring`: documents that expire within a window.
//!
//! This file holds what they share: their messages and opening the database.

mod admin;
mod config;
mod expiring;
#[cfg(feature = "serve")]
mod run;

use livegate_store::Store;

pub use admin::{AdminCommand, admin};
pub use config::{Config, DbArgs, OutFormat, ServeArgs, default_db_path, resolve};
pub use expiring::{ExpiringArgs, expiring};
#[cfg(feature = "serve")]
pub use run::serve;

use crate::Failure;

/// A message of these commands from the catalogue, in both languages
/// (`serve` and `admin` are run by operators who may read either).
fn msg(id: &str) -> String {
    use livegate_core::{Lang, catalog};
    let key = format!("serve_{id}");
    format!(
        "{} · {}",
        catalog::msg(&key, Lang::Zh, &[]),
        catalog::msg(&key, Lang::En, &[])
    )
}

/// A failure with the catalogue's `serve_<id>` message, for sibling modules.
pub fn fail_with(id: &str, detail: impl std::fmt::Display) -> Failure {
    fail(id, detail)
}

/// The catalogue's `serve_<id>` message.
pub fn message(id: &str) -> String {
    msg(id)
}

fn fail(id: &str, detail: impl std::fmt::Display) -> Failure {
    Failure(format!("{}: {detail}", msg(id)))
}

fn process_env(key: &str) -> Option<String> {
    std::env::var(key).ok().filter(|v| !v.is_empty())
}

fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| fail("runtime", e))
}

/// Opens the service's database, creating the embedded one if missing.
async fn open(cfg: &Config) -> Result<Store, Failure> {
    let url = match &cfg.database_url {
        Some(u) => u.clone(),
        None => {
            std::fs::create_dir_all(&cfg.data_dir)
                .map_err(|e| fail("db_failed", format!("{}: {e}", cfg.data_dir.display())))?;
            Store::sqlite_url(&default_db_path(&cfg.data_dir))
        }
    };
    Store::open(&url).await.map_err(|e| fail("db_failed", e))
}

/// Opens the service's database for a command that reads it: an embedded
/// database that is not there is an error naming where it was looked for,
/// never a new empty one.
pub async fn open_existing(cfg: &Config) -> Result<Store, Failure> {
    if cfg.database_url.is_none() {
        let path = default_db_path(&cfg.data_dir);
        if !path.exists() {
            return Err(fail("no_database", path.display()));
        }
    }
    open(cfg).await
}

fn db_config(db: &DbArgs) -> Result<Config, Failure> {
    resolve(
        &ServeArgs {
            db: db.clone(),
            ..ServeArgs::default()
        },
        &process_env,
    )
}
