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
use http::{HeaderMap, HeaderValue, Request, Response, header};
use hyper::body::Incoming;

use crate::engine::{Expect, Report};
use crate::gateway::body::{self, BodyError};
use crate::gateway::decisions::DecisionRecord;
use crate::gateway::error::GatewayError;
use crate::gateway::publish::{PublishRule, RequestView};
use crate::gateway::reply;
use crate::gateway::routes::Matched;
use crate::gateway::state::GatewayState;
use crate::intake::{self, Upload};
use crate::model::{Action, Finding};
use crate::redact;
use crate::review::auth::new_id;
use crate::review::webhook::StateChange;
use crate::store::{HoldAbout, HoldStatus, NewHold, StoredRequest, now_ms};
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
    // The gateway's own paths (a submitter's status page): never forwarded.
    if crate::gateway::status::reserved(&app.settings.status_prefix, path) {
        return crate::gateway::status::serve(&app, request).await;
    }
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

/// Counts and logs a failed request to the platform: the operator sees
/// the cause at WARN, not only the client's 502.
pub(super) fn upstream_failed(metrics: &crate::metrics::Metrics, e: &UpstreamError, during: &str) {
    metrics.upstream_errors.with_label_values(&[e.kind()]).inc();
    tracing::warn!(kind = e.kind(), "{during}: {e}");
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
        Err(e) => {
            upstream_failed(&app.metrics, &e, "forwarding");
            GatewayError::Upstream(e).response()
        }
    }
}

/// A publish request, in four phases: admit (read the body whole, within
/// the limits), read (what the request makes public, with the stored
/// content a publish transition releases), judge (the engine), act (pass,
/// block, hold or redact). A failure in any phase refuses the request.
async fn inspect(
    app: &Arc<GatewayState>,
    upstream: &Upstream,
    request: Request<Incoming>,
    client: SocketAddr,
    route: Matched,
    publish: Publish<'_>,
) -> Response<ProxyBody> {
    let admitted = match admit(app, request).await {
        Ok(admitted) => admitted,
        Err(e) => return refuse(app, &route, e),
    };
    let content = match read(app, upstream, &admitted, publish).await {
        Ok(Content::Scan(content)) => content,
        Ok(Content::NothingToScan(verdict)) => {
            return forward_scanned(app, upstream, admitted, None, client, &route, verdict).await;
        }
        Err(e) => return refuse(app, &route, e),
    };
    let expect = if route.announcement {
        Expect::Announcement
    } else {
        Expect::AnyContent
    };
    let report = judge(app, &content, expect).await;
    let monitor = app.settings.monitor || route.monitor;
    log_decision(app, &route, &admitted.parts, &report, monitor);
    if monitor {
        return forward_scanned(app, upstream, admitted, None, client, &route, "monitor").await;
    }
    act(
        app, upstream, admitted, client, &route, &report, &content, expect,
    )
    .await
}

/// A publish request read whole, its hop-by-hop and `X-Pubgate-*` headers
/// removed.
struct Admitted {
    parts: http::request::Parts,
    raw: Bytes,
    head: intake::Head,
    content_type: Option<String>,
    /// `Content-Encoding`: a body sent encoded cannot be rewritten.
    encoding: Option<String>,
    /// How the submitter's client wants a refusal (JSON, HTML, form…).
    answer_as: reply::Client,
}

impl Admitted {
    /// What a hold stores and approval replays.
    fn to_hold(&self) -> StoredRequest {
        StoredRequest {
            method: self.parts.method.to_string(),
            uri: path_and_query(&self.parts.uri),
            headers: self
                .parts
                .headers
                .iter()
                .map(|(n, v)| (n.as_str().to_string(), v.as_bytes().to_vec()))
                .collect(),
            body: self.raw.to_vec(),
        }
    }
}

/// Phase 1: the body, whole, within the size and time limits (a declared
/// length over the limit is refused before reading).
async fn admit(app: &GatewayState, request: Request<Incoming>) -> Result<Admitted, GatewayError> {
    let limit = app.settings.intake.max_body_bytes;
    let (mut parts, body) = request.into_parts();
    let declared = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(BodyError::TooLarge { limit }.into());
    }
    let raw = read_body(app, body).await?;
    strip_hop_by_hop(&mut parts.headers);
    strip_own_headers(&mut parts.headers);
    let content_type = header_str(&parts.headers, header::CONTENT_TYPE);
    let answer_as = reply::Client::of(
        content_type.as_deref(),
        header_str(&parts.headers, header::ACCEPT).as_deref(),
        &raw,
    );
    Ok(Admitted {
        head: intake_head(&parts),
        encoding: header_str(&parts.headers, header::CONTENT_ENCODING),
        content_type,
        answer_as,
        parts,
        raw,
    })
}

