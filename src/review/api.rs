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

use crate::review::auth::{HasAccounts, Principal};
use crate::review::state::ReviewState;
use crate::review::workflow::{self, WorkflowError};
use crate::store::{HoldStatus, ListFilter, StoreError};

/// The API routes.
pub fn routes() -> Router<Arc<ReviewState>> {
    Router::new()
        .route("/api/holds", get(list))
        .route("/api/holds/{id}", get(detail))
        .route("/api/holds/{id}/approve", post(approve))
        .route("/api/holds/{id}/reject", post(reject))
        .route("/api/holds/{id}/reconcile", post(reconcile))
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
        WorkflowError::from(e).into()
    }
}

impl From<WorkflowError> for ApiError {
    fn from(e: WorkflowError) -> ApiError {
        let status = match &e {
            WorkflowError::NotFound => StatusCode::NOT_FOUND,
            WorkflowError::OwnSubmission | WorkflowError::AdminsOnly => StatusCode::FORBIDDEN,
            WorkflowError::Conflict(_) => StatusCode::CONFLICT,
            WorkflowError::NeedsReason(_) | WorkflowError::UnknownChoice(_) => {
                StatusCode::BAD_REQUEST
            }
            WorkflowError::NotMaskable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            WorkflowError::Store(store) => {
                tracing::error!(error = %store, "store error in the review API");
                StatusCode::SERVICE_UNAVAILABLE
            }
        };
        ApiError(status, e.to_string())
    }
}

/// The caller, from `Authorization: Bearer`.
pub struct ApiUser(pub Principal);

/// Any listener whose state holds the accounts can ask for one (the
/// review office's routes and the cluster's).
impl<S: HasAccounts + Send + Sync> FromRequestParts<S> for ApiUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<ApiUser, ApiError> {
        let accounts = state.accounts();
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
            && accounts.blocked(ip)
        {
            return Err(ApiError(
                StatusCode::TOO_MANY_REQUESTS,
                "too many failed authentications from this address; wait a minute".into(),
            ));
        }
        match token.and_then(|t| accounts.by_token(t)) {
            Some(p) => Ok(ApiUser(p)),
            None => {
                if let Some(ip) = peer
                    && token.is_some()
                {
                    accounts.record_failure(ip);
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
    /// Text in the title, 项目名称, 项目编号 or submitter.
    q: Option<String>,
    limit: Option<i64>,
    cursor: Option<String>,
}

async fn list(
    State(app): State<Arc<ReviewState>>,
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
        search: q.q.filter(|s| !s.trim().is_empty()),
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
    let counts: Vec<Value> = app
        .store
        .counts_by_queue(user.queues.as_deref())
        .await?
        .into_iter()
        .map(|(queue, status, n)| json!({"queue": queue, "status": status, "count": n}))
        .collect();
    Ok(Json(
        json!({"items": items, "next_cursor": next, "counts": counts}),
    ))
}

async fn detail(
    State(app): State<Arc<ReviewState>>,
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
    /// For approve: deliver with every flagged personal-data and
    /// procurement-secret value masked (打码后发布).
    #[serde(default)]
    pub mask: bool,
}

async fn approve(
    State(app): State<Arc<ReviewState>>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    body: Option<Json<Comment>>,
) -> Result<Json<Value>, ApiError> {
    let body = body.map(|b| b.0).unwrap_or_default();
    if body.mask {
        let masked = workflow::approve_masked(&app, &user, &id, &body.comment).await?;
        return Ok(Json(
            json!({"id": id, "status": "approved", "masked": masked}),
        ));
    }
    workflow::decide(&app, &user, &id, HoldStatus::Approved, &body.comment).await?;
    Ok(Json(json!({"id": id, "status": "approved"})))
}

async fn reject(
    State(app): State<Arc<ReviewState>>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    body: Option<Json<Comment>>,
) -> Result<Json<Value>, ApiError> {
    let reason = body.map(|b| b.0.reason).unwrap_or_default();
    workflow::decide(&app, &user, &id, HoldStatus::Rejected, &reason).await?;
    Ok(Json(json!({"id": id, "status": "rejected"})))
}

async fn reconcile(
    State(app): State<Arc<ReviewState>>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    Json(body): Json<Comment>,
) -> Result<Json<Value>, ApiError> {
    let to = workflow::resolve(&app, &user, &id, &body.outcome, &body.comment).await?;
    Ok(Json(json!({"id": id, "status": to})))
}
