//! The gateway's own answers: JSON bodies, with a message in Chinese that
//! tells the submitter what happened, what to fix and which rule requires
//! it. Findings are always the masked form.

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

/// 422: what to fix, rule by rule.
pub fn blocked(findings: &[Finding]) -> Response<ProxyBody> {
    let mut lines = Vec::new();
    for f in findings
        .iter()
        .filter(|f| f.action == crate::model::Action::Block)
    {
        let place = f
            .location
            .as_ref()
            .map(|l| format!("（{} 第{}行）", l.part, l.line))
            .unwrap_or_default();
        lines.push(format!("{}{place}；依据：{}", f.explanation, f.enforces));
    }
    let message = format!(
        "公告未通过发布前检查，请修改后重新提交：\n{}",
        lines
            .iter()
            .enumerate()
            .map(|(i, l)| format!("{}. {l}", i + 1))
            .collect::<Vec<_>>()
            .join("\n")
    );
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

/// 202: held for review, with where to look it up.
pub fn held(id: &str, queue: &str, findings: &[Finding]) -> Response<ProxyBody> {
    let mut response = json(
        StatusCode::ACCEPTED,
        &json!({
            "id": id,
            "status": "held",
            "queue": queue,
            "message": format!("公告已暂缓发布，等待人工复核（复核队列：{queue}）。复核通过后将自动发布。"),
            "findings": findings_json(findings),
        }),
    );
    if let Ok(location) = HeaderValue::from_str(&format!("/api/holds/{id}")) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    verdict_header(&mut response, "hold");
    response
}
