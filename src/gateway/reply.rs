//! The gateway's own answers: JSON bodies, with a message in Chinese that
//! tells the submitter what happened, what to fix and which rule requires
//! it. Findings are always the masked form. An XML-RPC client (WordPress
//! apps, `wp.newPost`, `wp.uploadFile`) cannot read JSON: it gets the same
//! message as an XML-RPC fault; a browser that posted a form gets it as a
//! short Chinese page.

use http::{HeaderValue, Response, StatusCode, header};
use serde_json::{Value, json};

use crate::model::Finding;
use crate::upstream::{ProxyBody, full};

/// A JSON response.
pub fn json(status: StatusCode, body: &Value) -> Response<ProxyBody> {
    let bytes = serde_json::to_vec(body).unwrap_or_default();
    let mut response = Response::new(full(bytes));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    response
}

/// An error answer: `{"error": code, "message": 中文, "detail": English}`.
pub fn error(
    status: StatusCode,
    code: &str,
    message_zh: &str,
    detail: &str,
) -> Response<ProxyBody> {
    let mut response = json(
        status,
        &json!({"error": code, "message": message_zh, "detail": detail}),
    );
    verdict_header(&mut response, "refused");
    response
}

/// Marks a response with the gateway's verdict.
pub fn verdict_header<B>(response: &mut Response<B>, verdict: &'static str) {
    response
        .headers_mut()
        .insert("x-pubgate-verdict", HeaderValue::from_static(verdict));
}

/// Findings as the submitter sees them.
pub fn findings_json(findings: &[Finding]) -> Value {
    serde_json::to_value(findings).unwrap_or(Value::Null)
}

/// Who asked: what answer format the client reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Client {
    /// Anything else: JSON.
    Json,
    /// An XML-RPC `methodCall`: a `methodResponse` fault.
    XmlRpc,
    /// A browser posting a form (it accepts HTML): a page.
    Browser,
}

impl Client {
    /// An XML-RPC call is an XML body that opens with `<methodCall>`; a
    /// browser's form post is a form body from a client that accepts HTML.
    pub fn of(content_type: Option<&str>, accept: Option<&str>, body: &[u8]) -> Client {
        let content_type = content_type.unwrap_or_default().to_ascii_lowercase();
        let head = &body[..body.len().min(512)];
        let call = head.windows(11).any(|w| w == b"<methodCall");
        let form = content_type.starts_with("application/x-www-form-urlencoded")
            || content_type.starts_with("multipart/form-data");
        if content_type.contains("xml") && call {
            Client::XmlRpc
        } else if form && accept.is_some_and(|a| a.to_ascii_lowercase().contains("text/html")) {
            Client::Browser
        } else {
            Client::Json
        }
    }
}

/// An XML-RPC fault (HTTP 200, as the protocol wants) carrying the same
/// message and the gateway's verdict.
fn xmlrpc_fault(code: u16, message: &str, verdict: &'static str) -> Response<ProxyBody> {
    let escaped = escape(message);
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<methodResponse><fault><value><struct>\
         <member><name>faultCode</name><value><int>{code}</int></value></member>\
         <member><name>faultString</name><value><string>{escaped}</string></value></member>\
         </struct></value></fault></methodResponse>\n"
    );
    markup(StatusCode::OK, "text/xml; charset=UTF-8", body, verdict)
}

/// Text made safe inside XML, in text and in quoted attributes.
fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// An XML or HTML answer marked with the gateway's verdict.
fn markup(
    status: StatusCode,
    content_type: &'static str,
    body: String,
    verdict: &'static str,
) -> Response<ProxyBody> {
    let mut response = Response::new(full(body));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    verdict_header(&mut response, verdict);
    response
}

/// A short page for a browser: the message and the masked findings (a
/// maud template: every value escaped).
fn page(
    status: StatusCode,
    title: &str,
    message: &str,
    findings: &[Finding],
    verdict: &'static str,
) -> Response<ProxyBody> {
    let body = maud::html! {
        (maud::DOCTYPE)
        html lang="zh-CN" {
            head { meta charset="utf-8"; title { (title) } }
            body {
                h1 { (title) }
                p style="white-space:pre-line" { (message) }
                ul {
                    @for f in findings {
                        li { (f.explanation) br; small { (f.excerpt) } }
                    }
                }
                p { a href="javascript:history.back()" { "返回修改" } }
            }
        }
    };
    markup(
        status,
        "text/html; charset=utf-8",
        body.into_string(),
        verdict,
    )
}

