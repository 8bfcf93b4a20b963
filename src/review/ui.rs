//! The review web UI: server-rendered pages in Chinese, no scripts or
//! assets from outside. A login sets a session cookie; every form carries
//! the session's CSRF token, and a foreign `Origin` is refused.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Form;
use axum::Router;
use axum::extract::{ConnectInfo, FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::Value;
use subtle::ConstantTimeEq;

use crate::model::Category;
use crate::review::auth::{Principal, Role, hash_token, new_token};
use crate::review::masking;
use crate::review::pages::{
    self, Choice, Count, Decisions, FindingRow, ItemView, Nav, QueueRow, QueueView,
};
use crate::review::state::ReviewState;
use crate::review::workflow::{self, WorkflowError};
use crate::store::{HoldStatus, HoldSummary, ListFilter, Session, now_ms};

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
        pages::message("拒绝", None, message, None),
    )
        .into_response()
}

impl UiUser {
    /// The header's view of the signed-in reviewer.
    pub(super) fn nav(&self) -> Nav<'_> {
        Nav {
            name: &self.principal.name,
            role_zh: match self.principal.role {
                Role::Admin => "管理员",
                Role::Reviewer => "复核员",
            },
            csrf: &self.csrf,
        }
    }
}

/// Beijing time (UTC+8), which is what every reviewer reads.
pub(super) fn time(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms + 8 * 3_600_000)
        .map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_default()
}

/// How long since `ms`, in words: `2 天 3 小时`, `45 分钟`.
pub(super) fn waited(ms: i64) -> String {
    let minutes = (now_ms() - ms).max(0) / 60_000;
    let (days, hours, minutes) = (minutes / 1440, minutes / 60 % 24, minutes % 60);
    match (days, hours) {
        (0, 0) if minutes == 0 => "不到 1 分钟".into(),
        (0, 0) => format!("{minutes} 分钟"),
        (0, h) => format!("{h} 小时 {minutes} 分"),
        (d, h) => format!("{d} 天 {h} 小时"),
    }
}

async fn login_page() -> Response {
    pages::login(None).into_response()
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
            pages::login(Some("登录失败次数过多，请一分钟后再试。")),
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
            pages::login(Some("账号或令牌不正确。")),
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
    /// Text in the title, 项目名称, 项目编号 or submitter.
    q: Option<String>,
    /// Page size.
    limit: Option<i64>,
    cursor: Option<String>,
}

