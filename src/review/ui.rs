//! The review web UI: server-rendered pages in Chinese, no scripts or
//! assets from outside. A login sets a session cookie; every form carries
//! the session's CSRF token, and a foreign `Origin` is refused.

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Form;
use axum::Router;
use axum::extract::{ConnectInfo, FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::Value;
use subtle::ConstantTimeEq;

use crate::review::auth::{Principal, hash_token, new_token};
use crate::review::state::ReviewState;
use crate::review::workflow::{self, WorkflowError};
use crate::store::{AuditEntry, HoldStatus, ListFilter, Session, now_ms};

const COOKIE: &str = "pubgate_session";
const SESSION_HOURS: i64 = 8;

/// The UI routes.
pub fn routes() -> Router<Arc<ReviewState>> {
    Router::new()
        .route("/", get(|| async { Redirect::to("/ui") }))
        .route("/ui", get(queue))
        .route("/ui/login", get(login_page).post(login))
        .route("/ui/logout", post(logout))
        .route("/ui/holds/{id}", get(item))
        .route("/ui/holds/{id}/approve", post(approve))
        .route("/ui/holds/{id}/approve_masked", post(approve_masked))
        .route("/ui/holds/{id}/reject", post(reject))
        .route("/ui/holds/{id}/reconcile", post(reconcile))
}

/// The signed-in reviewer of a UI request.
pub struct UiUser {
    pub(super) principal: Principal,
    pub(super) csrf: String,
    session_hash: String,
}

impl FromRequestParts<Arc<ReviewState>> for UiUser {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        app: &Arc<ReviewState>,
    ) -> Result<UiUser, Response> {
        let to_login = || Redirect::to("/ui/login").into_response();
        let Some(id) = cookie(&parts.headers, COOKIE) else {
            return Err(to_login());
        };
        let session_hash = hex::encode(hash_token(&id));
        let session = match app.store.session(&session_hash).await {
            Ok(Some(s)) => s,
            Ok(None) => return Err(to_login()),
            Err(_) => {
                return Err((StatusCode::SERVICE_UNAVAILABLE, "store unavailable").into_response());
            }
        };
        let Some(principal) = app.accounts.by_name(&session.account) else {
            return Err(to_login());
        };
        Ok(UiUser {
            principal,
            csrf: session.csrf,
            session_hash,
        })
    }
}

fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// A state-changing form must come from our own pages: same `Origin` (when
/// the browser sends one) and the session's CSRF token. Returns the
/// refusal, if any.
pub(super) fn refuse_form(headers: &HeaderMap, user: &UiUser, csrf: &str) -> Option<Response> {
    if !same_origin(headers) {
        return Some(forbidden("跨站请求被拒绝 / cross-origin request refused"));
    }
    if !bool::from(csrf.as_bytes().ct_eq(user.csrf.as_bytes())) {
        return Some(forbidden(
            "表单已过期或无效，请刷新页面后重试 / invalid CSRF token",
        ));
    }
    None
}

fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    origin
        .split_once("://")
        .is_some_and(|(_, rest)| rest.trim_end_matches('/') == host)
}

fn forbidden(message: &str) -> Response {
    (
        StatusCode::FORBIDDEN,
        page("拒绝", None, &format!("<p class=err>{}</p>", esc(message))),
    )
        .into_response()
}

pub(super) fn esc(s: &str) -> String {
    html_escape::encode_safe(s).into_owned()
}

pub(super) fn page(title: &str, user: Option<&UiUser>, body: &str) -> Html<String> {
    let nav = match user {
        Some(u) => format!(
            "<nav><a href=\"/ui\">复核队列</a> <a href=\"/ui/takedown\">已发布公告复查</a> <span class=who>{}（{}）</span>\
             <form method=post action=\"/ui/logout\" class=inline><input type=hidden name=csrf value=\"{}\">\
             <button>退出</button></form></nav>",
            esc(&u.principal.name),
            match u.principal.role {
                crate::review::auth::Role::Admin => "管理员",
                crate::review::auth::Role::Reviewer => "复核员",
            },
            esc(&u.csrf)
        ),
        None => String::new(),
    };
    Html(format!(
        "<!doctype html><html lang=zh-CN><head><meta charset=utf-8>\
         <meta name=viewport content=\"width=device-width\"><title>{} · pubgate 发布前检查</title>\
         <style>{STYLE}</style></head><body><header><h1>pubgate 发布前检查 · 复核</h1>{nav}</header>\
         <main>{body}</main></body></html>",
        esc(title)
    ))
}

