//! Takedown candidates: already-published documents in which an archive
//! rescan (`pubgate scan --store`) found something. A reviewer marks each
//! "take down" (应撤下) or "fine" (无需处理); the decision is audited.
//!
//! They form the review queue named `takedown`: an account restricted to
//! some queues sees them only if `takedown` is one of its queues. The API
//! shows document keys masked (a file name can carry an ID number); the
//! signed-in page shows them whole, as it does a held request.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::model::mask_digit_runs;
use crate::review::api::{ApiError, ApiUser};
use crate::review::pages::{self, FindingRow, TakedownRow, TakedownView};
use crate::review::state::ReviewState;
use crate::review::ui::{UiUser, categories_zh, decided, detail_zh, refuse_form, time};
use crate::review::workflow::{self, TAKEDOWN_QUEUE};
use crate::store::{PublishedFilter, PublishedItem, StoreError, TakedownStatus};

/// API and UI routes.
pub fn routes() -> Router<Arc<ReviewState>> {
    Router::new()
        .route("/api/takedown", get(api_list))
        .route("/api/takedown/{id}", get(api_detail))
        .route("/api/takedown/{id}/decide", post(api_decide))
        .route("/ui/takedown", get(ui_list))
        .route("/ui/takedown/{id}", get(ui_item))
        .route("/ui/takedown/{id}/decide", post(ui_decide))
}

#[derive(Debug, Deserialize)]
struct ListQuery {
    status: Option<String>,
    limit: Option<i64>,
    cursor: Option<String>,
}

fn filter_of(q: ListQuery) -> Result<PublishedFilter, ApiError> {
    let status = match q.status.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => Some(
            s.parse::<TakedownStatus>()
                .map_err(|e| ApiError(StatusCode::BAD_REQUEST, e))?,
        ),
        None => None,
    };
    Ok(PublishedFilter {
        status,
        cursor: q.cursor.filter(|s| !s.is_empty()),
        limit: q.limit.unwrap_or(50),
    })
}

fn bad_cursor(e: StoreError) -> ApiError {
    match e {
        StoreError::Corrupt(_) => ApiError(StatusCode::BAD_REQUEST, "bad cursor".into()),
        other => other.into(),
    }
}

/// Masks the digit runs of a document key (API listings, logs).
fn masked(mut item: PublishedItem) -> PublishedItem {
    item.doc_key = mask_digit_runs(&item.doc_key, 11);
    item
}

async fn api_list(
    State(app): State<Arc<ReviewState>>,
    ApiUser(user): ApiUser,
    Query(q): Query<ListQuery>,
) -> Result<Json<Value>, ApiError> {
    if !user.may_see(TAKEDOWN_QUEUE) {
        return Ok(Json(json!({"items": [], "next_cursor": null})));
    }
    let (items, next) = app
        .store
        .list_published(&filter_of(q)?)
        .await
        .map_err(bad_cursor)?;
    let items: Vec<PublishedItem> = items.into_iter().map(masked).collect();
    Ok(Json(json!({"items": items, "next_cursor": next})))
}

async fn api_detail(
    State(app): State<Arc<ReviewState>>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    if !user.may_see(TAKEDOWN_QUEUE) {
        return Err(StoreError::NotFound.into());
    }
    let item = app.store.get_published(&id).await?;
    let findings: Value = serde_json::from_str(&item.findings_json).unwrap_or(Value::Null);
    let audit = app.store.audit_for(&format!("published:{id}")).await?;
    Ok(Json(json!({
        "item": masked(item),
        "findings": findings,
        "audit": audit,
    })))
}

/// `{"decision": "take_down" | "fine", "comment": "…"}`.
#[derive(Debug, Deserialize)]
struct Decision {
    decision: String,
    #[serde(default)]
    comment: String,
}

async fn api_decide(
    State(app): State<Arc<ReviewState>>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    Json(body): Json<Decision>,
) -> Result<Json<Value>, ApiError> {
    let to = workflow::decide_takedown(&app, &user, &id, &body.decision, &body.comment).await?;
    Ok(Json(json!({"id": id, "status": to})))
}

