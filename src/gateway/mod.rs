//! The inline gateway: a reverse proxy in front of the publishing platform.
//!
//! ```text
//! client ─▶ routes::classify ─┬─ not a publish request ─▶ upstream (streamed)
//!          publish::route ─────┴─ publish request ─▶ body (limit, decode)
//!                                  ─▶ inspect (split, extract; a publish
//!                                     transition also fetches the stored
//!                                     content from the upstream) ─▶ engine
//!                                  ─▶ pass | redact | hold (store) | block
//! reader ─▶ egress::route_of ─▶ upstream (whole page) ─▶ verdict by content
//!           hash (memory, store) or engine ─▶ served | 451 (takedown queue)
//! ```
//!
//! Connections are served by hyper with a timer installed (without one
//! hyper's header-read timeout is silently off), a header deadline, a
//! bounded read buffer, and a cap on open connections.

pub mod body;
pub mod conditional;
pub mod decisions;
pub mod egress;
pub mod error;
pub mod proxy;
pub mod publish;
pub mod reply;
pub mod routes;
pub mod state;
pub mod status;
mod verdicts;

use std::sync::Arc;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};

use crate::gateway::state::GatewayState;

/// Accepts and serves proxy connections until `shutdown` turns true, then
/// lets in-flight requests finish within the grace period.
///
/// `pubgate serve` runs one of these per core, each on its own
/// single-threaded runtime accepting from the same socket (nginx's worker
/// model): a connection, its requests and the upstream connections they
/// use stay on one thread. `connections` is this worker's share of the
/// connection cap.
pub async fn serve(
    listener: TcpListener,
    app: Arc<GatewayState>,
    connections: Arc<Semaphore>,
    mut shutdown: watch::Receiver<bool>,
) {
    let settings = app.settings.clone();
    let upstream = app.upstream.with_own_pool();
    let graceful = GracefulShutdown::new();
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(settings.header_read_timeout)
        .max_buf_size(64 * 1024)
        .keep_alive(true);
    loop {
        let permit = tokio::select! {
            _ = shutdown.changed() => break,
            permit = connections.clone().acquire_owned() => match permit {
                Ok(p) => p,
                Err(_) => break,
            },
        };
        let (stream, peer) = tokio::select! {
            _ = shutdown.changed() => break,
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let upstream = upstream.clone();
        let service = service_fn(move |request| {
            let app = app.clone();
            let upstream = upstream.clone();
            async move {
                Ok::<_, std::convert::Infallible>(
                    proxy::handle(app, &upstream, request, peer).await,
                )
            }
        });
        let connection = builder.serve_connection(TokioIo::new(stream), service);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            let _ = connection.await;
            drop(permit);
        });
    }
    drop(listener);
    let grace = settings.shutdown_grace;
    if tokio::time::timeout(grace, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("shutdown grace period over; closing remaining connections");
    }
}