const STYLE: &str = "body{font-family:system-ui,'Noto Sans CJK SC','Microsoft YaHei',sans-serif;margin:0;color:#222}\
header{background:#8b1a1a;color:#fff;padding:.5em 1em;display:flex;justify-content:space-between;align-items:center}\
header h1{font-size:1.1em;margin:0}header a{color:#fff}nav{display:flex;gap:1em;align-items:center}\
main{padding:1em;max-width:1200px}table{border-collapse:collapse;width:100%}\
td,th{border:1px solid #ccc;padding:.3em .5em;text-align:left;vertical-align:top}th{background:#f3f3f3}\
pre.text{white-space:pre-wrap;background:#fafafa;border:1px solid #ddd;padding:.8em;line-height:1.6}\
mark{background:#ffd54f;border-bottom:2px solid #c62828}mark.classified{background:#ef9a9a}\
mark.procurement_confidential{background:#ce93d8}.err{color:#b71c1c}.inline{display:inline}\
.status{font-weight:bold}.part{color:#555;font-size:.9em;margin-top:1em}\
textarea{width:100%;min-height:3em}.actions{display:flex;gap:2em}.actions form{flex:1}\
button.primary{background:#1b5e20;color:#fff;font-weight:bold;padding:.3em 1em}";

pub(super) fn category_zh(c: &str) -> &'static str {
    match c {
        "classified" => "涉密内容",
        "personal_data" => "个人信息",
        "procurement_confidential" => "采购秘密",
        "missing_field" => "必填项缺失",
        "consistency" => "内容不一致",
        "unscannable" => "无法检查",
        _ => "其他",
    }
}

/// Beijing time (UTC+8), which is what every reviewer reads.
pub(super) fn time(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms + 8 * 3_600_000)
        .map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_default()
}

async fn login_page() -> Html<String> {
    login_form(None)
}

fn login_form(error: Option<&str>) -> Html<String> {
    let err = error
        .map(|e| format!("<p class=err>{}</p>", esc(e)))
        .unwrap_or_default();
    page(
        "登录",
        None,
        &format!(
            "<h2>复核员登录</h2>{err}<form method=post action=\"/ui/login\">\
             <p><label>账号 <input name=name autocomplete=username required></label></p>\
             <p><label>令牌 <input name=token type=password autocomplete=current-password required></label></p>\
             <p><button type=submit>登录</button></p></form>"
        ),
    )
}

#[derive(Deserialize)]
struct LoginForm {
    name: String,
    token: String,
}

async fn login(
    State(app): State<Arc<ReviewState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    if !same_origin(&headers) {
        return forbidden("跨站请求被拒绝 / cross-origin request refused");
    }
    if app.accounts.blocked(peer.ip()) {
        return (
            StatusCode::TOO_MANY_REQUESTS,
            login_form(Some("登录失败次数过多，请一分钟后再试。")),
        )
            .into_response();
    }
    let Some(principal) = app.accounts.login(&form.name, &form.token) else {
        app.accounts.record_failure(peer.ip());
        let _ = app
            .store
            .audit(
                &form.name.chars().take(64).collect::<String>(),
                "login_failed",
                None,
                "",
            )
            .await;
        return (
            StatusCode::UNAUTHORIZED,
            login_form(Some("账号或令牌不正确。")),
        )
            .into_response();
    };
    let session_id = new_token();
    let session = Session {
        account: principal.name.clone(),
        csrf: new_token(),
        expires_at: now_ms() + SESSION_HOURS * 3_600_000,
    };
    if app
        .store
        .create_session(&hex::encode(hash_token(&session_id)), &session)
        .await
        .is_err()
    {
        return (StatusCode::SERVICE_UNAVAILABLE, "store unavailable").into_response();
    }
    let _ = app.store.audit(&principal.name, "login", None, "").await;
    let secure = if app.settings.cookie_secure {
        "; Secure"
    } else {
        ""
    };
    let cookie = format!(
        "{COOKIE}={session_id}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{secure}",
        SESSION_HOURS * 3600
    );
    let mut response = Redirect::to("/ui").into_response();
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, v);
    }
    response
}