/// What phase 2 found.
enum Content<'r> {
    /// Something to scan.
    Scan(ToScan<'r>),
    /// Nothing that publishes: forwarded with this verdict header.
    NothingToScan(&'static str),
}

/// What a request makes public.
struct ToScan<'r> {
    /// The request's own parts (body, query, path, headers) and the stored
    /// content a transition releases.
    uploads: Vec<Upload>,
    /// Stored content that could not be read (the request is held).
    stored_unread: Option<String>,
    /// The transition rule, when the request publishes stored content.
    publishing: Option<&'r PublishRule>,
}

/// Phase 2: intake reads the request; a publish transition also reads,
/// from the platform, the stored content it makes public.
async fn read<'r>(
    app: &GatewayState,
    upstream: &Upstream,
    admitted: &Admitted,
    publish: Publish<'r>,
) -> Result<Content<'r>, GatewayError> {
    let read = intake::read(&admitted.head, admitted.raw.clone(), &app.settings.intake).await?;
    app.metrics.inspected_bytes.inc_by(read.body_bytes as u64);
    let mut uploads = read.uploads;
    let view = RequestView {
        path: admitted.parts.uri.path(),
        query: admitted.parts.uri.query(),
        content_type: admitted.content_type.as_deref(),
        body: admitted.encoding.is_none().then_some(&admitted.raw[..]),
    };
    let publishing = match publish {
        Publish::Route => None,
        Publish::Transition { rule, .. } if rule.publishes(&view) => Some(rule),
        Publish::Transition {
            inspected_route: true,
            ..
        } => None,
        Publish::Transition { .. } => return Ok(Content::NothingToScan("not-publish")),
    };
    let mut stored_unread = None;
    if let Some(rule) = publishing {
        match fetch_stored(app, upstream, rule, admitted).await {
            Ok(stored) => uploads.extend(stored),
            Err(why) => stored_unread = Some(why),
        }
    }
    // A request with nothing in it — no body, query, path value or
    // content header — carries no content to leak.
    if uploads.is_empty() && stored_unread.is_none() {
        return Ok(Content::NothingToScan("pass"));
    }
    Ok(Content::Scan(ToScan {
        uploads,
        stored_unread,
        publishing,
    }))
}

/// Phase 3: the engine's report. What was not read, or a scan that did not
/// finish, is a report that holds.
async fn judge(app: &Arc<GatewayState>, content: &ToScan<'_>, expect: Expect) -> Report {
    let report = match &content.stored_unread {
        Some(why) => unread_report(app, "待发布的已存内容", why),
        None => match scan(app, content.uploads.clone(), expect).await {
            Some(r) => r,
            None => unscannable_report(app),
        },
    };
    record_findings(app, &report.verdict.findings);
    report
}

