//! The proxy: every request either streams through untouched or is
//! inspected (read whole → decode → split → scan → decide → act).
//!
//! The only way inspected bytes reach the upstream is `forward_scanned`,
//! which takes the bytes the engine passed (or the redacted bytes it
//! re-checked). Every error on the inspection path ends in a refusal or a
//! hold: nothing is forwarded unscanned.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Request, Response, StatusCode, header};
use hyper::body::Incoming;

use crate::engine::{Expect, Report};
use crate::gateway::body::{self, BodyError};
use crate::gateway::decisions::DecisionRecord;
use crate::gateway::publish::{PublishRule, RequestView};
use crate::gateway::reply;
use crate::gateway::routes::Matched;
use crate::gateway::state::GatewayState;
use crate::intake::decode::DecodeError;
use crate::intake::{self, IntakeError, SplitError, Upload};
use crate::model::{Action, Finding};
use crate::redact;
use crate::review::auth::new_id;
use crate::review::webhook::StateChange;
use crate::store::{HoldStatus, NewHold, StoredRequest, now_ms};
use crate::upstream::{ProxyBody, Upstream, UpstreamError, full, stream, strip_hop_by_hop};

/// Handles one client request.
///
/// `upstream` is this worker thread's client: each proxy thread keeps its
/// own connection pool, so a request and its upstream connection stay on
/// one thread (no cross-thread wake-ups on the pass-through path).
pub async fn handle(
    app: Arc<GatewayState>,
    upstream: &Upstream,
    request: Request<Incoming>,
    client: SocketAddr,
) -> Response<ProxyBody> {
    let method = crate::gateway::routes::effective_method(
        request.method(),
        request.headers(),
        request.uri().query(),
    );
    let has_body = request.headers().contains_key(header::TRANSFER_ENCODING)
        || request
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim() != "0");
    let (path, query) = (request.uri().path(), request.uri().query());
    // A reader's GET or HEAD on a public route: the answer is scanned.
    if !has_body && let Some(index) = app.egress.route_of(&method, path, query) {
        return crate::gateway::egress::serve(&app, upstream, request, client, index).await;
    }
    let route = app.routes.classify(&method, path, query, has_body);
    let transition = app.publish.route(&method, path, query, has_body);
    match (route, transition) {
        (None, None) => pass_through(&app, upstream, request, client).await,
        (Some(route), None) => {
            let publish = Publish::Route;
            inspect(&app, upstream, request, client, route, publish).await
        }
        (route, Some((matched, rule))) => {
            // On a route of its own, a rule's request that does not
            // publish (a draft save) goes through unscanned.
            let publish = Publish::Transition {
                rule,
                inspected_route: route.is_some(),
            };
            let route = route.unwrap_or(matched);
            inspect(&app, upstream, request, client, route, publish).await
        }
    }
}

/// Headers only the gateway may set: a client cannot claim a verdict.
pub(super) fn strip_own_headers(headers: &mut HeaderMap) {
    let own: Vec<header::HeaderName> = headers
        .keys()
        .filter(|n| n.as_str().starts_with("x-pubgate-"))
        .cloned()
        .collect();
    for name in own {
        headers.remove(name);
    }
}

/// Uninspected traffic: streamed both ways, never buffered.
async fn pass_through(
    app: &GatewayState,
    upstream: &Upstream,
    request: Request<Incoming>,
    client: SocketAddr,
) -> Response<ProxyBody> {
    let (mut parts, body) = request.into_parts();
    strip_hop_by_hop(&mut parts.headers);
    strip_own_headers(&mut parts.headers);
    let target = path_and_query(&parts.uri);
    let sent = upstream
        .send(
            parts.method,
            &target,
            parts.headers,
            stream(body),
            Some(client),
        )
        .await;
    app.metrics.passthrough.inc();
    relay(app, sent)
}

/// Turns the upstream's answer (or failure) into the client's response.
pub(super) fn relay(
    app: &GatewayState,
    sent: Result<(Response<Incoming>, Duration), UpstreamError>,
) -> Response<ProxyBody> {
    match sent {
        Ok((response, took)) => {
            app.metrics.upstream_forward.observe(took.as_secs_f64());
            response.map(stream)
        }
        Err(UpstreamError::Timeout(t)) => reply::error(
            StatusCode::GATEWAY_TIMEOUT,
            "upstream_timeout",
            "发布平台响应超时，请稍后重试。",
            &format!("the publishing platform did not answer within {t:?}"),
        ),
        Err(e) => reply::error(
            StatusCode::BAD_GATEWAY,
            "upstream_unavailable",
            "发布平台暂时无法访问，请稍后重试。",
            &e.to_string(),
        ),
    }
}

