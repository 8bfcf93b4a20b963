//! The public side: what readers fetch from configured public routes is
//! scanned before they get it.
//!
//! ```text
//! reader ─▶ egress route (GET/HEAD) ─▶ upstream: GET, whole representation
//!   ─▶ 200 of a scanned type? ── no ─▶ streamed through
//!        │ yes
//!   read (limit) ─▶ decode ─▶ BLAKE3 ─▶ verdict in memory for this
//!   content and policy version? ─▶ else SHA-256 ─▶ the `published` table
//!        │ no: engine ─▶ recorded in `published`
//!   ─▶ served (conditional, ranges) | 451 page, item in the takedown queue
//! ```
//!
//! A request-side gate alone cannot protect a CMS: a draft published by
//! its status, a scheduled post, a page written before pubgate was
//! deployed all go public without a request that carries them. Whatever
//! the platform serves on an egress route passes here.
//!
//! Each version of a document is scanned once: the verdict is kept by a
//! hash of its decoded content and the policy version (BLAKE3 in memory,
//! SHA-256 in the store), so an unchanged page costs a hash. Verdicts live in the `published` table the archive
//! rescan also writes (`pubgate scan --store` warms them for files served
//! unchanged), and its takedown queue is where a withheld page is judged:
//! 无需处理 (`fine`) releases it, 应撤下 (`take_down`) keeps it withheld.
//! A replica re-reads a verdict from the store after `egress_recheck_secs`,
//! so a reviewer's decision reaches every replica without a rescan.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Method, Request, Response, StatusCode, header};
use hyper::body::Incoming;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::engine::Expect;
use crate::gateway::conditional::{self, Representation};
use crate::gateway::proxy;
use crate::gateway::routes::InspectRoute;
use crate::gateway::routes::Routes;
use crate::gateway::state::GatewayState;
use crate::gateway::verdicts::Verdicts;
use crate::intake;
use crate::model::{Action, Category, Finding};
use crate::store::{ContentVerdict, PublishedContent, PublishedScan, TakedownStatus};
use crate::upstream::{ProxyBody, Upstream, full, strip_hop_by_hop};

/// One public route: `[[egress]]` in the serve configuration.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EgressRoute {
    /// A name for metrics and the takedown queue (`egress:NAME`).
    pub name: String,
    /// Path patterns, as for inspected routes (`/wp-content/uploads/**`,
    /// `/20*/**`, `/`).
    pub path: Vec<String>,
    /// Query parameters the request must carry (`{ p = "*" }` for
    /// WordPress's `/?p=42`).
    #[serde(default)]
    pub query: BTreeMap<String, String>,
    /// Paths under `path` that are not public (`/wp-admin/**`): an
    /// editor's screens show drafts, which are not public and must not be
    /// withheld from the editor.
    #[serde(default)]
    pub except: Vec<String>,
    /// Response types scanned (`text/html`, `application/pdf`, a prefix
    /// such as `image/`); empty = every type. A type the engine cannot
    /// read is withheld as unread, so list the types a route serves when
    /// it also serves, say, its theme's images.
    #[serde(default)]
    pub content_types: Vec<String>,
    /// What withholds a page: `leaks` (default: classified marks,
    /// personal data, procurement secrets, and what could not be read) or
    /// `all` (the announcement checks too: missing fields, consistency).
    #[serde(default)]
    pub checks: Checks,
}

/// Which findings withhold a public page.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Checks {
    /// What must never be public. A published page carries the site's
    /// navigation and theme around the notice; whether the notice is
    /// complete was the publish-side gate's question.
    #[default]
    Leaks,
    /// Every finding the policy acts on.
    All,
}

/// The public routes, compiled, with the verdicts already known.
pub struct Egress {
    routes: Vec<EgressRoute>,
    table: Routes,
    /// Which route each compiled pattern belongs to.
    owner: Vec<usize>,
    /// Each route's `except` patterns.
    except: Vec<Routes>,
    verdicts: Verdicts,
    page: Bytes,
}

