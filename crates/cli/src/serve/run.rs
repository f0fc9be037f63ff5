//! `livegate serve`: the HTTP API and the console.

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use livegate_server::{AppState, Settings};

use super::config::{FileStoreArg, LogFormat};

use super::{Config, ServeArgs, fail, open, process_env, resolve, runtime};
use crate::Failure;

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
        auth_failure_burst: cfg.auth_failure_burst,
        request_timeout: Duration::from_secs(cfg.request_timeout.max(1)),
        file_store: match cfg.file_store {
            FileStoreArg::Dir => livegate_server::FileStore::Dir,
            FileStoreArg::Database => livegate_server::FileStore::Database,
        },
        public_url: cfg.public_url.clone(),
        session_ttl: Duration::from_secs(cfg.session_hours.clamp(1, 24 * 90) * 3600),
        header_timeout: Duration::from_secs(cfg.header_timeout.clamp(1, 3600)),
        drain_timeout: Duration::from_secs(cfg.drain_timeout.min(3600)),
        wechat_push: match &cfg.wechat_push {
            None => None,
            Some(w) => Some(
                livegate_server::push::PushConfig::new(&w.token, &w.aes_key, &w.appid)
                    .map_err(|e| fail("bad_value", e))?,
            ),
        },
        webhook_allow_private: cfg.webhook_allow_private,
        webhook_retry_base: Duration::from_secs(cfg.webhook_retry_seconds.clamp(1, 3600)),
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
        match livegate_store::scans::gc(&store, &cfg.data_dir, grace, false).await {
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
