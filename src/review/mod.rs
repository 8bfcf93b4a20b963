//! The review office: the decisions reviewers and admins make
//! ([`workflow`]), delivery of approved items ([`delivery`]), the
//! state-change notifier ([`webhook`]), and the admin listener's pages over
//! them — JSON API ([`api`]), web UI ([`ui`]), takedown candidates
//! ([`takedown`]), metrics and probes — behind [`auth`] and the
//! per-client rate ([`limit`]). Its state is [`state::ReviewState`].

pub mod api;
pub mod auth;
pub mod delivery;
pub mod limit;
pub mod masking;
pub mod pages;
pub mod retention;
pub mod state;
pub mod takedown;
pub mod ui;
pub mod webhook;
pub mod workflow;

use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use serde::Serialize;

use crate::intake;
use crate::model::Piece;
use crate::review::state::ReviewState;
use crate::store::{HoldStatus, PublishedContent, PublishedItem, StoredRequest};

/// The admin listener's routes.
pub fn router(app: Arc<ReviewState>) -> Router {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .merge(api::routes())
        .merge(ui::routes())
        .merge(takedown::routes())
        .with_state(app)
}

/// Ready when the store answers: without it nothing can be held, so
/// inspected requests are refused. The platform is reported beside it but
/// does not decide readiness: with the platform down the gateway still
/// holds what needs review, and every replica would be down alike.
async fn readyz(State(app): State<Arc<ReviewState>>) -> impl IntoResponse {
    let (store, upstream) = tokio::join!(app.store.ping(), app.upstream.probe());
    let store_ok = store.is_ok();
    let line = |ok: bool, error: String| if ok { "ok".to_string() } else { error };
    let body = format!(
        "store: {}\nupstream: {}\n",
        line(
            store_ok,
            store
                .err()
                .map(|e| format!("unavailable ({e})"))
                .unwrap_or_default()
        ),
        line(
            upstream.is_ok(),
            upstream
                .err()
                .map(|e| format!("unreachable ({e})"))
                .unwrap_or_default()
        ),
    );
    let status = if store_ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, body)
}

async fn metrics(State(app): State<Arc<ReviewState>>) -> impl IntoResponse {
    if let Ok(counts) = app.store.count_by_status().await {
        for (status, n) in counts {
            app.metrics
                .queue_depth
                .with_label_values(&[status.as_str()])
                .set(n);
        }
    }
    if let Ok(held) = app.store.held_by_queue().await {
        // Every queue the policy names is exported, at 0 when empty, so a
        // panel shows a line and an alert can fire on it.
        app.metrics.queue_held.reset();
        app.metrics.oldest_held_seconds.reset();
        for queue in app.engine().queues() {
            app.metrics.queue_held.with_label_values(&[&queue]).set(0);
            app.metrics
                .oldest_held_seconds
                .with_label_values(&[&queue])
                .set(0);
        }
        let now = crate::store::now_ms();
        for (queue, n, oldest) in held {
            app.metrics.queue_held.with_label_values(&[&queue]).set(n);
            app.metrics
                .oldest_held_seconds
                .with_label_values(&[&queue])
                .set((now - oldest).max(0) / 1000);
        }
    }
    if let Ok(counts) = app.store.count_published_by_status().await {
        for (status, n) in counts {
            app.metrics
                .takedown
                .with_label_values(&[status.as_str()])
                .set(n);
        }
    }
    (
        [("content-type", "text/plain; version=0.0.4")],
        app.metrics.render(),
    )
}

/// A piece of the held announcement with the findings that fall in it.
#[derive(Debug, Serialize)]
pub struct MarkedPiece {
    /// Part name.
    pub part: String,
    /// Part kind (content, hidden, comment…).
    pub kind: crate::model::PartKind,
    /// The extracted text (unmasked: only for authenticated reviewers).
    pub text: String,
    /// Finding spans, sorted, non-overlapping.
    pub spans: Vec<Span>,
}

/// A highlighted span.
#[derive(Debug, Clone, Serialize)]
pub struct Span {
    /// Start byte offset in `text`.
    pub start: usize,
    /// End byte offset.
    pub end: usize,
    /// Index into the item's findings.
    pub finding: usize,
}

/// Extracts the stored request again (same steps as the gateway) and
/// places each finding on its piece. Findings are what held the item; the
/// text is re-extracted, which is deterministic for the same bytes.
pub async fn marked_text(
    app: &ReviewState,
    request: &StoredRequest,
    findings: &serde_json::Value,
) -> Vec<MarkedPiece> {
    let head = intake::Head {
        method: request.method.clone(),
        target: request.uri.clone(),
        headers: request.headers.clone(),
    };
    let Ok(read) = intake::read(
        &head,
        bytes::Bytes::from(request.body.clone()),
        &app.settings.intake,
    )
    .await
    else {
        return Vec::new();
    };
    marked(app, read.uploads, findings).await
}

/// The same for a page the public side withheld: its stored content read
/// as the gateway read it (`source` is `egress:ROUTE`, `doc_key` is
/// `url:TARGET`), so the part names of the findings match.
pub async fn marked_page(
    app: &ReviewState,
    item: &PublishedItem,
    content: PublishedContent,
    findings: &serde_json::Value,
) -> Vec<MarkedPiece> {
    let route = item.source.strip_prefix("egress:").unwrap_or(&item.source);
    let target = item.doc_key.strip_prefix("url:").unwrap_or(&item.doc_key);
    let Ok(uploads) = intake::public_page(
        route,
        target,
        content.content_type.as_deref(),
        bytes::Bytes::from(content.bytes),
        &app.settings.intake,
    )
    .await
    else {
        return Vec::new();
    };
    marked(app, uploads, findings).await
}

/// Extracts the uploads and places each finding on the piece it names.
async fn marked(
    app: &ReviewState,
    uploads: Vec<intake::Upload>,
    findings: &serde_json::Value,
) -> Vec<MarkedPiece> {
    let engine = app.engine();
    let pieces: Vec<Piece> =
        tokio::task::spawn_blocking(move || intake::to_document(&engine, &uploads).pieces)
            .await
            .unwrap_or_default();
    let list = findings.as_array().cloned().unwrap_or_default();
    pieces
        .into_iter()
        .map(|p| {
            let mut spans: Vec<Span> = list
                .iter()
                .enumerate()
                .filter_map(|(i, f)| {
                    let loc = f.get("location")?;
                    if loc.get("part")?.as_str()? != p.part {
                        return None;
                    }
                    let start = loc.get("start")?.as_u64()? as usize;
                    let end = loc.get("end")?.as_u64()? as usize;
                    (start < end
                        && end <= p.text.len()
                        && p.text.is_char_boundary(start)
                        && p.text.is_char_boundary(end))
                    .then_some(Span {
                        start,
                        end,
                        finding: i,
                    })
                })
                .collect();
            spans.sort_by_key(|s| (s.start, s.end));
            let mut last_end = 0;
            spans.retain(|s| {
                let keep = s.start >= last_end;
                if keep {
                    last_end = s.end;
                }
                keep
            });
            MarkedPiece {
                part: p.part,
                kind: p.kind,
                text: p.text,
                spans,
            }
        })
        .collect()
}

/// The statuses a reviewer filters by, in display order.
pub fn statuses() -> [HoldStatus; 7] {
    HoldStatus::ALL
}