/// A publish request.
async fn inspect(
    app: &Arc<GatewayState>,
    upstream: &Upstream,
    request: Request<Incoming>,
    client: SocketAddr,
    route: Matched,
    publish: Publish<'_>,
) -> Response<ProxyBody> {
    let limits = &app.settings.intake;
    let (mut parts, body) = request.into_parts();
    let declared = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limits.max_body_bytes as u64) {
        return count(
            app,
            &route,
            "refused",
            body_error(BodyError::TooLarge {
                limit: limits.max_body_bytes,
            }),
        );
    }
    let raw = match read_body(app, body).await {
        Ok(raw) => raw,
        Err(e) => return count(app, &route, "refused", body_error(e)),
    };
    strip_hop_by_hop(&mut parts.headers);
    strip_own_headers(&mut parts.headers);
    // What a hold stores and approval replays; the body is copied only if
    // the request is held.
    let held_request = |parts: &http::request::Parts| StoredRequest {
        method: parts.method.to_string(),
        uri: path_and_query(&parts.uri),
        headers: parts
            .headers
            .iter()
            .map(|(n, v)| (n.as_str().to_string(), v.as_bytes().to_vec()))
            .collect(),
        body: raw.to_vec(),
    };
    let encoding = header_str(&parts.headers, header::CONTENT_ENCODING);
    let content_type = header_str(&parts.headers, header::CONTENT_TYPE);
    let head = intake_head(&parts);
    let answer_as = reply::Client::of(
        content_type.as_deref(),
        header_str(&parts.headers, header::ACCEPT).as_deref(),
        &raw,
    );
    let read = match intake::read(&head, raw.clone(), &app.settings.intake).await {
        Ok(read) => read,
        Err(IntakeError::Decode(e)) => return count(app, &route, "refused", decode_error(e)),
        Err(IntakeError::Split(e)) => return count(app, &route, "refused", split_error(e)),
    };
    app.metrics.inspected_bytes.inc_by(read.body_bytes as u64);
    let mut uploads = read.uploads;
    // A publish transition carries no content of its own: what it makes
    // public is read from the platform and scanned with the request.
    let view = RequestView {
        path: parts.uri.path(),
        query: parts.uri.query(),
        content_type: content_type.as_deref(),
        body: encoding.is_none().then_some(&raw[..]),
    };
    let publishing = match publish {
        Publish::Route => None,
        Publish::Transition { rule, .. } if rule.publishes(&view) => Some(rule),
        Publish::Transition {
            inspected_route: true,
            ..
        } => None,
        Publish::Transition { .. } => {
            return forward_scanned(app, upstream, parts, raw, client, &route, "not-publish").await;
        }
    };
    let mut stored_unread = None;
    if let Some(rule) = publishing {
        match fetch_stored(app, upstream, rule, &parts, &raw, content_type.as_deref()).await {
            Ok(stored) => uploads.extend(stored),
            Err(why) => stored_unread = Some(why),
        }
    }
    // A request with nothing in it — no body, query, path value or
    // content header — carries no content to leak.
    if uploads.is_empty() && stored_unread.is_none() {
        return forward_scanned(app, upstream, parts, raw, client, &route, "pass").await;
    }
    let expect = if route.announcement {
        Expect::Announcement
    } else {
        Expect::AnyContent
    };
    let report = match stored_unread {
        Some(why) => unread_report(app, "待发布的已存内容", &why),
        None => match scan(app, uploads.clone(), expect).await {
            Some(r) => r,
            None => unscannable_report(app),
        },
    };
    record_findings(app, &report.verdict.findings);
    let engine_version = app.engine().version().to_string();
    let monitor = app.settings.monitor || route.monitor;
    // Holds are in the queue and passes are counted in metrics; the
    // decision log keeps what would otherwise leave no trace: every
    // decision in monitor mode, and blocks and redactions when enforcing.
    let worth_recording =
        monitor || matches!(report.verdict.action, Action::Block | Action::Redact);
    if worth_recording {
        app.record(DecisionRecord {
            route: route.name.clone(),
            method: parts.method.to_string(),
            path: parts.uri.path().to_string(),
            verdict: report.verdict.action.as_str().to_string(),
            enforced: !monitor,
            doc_type: report.doc_type.clone(),
            findings_json: reply::findings_json(&report.verdict.findings).to_string(),
            engine_version: engine_version.clone(),
        });
    }
    tracing::info!(
        route = %route.name,
        verdict = report.verdict.action.as_str(),
        findings = report.verdict.findings.len(),
        rules = %rule_list(&report.verdict.findings),
        monitor,
        "inspected"
    );
    if monitor {
        return forward_scanned(app, upstream, parts, raw, client, &route, "monitor").await;
    }
    let action = match report.verdict.action {
        // A publish transition's stored content is not in the request: it
        // cannot be masked on its way through, so a person decides.
        Action::Redact if publishing.is_some() => Action::Hold,
        action => action,
    };
    match action {
        Action::Pass => forward_scanned(app, upstream, parts, raw, client, &route, "pass").await,
        Action::Block => count(
            app,
            &route,
            "block",
            reply::blocked(answer_as, &report.verdict.findings),
        ),
        Action::Hold => {
            hold(
                app,
                answer_as,
                &route,
                held_request(&parts),
                &report,
                &engine_version,
            )
            .await
        }
        Action::Redact => {
            let rewritten = if encoding.is_none() {
                redact::redact(
                    content_type.as_deref(),
                    &raw,
                    &report.verdict.findings,
                    &report.pieces,
                )
            } else {
                None
            };
            match rewritten {
                Some(body) if recheck(app, &head, &body, expect).await => {
                    parts.headers.remove(header::CONTENT_LENGTH);
                    forward_scanned(
                        app,
                        upstream,
                        parts,
                        Bytes::from(body),
                        client,
                        &route,
                        "redact",
                    )
                    .await
                }
                _ => {
                    hold(
                        app,
                        answer_as,
                        &route,
                        held_request(&parts),
                        &report,
                        &engine_version,
                    )
                    .await
                }
            }
        }
    }
}