/// Page sizes offered (any other `limit` is honoured too, within 1–500).
const PAGE_SIZES: [i64; 4] = [20, 50, 100, 200];

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
    let limit = q.limit.unwrap_or(50).clamp(1, 500);
    let filter = ListFilter {
        status,
        queue: q.queue.clone().filter(|s| !s.is_empty()),
        category: q.category.clone().filter(|s| !s.is_empty()),
        search: q.q.clone().filter(|s| !s.trim().is_empty()),
        allowed_queues: user.principal.queues.clone(),
        limit,
        cursor: q.cursor.clone().filter(|s| !s.is_empty()),
    };
    let listed = app.store.list(&filter).await;
    let counts = app
        .store
        .counts_by_queue(user.principal.queues.as_deref())
        .await;
    let (Ok((items, next)), Ok(counts)) = (listed, counts) else {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            pages::message("错误", Some(&user.nav()), "复核队列暂时不可用。", None),
        )
            .into_response();
    };
    let engine = app.engine();
    let queues: Vec<String> = match &user.principal.queues {
        Some(qs) => qs.clone(),
        None => engine.queues(),
    };
    let link = |status: &str, queue: &str, cursor: &str| {
        let mut query = form_urlencoded::Serializer::new(String::new());
        query.append_pair("status", status);
        query.append_pair("queue", queue);
        query.append_pair("category", q.category.as_deref().unwrap_or(""));
        query.append_pair("q", q.q.as_deref().unwrap_or(""));
        query.append_pair("limit", &limit.to_string());
        if !cursor.is_empty() {
            query.append_pair("cursor", cursor);
        }
        format!("/ui?{}", query.finish())
    };
    let view = QueueView {
        statuses: super::statuses()
            .into_iter()
            .map(|s| Choice {
                value: s.as_str().into(),
                label: s.label_zh().into(),
                selected: status == Some(s),
            })
            .collect(),
        queues: queues
            .iter()
            .map(|name| Choice {
                value: name.clone(),
                label: engine.queue_label(name),
                selected: q.queue.as_deref() == Some(name.as_str()),
            })
            .collect(),
        categories: crate::model::Category::ALL
            .into_iter()
            .map(|c| Choice {
                value: c.as_str().into(),
                label: c.label_zh().into(),
                selected: q.category.as_deref() == Some(c.as_str()),
            })
            .collect(),
        limits: PAGE_SIZES
            .into_iter()
            .chain((!PAGE_SIZES.contains(&limit)).then_some(limit))
            .map(|n| Choice {
                value: n.to_string(),
                label: n.to_string(),
                selected: n == limit,
            })
            .collect(),
        q: q.q.clone().unwrap_or_default(),
        counts: counts
            .into_iter()
            .filter(|(_, s, n)| *n > 0 && !matches!(s, HoldStatus::Delivered))
            .map(|(queue, s, n)| Count {
                href: link(s.as_str(), &queue, ""),
                queue: engine.queue_label(&queue),
                status: s.label_zh(),
                n,
            })
            .collect(),
        rows: items.iter().map(|h| queue_row(&engine, h)).collect(),
        next: next.map(|cursor| {
            link(
                status.map(HoldStatus::as_str).unwrap_or(""),
                q.queue.as_deref().unwrap_or(""),
                &cursor,
            )
        }),
    };
    pages::queue(&user.nav(), &view).into_response()
}

fn queue_row(engine: &crate::engine::Engine, h: &HoldSummary) -> QueueRow {
    let project = [h.project_name.as_deref(), h.project_code.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" · ");
    QueueRow {
        id: h.id.clone(),
        title: h.title.clone().unwrap_or_else(|| {
            format!(
                "{} {}",
                h.method,
                crate::model::mask_digit_runs(h.path.split('?').next().unwrap_or(""), 11)
            )
        }),
        project,
        status: h.status.label_zh(),
        queue: engine.queue_label(&h.queue),
        findings: h.finding_count,
        categories: categories_zh(&h.categories),
        doc_type: h
            .doc_type
            .as_deref()
            .map_or_else(|| "未识别".into(), |t| engine.type_name(t)),
        submitter: h.submitter.clone().unwrap_or_else(|| "—".into()),
        held_at: time(h.created_at),
        waited: if h.status == HoldStatus::Held {
            waited(h.created_at)
        } else {
            format!("{}（{}）", waited(h.updated_at), "自上次变化")
        },
    }
}

/// An audit entry's detail in the reviewer's words. The stored detail
/// stays as written (it is hashed into the chain and read by scripts);
/// the page translates the forms pubgate writes and shows the rest (a
/// reviewer's comment) as it is.
pub(super) fn detail_zh(engine: &crate::engine::Engine, a: &crate::store::AuditEntry) -> String {
    let d = a.detail.as_str();
    let field = |key: &str| {
        d.split(' ')
            .find_map(|kv| kv.strip_prefix(key)?.strip_prefix('='))
            .unwrap_or("")
    };
    match a.action.as_str() {
        "held" if d.starts_with("queue=") => {
            let categories: Vec<String> =
                field("categories").split(',').map(str::to_string).collect();
            format!(
                "复核队列：{}；问题类别：{}；检查版本：{}；副本：{}",
                engine.queue_label(field("queue")),
                categories_zh(&categories),
                field("version"),
                field("replica"),
            )
        }
        "approved_masked" => match d.split_once(" | masked ") {
            Some((comment, rest)) => {
                let (n, values) = rest.split_once(": ").unwrap_or((rest, ""));
                let comment = if comment.is_empty() {
                    String::new()
                } else {
                    format!("{comment}｜")
                };
                format!("{comment}打码 {n} 处：{values}")
            }
            None => d.to_string(),
        },
        "approve_refused" if d == "reviewer is the submitter" => "复核人是该公告的提交人".into(),
        "delivered" | "failed" | "approved" | "needs_reconcile"
            if d.starts_with("upstream status ") =>
        {
            format!("发布平台返回 HTTP {}", &d["upstream status ".len()..])
        }
        "needs_reconcile" if d.starts_with("gateway stopped during delivery") => {
            "发布过程中网关停止，发布平台是否收到未知".into()
        }
        "purged" => format!(
            "正文和请求头已删除，保留正文 SHA-256：{}",
            field("body_sha256")
        ),
        "reconciled" => {
            let (outcome, comment) = d.split_once(' ').unwrap_or((d, ""));
            let outcome = match outcome {
                "delivered" => "记为已发布",
                "approved" => "重新发送",
                "failed" => "放弃发布",
                other => other,
            };
            format!("{outcome} {comment}").trim().to_string()
        }
        _ => d.to_string(),
    }
}