async fn ui_list(
    State(app): State<Arc<ReviewState>>,
    user: UiUser,
    Query(q): Query<ListQuery>,
) -> Response {
    let status_arg = q.status.clone().unwrap_or_default();
    let filter = match filter_of(q) {
        Ok(f) => f,
        Err(ApiError(status, message)) => {
            return (
                status,
                pages::message(
                    "参数错误",
                    Some(&user.nav()),
                    &message,
                    Some("/ui/takedown"),
                ),
            )
                .into_response();
        }
    };
    let (items, next) = if user.principal.may_see(TAKEDOWN_QUEUE) {
        match app.store.list_published(&filter).await {
            Ok(page) => page,
            Err(_) => {
                return (
                    StatusCode::SERVICE_UNAVAILABLE,
                    pages::message(
                        "暂不可用",
                        Some(&user.nav()),
                        "存储不可用，请稍后重试。",
                        None,
                    ),
                )
                    .into_response();
            }
        }
    } else {
        (Vec::new(), None)
    };
    let engine = app.engine();
    let rows: Vec<TakedownRow> = items
        .iter()
        .map(|item| TakedownRow {
            id: item.id.clone(),
            doc_key: item.doc_key.clone(),
            source: item.source.clone(),
            doc_type: item
                .doc_type
                .as_deref()
                .map_or_else(|| "未识别".into(), |t| engine.type_name(t)),
            categories: categories_zh(&item.categories),
            scanned_at: time(item.scanned_at),
            version: item.engine_version.clone(),
            status: item.status.label_zh(),
        })
        .collect();
    let next = next.map(|cursor| {
        let mut query = form_urlencoded::Serializer::new(String::new());
        query.append_pair("status", &status_arg);
        query.append_pair("cursor", &cursor);
        format!("/ui/takedown?{}", query.finish())
    });
    pages::takedown_list(&user.nav(), &rows, next.as_deref()).into_response()
}

async fn ui_item(
    State(app): State<Arc<ReviewState>>,
    user: UiUser,
    Path(id): Path<String>,
) -> Response {
    let item = match app.store.get_published(&id).await {
        Ok(item) if user.principal.may_see(TAKEDOWN_QUEUE) => item,
        _ => {
            return (
                StatusCode::NOT_FOUND,
                pages::message(
                    "未找到",
                    Some(&user.nav()),
                    "没有这个条目。",
                    Some("/ui/takedown"),
                ),
            )
                .into_response();
        }
    };
    let findings: Value = serde_json::from_str(&item.findings_json).unwrap_or(Value::Null);
    let list = findings.as_array().cloned().unwrap_or_default();
    let audit = app
        .store
        .audit_for(&format!("published:{id}"))
        .await
        .unwrap_or_default();
    let engine = app.engine();
    let mut meta = vec![
        ("来源", item.source.clone()),
        (
            "公告类型",
            item.doc_type
                .as_deref()
                .map_or_else(|| "未识别".into(), |t| engine.type_name(t)),
        ),
        (
            "检查结论",
            crate::model::Action::parse(&item.action)
                .map_or_else(|| item.action.clone(), |a| a.label_zh().to_string()),
        ),
        ("扫描时间", time(item.scanned_at)),
        ("检查版本", item.engine_version.clone()),
        (
            "内容摘要",
            item.content_sha256
                .get(..16)
                .unwrap_or(&item.content_sha256)
                .to_string(),
        ),
    ];
    if let Some(by) = &item.decided_by {
        meta.push(("判定人", by.clone()));
        meta.push(("说明", item.comment.clone().unwrap_or_default()));
    }
    let (text, no_text) = match app.store.published_content(&id).await {
        Ok(Some(content)) => (
            super::marked_page(&app, &item, content, &findings).await,
            None,
        ),
        Ok(None) => (
            Vec::new(),
            Some("未保存内容：请在原存档中查看该文档（公开页面被拦下时才保存内容）。"),
        ),
        Err(_) => (Vec::new(), Some("保存的内容无法读取（存储或密钥不可用）。")),
    };
    let view = TakedownView {
        id: item.id.clone(),
        doc_key: item.doc_key.clone(),
        status: item.status.label_zh(),
        meta,
        findings: list.iter().map(FindingRow::of).collect(),
        text,
        no_text,
        decidable: item.status != TakedownStatus::Clean,
        audit: pages::audit_table(&audit, time, |a| detail_zh(&engine, a)),
    };
    pages::takedown_item(&user.nav(), &view).into_response()
}

#[derive(Deserialize)]
struct DecisionForm {
    csrf: String,
    decision: String,
    #[serde(default)]
    comment: String,
}

async fn ui_decide(
    State(app): State<Arc<ReviewState>>,
    headers: HeaderMap,
    user: UiUser,
    Path(id): Path<String>,
    Form(form): Form<DecisionForm>,
) -> Response {
    if let Some(r) = refuse_form(&headers, &user, &form.csrf) {
        return r;
    }
    let outcome =
        workflow::decide_takedown(&app, &user.principal, &id, &form.decision, &form.comment).await;
    decided(&user, &format!("/ui/takedown/{id}"), outcome)
}
