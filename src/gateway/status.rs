//! The submitter's view of a held notice, on the proxy port: the 202 that
//! held it carries `status_url` = `{prefix}status/{id}/{token}` (prefix
//! `/.pubgate/` by default). The token is the capability: whoever has the
//! URL reads the status, a rejection's reason and the findings, masked —
//! never the notice itself — with no account. Only the token's SHA-256 is
//! stored. Every path under the prefix is the gateway's own and is never
//! forwarded to the platform.

use http::{HeaderValue, Method, Request, Response, StatusCode, header};
use hyper::body::Incoming;
use serde_json::{Value, json};
use subtle::ConstantTimeEq;

use crate::gateway::reply;
use crate::gateway::state::GatewayState;
use crate::store::{HoldStatus, StoreError};
use crate::upstream::{ProxyBody, full};

/// The URL a submitter follows a held item at.
pub fn url(prefix: &str, id: &str, token: &str) -> String {
    format!("{prefix}status/{id}/{token}")
}

/// Whether `path` is under the gateway's own prefix.
pub fn reserved(prefix: &str, path: &str) -> bool {
    path.starts_with(prefix) || path == prefix.trim_end_matches('/')
}

/// Answers a request under the prefix.
pub async fn serve(app: &GatewayState, request: Request<Incoming>) -> Response<ProxyBody> {
    let prefix = &app.settings.status_prefix;
    let path = request.uri().path();
    if request.method() != Method::GET && request.method() != Method::HEAD {
        return private(reply::error(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            "此地址只能查询（GET）。",
            "only GET is served here",
        ));
    }
    let rest = path.strip_prefix(prefix.as_str()).unwrap_or("");
    let Some((id, token)) = rest.strip_prefix("status/").and_then(|r| r.split_once('/')) else {
        return not_found();
    };
    let (summary, findings, token_hash) = match app.store.status_of(id).await {
        Ok(found) => found,
        Err(StoreError::NotFound) => return not_found(),
        Err(e) => {
            tracing::warn!(error = %e, "status page: store unavailable");
            return private(reply::error(
                StatusCode::SERVICE_UNAVAILABLE,
                "store_unavailable",
                "暂时无法查询，请稍后再试。",
                "store unavailable",
            ));
        }
    };
    let given = hex::encode(crate::review::auth::hash_token(token));
    let Some(expected) = token_hash else {
        return not_found();
    };
    if !bool::from(given.as_bytes().ct_eq(expected.as_bytes())) {
        return not_found();
    }
    let findings: Value = serde_json::from_str(&findings).unwrap_or(Value::Null);
    let reason = (summary.status == HoldStatus::Rejected)
        .then(|| summary.comment.clone())
        .flatten();
    let body = json!({
        "id": summary.id,
        "status": summary.status,
        "status_zh": summary.status.label_zh(),
        "message": message(summary.status, reason.as_deref()),
        "reason": reason,
        "findings": findings,
        "held_at": summary.created_at,
        "updated_at": summary.updated_at,
    });
    let wants_html = request
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/html"));
    if wants_html {
        return private(page(&body));
    }
    private(reply::json(StatusCode::OK, &body))
}

/// What the status means for the submitter, in Chinese.
fn message(status: HoldStatus, reason: Option<&str>) -> String {
    match status {
        HoldStatus::Held => "公告正在等待人工复核，复核通过后将自动发布。".into(),
        HoldStatus::Approved | HoldStatus::Delivering => "复核已通过，正在发布。".into(),
        HoldStatus::Delivered => "复核已通过，公告已发布。".into(),
        HoldStatus::Rejected => format!(
            "复核未通过，公告未发布。驳回理由：{}。请按理由修改后重新提交。",
            reason.unwrap_or("（未填写）")
        ),
        HoldStatus::Failed | HoldStatus::NeedsReconcile => {
            "复核已通过，但发布平台未能接收，管理员正在处理。".into()
        }
    }
}

/// The same answer as a short page for a browser (a maud template).
fn page(body: &Value) -> Response<ProxyBody> {
    let get = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    let findings = body["findings"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    let html = maud::html! {
        (maud::DOCTYPE)
        html lang="zh-CN" {
            head { meta charset="utf-8"; title { "复核结果" } }
            body {
                h1 { "复核结果：" span id="status" { (get(body, "status_zh")) } }
                p id="message" { (get(body, "message")) }
                h2 { "检查发现的问题" }
                ul {
                    @for f in findings {
                        li { (get(f, "explanation")) br; small { (get(f, "excerpt")) } }
                    }
                }
            }
        }
    };
    let mut response = Response::new(full(html.into_string()));
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    response
}

fn not_found() -> Response<ProxyBody> {
    private(reply::error(
        StatusCode::NOT_FOUND,
        "not_found",
        "没有找到该复核记录（链接不完整或已失效）。",
        "no such item, or a wrong token",
    ))
}

/// A capability URL's answer: never cached, never sent on as a referrer.
fn private(mut response: Response<ProxyBody>) -> Response<ProxyBody> {
    let h = response.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    response
}
