//! `livegate serve`, `livegate admin …` and `livegate expiring`: the service
//! and the commands that share its database.
//!
//! Configuration comes from flags, then `LIVEGATE_*` environment variables,
//! then an optional TOML file (`--config` or `LIVEGATE_CONFIG`), then defaults.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Subcommand, ValueEnum};
use livegate_server::{AppState, Settings};
use livegate_store::{Role, Store, clock};
use serde::Deserialize;

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

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

/// Where uploaded scans are kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FileStoreArg {
    /// Files under the data directory, named by SHA-256.
    Dir,
    /// The database (PostgreSQL bytea, or a SQLite blob): replicas share only the database.
    Database,
}

/// Where the data is: shared by `serve`, `admin` and `expiring`.
#[derive(Args, Debug, Default, Clone)]
pub struct DbArgs {
    /// `sqlite://PATH` or `postgres://…` [env: LIVEGATE_DATABASE_URL, DATABASE_URL]; default: SQLite in the data directory.
    #[arg(long, value_name = "URL")]
    pub database_url: Option<String>,
    /// Where the SQLite database and uploaded scans live [env: LIVEGATE_DATA_DIR; default: ./livegate-data].
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// A TOML file with any of the settings [env: LIVEGATE_CONFIG].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

#[derive(Args, Debug, Default, Clone)]
pub struct ServeArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// Address to listen on [env: LIVEGATE_LISTEN; default: 127.0.0.1:8080].
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<String>,
    /// Log format on stderr [env: LIVEGATE_LOG_FORMAT; default: text].
    #[arg(long, value_enum)]
    pub log_format: Option<LogFormat>,
    /// error, warn, info, debug or trace [env: LIVEGATE_LOG_LEVEL; default: info].
    #[arg(long, value_name = "LEVEL")]
    pub log_level: Option<String>,
    /// Requests a second per token, 0 for no limit [env: LIVEGATE_RATE_LIMIT; default: 1000].
    #[arg(long, value_name = "N")]
    pub rate_limit: Option<u32>,
    /// Requests a token may make at once above its rate [env: LIVEGATE_RATE_BURST; default: 2000].
    #[arg(long, value_name = "N")]
    pub rate_burst: Option<u32>,
    /// Seconds a request may take [env: LIVEGATE_REQUEST_TIMEOUT; default: 30].
    #[arg(long, value_name = "SECONDS")]
    pub request_timeout: Option<u64>,
    /// A ruleset file instead of the embedded one [env: LIVEGATE_RULES].
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
    /// Where uploaded scans are kept [env: LIVEGATE_FILE_STORE; default: dir].
    #[arg(long, value_enum)]
    pub file_store: Option<FileStoreArg>,
    /// The URL people open the console at; https makes its cookies Secure [env: LIVEGATE_PUBLIC_URL].
    #[arg(long, value_name = "URL")]
    pub public_url: Option<String>,
    /// Hours a console sign-in lasts [env: LIVEGATE_SESSION_HOURS; default: 12].
    #[arg(long, value_name = "HOURS")]
    pub session_hours: Option<u64>,
    /// Seconds a client may take to send a request's headers, or sit idle
    /// between requests [env: LIVEGATE_HEADER_TIMEOUT; default: 10].
    #[arg(long, value_name = "SECONDS")]
    pub header_timeout: Option<u64>,
    /// On SIGTERM, seconds the requests in flight may take to finish
    /// [env: LIVEGATE_DRAIN_TIMEOUT; default: 30].
    #[arg(long, value_name = "SECONDS")]
    pub drain_timeout: Option<u64>,
}

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