#[derive(Deserialize)]
struct CsrfForm {
    csrf: String,
}

async fn logout(
    State(app): State<Arc<ReviewState>>,
    headers: HeaderMap,
    user: UiUser,
    Form(form): Form<CsrfForm>,
) -> Response {
    if let Some(r) = refuse_form(&headers, &user, &form.csrf) {
        return r;
    }
    let _ = app.store.delete_session(&user.session_hash).await;
    let mut response = Redirect::to("/ui/login").into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_static("pubgate_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"),
    );
    response
}

#[derive(Deserialize, Default)]
struct QueueQuery {
    status: Option<String>,
    queue: Option<String>,
    category: Option<String>,
    cursor: Option<String>,
}

async fn queue(
    State(app): State<Arc<ReviewState>>,
    user: UiUser,
    Query(q): Query<QueueQuery>,
) -> Response {
    let status = q
        .status
        .as_deref()
        .map(|s| s.parse::<HoldStatus>().ok())
        .unwrap_or(Some(HoldStatus::Held));
    let filter = ListFilter {
        status,
        queue: q.queue.clone().filter(|s| !s.is_empty()),
        category: q.category.clone().filter(|s| !s.is_empty()),
        allowed_queues: user.principal.queues.clone(),
        limit: 50,
        cursor: q.cursor.clone().filter(|s| !s.is_empty()),
    };
    let Ok((items, next)) = app.store.list(&filter).await else {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            page("错误", Some(&user), "<p class=err>复核队列暂时不可用。</p>"),
        )
            .into_response();
    };
    let mut body = String::from(
        "<h2>复核队列</h2><form method=get action=\"/ui\">状态 <select name=status><option value=\"\">全部</option>",
    );
    for s in super::statuses() {
        let selected = if status == Some(s) { " selected" } else { "" };
        let _ = write!(
            body,
            "<option value={}{selected}>{}</option>",
            s.as_str(),
            s.label_zh()
        );
    }
    body.push_str("</select> 队列 <select name=queue><option value=\"\">全部</option>");
    let queues: Vec<String> = match &user.principal.queues {
        Some(qs) => qs.clone(),
        None => app.engine().queues(),
    };
    for name in queues {
        let selected = if q.queue.as_deref() == Some(name.as_str()) {
            " selected"
        } else {
            ""
        };
        let _ = write!(body, "<option{selected}>{}</option>", esc(&name));
    }
    body.push_str("</select> 类别 <select name=category><option value=\"\">全部</option>");
    for c in [
        "classified",
        "personal_data",
        "procurement_confidential",
        "missing_field",
        "consistency",
        "unscannable",
    ] {
        let selected = if q.category.as_deref() == Some(c) {
            " selected"
        } else {
            ""
        };
        let _ = write!(
            body,
            "<option value={c}{selected}>{}</option>",
            category_zh(c)
        );
    }
    body.push_str("</select> <button>筛选</button></form>");
    if items.is_empty() {
        body.push_str("<p>没有符合条件的条目。</p>");
    } else {
        body.push_str("<table><tr><th>提交时间</th><th>状态</th><th>队列</th><th>问题类别</th><th>类型</th><th>提交人</th><th>请求</th></tr>");
        for h in &items {
            let cats = h
                .categories
                .iter()
                .map(|c| category_zh(c))
                .collect::<Vec<_>>()
                .join("、");
            let _ = write!(
                body,
                "<tr><td><a href=\"/ui/holds/{id}\">{}</a></td><td class=status>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{} {}</td></tr>",
                time(h.created_at),
                h.status.label_zh(),
                esc(&h.queue),
                cats,
                esc(h.doc_type.as_deref().unwrap_or("—")),
                esc(h.submitter.as_deref().unwrap_or("—")),
                esc(&h.method),
                esc(&crate::model::mask_digit_runs(
                    h.path.split('?').next().unwrap_or(""),
                    11
                )),
                id = esc(&h.id),
            );
        }
        body.push_str("</table>");
    }
    if let Some(next) = next {
        let _ = write!(
            body,
            "<p><a href=\"/ui?status={}&queue={}&category={}&cursor={}\">下一页</a></p>",
            status.map(|s| s.as_str()).unwrap_or(""),
            esc(q.queue.as_deref().unwrap_or("")),
            esc(q.category.as_deref().unwrap_or("")),
            esc(&next)
        );
    }
    page("复核队列", Some(&user), &body).into_response()
}

