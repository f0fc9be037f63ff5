//! The accept loop: HTTP/1.1 connections with hyper's header-read timeout,
//! a graceful stop, and the service's housekeeping.
//!
//! The loop is livegate's own, not `axum::serve`, only because hyper must
//! be given a timer for its header-read timeout: that timeout closes a
//! connection that sends nothing, sends its headers too slowly (a
//! slowloris), or sits idle between kept-alive requests. HTTP/2 is not
//! served: a client that opens with the HTTP/2 preface gets hyper's 400
//! and is disconnected, so no connection escapes the timeout.

use std::future::Future;
use std::time::Duration;

use axum::Router;
use axum::response::Response;
use tokio::net::TcpListener;

use crate::AppState;

/// Serves until `shutdown` completes, then stops accepting and lets the
/// requests in flight finish, for at most the drain timeout. Each
/// connection has a header-read timeout, and the handlers see the client's
/// address (`ConnectInfo`).
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let settings = state.settings.clone();
    let jobs = state.jobs.clone();
    crate::console::batch_queue::adopt_files(&state).await;
    let housekeeping = tokio::spawn(housekeep(state.clone()));
    let webhooks = tokio::spawn(crate::webhooks::deliver::run(
        state.clone(),
        state.settings.webhook_every,
    ));
    let app = crate::app(state);
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(settings.header_timeout);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (stream, peer) = match accepted {
                    Ok(x) => x,
                    Err(e) => {
                        // Out of file descriptors and the like: wait, go on.
                        tracing::warn!(error = %e, "accept failed");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let io = hyper_util::rt::TokioIo::new(stream);
                let conn = builder.serve_connection(io, connection_service(app.clone(), peer));
                let conn = graceful.watch(conn);
                tokio::spawn(async move {
                    let _ = conn.await;
                });
            }
            () = &mut shutdown => break,
        }
    }
    drop(listener);
    housekeeping.abort();
    webhooks.abort();
    if tokio::time::timeout(settings.drain_timeout, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!(
            seconds = settings.drain_timeout.as_secs(),
            "requests still in flight after the drain timeout were cut off"
        );
    }
    jobs.stop(settings.drain_timeout).await;
    Ok(())
}

/// Every `sweep_every`: forget rate-limit keys whose allowance is back,
/// fold the metrics' samples, and keep the batch jobs' heartbeats.
async fn housekeep(state: AppState) {
    let every = state.settings.sweep_every;
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        crate::console::batch_queue::keep(&state, every * 3).await;
        state.limiter.sweep();
        state.link_limiter.sweep();
        state.auth_failures.sweep();
        state.metrics.limiter_keys("token", state.limiter.len());
        state
            .metrics
            .limiter_keys("address", state.auth_failures.len());
        state.metrics.upkeep();
    }
}

/// The app for one connection, telling handlers the peer's address.
fn connection_service(
    app: Router,
    peer: std::net::SocketAddr,
) -> hyper_util::service::TowerToHyperService<
    impl tower::Service<
        hyper::Request<hyper::body::Incoming>,
        Response = Response,
        Error = std::convert::Infallible,
        Future = impl Send,
    > + Clone,
> {
    use tower::ServiceExt;
    let svc = app.map_request(move |req: hyper::Request<hyper::body::Incoming>| {
        let mut req = req.map(axum::body::Body::new);
        req.extensions_mut()
            .insert(axum::extract::ConnectInfo(peer));
        req
    });
    hyper_util::service::TowerToHyperService::new(svc)
}

/// Completes on SIGTERM or Ctrl-C.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