/// Scans the uploads on the blocking pool, bounded in concurrency and
/// time. `None` when the scan did not finish (the caller holds).
pub(super) async fn scan(
    app: &Arc<GatewayState>,
    uploads: Vec<Upload>,
    expect: Expect,
) -> Option<Report> {
    let _permit = app.scan_permits.acquire().await.ok()?;
    let engine = app.engine();
    let started = Instant::now();
    let task = tokio::task::spawn_blocking(move || {
        let doc = intake::to_document(&engine, &uploads);
        engine.scan_document_as(doc, None, expect)
    });
    let timeout = app.settings.scan_timeout;
    let result = tokio::time::timeout(timeout, task).await;
    app.metrics
        .scan_seconds
        .observe(started.elapsed().as_secs_f64());
    match result {
        Ok(Ok(report)) => Some(report),
        _ => {
            tracing::error!("scan did not finish; holding the request");
            None
        }
    }
}

/// Why a request is inspected.
#[derive(Clone, Copy)]
enum Publish<'r> {
    /// It is on an inspected route.
    Route,
    /// It is on a publish rule's route (and perhaps an inspected route
    /// too): it publishes if the rule's condition holds.
    Transition {
        rule: &'r PublishRule,
        inspected_route: bool,
    },
}

/// Reads what a publish transition makes public: each fetch the rule names,
/// sent to the upstream with the request's own credentials (and the
/// rule's `fetch_headers`), each answer an upload of its own. Any fetch
/// that fails — none to make, a refusal, a non-2xx answer, a body over the
/// limit — is an error: that content is unread.
async fn fetch_stored(
    app: &GatewayState,
    upstream: &Upstream,
    rule: &PublishRule,
    parts: &http::request::Parts,
    raw: &Bytes,
    content_type: Option<&str>,
) -> Result<Vec<Upload>, String> {
    let view = RequestView {
        path: parts.uri.path(),
        query: parts.uri.query(),
        content_type,
        body: Some(&raw[..]),
    };
    // A rule without fetches inspects what the request itself carries
    // (a post created as published).
    if rule.fetch.is_empty() {
        return Ok(Vec::new());
    }
    let fetches = rule.fetches(&view);
    if fetches.is_empty() {
        return Err(
            "规则未能从请求中确定要读取的内容 / no fetch could be filled from the request".into(),
        );
    }
    let mut headers = HeaderMap::new();
    for name in ["authorization", "cookie", "x-wp-nonce"] {
        for value in parts.headers.get_all(name) {
            headers.append(name, value.clone());
        }
    }
    for (name, value) in &rule.fetch_headers {
        let value = match value.strip_prefix("env:") {
            Some(var) => std::env::var(var)
                .map_err(|_| format!("环境变量 {var} 未设置 / {var} is not set"))?,
            None => value.clone(),
        };
        let (Ok(name), Ok(value)) = (
            http::HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(&value),
        ) else {
            return Err(format!("fetch_headers: {name} is not a valid header"));
        };
        headers.insert(name, value);
    }
    let mut uploads = Vec::new();
    for (method, target) in fetches {
        let (response, _) = upstream
            .send(method, &target, headers.clone(), full(Bytes::new()), None)
            .await
            .map_err(|e| format!("{target}: {e}"))?;
        let status = response.status();
        if !status.is_success() {
            return Err(format!("{target}: HTTP {}", status.as_u16()));
        }
        let head = intake::Head {
            method: "GET".into(),
            target: String::new(),
            headers: [header::CONTENT_TYPE, header::CONTENT_ENCODING]
                .into_iter()
                .filter_map(|name| {
                    let value = response.headers().get(&name)?;
                    Some((name.as_str().to_string(), value.as_bytes().to_vec()))
                })
                .collect(),
        };
        let bytes = read_body(app, response.into_body())
            .await
            .map_err(|e| format!("{target}: {e}"))?;
        let read = intake::read(&head, bytes, &app.settings.intake)
            .await
            .map_err(|e| format!("{target}: {e}"))?;
        uploads.extend(read.uploads.into_iter().map(|mut u| {
            u.label = format!("已存内容 {target} › {}", u.label);
            u
        }));
    }
    Ok(uploads)
}