async fn item(
    State(app): State<Arc<ReviewState>>,
    user: UiUser,
    Path(id): Path<String>,
) -> Response {
    let detail = match app.store.get(&id).await {
        Ok(d) if user.principal.may_see(&d.summary.queue) => d,
        _ => {
            return (
                StatusCode::NOT_FOUND,
                page("未找到", Some(&user), "<p>没有这个条目。</p>"),
            )
                .into_response();
        }
    };
    let findings: Value = serde_json::from_str(&detail.findings_json).unwrap_or(Value::Null);
    let list = findings.as_array().cloned().unwrap_or_default();
    let text = super::marked_text(&app, &detail.request, &findings).await;
    let audit = app.store.audit_for(&id).await.unwrap_or_default();
    let s = &detail.summary;
    let mut body = String::new();
    let _ = write!(
        body,
        "<h2>复核条目 <code>{}</code></h2><p>状态：<span class=status id=status>{}</span>　队列：{}　类型：{}　提交人：{}　请求：{} {}　提交时间：{}　检查版本：{}（{}）</p>",
        esc(&s.id),
        s.status.label_zh(),
        esc(&s.queue),
        esc(s.doc_type.as_deref().unwrap_or("未识别")),
        esc(s.submitter.as_deref().unwrap_or("—")),
        esc(&s.method),
        esc(s.path.split('?').next().unwrap_or("")),
        time(s.created_at),
        esc(&s.engine_version),
        esc(s.held_by.as_deref().unwrap_or("—")),
    );
    if let Some(status) = s.upstream_status {
        let _ = write!(body, "<p>发布平台返回：{status}</p>");
    }
    if let Some(e) = &s.last_error {
        let _ = write!(body, "<p class=err>最近一次发布错误：{}</p>", esc(e));
    }
    body.push_str(&findings_table(&list));
    body.push_str("<h3>公告内容（已标出问题位置）</h3>");
    body.push_str(&marked_html(&text, &list));
    if s.status == HoldStatus::Held {
        body.push_str(&decision_forms(&s.id, &user.csrf, &list));
    }
    if s.status == HoldStatus::NeedsReconcile
        && user.principal.role == crate::review::auth::Role::Admin
    {
        let _ = write!(
            body,
            "<h3>人工核对</h3><p>发布过程中断，无法确定发布平台是否已收到。请先在发布平台上核对，再选择：</p>\
             <form method=post action=\"/ui/holds/{id}/reconcile\"><input type=hidden name=csrf value=\"{csrf}\">\
             <label>说明<textarea name=comment></textarea></label>\
             <button name=outcome value=delivered>平台上已有，记为已发布</button> \
             <button name=outcome value=resend>平台上没有，重新发送</button> \
             <button name=outcome value=failed>放弃发布</button></form>",
            id = esc(&s.id),
            csrf = esc(&user.csrf),
        );
    }
    body.push_str(&audit_table(&audit));
    page("复核条目", Some(&user), &body).into_response()
}

#[derive(Deserialize)]
struct DecisionForm {
    csrf: String,
    #[serde(default)]
    comment: String,
    /// 按原文发布 confirmed on the page that lists what goes out unmasked.
    #[serde(default)]
    confirmed: bool,
}

