//! `livegate admin …`: tenants, tokens, backups and scan sweeps, on the
//! service's database.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Subcommand, ValueEnum};
use livegate_store::{Role, Store, clock};

use super::{DbArgs, OutFormat, db_config, fail, msg, open, open_existing, runtime};
use crate::Failure;

#[derive(Subcommand, Debug)]
pub enum AdminCommand {
    /// Create a tenant; prints its id.
    CreateTenant {
        name: String,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Create a token for a tenant; prints the token, once (only its hash is kept).
    CreateToken {
        /// The tenant's id or name.
        #[arg(long)]
        tenant: String,
        #[arg(long, value_enum)]
        role: RoleArg,
        /// What the token is for, to tell tokens apart in list-tokens.
        #[arg(long)]
        label: Option<String>,
        /// How long it works, such as 90d or 2w; default: until revoked.
        #[arg(long, value_name = "WINDOW")]
        expires: Option<String>,
        #[command(flatten)]
        db: DbArgs,
    },
    /// List a tenant's tokens (never their secrets).
    ListTokens {
        /// The tenant's id or name.
        #[arg(long)]
        tenant: String,
        #[arg(long, value_enum, default_value_t = OutFormat::Text)]
        format: OutFormat,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Remove the scans no document references (orphans a crash may leave);
    /// prints each. The server also does this when it starts.
    Gc {
        /// Only say what would be removed.
        #[arg(long)]
        dry_run: bool,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Copy the service's data, scans included, into one file while it keeps
    /// serving (the embedded SQLite; for PostgreSQL use pg_dump).
    Backup {
        /// The file to write; it must not exist.
        #[arg(long, value_name = "FILE")]
        to: PathBuf,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Put a backup in place of the service's database (stop the service first).
    Restore {
        /// The backup file.
        #[arg(long, value_name = "FILE")]
        from: PathBuf,
        /// Replace a database that is already there.
        #[arg(long)]
        force: bool,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Delete a tenant and all its data: applicants, documents and their
    /// scans, evaluations, tokens, sessions and audit entries. Says what it
    /// deleted.
    DeleteTenant {
        /// The tenant's id or name.
        tenant: String,
        /// Required: this cannot be undone.
        #[arg(long)]
        yes: bool,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Revoke a token: every replica refuses it within a second.
    RevokeToken {
        /// The token's id (from list-tokens).
        id: String,
        /// The tenant's id or name.
        #[arg(long)]
        tenant: String,
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum RoleArg {
    Admin,
    Editor,
    Viewer,
}

impl From<RoleArg> for Role {
    fn from(r: RoleArg) -> Role {
        match r {
            RoleArg::Admin => Role::Admin,
            RoleArg::Editor => Role::Editor,
            RoleArg::Viewer => Role::Viewer,
        }
    }
}

/// `livegate admin …`.
pub fn admin(cmd: AdminCommand) -> Result<ExitCode, Failure> {
    match cmd {
        AdminCommand::CreateTenant { name, db } => create_tenant(&name, &db),
        AdminCommand::CreateToken {
            tenant,
            role,
            label,
            expires,
            db,
        } => create_token(&tenant, role, label, expires.as_deref(), &db),
        AdminCommand::Backup { to, db } => {
            let cfg = db_config(&db)?;
            runtime()?.block_on(crate::backup::backup(&cfg, &to))
        }
        AdminCommand::Restore { from, force, db } => {
            let cfg = db_config(&db)?;
            runtime()?.block_on(crate::backup::restore(&cfg, &from, force))
        }
        AdminCommand::DeleteTenant { tenant, yes, db } => delete_tenant(&tenant, yes, &db),
        AdminCommand::Gc { dry_run, db } => gc(dry_run, &db),
        AdminCommand::ListTokens { tenant, format, db } => list_tokens(&tenant, format, &db),
        AdminCommand::RevokeToken { id, tenant, db } => revoke_token(&id, &tenant, &db),
    }
}

/// `admin create-tenant`: creates the tenant and prints its id.
fn create_tenant(name: &str, db: &DbArgs) -> Result<ExitCode, Failure> {
    let cfg = db_config(db)?;
    runtime()?.block_on(async {
        let store = open(&cfg).await?;
        let t = match store.create_tenant(name).await {
            Ok(t) => t,
            Err(livegate_store::StoreError::Duplicate(_)) => {
                return Err(fail("tenant_exists", name));
            }
            Err(e) => return Err(fail("db_failed", e)),
        };
        store.close().await;
        println!("{}", t.id);
        Ok(ExitCode::SUCCESS)
    })
}

/// `admin create-token`: creates a token for the tenant and prints its secret, once.
fn create_token(
    tenant: &str,
    role: RoleArg,
    label: Option<String>,
    expires: Option<&str>,
    db: &DbArgs,
) -> Result<ExitCode, Failure> {
    let expires_at = match expires {
        None => None,
        Some(w) => {
            let days = livegate_core::dates::parse_window(w.trim())
                .filter(|d| *d > 0)
                .ok_or_else(|| fail("bad_window", w))?;
            Some(clock::rfc3339_after(days as u64 * 86_400))
        }
    };
    let cfg = db_config(db)?;
    runtime()?.block_on(async {
        let store = open_existing(&cfg).await?;
        let t = find_tenant(&store, tenant).await?;
        let opts = livegate_store::TokenOptions { label, expires_at };
        let (_, secret) = store
            .create_token_with(&t, role.into(), opts)
            .await
            .map_err(|e| fail("db_failed", e))?;
        store.close().await;
        println!("{secret}");
        eprintln!("{}", msg("token_once"));
        Ok(ExitCode::SUCCESS)
    })
}

/// `admin delete-tenant`: deletes the tenant and its scans, and says what went.
fn delete_tenant(tenant: &str, yes: bool, db: &DbArgs) -> Result<ExitCode, Failure> {
    if !yes {
        return Err(fail("delete_needs_yes", tenant));
    }
    let cfg = db_config(db)?;
    runtime()?.block_on(async {
        let store = open_existing(&cfg).await?;
        let t = find_tenant(&store, tenant).await?;
        let erased = store.delete_tenant(&t).await.map_err(|e| fail("db_failed", e))?;
        // The service is the caller's to stop: no upload can race this.
        let removed = livegate_store::scans::release_in(
            &store,
            &cfg.data_dir,
            std::time::Duration::ZERO,
            &erased.scans,
        )
        .await;
        store.close().await;
        println!(
            "{}",
            serde_json::json!({"tenant": t, "applicants": erased.applicants, "documents": erased.documents,
                "evaluations": erased.evaluations, "tokens": erased.tokens, "scans_removed": removed})
        );
        Ok(ExitCode::SUCCESS)
    })
}

/// `admin gc`: removes (or with `dry_run` only lists) the scans nothing references.
fn gc(dry_run: bool, db: &DbArgs) -> Result<ExitCode, Failure> {
    let cfg = db_config(db)?;
    runtime()?.block_on(async {
        let store = open_existing(&cfg).await?;
        let grace = livegate_store::scans::GRACE;
        let removed = livegate_store::scans::gc(&store, &cfg.data_dir, grace, dry_run)
            .await
            .map_err(|e| fail("db_failed", e))?;
        store.close().await;
        for r in &removed {
            println!("{r}");
        }
        let key = if dry_run {
            "gc_would_remove"
        } else {
            "gc_removed"
        };
        eprintln!("{}: {}", msg(key), removed.len());
        Ok(ExitCode::SUCCESS)
    })
}

/// `admin list-tokens`: prints the tenant's tokens, never their secrets.
fn list_tokens(tenant: &str, format: OutFormat, db: &DbArgs) -> Result<ExitCode, Failure> {
    let cfg = db_config(db)?;
    runtime()?.block_on(async {
        let store = open_existing(&cfg).await?;
        let t = find_tenant(&store, tenant).await?;
        let tokens = store
            .list_tokens(&t)
            .await
            .map_err(|e| fail("db_failed", e))?;
        store.close().await;
        print_tokens(&tokens, format);
        Ok(ExitCode::SUCCESS)
    })
}

/// `admin revoke-token`: revokes one of the tenant's tokens.
fn revoke_token(id: &str, tenant: &str, db: &DbArgs) -> Result<ExitCode, Failure> {
    let cfg = db_config(db)?;
    runtime()?.block_on(async {
        let store = open_existing(&cfg).await?;
        let t = find_tenant(&store, tenant).await?;
        match store.revoke_token(&t, id, None).await {
            Ok(()) => {}
            Err(livegate_store::StoreError::NotFound) => return Err(fail("no_token", id)),
            Err(e) => return Err(fail("db_failed", e)),
        }
        store.close().await;
        eprintln!("{}", msg("token_revoked"));
        Ok(ExitCode::SUCCESS)
    })
}

/// A tenant's id, by id or name.
async fn find_tenant(store: &Store, tenant: &str) -> Result<String, Failure> {
    match store.find_tenant(tenant).await {
        Ok(t) => Ok(t.id),
        Err(livegate_store::StoreError::NotFound) => Err(fail("no_tenant", tenant)),
        Err(e) => Err(fail("db_failed", e)),
    }
}

fn print_tokens(tokens: &[livegate_store::TokenInfo], format: OutFormat) {
    match format {
        OutFormat::Json => println!(
            "{}",
            serde_json::to_string_pretty(tokens).unwrap_or_default()
        ),
        OutFormat::Text => {
            for t in tokens {
                let state = match (&t.revoked_at, &t.expires_at) {
                    (Some(r), _) => format!("revoked {r}"),
                    (None, Some(e)) => format!("expires {e}"),
                    (None, None) => "no expiry".to_string(),
                };
                println!(
                    "{}\t{}\t{}\t{}\tlast used {}",
                    t.id,
                    t.role.as_str(),
                    t.label.as_deref().unwrap_or("-"),
                    state,
                    t.last_used_at.as_deref().unwrap_or("never")
                );
            }
        }
    }
}