/// A report that holds: a part of what would be published was not read.
fn unread_report(app: &GatewayState, part: &str, why: &str) -> Report {
    tracing::warn!(part, why, "content to publish could not be read; holding");
    let engine = app.engine();
    let mut doc = crate::model::Document::new(crate::model::Format::Unknown);
    doc.unreadable(part, format!("未能读取，未放行 / not read: {why}"));
    engine.scan_document(doc, None)
}

/// A report that holds: the scan could not finish.
fn unscannable_report(app: &GatewayState) -> Report {
    let engine = app.engine();
    let mut doc = crate::model::Document::new(crate::model::Format::Unknown);
    doc.unreadable(
        "request",
        "检查未能在时限内完成，未放行 / the scan did not finish in time",
    );
    engine.scan_document(doc, None)
}

/// Scans a redacted body again, through the same door as the original
/// (query, path and headers included: redaction rewrites the body only):
/// only if nothing at redact level or above remains may it be forwarded.
async fn recheck(
    app: &Arc<GatewayState>,
    head: &intake::Head,
    body: &[u8],
    expect: Expect,
) -> bool {
    let Ok(read) = intake::read(head, Bytes::copy_from_slice(body), &app.settings.intake).await
    else {
        return false;
    };
    scan(app, read.uploads, expect)
        .await
        .is_some_and(|r| r.verdict.action == Action::Pass)
}

/// The request as intake reads it.
fn intake_head(parts: &http::request::Parts) -> intake::Head {
    intake::Head {
        method: parts.method.to_string(),
        target: path_and_query(&parts.uri),
        headers: parts
            .headers
            .iter()
            .map(|(n, v)| (n.as_str().to_string(), v.as_bytes().to_vec()))
            .collect(),
    }
}

/// Reads a body whole, within the inspection size and time limits.
pub(super) async fn read_body(app: &GatewayState, body: Incoming) -> Result<Bytes, BodyError> {
    body::collect(
        body,
        app.settings.intake.max_body_bytes,
        app.settings.body_read_timeout,
    )
    .await
}

/// Writes the hold durably, then answers 202. If the store fails the
/// request is refused with 503: never forwarded, never acknowledged.
async fn hold(
    app: &Arc<GatewayState>,
    answer_as: reply::Client,
    route: &Matched,
    request: StoredRequest,
    report: &Report,
    engine_version: &str,
) -> Response<ProxyBody> {
    let queue = report
        .verdict
        .queue
        .clone()
        .unwrap_or_else(|| "default".to_string());
    let categories = report.verdict.categories();
    let submitter = request
        .headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(&app.settings.submitter_header))
        .map(|(_, v)| String::from_utf8_lossy(v).into_owned());
    let id = new_id();
    let hold = NewHold {
        id: id.clone(),
        queue: queue.clone(),
        categories: categories.join(","),
        submitter,
        route: route.name.clone(),
        request,
        doc_type: report.doc_type.clone(),
        findings_json: reply::findings_json(&report.verdict.findings).to_string(),
        engine_version: engine_version.to_string(),
        held_by: app.replica.clone(),
    };
    match app.store.insert_hold(&hold).await {
        Ok(()) => {
            app.state_changed(StateChange {
                id: id.clone(),
                from: None,
                to: HoldStatus::Held,
                queue: Some(queue.clone()),
                actor: "gateway".into(),
                at: now_ms(),
            });
            count(
                app,
                route,
                "hold",
                reply::held(answer_as, &id, &queue, &report.verdict.findings),
            )
        }
        Err(e) => {
            tracing::error!(error = %e, "could not store a hold; refusing the request");
            let mut response = reply::error(
                StatusCode::SERVICE_UNAVAILABLE,
                "store_unavailable",
                "公告需要人工复核，但复核队列暂时不可用，未发布。请稍后重新提交。",
                "the review queue is unavailable; the request was not forwarded",
            );
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("30"));
            count(app, route, "refused", response)
        }
    }
}