/// What a reader gets instead of a withheld page, unless the operator
/// configures `egress_page`.
const DEFAULT_PAGE: &str = "<!doctype html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
<title>页面审核中</title></head><body>\n<h1>该页面暂不可访问</h1>\n\
<p>本页面的内容正在进行发布前的安全审核，审核通过后将恢复访问。</p>\n\
<p>如有疑问，请与本网站管理员联系。</p>\n</body></html>\n";

impl Egress {
    /// Compiles the routes and reads the withheld page (`page`, else the
    /// built-in one).
    pub fn new(
        routes: &[EgressRoute],
        page: Option<&std::path::Path>,
        recheck: Duration,
    ) -> Result<Egress, String> {
        let page = match page {
            Some(path) => std::fs::read(path)
                .map_err(|e| format!("cannot read egress_page {}: {e}", path.display()))?
                .into(),
            None => Bytes::from_static(DEFAULT_PAGE.as_bytes()),
        };
        let pattern = |route: &EgressRoute, path: &String, query| {
            if path.starts_with('/') {
                Ok(InspectRoute {
                    name: Some(route.name.clone()),
                    method: "GET".into(),
                    path: path.clone(),
                    query,
                    monitor: false,
                    announcement: false,
                })
            } else {
                Err(format!(
                    "egress `{}`: path `{path}` must start with `/`",
                    route.name
                ))
            }
        };
        let mut patterns = Vec::new();
        let mut owner = Vec::new();
        let mut except = Vec::new();
        for (i, route) in routes.iter().enumerate() {
            for path in &route.path {
                patterns.push(pattern(route, path, route.query.clone())?);
                owner.push(i);
            }
            let excepted = route
                .except
                .iter()
                .map(|path| pattern(route, path, BTreeMap::new()))
                .collect::<Result<Vec<_>, _>>()?;
            except.push(Routes::new(&excepted));
        }
        Ok(Egress {
            routes: routes.to_vec(),
            table: Routes::new(&patterns),
            owner,
            except,
            verdicts: Verdicts::new(recheck),
            page,
        })
    }

    /// The public route a reader's request is on, if any: `GET` and
    /// `HEAD` without a body (anything else is a write, for the inspect
    /// side).
    pub fn route_of(&self, method: &Method, path: &str, query: Option<&str>) -> Option<usize> {
        if self.routes.is_empty() || !matches!(*method, Method::GET | Method::HEAD) {
            return None;
        }
        let route = self.owner[self.table.position(&Method::GET, path, query, false)?];
        let excepted = !self.routes[route].except.is_empty()
            && self.except[route]
                .position(&Method::GET, path, query, false)
                .is_some();
        (!excepted).then_some(route)
    }
}

/// Where a verdict came from (a metric label).
#[derive(Clone, Copy)]
enum Source {
    Memory,
    Store,
    Scan,
}

impl Source {
    fn as_str(self) -> &'static str {
        match self {
            Source::Memory => "memory",
            Source::Store => "store",
            Source::Scan => "scan",
        }
    }
}

