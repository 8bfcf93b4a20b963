//! The JSON review API (`Authorization: Bearer TOKEN`).
//!
//! Items in queues an account is not granted answer 404, as if they did
//! not exist, so ids cannot be probed.

use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::review::auth::Principal;
use crate::review::auth::Role;
use crate::serve::state::{App, StateChange};
use crate::store::{HoldStatus, ListFilter, StoreError, now_ms};

/// The API routes.
pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/api/holds", get(list))
        .route("/api/holds/{id}", get(detail))
        .route("/api/holds/{id}/approve", post(approve))
        .route("/api/holds/{id}/reject", post(reject))
        .route("/api/holds/{id}/reconcile", post(reconcile))
        .route("/api/reload", post(reload))
        .route("/api/replicas", get(replicas))
}

/// An API error with a JSON body.
#[derive(Debug)]
pub struct ApiError(pub StatusCode, pub String);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.0, Json(json!({"error": self.1}))).into_response()
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> ApiError {
        match e {
            StoreError::NotFound => ApiError(StatusCode::NOT_FOUND, "no such item".into()),
            StoreError::Conflict(s) => ApiError(
                StatusCode::CONFLICT,
                format!("item is {s}; this action needs status held"),
            ),
            other => {
                tracing::error!(error = %other, "store error in the review API");
                ApiError(StatusCode::SERVICE_UNAVAILABLE, "store unavailable".into())
            }
        }
    }
}

/// The caller, from `Authorization: Bearer`.
pub struct ApiUser(pub Principal);

impl FromRequestParts<Arc<App>> for ApiUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &Arc<App>) -> Result<ApiUser, ApiError> {
        let token = parts
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim);
        // Token guessing counts like failed logins: 10 a minute per address.
        // A request with no token at all is not a guess and is not counted.
        let peer = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|c| c.0.ip());
        if let Some(ip) = peer
            && app.accounts.blocked(ip)
        {
            return Err(ApiError(
                StatusCode::TOO_MANY_REQUESTS,
                "too many failed authentications from this address; wait a minute".into(),
            ));
        }
        match token.and_then(|t| app.accounts.by_token(t)) {
            Some(p) => Ok(ApiUser(p)),
            None => {
                if let Some(ip) = peer
                    && token.is_some()
                {
                    app.accounts.record_failure(ip);
                }
                Err(ApiError(
                    StatusCode::UNAUTHORIZED,
                    "a valid Authorization: Bearer token is required".into(),
                ))
            }
        }
    }
}

#[derive(Debug, Deserialize)]
struct ListQuery {
    status: Option<String>,
    queue: Option<String>,
    category: Option<String>,
    limit: Option<i64>,
    cursor: Option<String>,
}

async fn list(
    State(app): State<Arc<App>>,
    ApiUser(user): ApiUser,
    Query(q): Query<ListQuery>,
) -> Result<Json<Value>, ApiError> {
    let status = match q.status.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => Some(
            s.parse::<HoldStatus>()
                .map_err(|e| ApiError(StatusCode::BAD_REQUEST, e))?,
        ),
        None => None,
    };
    let filter = ListFilter {
        status,
        queue: q.queue.filter(|s| !s.is_empty()),
        category: q.category.filter(|s| !s.is_empty()),
        allowed_queues: user.queues.clone(),
        limit: q.limit.unwrap_or(50),
        cursor: q.cursor.filter(|s| !s.is_empty()),
    };
    let (items, next) = app.store.list(&filter).await.map_err(|e| match e {
        StoreError::Corrupt(_) => ApiError(StatusCode::BAD_REQUEST, "bad cursor".into()),
        other => other.into(),
    })?;
    // Paths and queries can carry numbers; the listing shows them masked
    // (the item page, for its reviewer, shows the request as it came).
    let items: Vec<_> = items
        .into_iter()
        .map(|mut h| {
            h.path = crate::model::mask_digit_runs(&h.path, 11);
            h
        })
        .collect();
    Ok(Json(json!({"items": items, "next_cursor": next})))
}

async fn detail(
    State(app): State<Arc<App>>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let item = app.store.get(&id).await?;
    if !user.may_see(&item.summary.queue) {
        return Err(StoreError::NotFound.into());
    }
    let findings: Value = serde_json::from_str(&item.findings_json).unwrap_or(Value::Null);
    let text = super::marked_text(&app, &item.request, &findings).await;
    let audit = app.store.audit_for(&id).await?;
    Ok(Json(json!({
        "item": item.summary,
        "findings": findings,
        "text": text,
        "audit": audit,
    })))
}

/// A comment or reason in a request body.
#[derive(Debug, Default, Deserialize)]
pub struct Comment {
    /// Approval comment.
    #[serde(default)]
    pub comment: String,
    /// Rejection reason.
    #[serde(default)]
    pub reason: String,
    /// For reconcile: `delivered`, `resend` or `failed`.
    #[serde(default)]
    pub outcome: String,
}

async fn approve(
    State(app): State<Arc<App>>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    body: Option<Json<Comment>>,
) -> Result<Json<Value>, ApiError> {
    let comment = body.map(|b| b.0.comment).unwrap_or_default();
    decide(&app, &user, &id, HoldStatus::Approved, &comment).await?;
    Ok(Json(json!({"id": id, "status": "approved"})))
}