/// 按原文发布. When the item has values that 打码后发布 would mask, the
/// first press shows what will go out as it is (the values, masked here)
/// and asks again; only the confirmed form approves.
async fn approve(
    State(app): State<Arc<ReviewState>>,
    headers: HeaderMap,
    user: UiUser,
    Path(id): Path<String>,
    Form(form): Form<DecisionForm>,
) -> Response {
    if let Some(r) = refuse_form(&headers, &user, &form.csrf) {
        return r;
    }
    if !form.confirmed {
        let values = match app.store.get(&id).await {
            Ok(d) if user.principal.may_see(&d.summary.queue) => {
                let findings: Value = serde_json::from_str(&d.findings_json).unwrap_or(Value::Null);
                unmasked_on_approval(findings.as_array().map(Vec::as_slice).unwrap_or(&[]))
            }
            _ => Vec::new(),
        };
        if !values.is_empty() {
            return confirm_original(&user, &id, &form.comment, &values);
        }
    }
    act(app, headers, user, id, form, HoldStatus::Approved).await
}

async fn approve_masked(
    State(app): State<Arc<ReviewState>>,
    headers: HeaderMap,
    user: UiUser,
    Path(id): Path<String>,
    Form(form): Form<DecisionForm>,
) -> Response {
    if let Some(r) = refuse_form(&headers, &user, &form.csrf) {
        return r;
    }
    match workflow::approve_masked(&app, &user.principal, &id, &form.comment).await {
        Ok(_) => Redirect::to(&format!("/ui/holds/{id}")).into_response(),
        Err(e) => failed(&user, &format!("/ui/holds/{id}"), e),
    }
}

/// The masked values of the findings 打码后发布 would mask: personal data
/// and procurement secrets with a value. Empty when the item has classified
/// content (masking is not offered for it).
fn unmasked_on_approval(list: &[Value]) -> Vec<String> {
    fn category(f: &Value) -> &str {
        f.get("category").and_then(Value::as_str).unwrap_or("")
    }
    if list.iter().any(|f| category(f) == "classified") {
        return Vec::new();
    }
    let mut values: Vec<String> = list
        .iter()
        .filter(|f| matches!(category(f), "personal_data" | "procurement_confidential"))
        .filter_map(|f| f.get("value").and_then(Value::as_str).map(str::to_string))
        .collect();
    values.dedup();
    values
}

/// The decisions on a held item. With values to mask, 打码后发布 comes
/// first and 按原文发布 asks for confirmation.
fn decision_forms(id: &str, csrf: &str, list: &[Value]) -> String {
    let (id, csrf) = (esc(id), esc(csrf));
    let reject = format!(
        "<form method=post action=\"/ui/holds/{id}/reject\"><input type=hidden name=csrf value=\"{csrf}\">\
         <label>驳回理由（必填，提交人可见）<textarea name=comment required></textarea></label><button id=reject>驳回</button></form>"
    );
    let values = unmasked_on_approval(list);
    if values.is_empty() {
        return format!(
            "<h3>复核决定</h3><div class=actions>\
             <form method=post action=\"/ui/holds/{id}/approve\"><input type=hidden name=csrf value=\"{csrf}\">\
             <label>批准意见<textarea name=comment></textarea></label><button id=approve>批准发布</button></form>{reject}</div>"
        );
    }
    format!(
        "<h3>复核决定</h3><p>发布前将把以下 {n} 处内容打码：{shown}</p><div class=actions>\
         <form method=post action=\"/ui/holds/{id}/approve_masked\"><input type=hidden name=csrf value=\"{csrf}\">\
         <label>批准意见<textarea name=comment></textarea></label><button id=approve_masked class=primary>打码后发布</button></form>\
         <form method=post action=\"/ui/holds/{id}/approve\"><input type=hidden name=csrf value=\"{csrf}\">\
         <label>批准意见<textarea name=comment></textarea></label><button id=approve>按原文发布…</button></form>{reject}</div>",
        n = values.len(),
        shown = values
            .iter()
            .map(|v| format!("<code>{}</code>", esc(v)))
            .collect::<Vec<_>>()
            .join("、"),
    )
}