#[derive(Args, Debug)]
pub struct ExpiringArgs {
    /// The window from today, such as 30d or 2w.
    #[arg(long, default_value = "30d")]
    pub within: String,
    /// Only this tenant (id or name); default: every tenant.
    #[arg(long)]
    pub tenant: Option<String>,
    #[arg(long, value_enum, default_value_t = OutFormat::Text)]
    pub format: OutFormat,
    #[command(flatten)]
    pub db: DbArgs,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum OutFormat {
    Text,
    Json,
}

/// The optional TOML file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub listen: Option<String>,
    pub database_url: Option<String>,
    pub data_dir: Option<PathBuf>,
    pub log_format: Option<LogFormat>,
    pub log_level: Option<String>,
    pub rate_limit: Option<u32>,
    pub rate_burst: Option<u32>,
    pub request_timeout: Option<u64>,
    pub rules: Option<PathBuf>,
    pub file_store: Option<FileStoreArg>,
    pub public_url: Option<String>,
    pub session_hours: Option<u64>,
    pub header_timeout: Option<u64>,
    pub drain_timeout: Option<u64>,
}

/// Everything resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub listen: String,
    /// `None`: SQLite in `data_dir`.
    pub database_url: Option<String>,
    pub data_dir: PathBuf,
    pub log_format: LogFormat,
    pub log_level: tracing::Level,
    pub rate_limit: u32,
    pub rate_burst: u32,
    pub request_timeout: u64,
    pub rules: Option<PathBuf>,
    pub file_store: FileStoreArg,
    pub public_url: Option<String>,
    pub session_hours: u64,
    pub header_timeout: u64,
    pub drain_timeout: u64,
}

fn parse_env<T: std::str::FromStr>(
    env: &dyn Fn(&str) -> Option<String>,
    key: &str,
) -> Result<Option<T>, Failure> {
    match env(key) {
        None => Ok(None),
        Some(v) => v
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| fail("bad_value", format!("{key}={v}"))),
    }
}

/// Flags, then environment, then file, then defaults.
pub fn resolve(args: &ServeArgs, env: &dyn Fn(&str) -> Option<String>) -> Result<Config, Failure> {
    let file = file_config(args, env)?;
    let log_format = choice(
        args.log_format,
        env,
        "LIVEGATE_LOG_FORMAT",
        file.log_format,
        LogFormat::Text,
    )?;
    let file_store = choice(
        args.file_store,
        env,
        "LIVEGATE_FILE_STORE",
        file.file_store,
        FileStoreArg::Dir,
    )?;
    let log_level = log_level(args, env, &file)?;
    Ok(Config {
        listen: args
            .listen
            .clone()
            .or_else(|| env("LIVEGATE_LISTEN"))
            .or(file.listen)
            .unwrap_or_else(|| "127.0.0.1:8080".into()),
        database_url: args
            .db
            .database_url
            .clone()
            .or_else(|| env("LIVEGATE_DATABASE_URL"))
            .or_else(|| env("DATABASE_URL"))
            .or(file.database_url),
        data_dir: args
            .db
            .data_dir
            .clone()
            .or_else(|| env("LIVEGATE_DATA_DIR").map(PathBuf::from))
            .or(file.data_dir)
            .unwrap_or_else(|| PathBuf::from("livegate-data")),
        log_format,
        log_level,
        rate_limit: number(
            args.rate_limit,
            env,
            "LIVEGATE_RATE_LIMIT",
            file.rate_limit,
            1000,
        )?,
        rate_burst: number(
            args.rate_burst,
            env,
            "LIVEGATE_RATE_BURST",
            file.rate_burst,
            2000,
        )?,
        request_timeout: number(
            args.request_timeout,
            env,
            "LIVEGATE_REQUEST_TIMEOUT",
            file.request_timeout,
            30,
        )?,
        rules: args
            .rules
            .clone()
            .or_else(|| env("LIVEGATE_RULES").map(PathBuf::from))
            .or(file.rules),
        file_store,
        public_url: args
            .public_url
            .clone()
            .or_else(|| env("LIVEGATE_PUBLIC_URL"))
            .or(file.public_url),
        session_hours: number(
            args.session_hours,
            env,
            "LIVEGATE_SESSION_HOURS",
            file.session_hours,
            12,
        )?,
        header_timeout: number(
            args.header_timeout,
            env,
            "LIVEGATE_HEADER_TIMEOUT",
            file.header_timeout,
            10,
        )?,
        drain_timeout: number(
            args.drain_timeout,
            env,
            "LIVEGATE_DRAIN_TIMEOUT",
            file.drain_timeout,
            30,
        )?,
    })
}