async fn reject(
    State(app): State<Arc<App>>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    body: Option<Json<Comment>>,
) -> Result<Json<Value>, ApiError> {
    let reason = body.map(|b| b.0.reason).unwrap_or_default();
    decide(&app, &user, &id, HoldStatus::Rejected, &reason).await?;
    Ok(Json(json!({"id": id, "status": "rejected"})))
}

/// Approve or reject, with every check: the queue is granted, the
/// reviewer is not the submitter, a rejection has a reason. Refusals are
/// audited too.
pub async fn decide(
    app: &App,
    user: &Principal,
    id: &str,
    to: HoldStatus,
    comment: &str,
) -> Result<(), ApiError> {
    let item = app.store.get(id).await?;
    if !user.may_see(&item.summary.queue) {
        return Err(StoreError::NotFound.into());
    }
    if to == HoldStatus::Approved && user.is_submitter(item.summary.submitter.as_deref()) {
        app.store
            .audit(
                &user.name,
                "approve_refused",
                Some(id),
                "reviewer is the submitter",
            )
            .await?;
        return Err(ApiError(
            StatusCode::FORBIDDEN,
            "the submitter of an item cannot approve it".into(),
        ));
    }
    if to == HoldStatus::Rejected && comment.trim().is_empty() {
        return Err(ApiError(
            StatusCode::BAD_REQUEST,
            "a rejection needs a reason".into(),
        ));
    }
    app.store.decide(id, to, &user.name, comment.trim()).await?;
    app.state_changed(StateChange {
        id: id.to_string(),
        from: Some(HoldStatus::Held),
        to,
        queue: Some(item.summary.queue.clone()),
        actor: user.name.clone(),
        at: now_ms(),
    });
    if to == HoldStatus::Approved {
        app.delivery_wake.notify_one();
    }
    Ok(())
}

async fn reconcile(
    State(app): State<Arc<App>>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    Json(body): Json<Comment>,
) -> Result<Json<Value>, ApiError> {
    let to = resolve(&app, &user, &id, &body.outcome, &body.comment).await?;
    Ok(Json(json!({"id": id, "status": to})))
}

/// An admin's resolution of a `needs_reconcile` item: `delivered` (the
/// platform has it), `resend`, or `failed` (give up).
pub async fn resolve(
    app: &App,
    user: &Principal,
    id: &str,
    outcome: &str,
    comment: &str,
) -> Result<HoldStatus, ApiError> {
    if user.role != Role::Admin {
        return Err(ApiError(StatusCode::FORBIDDEN, "admins only".into()));
    }
    let to = match outcome {
        "delivered" => HoldStatus::Delivered,
        "resend" => HoldStatus::Approved,
        "failed" => HoldStatus::Failed,
        _ => {
            return Err(ApiError(
                StatusCode::BAD_REQUEST,
                "outcome must be delivered, resend or failed".into(),
            ));
        }
    };
    app.store.reconcile(id, to, &user.name, comment).await?;
    app.state_changed(StateChange {
        id: id.to_string(),
        from: Some(HoldStatus::NeedsReconcile),
        to,
        queue: None,
        actor: user.name.clone(),
        at: now_ms(),
    });
    app.delivery_wake.notify_one();
    Ok(to)
}

async fn reload(
    State(app): State<Arc<App>>,
    ApiUser(user): ApiUser,
) -> Result<Json<Value>, ApiError> {
    if user.role != Role::Admin {
        return Err(ApiError(StatusCode::FORBIDDEN, "admins only".into()));
    }
    match reload_everywhere(&app, &user.name).await? {
        Ok((version, generation)) => Ok(Json(json!({
            "status": "reloaded",
            "version": version,
            "generation": generation,
        }))),
        Err(errors) => Err(ApiError(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("reload failed; the previous policies and dictionaries stay in use:\n{errors}"),
        )),
    }
}

/// Reloads this replica's policies and dictionaries; when that works, asks
/// every other replica on the store to do the same (they follow within a
/// heartbeat). A failed reload is audited and asks no one: a file that does
/// not load here will not load on a replica with the same files.
///
/// The outer error is the store's; the inner one the files' errors.
pub async fn reload_everywhere(
    app: &Arc<App>,
    actor: &str,
) -> Result<Result<(String, i64), crate::model::FileErrors>, StoreError> {
    let reloading = app.clone();
    let result = tokio::task::spawn_blocking(move || reloading.reload())
        .await
        .unwrap_or_else(|_| {
            Err(crate::model::FileErrors(vec![
                crate::model::FileError::new("reload", 0, "reload did not finish"),
            ]))
        });
    match result {
        Ok(version) => {
            let generation = app
                .store
                .request_reload(actor, &version, &format!("asked of {}", app.replica))
                .await?;
            // This replica has it already; its follower must not reload again.
            app.reload_seen
                .fetch_max(generation, std::sync::atomic::Ordering::SeqCst);
            Ok(Ok((version, generation)))
        }
        Err(errors) => {
            app.store
                .audit(actor, "reload", None, &format!("failed on {}", app.replica))
                .await?;
            Ok(Err(errors))
        }
    }
}

/// Replicas seen in the last three heartbeats, with the policy version
/// each runs: whether a reload reached all of them.
async fn replicas(
    State(app): State<Arc<App>>,
    ApiUser(_user): ApiUser,
) -> Result<Json<Value>, ApiError> {
    let within = 3 * app.config.cluster.heartbeat_ms.max(100) as i64;
    let replicas = app.store.replicas(within).await?;
    let generation = app.store.reload_generation().await?;
    Ok(Json(json!({
        "this": app.replica,
        "generation": generation,
        "replicas": replicas,
    })))
}