/// The confirmation before publishing values unmasked.
fn confirm_original(user: &UiUser, id: &str, comment: &str, values: &[String]) -> Response {
    let items: String = values
        .iter()
        .map(|v| format!("<li><code>{}</code></li>", esc(v)))
        .collect();
    let body = format!(
        "<h2>确认按原文发布</h2><p class=err>以下 {n} 处内容将<strong>不打码</strong>、按原文发布到网站上（此处打码显示）：</p>\
         <ul id=unmasked>{items}</ul><p>通常应选择“打码后发布”。确有必要公开原文时再确认。</p><div class=actions>\
         <form method=post action=\"/ui/holds/{id}/approve\"><input type=hidden name=csrf value=\"{csrf}\">\
         <input type=hidden name=confirmed value=true><input type=hidden name=comment value=\"{comment}\">\
         <button id=approve_confirm>确认按原文发布</button></form>\
         <form method=post action=\"/ui/holds/{id}/approve_masked\"><input type=hidden name=csrf value=\"{csrf}\">\
         <input type=hidden name=comment value=\"{comment}\"><button id=approve_masked class=primary>改为打码后发布</button></form>\
         <p><a href=\"/ui/holds/{id}\">返回</a></p></div>",
        n = values.len(),
        id = esc(id),
        csrf = esc(&user.csrf),
        comment = esc(comment),
    );
    page("确认按原文发布", Some(user), &body).into_response()
}

async fn reject(
    State(app): State<Arc<ReviewState>>,
    headers: HeaderMap,
    user: UiUser,
    Path(id): Path<String>,
    Form(form): Form<DecisionForm>,
) -> Response {
    act(app, headers, user, id, form, HoldStatus::Rejected).await
}

#[derive(Deserialize)]
struct ReconcileForm {
    csrf: String,
    outcome: String,
    #[serde(default)]
    comment: String,
}

async fn reconcile(
    State(app): State<Arc<ReviewState>>,
    headers: HeaderMap,
    user: UiUser,
    Path(id): Path<String>,
    Form(form): Form<ReconcileForm>,
) -> Response {
    if let Some(r) = refuse_form(&headers, &user, &form.csrf) {
        return r;
    }
    match workflow::resolve(&app, &user.principal, &id, &form.outcome, &form.comment).await {
        Ok(_) => Redirect::to(&format!("/ui/holds/{id}")).into_response(),
        Err(e) => failed(&user, &format!("/ui/holds/{id}"), e),
    }
}

/// The page for an action that did not happen: what went wrong in the
/// reviewer's words, and the way back to the item (`back`).
pub(crate) fn failed(user: &UiUser, back: &str, e: WorkflowError) -> Response {
    let (status, zh) = match &e {
        WorkflowError::NotFound => (StatusCode::NOT_FOUND, "没有这个条目。"),
        WorkflowError::OwnSubmission => (
            StatusCode::FORBIDDEN,
            "没有权限执行此操作（提交人不能批准自己提交的公告）。",
        ),
        WorkflowError::AdminsOnly => (StatusCode::FORBIDDEN, "此操作仅限管理员。"),
        WorkflowError::Conflict(_) => (StatusCode::CONFLICT, "该条目已被处理。"),
        WorkflowError::NeedsReason(_) => (StatusCode::BAD_REQUEST, "请填写理由（必填）。"),
        WorkflowError::UnknownChoice(_) => (StatusCode::BAD_REQUEST, "请选择一项处理决定。"),
        WorkflowError::NotMaskable(refusal) => {
            let zh = format!(
                "无法打码后发布：{}条目仍在待复核状态，请驳回或另行处理。",
                refusal.zh()
            );
            return (
                StatusCode::UNPROCESSABLE_ENTITY,
                page(
                    "操作未完成",
                    Some(user),
                    &format!(
                        "<p class=err id=refusal>{}</p><p><a href=\"{}\">返回</a></p>",
                        esc(&zh),
                        esc(back)
                    ),
                ),
            )
                .into_response();
        }
        WorkflowError::Store(store) => {
            tracing::error!(error = %store, "store error in the review UI");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "存储暂不可用，操作未完成，请稍后重试。",
            )
        }
    };
    (
        status,
        page(
            "操作未完成",
            Some(user),
            &format!(
                "<p class=err>{zh}</p><p>{}</p><p><a href=\"{}\">返回</a></p>",
                esc(&e.to_string()),
                esc(back)
            ),
        ),
    )
        .into_response()
}