/// The TOML file named by `--config` or `LIVEGATE_CONFIG`, or an empty one.
fn file_config(
    args: &ServeArgs,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<FileConfig, Failure> {
    let file_path = args
        .db
        .config
        .clone()
        .or_else(|| env("LIVEGATE_CONFIG").map(PathBuf::from));
    match &file_path {
        None => Ok(FileConfig::default()),
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .map_err(|e| fail("bad_config", format!("{}: {e}", p.display())))?;
            toml::from_str(&text).map_err(|e| fail("bad_config", format!("{}: {e}", p.display())))
        }
    }
}

/// A choice setting (`--log-format`, `--file-store`): the flag, else the
/// environment variable `key` (one of the flag's values), else the file's
/// value, else `default`.
fn choice<T: ValueEnum + Copy>(
    flag: Option<T>,
    env: &dyn Fn(&str) -> Option<String>,
    key: &str,
    file: Option<T>,
    default: T,
) -> Result<T, Failure> {
    if let Some(v) = flag {
        return Ok(v);
    }
    match env(key) {
        Some(v) => T::from_str(&v, false).map_err(|_| fail("bad_value", format!("{key}={v}"))),
        None => Ok(file.unwrap_or(default)),
    }
}

/// The log level: the flag, `LIVEGATE_LOG_LEVEL`, the file, or info.
fn log_level(
    args: &ServeArgs,
    env: &dyn Fn(&str) -> Option<String>,
    file: &FileConfig,
) -> Result<tracing::Level, Failure> {
    let level = args
        .log_level
        .clone()
        .or_else(|| env("LIVEGATE_LOG_LEVEL"))
        .or_else(|| file.log_level.clone())
        .unwrap_or_else(|| "info".into());
    level
        .parse::<tracing::Level>()
        .map_err(|_| fail("bad_value", format!("log level `{level}`")))
}

/// A number setting: the flag, else the environment variable `key`, else
/// the file's value, else `default`.
fn number<T: std::str::FromStr>(
    flag: Option<T>,
    env: &dyn Fn(&str) -> Option<String>,
    key: &str,
    file: Option<T>,
    default: T,
) -> Result<T, Failure> {
    match flag {
        Some(n) => Ok(n),
        None => Ok(parse_env(env, key)?.or(file).unwrap_or(default)),
    }
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

fn init_tracing(cfg: &Config) {
    let builder = tracing_subscriber::fmt()
        .with_max_level(cfg.log_level)
        .with_writer(std::io::stderr);
    let _ = match cfg.log_format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Text => builder
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .try_init(),
    };
}