/// Serves a reader's request on public route `index`.
pub async fn serve(
    app: &Arc<GatewayState>,
    upstream: &Upstream,
    request: Request<Incoming>,
    client: SocketAddr,
    index: usize,
) -> Response<ProxyBody> {
    let route = &app.egress.routes[index];
    let (parts, _) = request.into_parts();
    let mut headers = parts.headers.clone();
    strip_hop_by_hop(&mut headers);
    proxy::strip_own_headers(&mut headers);
    // The whole representation, every time: what the reader asked for is
    // answered below, from bytes that were scanned.
    for name in [
        header::RANGE,
        header::IF_RANGE,
        header::IF_NONE_MATCH,
        header::IF_MODIFIED_SINCE,
        header::IF_MATCH,
        header::IF_UNMODIFIED_SINCE,
    ] {
        headers.remove(name);
    }
    let target = proxy::path_and_query(&parts.uri);
    let sent = upstream
        .send(
            Method::GET,
            &target,
            headers,
            full(Bytes::new()),
            Some(client),
        )
        .await;
    let response = match sent {
        Ok((response, took)) => {
            app.metrics.upstream_forward.observe(took.as_secs_f64());
            response
        }
        Err(e) => return proxy::relay(app, Err(e)),
    };
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    // Only a 200 is the page itself; redirects, errors and other statuses
    // are the platform's own answers and stream through.
    if response.status() != StatusCode::OK || !scans(route, content_type.as_deref()) {
        count(app, route, "not_inspected", None);
        let response = proxy::relay(app, Ok((response, Duration::ZERO)));
        return without_body_for_head(&parts.method, response);
    }
    let (mut head, body) = response.into_parts();
    strip_hop_by_hop(&mut head.headers);
    let limits = &app.settings.intake;
    let raw = match proxy::read_body(app, body).await {
        Ok(raw) => raw,
        Err(e) => return unread(app, route, &parts.method, &e.to_string()),
    };
    let encoding = head
        .headers
        .get(header::CONTENT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let decoded = match intake::decode::decode(
        encoding.as_deref(),
        raw.clone(),
        limits.max_body_bytes,
        limits.max_decode_ratio,
    ) {
        Ok(decoded) => decoded,
        Err(e) => return unread(app, route, &parts.method, &e.to_string()),
    };
    let verdict = judge(app, route, &target, content_type.as_deref(), decoded).await;
    match verdict {
        Ok((false, source)) => {
            count(app, route, "served", Some(source));
            let rep = Representation {
                status: head.status,
                headers: head.headers,
                body: raw,
            };
            conditional::answer(&parts.method, &parts.headers, rep)
        }
        Ok((true, source)) => {
            count(app, route, "withheld", Some(source));
            withheld(app, &parts.method)
        }
        Err(why) => unread(app, route, &parts.method, &why),
    }
}

/// The verdict on a page's decoded content: from memory, else (after
/// the turn of any reader judging the same version right now) from the
/// store or a scan, remembered.
async fn judge(
    app: &Arc<GatewayState>,
    route: &EgressRoute,
    target: &str,
    content_type: Option<&str>,
    decoded: Bytes,
) -> Result<(bool, Source), String> {
    // Memory knows a version by its BLAKE3 hash: a page served again costs
    // this hash only (a third of SHA-256's time on this machine, and as
    // collision-resistant: no crafted page takes a clean page's verdict).
    // The store keeps SHA-256, the key the archive rescan writes too.
    let fingerprint: [u8; 32] = blake3::hash(&decoded).into();
    let version = verdict_version(route, app.engine().version());
    let verdicts = &app.egress.verdicts;
    if let Some(withheld) = verdicts.fresh(&fingerprint, &version) {
        return Ok((withheld, Source::Memory));
    }
    // Readers asking for a new version at once wait for the first one's
    // verdict instead of each scanning it.
    let _turn = verdicts.turn(fingerprint).await;
    if let Some(withheld) = verdicts.fresh(&fingerprint, &version) {
        return Ok((withheld, Source::Memory));
    }
    let sha: [u8; 32] = Sha256::digest(&decoded).into();
    let verdict = known_or_scan(app, route, target, content_type, decoded, &sha, &version).await;
    if let Ok((withheld, _)) = verdict {
        verdicts.remember(fingerprint, &version, withheld);
    }
    verdict
}

/// Whether the route scans a response of this type.
fn scans(route: &EgressRoute, content_type: Option<&str>) -> bool {
    if route.content_types.is_empty() {
        return true;
    }
    let mime = content_type
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    route.content_types.iter().any(|t| {
        let t = t.to_ascii_lowercase();
        if t.ends_with('/') {
            mime.starts_with(&t)
        } else {
            mime == t
        }
    })
}

/// The verdict the store holds for this content and policy version, else
/// a scan's, recorded. `Err` when the content could not be scanned.
async fn known_or_scan(
    app: &Arc<GatewayState>,
    route: &EgressRoute,
    target: &str,
    content_type: Option<&str>,
    decoded: Bytes,
    hash: &[u8; 32],
    version: &str,
) -> Result<(bool, Source), String> {
    let sha = hex::encode(hash);
    let versions = looked_up(route, version);
    match app.store.content_verdicts(&sha, &versions).await {
        Ok(known) if !known.is_empty() => {
            return Ok((withholds(route, version, &known), Source::Store));
        }
        Ok(_) => {}
        // The store is down: the content is still scanned; its verdict is
        // not recorded (and a withheld page is withheld all the same).
        Err(e) => tracing::warn!(error = %e, "egress: verdict lookup failed"),
    }
    let uploads = intake::public_page(
        &route.name,
        target,
        content_type,
        decoded.clone(),
        &app.settings.intake,
    )
    .await
    .map_err(|e| e.to_string())?;
    let expect = match route.checks {
        Checks::All => Expect::Announcement,
        Checks::Leaks => Expect::AnyContent,
    };
    let report = proxy::scan(app, uploads, expect)
        .await
        .ok_or("检查未能在时限内完成 / the scan did not finish in time")?;
    let findings: Vec<&Finding> = report
        .verdict
        .findings
        .iter()
        .filter(|f| f.action != Action::Pass)
        .filter(|f| {
            route.checks == Checks::All
                || !matches!(f.category, Category::MissingField | Category::Consistency)
        })
        .collect();
    let withheld = !findings.is_empty();
    proxy::record_findings(app, &report.verdict.findings);
    let mut categories: Vec<&str> = findings.iter().map(|f| f.category.as_str()).collect();
    categories.sort_unstable();
    categories.dedup();
    let mut fingerprints: Vec<&str> = findings.iter().map(|f| f.fingerprint.as_str()).collect();
    fingerprints.sort_unstable();
    fingerprints.dedup();
    let scan = PublishedScan {
        doc_key: format!("url:{target}"),
        source: format!("egress:{}", route.name),
        content_sha256: sha.clone(),
        engine_version: version.to_string(),
        action: if withheld { "hold" } else { "pass" }.to_string(),
        categories: categories.join(","),
        fingerprints: fingerprints.join(","),
        // Findings carry masked excerpts only (see `model::masked`).
        findings_json: serde_json::to_string(&findings).unwrap_or_else(|_| "[]".into()),
        doc_type: report.doc_type.clone(),
        // What was withheld is kept for the reviewer (sealed when the store
        // has a keyring); a clean page is not stored.
        content: withheld.then(|| PublishedContent {
            content_type: content_type.map(str::to_string),
            bytes: decoded.to_vec(),
        }),
    };
    tracing::info!(
        route = %route.name,
        withheld,
        findings = findings.len(),
        "egress: scanned a new version"
    );
    if let Err(e) = app.store.record_published(&[scan]).await {
        tracing::warn!(error = %e, "egress: verdict not recorded");
        return Ok((withheld, Source::Scan));
    }
    // A reviewer's earlier decision on this page carries over to a new
    // version with the same findings (a changed date in the footer).
    match app.store.content_verdicts(&sha, &versions).await {
        Ok(known) if !known.is_empty() => Ok((withholds(route, version, &known), Source::Scan)),
        _ => Ok((withheld, Source::Scan)),
    }
}

/// The version a route's verdicts are kept under. A `leaks` route ignores
/// missing fields, so its "clean" is not an `all` route's: its verdicts
/// carry their own tag, and an `all` route never reads them.
fn verdict_version(route: &EgressRoute, policy: &str) -> String {
    match route.checks {
        Checks::All => policy.to_string(),
        Checks::Leaks => format!("{policy}~leaks"),
    }
}

/// The versions whose records decide for a route: its own, and for a
/// `leaks` route the full policy's too (what `pubgate scan --store` and
/// `all` routes record), read for leaks only.
fn looked_up<'v>(route: &EgressRoute, version: &'v str) -> Vec<&'v str> {
    match version.strip_suffix("~leaks") {
        Some(policy) if route.checks == Checks::Leaks => vec![version, policy],
        _ => vec![version],
    }
}