async fn act(
    app: Arc<ReviewState>,
    headers: HeaderMap,
    user: UiUser,
    id: String,
    form: DecisionForm,
    to: HoldStatus,
) -> Response {
    if let Some(r) = refuse_form(&headers, &user, &form.csrf) {
        return r;
    }
    match workflow::decide(&app, &user.principal, &id, to, &form.comment).await {
        Ok(()) => Redirect::to(&format!("/ui/holds/{id}")).into_response(),
        Err(e) => failed(&user, &format!("/ui/holds/{id}"), e),
    }
}

/// The findings as a table: category, rule, explanation, the article it
/// enforces and where it was found; row `i` links to mark `#f{i}`.
pub(super) fn findings_table(list: &[Value]) -> String {
    let mut body = String::from(
        "<h3>发现的问题</h3><table><tr><th>#</th><th>类别</th><th>规则</th><th>说明</th><th>依据</th><th>位置</th></tr>",
    );
    for (i, f) in list.iter().enumerate() {
        let get = |k: &str| f.get(k).and_then(Value::as_str).unwrap_or("");
        let place = f
            .get("location")
            .map(|l| {
                format!(
                    "{} 第{}行",
                    l.get("part").and_then(Value::as_str).unwrap_or(""),
                    l.get("line").and_then(Value::as_u64).unwrap_or(0)
                )
            })
            .unwrap_or_else(|| "全文".into());
        let _ = write!(
            body,
            "<tr class=finding><td><a href=\"#f{i}\">{}</a></td><td>{}</td><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>",
            i + 1,
            category_zh(get("category")),
            esc(get("rule")),
            esc(get("explanation")),
            esc(get("enforces")),
            esc(&place),
        );
    }
    body.push_str("</table>");
    body
}

/// The extracted text, piece by piece, each finding's span in a `<mark
/// id=fN>` the findings table links to.
pub(super) fn marked_html(text: &[super::MarkedPiece], list: &[Value]) -> String {
    let mut body = String::new();
    for piece in text {
        let _ = write!(
            body,
            "<div class=part>{}（{}）</div><pre class=text>",
            esc(&piece.part),
            esc(&format!("{:?}", piece.kind))
        );
        let mut at = 0;
        for span in &piece.spans {
            let Some(f) = list.get(span.finding) else {
                continue;
            };
            let get = |k: &str| f.get(k).and_then(Value::as_str).unwrap_or("");
            body.push_str(&esc(&piece.text[at..span.start]));
            let _ = write!(
                body,
                "<mark id=f{} class=\"{}\" title=\"{}：{}（{}）\">{}</mark>",
                span.finding,
                esc(get("category")),
                esc(get("rule")),
                esc(get("explanation")),
                esc(get("enforces")),
                esc(&piece.text[span.start..span.end]),
            );
            at = span.end;
        }
        body.push_str(&esc(&piece.text[at..]));
        body.push_str("</pre>");
    }
    body
}

/// An item's audit trail, oldest first: when, who, what, and the comment.
pub(super) fn audit_table(audit: &[AuditEntry]) -> String {
    let mut body = String::from(
        "<h3>审计记录</h3><table><tr><th>时间</th><th>操作人</th><th>操作</th><th>说明</th></tr>",
    );
    for a in audit {
        let _ = write!(
            body,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            time(a.at),
            esc(&a.actor),
            esc(&a.action),
            esc(&a.detail)
        );
    }
    body.push_str("</table>");
    if audit.is_empty() {
        body.push_str("<p>暂无记录。</p>");
    }
    body
}