/// `livegate serve`.
pub fn serve(args: ServeArgs) -> Result<ExitCode, Failure> {
    let cfg = resolve(&args, &process_env)?;
    init_tracing(&cfg);
    let ruleset = match &cfg.rules {
        None => livegate_core::default_ruleset(),
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .map_err(|e| fail("rules", format!("{}: {e}", p.display())))?;
            crate::load_ruleset(&text, &p.display().to_string(), Some(p), &[], None)
                .map(|l| l.ruleset)
        }
    }
    .map_err(|e| fail("rules", e))?;
    let settings = Settings {
        data_dir: cfg.data_dir.clone(),
        rate_limit: cfg.rate_limit,
        rate_burst: cfg.rate_burst,
        request_timeout: Duration::from_secs(cfg.request_timeout.max(1)),
        file_store: match cfg.file_store {
            FileStoreArg::Dir => livegate_server::FileStore::Dir,
            FileStoreArg::Database => livegate_server::FileStore::Database,
        },
        public_url: cfg.public_url.clone(),
        session_ttl: Duration::from_secs(cfg.session_hours.clamp(1, 24 * 90) * 3600),
        header_timeout: Duration::from_secs(cfg.header_timeout.clamp(1, 3600)),
        drain_timeout: Duration::from_secs(cfg.drain_timeout.min(3600)),
        ..Settings::default()
    };
    runtime()?.block_on(async {
        let store = open(&cfg).await?;
        let listener = tokio::net::TcpListener::bind(&cfg.listen)
            .await
            .map_err(|e| fail("bind_failed", format!("{}: {e}", cfg.listen)))?;
        let addr = listener.local_addr().map_err(|e| fail("bind_failed", e))?;
        tracing::info!(
            %addr,
            backend = ?store.backend(),
            ruleset = %ruleset.meta.version,
            "livegate serving"
        );
        // The address on stdout, for scripts and tests that asked for port 0.
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "listening on http://{addr}");
        let _ = out.flush();
        drop(out);
        let grace = settings.file_grace;
        match livegate_server::retention::gc(&store, &cfg.data_dir, grace, false).await {
            Ok(removed) if !removed.is_empty() => {
                tracing::info!(removed = removed.len(), "removed scans nothing references");
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "sweeping unreferenced scans"),
        }
        let state = AppState::new(store.clone(), ruleset, settings);
        livegate_server::serve(listener, state, livegate_server::shutdown_signal())
            .await
            .map_err(|e| fail("bind_failed", e))?;
        store.close().await;
        tracing::info!("stopped");
        Ok(ExitCode::SUCCESS)
    })
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
            let days = livegate_server::routes::parse_window(w)
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
        let removed = livegate_server::retention::release_in(
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
        let grace = livegate_server::Settings::default().file_grace;
        let removed = livegate_server::retention::gc(&store, &cfg.data_dir, grace, dry_run)
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

/// `livegate expiring`.
pub fn expiring(args: ExpiringArgs) -> Result<ExitCode, Failure> {
    let days = livegate_server::routes::parse_window(&args.within)
        .ok_or_else(|| fail("bad_window", &args.within))?;
    let cfg = db_config(&args.db)?;
    runtime()?.block_on(async {
        let store = open_existing(&cfg).await?;
        let tenant = match &args.tenant {
            None => None,
            Some(t) => match store.find_tenant(t).await {
                Ok(t) => Some(t.id),
                Err(livegate_store::StoreError::NotFound) => return Err(fail("no_tenant", t)),
                Err(e) => return Err(fail("db_failed", e)),
            },
        };
        let today = clock::today();
        let (from, until) = (clock::format_date(today), clock::format_date(today + days));
        let items = store
            .expiring(tenant.as_deref(), &from, &until)
            .await
            .map_err(|e| fail("db_failed", e))?;
        store.close().await;
        let mut out = std::io::stdout().lock();
        let res = match args.format {
            OutFormat::Json => {
                let v = serde_json::json!({"from": from, "until": until, "items": items});
                writeln!(
                    out,
                    "{}",
                    serde_json::to_string_pretty(&v).unwrap_or_default()
                )
            }
            OutFormat::Text => items.iter().try_for_each(|e| {
                writeln!(
                    out,
                    "{}\t{}\t{}\t{}\t{}\t{}",
                    e.valid_until,
                    e.appid,
                    e.applicant_name.as_deref().unwrap_or("-"),
                    e.kind,
                    e.applicant_id,
                    e.document_id
                )
            }),
        };
        // A closed pipe ends the listing quietly.
        let _ = res.and_then(|()| out.flush());
        Ok(ExitCode::SUCCESS)
    })
}

/// The SQLite file of a data directory.
pub fn default_db_path(data_dir: &Path) -> PathBuf {
    data_dir.join("livegate.db")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn ok(r: Result<Config, Failure>) -> Config {
        match r {
            Ok(c) => c,
            Err(Failure(m)) => panic!("{m}"),
        }
    }

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + use<> {
        let m: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| m.get(k).cloned()
    }

    #[test]
    fn config_precedence_is_flags_then_environment_then_file_then_defaults() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("livegate.toml");
        std::fs::write(
            &file,
            "listen = \"127.0.0.1:7000\"\nrate_limit = 7\nrate_burst = 70\ndata_dir = \"from-file\"\nlog_format = \"json\"\n",
        )
        .expect("write");
        let env = env_of(&[
            ("LIVEGATE_CONFIG", file.to_str().expect("utf-8")),
            ("LIVEGATE_LISTEN", "127.0.0.1:8000"),
            ("LIVEGATE_RATE_LIMIT", "8"),
        ]);
        let args = ServeArgs {
            listen: Some("127.0.0.1:9000".into()),
            ..ServeArgs::default()
        };
        let c = ok(resolve(&args, &env));
        assert_eq!(c.listen, "127.0.0.1:9000", "a flag beats env and file");
        assert_eq!(c.rate_limit, 8, "env beats file");
        assert_eq!(c.rate_burst, 70, "file beats default");
        assert_eq!(c.data_dir, PathBuf::from("from-file"));
        assert_eq!(c.log_format, LogFormat::Json);
        assert_eq!(c.request_timeout, 30, "default");
        assert_eq!(c.database_url, None, "SQLite by default");
        assert_eq!(
            c.file_store,
            FileStoreArg::Dir,
            "scans in the data directory by default"
        );
    }

    #[test]
    fn database_url_falls_back_to_the_conventional_database_url_variable() {
        let c = ok(resolve(
            &ServeArgs::default(),
            &env_of(&[("DATABASE_URL", "postgres://x/y")]),
        ));
        assert_eq!(c.database_url.as_deref(), Some("postgres://x/y"));
        let c = ok(resolve(
            &ServeArgs::default(),
            &env_of(&[
                ("DATABASE_URL", "postgres://x/y"),
                ("LIVEGATE_DATABASE_URL", "sqlite://z"),
            ]),
        ));
        assert_eq!(c.database_url.as_deref(), Some("sqlite://z"));
    }

    #[test]
    fn choices_come_from_the_environment_by_their_flag_values() {
        let c = ok(resolve(
            &ServeArgs::default(),
            &env_of(&[
                ("LIVEGATE_LOG_FORMAT", "json"),
                ("LIVEGATE_FILE_STORE", "database"),
            ]),
        ));
        assert_eq!(c.log_format, LogFormat::Json);
        assert_eq!(c.file_store, FileStoreArg::Database);
        let c = ok(resolve(&ServeArgs::default(), &env_of(&[])));
        assert_eq!(
            (c.log_format, c.file_store),
            (LogFormat::Text, FileStoreArg::Dir)
        );
        assert!(
            resolve(
                &ServeArgs::default(),
                &env_of(&[("LIVEGATE_FILE_STORE", "s3")])
            )
            .is_err()
        );
    }

    #[test]
    fn bad_values_and_unknown_file_keys_are_refused() {
        assert!(
            resolve(
                &ServeArgs::default(),
                &env_of(&[("LIVEGATE_RATE_LIMIT", "lots")])
            )
            .is_err()
        );
        assert!(
            resolve(
                &ServeArgs::default(),
                &env_of(&[("LIVEGATE_LOG_FORMAT", "xml")])
            )
            .is_err()
        );
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("c.toml");
        std::fs::write(&file, "lisen = \"x\"\n").expect("write");
        let args = ServeArgs {
            db: DbArgs {
                config: Some(file),
                ..DbArgs::default()
            },
            ..ServeArgs::default()
        };
        assert!(resolve(&args, &env_of(&[])).is_err());
    }
}