/// The findings in one line each, masked, for a fault string.
fn findings_lines(findings: &[Finding]) -> String {
    findings
        .iter()
        .map(|f| format!("- {}：{}", f.rule, f.excerpt))
        .collect::<Vec<_>>()
        .join("\n")
}

/// 422: what to fix, rule by rule.
pub fn blocked(client: Client, findings: &[Finding]) -> Response<ProxyBody> {
    let mut lines = Vec::new();
    for f in findings
        .iter()
        .filter(|f| f.action == crate::model::Action::Block)
    {
        let place = f
            .location
            .as_ref()
            .map(|l| format!("（{} 第{}行）", crate::model::part_zh(&l.part), l.line))
            .unwrap_or_default();
        lines.push(format!("{}{place}；依据：{}", f.explanation, f.enforces));
    }
    let mut message = format!(
        "公告未通过发布前检查，请修改后重新提交：\n{}",
        lines
            .iter()
            .enumerate()
            .map(|(i, l)| format!("{}. {l}", i + 1))
            .collect::<Vec<_>>()
            .join("\n")
    );
    // What a reviewer would have held is said too, so the submitter fixes
    // everything in one round instead of meeting it on the next submission.
    let review: Vec<String> = findings
        .iter()
        .filter(|f| {
            matches!(
                f.action,
                crate::model::Action::Hold | crate::model::Action::Redact
            )
        })
        .map(|f| {
            let place = f
                .location
                .as_ref()
                .map(|l| format!("（{} 第{}行）", crate::model::part_zh(&l.part), l.line))
                .unwrap_or_default();
            format!("- {}{place}", f.explanation)
        })
        .collect();
    if !review.is_empty() {
        message.push_str(&format!(
            "\n另有 {} 处需人工复核（修改后重新提交时一并处理可免于等待复核）：\n{}",
            review.len(),
            review.join("\n")
        ));
    }
    match client {
        Client::XmlRpc => return xmlrpc_fault(422, &message, "block"),
        Client::Browser => {
            return page(
                StatusCode::UNPROCESSABLE_ENTITY,
                "未通过发布前检查",
                &message,
                findings,
                "block",
            );
        }
        Client::Json => {}
    }
    let mut response = json(
        StatusCode::UNPROCESSABLE_ENTITY,
        &json!({
            "status": "blocked",
            "message": message,
            "findings": findings_json(findings),
        }),
    );
    verdict_header(&mut response, "block");
    response
}

/// 202: held for review, with where the submitter follows it
/// (`status_url`: the outcome and, if rejected, the reason).
pub fn held(
    client: Client,
    id: &str,
    queue: &str,
    findings: &[Finding],
    status_url: &str,
) -> Response<ProxyBody> {
    let message =
        format!("公告已暂缓发布，等待人工复核（复核队列：{queue}）。复核通过后将自动发布。");
    match client {
        Client::XmlRpc => {
            let text = format!(
                "{message}\n编号：{id}\n查询复核结果：{status_url}\n{}",
                findings_lines(findings)
            );
            return xmlrpc_fault(202, &text, "hold");
        }
        Client::Browser => {
            let text = format!("{message}\n复核编号：{id}\n查询复核结果：{status_url}");
            return page(StatusCode::ACCEPTED, "已暂缓发布", &text, findings, "hold");
        }
        Client::Json => {}
    }
    let mut response = json(
        StatusCode::ACCEPTED,
        &json!({
            "id": id,
            "status": "held",
            "queue": queue,
            "message": message,
            "findings": findings_json(findings),
            "status_url": status_url,
        }),
    );
    if let Ok(location) = HeaderValue::from_str(&format!("/api/holds/{id}")) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    verdict_header(&mut response, "hold");
    response
}