/// Content is withheld while any record of it waits for a reviewer or was
/// judged to come down. On a `leaks` route a full-policy record that
/// waits for a reviewer only over missing fields or figures does not
/// withhold (the route does not check them); a decision to take it down
/// does.
fn withholds(route: &EgressRoute, version: &str, known: &[ContentVerdict]) -> bool {
    known.iter().any(|k| match k.status {
        TakedownStatus::TakeDown => true,
        TakedownStatus::Candidate => {
            route.checks == Checks::All
                || k.engine_version == version
                || k.categories.iter().any(|c| {
                    c != Category::MissingField.as_str() && c != Category::Consistency.as_str()
                })
        }
        TakedownStatus::Clean | TakedownStatus::Fine => false,
    })
}

/// Content that could not be read is not served: unread is never clean.
fn unread(
    app: &GatewayState,
    route: &EgressRoute,
    method: &Method,
    why: &str,
) -> Response<ProxyBody> {
    tracing::warn!(route = %route.name, why, "egress: response not read; withheld");
    count(app, route, "unread", None);
    withheld(app, method)
}

/// HTTP 451 with the withheld page; never cached.
fn withheld(app: &GatewayState, method: &Method) -> Response<ProxyBody> {
    let page = app.egress.page.clone();
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::HeaderName::from_static("x-pubgate-verdict"),
        HeaderValue::from_static("withheld"),
    );
    conditional::respond(
        StatusCode::UNAVAILABLE_FOR_LEGAL_REASONS,
        headers,
        page,
        method,
    )
}