/// Forwards bytes the engine has passed (or the re-checked redaction).
async fn forward_scanned(
    app: &GatewayState,
    upstream: &Upstream,
    mut parts: http::request::Parts,
    body: Bytes,
    client: SocketAddr,
    route: &Matched,
    verdict: &'static str,
) -> Response<ProxyBody> {
    strip_hop_by_hop(&mut parts.headers);
    parts
        .headers
        .insert("x-pubgate-verdict", HeaderValue::from_static(verdict));
    let target = path_and_query(&parts.uri);
    let sent = upstream
        .send(
            parts.method,
            &target,
            parts.headers,
            full(body),
            Some(client),
        )
        .await;
    let mut response = relay(app, sent);
    reply::verdict_header(&mut response, verdict);
    count(app, route, verdict, response)
}

fn count(
    app: &GatewayState,
    route: &Matched,
    verdict: &str,
    response: Response<ProxyBody>,
) -> Response<ProxyBody> {
    app.metrics
        .requests
        .with_label_values(&[route.name.as_str(), verdict])
        .inc();
    response
}

pub(super) fn record_findings(app: &GatewayState, findings: &[Finding]) {
    for f in findings {
        app.metrics
            .findings
            .with_label_values(&[f.rule.as_str(), f.category.as_str()])
            .inc();
    }
}

fn rule_list(findings: &[Finding]) -> String {
    let mut rules: Vec<&str> = findings.iter().map(|f| f.rule.as_str()).collect();
    rules.sort_unstable();
    rules.dedup();
    rules.join(",")
}

fn body_error(e: BodyError) -> Response<ProxyBody> {
    let (status, code, zh) = match &e {
        BodyError::TooLarge { .. } => (
            StatusCode::PAYLOAD_TOO_LARGE,
            "body_too_large",
            "提交内容超过检查上限，未发布。请压缩附件或分开提交。",
        ),
        BodyError::Timeout(_) => (
            StatusCode::REQUEST_TIMEOUT,
            "body_timeout",
            "提交内容接收超时，未发布。",
        ),
        BodyError::Broken => (
            StatusCode::BAD_REQUEST,
            "body_unreadable",
            "提交内容不完整，未发布。",
        ),
    };
    reply::error(status, code, zh, &e.to_string())
}

fn decode_error(e: DecodeError) -> Response<ProxyBody> {
    let (status, code, zh) = match &e {
        DecodeError::TooLarge { .. } => (
            StatusCode::PAYLOAD_TOO_LARGE,
            "body_too_large",
            "解压后的提交内容超过检查上限，未发布。",
        ),
        DecodeError::Unsupported(_) => (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_encoding",
            "不支持的压缩格式，未发布。",
        ),
        DecodeError::Corrupt => (
            StatusCode::BAD_REQUEST,
            "bad_encoding",
            "压缩内容损坏或解压后过大，未发布。",
        ),
    };
    reply::error(status, code, zh, &e.to_string())
}

fn split_error(e: SplitError) -> Response<ProxyBody> {
    let (status, code) = match &e {
        SplitError::TooManyParts(_) => (StatusCode::PAYLOAD_TOO_LARGE, "too_many_parts"),
        SplitError::Multipart(_) => (StatusCode::BAD_REQUEST, "bad_multipart"),
    };
    reply::error(
        status,
        code,
        "提交内容格式错误，无法检查，未发布。",
        &e.to_string(),
    )
}

fn header_str(headers: &HeaderMap, name: header::HeaderName) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

pub(super) fn path_and_query(uri: &http::Uri) -> String {
    uri.path_and_query()
        .map(|pq| pq.as_str().to_string())
        .unwrap_or_else(|| "/".into())
}