/// Holds are in the queue and passes are counted in metrics; the decision
/// log keeps what would otherwise leave no trace: every decision in
/// monitor mode, and blocks and redactions when enforcing.
fn log_decision(
    app: &GatewayState,
    route: &Matched,
    parts: &http::request::Parts,
    report: &Report,
    monitor: bool,
) {
    if monitor || matches!(report.verdict.action, Action::Block | Action::Redact) {
        app.record(DecisionRecord {
            route: route.name.clone(),
            method: parts.method.to_string(),
            path: parts.uri.path().to_string(),
            verdict: report.verdict.action.as_str().to_string(),
            enforced: !monitor,
            doc_type: report.doc_type.clone(),
            findings_json: reply::findings_json(&report.verdict.findings).to_string(),
            engine_version: app.engine().version().to_string(),
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
}

/// Phase 4: the verdict carried out.
#[allow(clippy::too_many_arguments)]
async fn act(
    app: &Arc<GatewayState>,
    upstream: &Upstream,
    admitted: Admitted,
    client: SocketAddr,
    route: &Matched,
    report: &Report,
    content: &ToScan<'_>,
    expect: Expect,
) -> Response<ProxyBody> {
    let action = match report.verdict.action {
        // A publish transition's stored content is not in the request: it
        // cannot be masked on its way through, so a person decides.
        Action::Redact if content.publishing.is_some() => Action::Hold,
        action => action,
    };
    match action {
        Action::Pass => forward_scanned(app, upstream, admitted, None, client, route, "pass").await,
        Action::Block => count(
            app,
            route,
            "block",
            reply::blocked(admitted.answer_as, &report.verdict.findings),
        ),
        Action::Hold => hold(app, &admitted, route, report).await,
        Action::Redact => match redacted(app, &admitted, report, expect).await {
            Some(body) => {
                forward_scanned(app, upstream, admitted, Some(body), client, route, "redact").await
            }
            None => hold(app, &admitted, route, report).await,
        },
    }
}

/// The body with every flagged value masked, if it can be rewritten and
/// the rewrite scans clean; `None` holds the request instead.
async fn redacted(
    app: &Arc<GatewayState>,
    admitted: &Admitted,
    report: &Report,
    expect: Expect,
) -> Option<Bytes> {
    if admitted.encoding.is_some() {
        return None;
    }
    let body = redact::redact(
        admitted.content_type.as_deref(),
        &admitted.raw,
        &report.verdict.findings,
        &report.pieces,
    )?;
    recheck(app, &admitted.head, &body, expect)
        .await
        .then(|| Bytes::from(body))
}

/// A refused request, counted.
fn refuse(app: &GatewayState, route: &Matched, e: GatewayError) -> Response<ProxyBody> {
    tracing::debug!(route = %route.name, side = e.side(), error = %e, "refused");
    count(app, route, "refused", e.response())
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
    admitted: &Admitted,
) -> Result<Vec<Upload>, String> {
    let parts = &admitted.parts;
    let view = RequestView {
        path: parts.uri.path(),
        query: parts.uri.query(),
        content_type: admitted.content_type.as_deref(),
        body: Some(&admitted.raw[..]),
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
            .map_err(|e| {
                upstream_failed(&app.metrics, &e, "fetching stored content");
                format!("{target}: {e}")
            })?;
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
    admitted: &Admitted,
    route: &Matched,
    report: &Report,
) -> Response<ProxyBody> {
    let request = admitted.to_hold();
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
    let token = crate::review::auth::new_token();
    let about = about(app, report, &token).await;
    let hold = NewHold {
        id: id.clone(),
        queue: queue.clone(),
        categories: categories.join(","),
        submitter,
        route: route.name.clone(),
        request,
        doc_type: report.doc_type.clone(),
        findings_json: reply::findings_json(&report.verdict.findings).to_string(),
        engine_version: app.engine().version().to_string(),
        held_by: app.replica.clone(),
        about,
    };
    match app.store.insert_hold(&hold).await {
        Ok(()) => {
            let findings = reply::findings_json(&report.verdict.findings);
            app.state_changed(StateChange {
                id: id.clone(),
                from: None,
                to: HoldStatus::Held,
                queue: Some(queue.clone()),
                actor: "gateway".into(),
                at: now_ms(),
                reason: None,
                findings: Some(findings),
            });
            let status_url = crate::gateway::status::url(&app.settings.status_prefix, &id, &token);
            count(
                app,
                route,
                "hold",
                reply::held(
                    admitted.answer_as,
                    &id,
                    &queue,
                    &report.verdict.findings,
                    &status_url,
                ),
            )
        }
        Err(e) => {
            tracing::error!(error = %e, "could not store a hold; refusing the request");
            refuse(app, route, e.into())
        }
    }
}

/// What the queue shows about a held notice (its title and project, read
/// on the blocking pool) and the hash of its submitter's status token.
async fn about(app: &GatewayState, report: &Report, token: &str) -> HoldAbout {
    let engine = app.engine();
    let pieces = report.pieces.clone();
    let summary = tokio::task::spawn_blocking(move || engine.summarize(&pieces))
        .await
        .unwrap_or_default();
    HoldAbout {
        title: summary.title,
        project_name: summary.project_name,
        project_code: summary.project_code,
        finding_count: report.verdict.findings.len() as i64,
        status_token_sha256: Some(hex::encode(crate::review::auth::hash_token(token))),
    }
}

/// Forwards the bytes the engine has passed, or (`rewritten`) the
/// re-checked redaction.
async fn forward_scanned(
    app: &GatewayState,
    upstream: &Upstream,
    admitted: Admitted,
    rewritten: Option<Bytes>,
    client: SocketAddr,
    route: &Matched,
    verdict: &'static str,
) -> Response<ProxyBody> {
    let mut parts = admitted.parts;
    let body = match rewritten {
        Some(body) => {
            parts.headers.remove(header::CONTENT_LENGTH);
            body
        }
        None => admitted.raw,
    };
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
