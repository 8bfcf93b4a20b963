//! Takedown candidates: already-published documents in which an archive
//! rescan (`pubgate scan --store`) found something. A reviewer marks each
//! "take down" (应撤下) or "fine" (无需处理); the decision is audited.
//!
//! They form the review queue named `takedown`: an account restricted to
//! some queues sees them only if `takedown` is one of its queues. The API
//! shows document keys masked (a file name can carry an ID number); the
//! signed-in page shows them whole, as it does a held request.

use std::fmt::Write as _;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::model::mask_digit_runs;
use crate::review::api::{ApiError, ApiUser};
use crate::review::state::ReviewState;
use crate::review::ui::{
    UiUser, audit_table, category_zh, esc, failed, findings_table, marked_html, page, refuse_form,
    time,
};
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
            return (status, page("参数错误", Some(&user), &esc(&message))).into_response();
        }
    };
    let (items, next) = if user.principal.may_see(TAKEDOWN_QUEUE) {
        match app.store.list_published(&filter).await {
            Ok(page) => page,
            Err(_) => {
                return (
                    StatusCode::SERVICE_UNAVAILABLE,
                    page(
                        "暂不可用",
                        Some(&user),
                        "<p class=err>存储不可用，请稍后重试。</p>",
                    ),
                )
                    .into_response();
            }
        }
    } else {
        (Vec::new(), None)
    };
    let mut body = String::from(
        "<h2>已发布公告复查（存量扫描发现的问题）</h2><p>筛选：\
         <a href=\"/ui/takedown\">待处理及已判定</a> · <a href=\"/ui/takedown?status=candidate\">待判定</a> · \
         <a href=\"/ui/takedown?status=take_down\">应撤下</a> · <a href=\"/ui/takedown?status=fine\">无需处理</a></p>\
         <table><tr><th>文档</th><th>来源</th><th>类型</th><th>问题类别</th><th>扫描时间</th><th>检查版本</th><th>状态</th></tr>",
    );
    for item in &items {
        let categories: Vec<&str> = item.categories.iter().map(|c| category_zh(c)).collect();
        let _ = write!(
            body,
            "<tr class=candidate><td><a href=\"/ui/takedown/{}\">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td><td>{}</td></tr>",
            esc(&item.id),
            esc(&item.doc_key),
            esc(&item.source),
            esc(item.doc_type.as_deref().unwrap_or("未识别")),
            esc(&categories.join("、")),
            time(item.scanned_at),
            esc(&item.engine_version),
            item.status.label_zh(),
        );
    }
    body.push_str("</table>");
    if items.is_empty() {
        body.push_str("<p>没有条目。</p>");
    }
    if let Some(next) = next {
        let _ = write!(
            body,
            "<p><a href=\"/ui/takedown?status={}&cursor={}\">下一页</a></p>",
            esc(&status_arg),
            esc(&next)
        );
    }
    page("已发布公告复查", Some(&user), &body).into_response()
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
                page("未找到", Some(&user), "<p>没有这个条目。</p>"),
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
    let mut body = String::new();
    let _ = write!(
        body,
        "<h2>已发布公告 <code>{}</code></h2><p>状态：<span class=status id=status>{}</span>　来源：{}　类型：{}　结论：{}　扫描时间：{}　检查版本：{}　内容摘要：<code>{}</code></p>",
        esc(&item.doc_key),
        item.status.label_zh(),
        esc(&item.source),
        esc(item.doc_type.as_deref().unwrap_or("未识别")),
        esc(&item.action),
        time(item.scanned_at),
        esc(&item.engine_version),
        esc(item
            .content_sha256
            .get(..16)
            .unwrap_or(&item.content_sha256)),
    );
    if let Some(by) = &item.decided_by {
        let _ = write!(
            body,
            "<p>判定人：{}　说明：{}</p>",
            esc(by),
            esc(item.comment.as_deref().unwrap_or(""))
        );
    }
    body.push_str(&findings_table(&list));
    match app.store.published_content(&id).await {
        Ok(Some(content)) => {
            let text = super::marked_page(&app, &item, content, &findings).await;
            body.push_str("<h3>页面内容（已标出问题位置）</h3>");
            body.push_str(&marked_html(&text, &list));
        }
        Ok(None) => body
            .push_str("<p>未保存内容：请在原存档中查看该文档（公开页面被拦下时才保存内容）。</p>"),
        Err(_) => body.push_str("<p class=err>保存的内容无法读取（存储或密钥不可用）。</p>"),
    }
    if item.status != TakedownStatus::Clean {
        let _ = write!(
            body,
            "<p>“应撤下”只记录决定：请在发布平台上撤下该页面；公开访问在此期间继续被拦截（公开页面）。\
             “无需处理”放行该版本。</p><div class=actions>\
             <form method=post action=\"/ui/takedown/{id}/decide\"><input type=hidden name=csrf value=\"{csrf}\">\
             <input type=hidden name=decision value=take_down><label>说明（可选）<textarea name=comment></textarea></label>\
             <button id=take_down>应撤下</button></form>\
             <form method=post action=\"/ui/takedown/{id}/decide\"><input type=hidden name=csrf value=\"{csrf}\">\
             <input type=hidden name=decision value=fine><label>理由（必填）<textarea name=comment required></textarea></label>\
             <button id=fine>无需处理</button></form></div>",
            id = esc(&item.id),
            csrf = esc(&user.csrf),
        );
    }
    body.push_str(&audit_table(&audit));
    page("已发布公告复查", Some(&user), &body).into_response()
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
    match workflow::decide_takedown(&app, &user.principal, &id, &form.decision, &form.comment).await
    {
        Ok(_) => Redirect::to(&format!("/ui/takedown/{id}")).into_response(),
        Err(e) => failed(&user, &format!("/ui/takedown/{id}"), e),
    }
}