/// Categories in Chinese, joined with 、.
pub(super) fn categories_zh(categories: &[String]) -> String {
    categories
        .iter()
        .map(|c| crate::model::Category::parse(c).map_or("其他", crate::model::Category::label_zh))
        .collect::<Vec<_>>()
        .join("、")
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
                pages::message("未找到", Some(&user.nav()), "没有这个条目。", Some("/ui")),
            )
                .into_response();
        }
    };
    let findings: Value = serde_json::from_str(&detail.findings_json).unwrap_or(Value::Null);
    let list = findings.as_array().cloned().unwrap_or_default();
    let s = &detail.summary;
    let (text, no_text) = if s.purged_at.is_some() {
        (
            Vec::new(),
            Some("超过保留期限，正文已删除（发现的问题和审计记录保留）。"),
        )
    } else {
        let text = super::marked_text(&app, &detail.request, &findings).await;
        let none = text.is_empty().then_some("无法重新读取所存的请求。");
        (text, none)
    };
    let audit = app.store.audit_for(&id).await.unwrap_or_default();
    let engine = app.engine();
    let mut meta = vec![
        (
            "项目名称",
            s.project_name.clone().unwrap_or_else(|| "—".into()),
        ),
        (
            "项目编号",
            s.project_code.clone().unwrap_or_else(|| "—".into()),
        ),
        (
            "公告类型",
            s.doc_type
                .as_deref()
                .map_or_else(|| "未识别".into(), |t| engine.type_name(t)),
        ),
        ("复核队列", engine.queue_label(&s.queue)),
        ("提交人", s.submitter.clone().unwrap_or_else(|| "—".into())),
        (
            "提交时间",
            format!("{}（已等待 {}）", time(s.created_at), waited(s.created_at)),
        ),
        (
            "请求",
            format!("{} {}", s.method, s.path.split('?').next().unwrap_or("")),
        ),
        (
            "检查版本",
            format!(
                "{}（{}）",
                s.engine_version,
                s.held_by.as_deref().unwrap_or("—")
            ),
        ),
    ];
    if let Some(by) = &s.decided_by {
        meta.push(("复核人", by.clone()));
    }
    if let Some(comment) = s.comment.as_deref().filter(|c| !c.is_empty()) {
        meta.push(("复核意见", comment.to_string()));
    }
    if let Some(status) = s.upstream_status {
        meta.push(("发布平台返回", status.to_string()));
    }
    let decisions = match s.status {
        HoldStatus::Held => {
            let values = unmasked_on_approval(&list);
            if values.is_empty() {
                Decisions::Plain
            } else {
                Decisions::Maskable(values)
            }
        }
        HoldStatus::NeedsReconcile if user.principal.role == Role::Admin => Decisions::Reconcile,
        _ => Decisions::None,
    };
    let view = ItemView {
        id: s.id.clone(),
        title: s.title.clone(),
        meta,
        status: s.status.label_zh(),
        last_error: s.last_error.clone(),
        findings: list.iter().map(FindingRow::of).collect(),
        text,
        no_text,
        decisions,
        audit: pages::audit_table(&audit, time, |a| detail_zh(&engine, a)),
    };
    pages::item(&user.nav(), &view).into_response()
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
        // Only a decision the reviewer may make is confirmed; any other
        // goes straight to the workflow, which explains the refusal.
        let values = match app.store.get(&id).await {
            Ok(d)
                if user.principal.may_see(&d.summary.queue)
                    && !user.principal.is_submitter(d.summary.submitter.as_deref())
                    && d.summary.status == HoldStatus::Held =>
            {
                let findings: Value = serde_json::from_str(&d.findings_json).unwrap_or(Value::Null);
                unmasked_on_approval(findings.as_array().map(Vec::as_slice).unwrap_or(&[]))
            }
            _ => Vec::new(),
        };
        if !values.is_empty() {
            return pages::confirm_original(&user.nav(), &id, &form.comment, &values)
                .into_response();
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
    let outcome = workflow::approve_masked(&app, &user.principal, &id, &form.comment).await;
    decided(&user, &format!("/ui/holds/{id}"), outcome)
}