/// A `HEAD` was sent upstream as `GET`: its answer keeps the headers only.
fn without_body_for_head(method: &Method, response: Response<ProxyBody>) -> Response<ProxyBody> {
    if *method != Method::HEAD {
        return response;
    }
    let (parts, _) = response.into_parts();
    Response::from_parts(parts, full(Bytes::new()))
}

fn count(app: &GatewayState, route: &EgressRoute, outcome: &str, source: Option<Source>) {
    app.metrics
        .egress
        .with_label_values(&[
            route.name.as_str(),
            outcome,
            source.map_or("none", Source::as_str),
        ])
        .inc();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn route(types: &[&str]) -> EgressRoute {
        EgressRoute {
            name: "site".into(),
            path: vec!["/**".into()],
            query: BTreeMap::new(),
            except: Vec::new(),
            content_types: types.iter().map(|t| t.to_string()).collect(),
            checks: Checks::Leaks,
        }
    }

    #[test]
    fn content_types_match_exactly_or_by_prefix() {
        assert!(scans(&route(&[]), Some("image/png")));
        let r = route(&["text/html", "application/"]);
        assert!(scans(&r, Some("text/html; charset=utf-8")));
        assert!(scans(&r, Some("application/pdf")));
        assert!(!scans(&r, Some("image/png")));
        assert!(!scans(&r, None));
    }

    #[test]
    fn only_get_and_head_on_a_listed_path_are_public_reads() {
        let egress = Egress::new(
            &[EgressRoute {
                path: vec!["/news/**".into(), "/".into()],
                except: vec!["/news/drafts/**".into()],
                ..route(&[])
            }],
            None,
            Duration::from_secs(10),
        )
        .unwrap();
        assert_eq!(
            egress.route_of(&Method::GET, "/news/2026/1.html", None),
            Some(0)
        );
        assert_eq!(egress.route_of(&Method::HEAD, "/", Some("p=1")), Some(0));
        assert_eq!(egress.route_of(&Method::POST, "/news/1.html", None), None);
        assert_eq!(egress.route_of(&Method::GET, "/wp-admin/", None), None);
        assert_eq!(
            egress.route_of(&Method::GET, "/news/drafts/1.html", None),
            None
        );
    }
}