/// The masked values of the findings 打码后发布 would mask (the
/// categories [`masking::maskable`] names, with a value). Empty when the
/// item has classified content (masking is not offered for it).
fn unmasked_on_approval(list: &[Value]) -> Vec<String> {
    fn category(f: &Value) -> Option<Category> {
        Category::parse(f.get("category").and_then(Value::as_str)?)
    }
    if list
        .iter()
        .any(|f| category(f) == Some(Category::Classified))
    {
        return Vec::new();
    }
    // The stored findings carry only the masked excerpt, never the value.
    let mut values: Vec<String> = list
        .iter()
        .filter(|f| category(f).is_some_and(masking::maskable))
        .filter(|f| f.get("action").and_then(Value::as_str) != Some("pass"))
        .filter_map(|f| f.get("excerpt").and_then(Value::as_str).map(str::to_string))
        .filter(|v| !v.is_empty())
        .collect();
    values.dedup();
    values
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
    let outcome = workflow::resolve(&app, &user.principal, &id, &form.outcome, &form.comment).await;
    decided(&user, &format!("/ui/holds/{id}"), outcome)
}

/// After a form's decision: back to the page it was made on (`back`), or
/// the page saying why it was not made.
pub(super) fn decided<T>(user: &UiUser, back: &str, outcome: Result<T, WorkflowError>) -> Response {
    match outcome {
        Ok(_) => Redirect::to(back).into_response(),
        Err(e) => failed(user, back, e),
    }
}

/// The page for an action that did not happen: what went wrong in the
/// reviewer's words, and the way back to the item (`back`).
pub(crate) fn failed(user: &UiUser, back: &str, e: WorkflowError) -> Response {
    let (status, zh) = match &e {
        WorkflowError::NotFound => (StatusCode::NOT_FOUND, "没有这个条目。".to_string()),
        WorkflowError::OwnSubmission => (
            StatusCode::FORBIDDEN,
            "没有权限执行此操作（提交人不能批准自己提交的公告）。".into(),
        ),
        WorkflowError::AdminsOnly => (StatusCode::FORBIDDEN, "此操作仅限管理员。".into()),
        WorkflowError::Conflict(_) => (StatusCode::CONFLICT, "该条目已被处理。".into()),
        WorkflowError::NeedsReason(_) => (StatusCode::BAD_REQUEST, "请填写理由（必填）。".into()),
        WorkflowError::UnknownChoice(_) => (StatusCode::BAD_REQUEST, "请选择一项处理决定。".into()),
        WorkflowError::NotMaskable(refusal) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            format!(
                "无法打码后发布：{}条目仍在待复核状态，请驳回或另行处理。",
                refusal.zh()
            ),
        ),
        WorkflowError::Store(store) => {
            tracing::error!(error = %store, "store error in the review UI");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "存储暂不可用，操作未完成，请稍后重试。".into(),
            )
        }
    };
    (
        status,
        pages::message("操作未完成", Some(&user.nav()), &zh, Some(back)),
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
    let outcome = workflow::decide(&app, &user.principal, &id, to, &form.comment).await;
    decided(&user, &format!("/ui/holds/{id}"), outcome)
}
