//! `pubgate serve` settings: one TOML file, with CLI flags on top.
//!
//! Every setting has a default that is safe for a first run: with no file
//! at all the gateway inspects every POST, PUT and PATCH, keeps its queue
//! in `./data/pubgate.db` and uses the shipped policies and dictionaries.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use crate::model::{FileError, FileErrors};

/// The whole serve configuration.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServeConfig {
    /// Public proxy address.
    pub listen: SocketAddr,
    /// Administration address (review API, UI, metrics, probes).
    pub admin_listen: SocketAddr,
    /// The publishing platform, e.g. `http://10.0.0.5:8000`. Required
    /// unless `demo` is on.
    pub upstream: Option<String>,
    /// Without an upstream, start the demo publishing site (`pubgate serve`
    /// with no config file does).
    pub demo: bool,
    /// Where the demo publishing site listens when there is no upstream.
    pub demo_listen: SocketAddr,
    /// `sqlite://PATH` or `postgres://…`.
    pub store: String,
    /// Dictionary folder; None = the shipped set.
    pub dictionaries: Option<PathBuf>,
    /// Policy file; None = the shipped default.
    pub policy: Option<PathBuf>,
    /// Scan and record, but forward everything (rollout).
    pub monitor: bool,
    /// What to do with the `Host` header: keep the client's, or send the
    /// upstream's own.
    pub host: HostHeader,
    /// Header that names the submitter (set by the platform's own login).
    pub submitter_header: String,
    /// The gateway's own paths on the proxy port, never forwarded: a held
    /// notice's `status_url` is under it. Pick one the platform does not
    /// use.
    pub status_prefix: String,
    /// The upstream dedupes on `Idempotency-Key`, so an item whose delivery
    /// was interrupted may be resent instead of checked by a person.
    pub upstream_idempotent: bool,
    /// Told of every state change of a held item (JSON POST).
    pub webhook: Option<String>,
    /// Send session cookies with `Secure` (set when the admin port is
    /// served over TLS by a front proxy).
    pub cookie_secure: bool,
    /// Which requests are publish requests; empty = every POST/PUT/PATCH.
    pub inspect: Vec<crate::gateway::routes::InspectRoute>,
    /// Requests that publish stored content without carrying it (a
    /// draft's status change): the content is fetched and scanned first.
    pub publish: Vec<crate::gateway::publish::PublishRule>,
    /// Public routes whose answers are scanned before readers get them.
    pub egress: Vec<crate::gateway::egress::EgressRoute>,
    /// The page a reader gets (HTTP 451) for a withheld public page;
    /// None = a short built-in Chinese page.
    pub egress_page: Option<PathBuf>,
    /// How long a replica trusts a verdict it remembers before reading it
    /// from the store again (a reviewer's decision takes this long to
    /// reach every replica).
    pub egress_recheck_secs: u64,
    /// Reviewer and admin accounts.
    pub accounts: Vec<crate::review::auth::Account>,
    /// Days a final item (delivered, rejected, failed) keeps its request
    /// body and headers before they are purged; 0 keeps them forever.
    pub retention_days: u32,
    /// Proxy threads (each with its own event loop); 0 = one per core.
    pub proxy_threads: usize,
    /// Size and time limits.
    pub limits: ServeLimits,
    /// Delivery of approved items.
    pub delivery: crate::review::delivery::DeliverySettings,
    /// Keys kept outside the database: encryption at rest, audit signing.
    pub secrets: crate::store::KeySources,
    /// Running as one of several replicas on a shared store.
    pub cluster: Cluster,
}

/// Several replicas on one PostgreSQL database.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Cluster {
    /// This replica's name; default `PUBGATE_REPLICA`, else `host/pid`.
    pub replica: Option<String>,
    /// How often a replica records its heartbeat and looks for a reload
    /// asked of another replica.
    pub heartbeat_ms: u64,
}

impl Default for Cluster {
    fn default() -> Cluster {
        Cluster {
            replica: None,
            heartbeat_ms: 2000,
        }
    }
}

/// How `Host` reaches the upstream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HostHeader {
    /// Forward the client's `Host` unchanged.
    Keep,
    /// Use the upstream URL's authority.
    Upstream,
}

/// Size and time limits (the `[limits]` table); `serve` hands each component
/// its share (intake limits, the gateway's timeouts, the admin rate).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServeLimits {
    /// Largest inspected body (after decoding); more is answered 413.
    pub max_body_bytes: usize,
    /// Largest ratio of decoded to encoded size for gzip/deflate/br.
    pub max_decode_ratio: usize,
    /// Most multipart parts in one request.
    pub max_parts: usize,
    /// Time to receive the request headers.
    pub header_read_timeout_secs: u64,
    /// Time to receive an inspected body.
    pub body_read_timeout_secs: u64,
    /// Time to connect to the upstream.
    pub connect_timeout_secs: u64,
    /// Time for the upstream to answer.
    pub upstream_timeout_secs: u64,
    /// Time for one scan.
    pub scan_timeout_secs: u64,
    /// Open client connections at most (split evenly across proxy threads).
    pub max_connections: usize,
    /// Inspected requests being scanned at once; more wait.
    pub max_concurrent_scans: usize,
    /// Grace period for in-flight requests at shutdown.
    pub shutdown_grace_secs: u64,
    /// Admin listener: requests per second per client address (0 = off).
    pub admin_rate_per_sec: u32,
    /// Admin listener: requests a client may send at once.
    pub admin_rate_burst: u32,
}

impl Default for ServeConfig {
    fn default() -> ServeConfig {
        ServeConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            admin_listen: SocketAddr::from(([127, 0, 0, 1], 9090)),
            upstream: None,
            demo: false,
            demo_listen: SocketAddr::from(([127, 0, 0, 1], 8081)),
            store: "sqlite://data/pubgate.db".into(),
            dictionaries: None,
            policy: None,
            monitor: false,
            host: HostHeader::Keep,
            submitter_header: "X-Submitter".into(),
            status_prefix: "/.pubgate/".into(),
            upstream_idempotent: false,
            webhook: None,
            cookie_secure: false,
            inspect: Vec::new(),
            publish: Vec::new(),
            egress: Vec::new(),
            egress_page: None,
            egress_recheck_secs: 10,
            accounts: Vec::new(),
            retention_days: 30,
            proxy_threads: 0,
            limits: ServeLimits::default(),
            delivery: crate::review::delivery::DeliverySettings::default(),
            secrets: crate::store::KeySources::default(),
            cluster: Cluster::default(),
        }
    }
}

impl Default for ServeLimits {
    fn default() -> ServeLimits {
        ServeLimits {
            max_body_bytes: 50 << 20,
            max_decode_ratio: 100,
            max_parts: 1000,
            header_read_timeout_secs: 10,
            body_read_timeout_secs: 60,
            connect_timeout_secs: 5,
            upstream_timeout_secs: 60,
            scan_timeout_secs: 30,
            max_connections: 4096,
            max_concurrent_scans: 16,
            shutdown_grace_secs: 30,
            admin_rate_per_sec: 50,
            admin_rate_burst: 200,
        }
    }
}

impl ServeLimits {
    /// Seconds as a `Duration`.
    pub fn secs(s: u64) -> Duration {
        Duration::from_secs(s)
    }

    /// The limits intake reads a body under: the same for the gateway, its
    /// re-check of a redacted body, the public side and the review pages.
    pub fn intake(&self) -> crate::intake::IntakeLimits {
        crate::intake::IntakeLimits {
            max_body_bytes: self.max_body_bytes,
            max_decode_ratio: self.max_decode_ratio,
            max_parts: self.max_parts,
        }
    }
}

impl ServeConfig {
    /// Reads a config file; errors name the file and line.
    pub fn load(path: &Path) -> Result<ServeConfig, FileErrors> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path)
            .map_err(|e| FileErrors(vec![FileError::new(&name, 0, e.to_string())]))?;
        let config: ServeConfig = toml::from_str(&text).map_err(|e| {
            let line = e
                .span()
                .map(|s| FileError::line_of(&text, s.start))
                .unwrap_or(0);
            FileErrors(vec![FileError::new(&name, line, e.message().to_string())])
        })?;
        config.validate(&name)?;
        Ok(config)
    }

    /// Checks what serde cannot: patterns, methods, account tokens.
    pub fn validate(&self, file: &str) -> Result<(), FileErrors> {
        let mut errors = Vec::new();
        for route in &self.inspect {
            if !route.path.starts_with('/') {
                errors.push(FileError::new(
                    file,
                    0,
                    format!("inspect path `{}` must start with `/`", route.path),
                ));
            }
            if route.method != "*" && http::Method::from_bytes(route.method.as_bytes()).is_err() {
                errors.push(FileError::new(
                    file,
                    0,
                    format!("inspect method `{}` is not an HTTP method", route.method),
                ));
            }
        }
        for route in &self.egress {
            for path in route.path.iter().chain(&route.except) {
                if !path.starts_with('/') {
                    errors.push(FileError::new(
                        file,
                        0,
                        format!("egress `{}`: path `{path}` must start with `/`", route.name),
                    ));
                }
            }
        }
        for account in &self.accounts {
            let ok = account.token_sha256.len() == 64
                && account.token_sha256.bytes().all(|b| b.is_ascii_hexdigit());
            if !ok {
                errors.push(FileError::new(
                    file,
                    0,
                    format!(
                        "account `{}`: token_sha256 must be 64 hex digits (run `pubgate token`)",
                        account.name
                    ),
                ));
            }
        }
        if !self.status_prefix.starts_with('/')
            || !self.status_prefix.ends_with('/')
            || self.status_prefix.len() < 3
        {
            errors.push(FileError::new(
                file,
                0,
                format!(
                    "status_prefix `{}` must start and end with `/` and name a path (e.g. \
                     \"/.pubgate/\")",
                    self.status_prefix
                ),
            ));
        }
        if self.demo && self.upstream.is_some() {
            errors.push(FileError::new(
                file,
                0,
                "`demo = true` and `upstream` are both set: the demo site replaces the upstream; \
                 remove one"
                    .to_string(),
            ));
        }
        if let Some(up) = &self.upstream
            && !up.starts_with("http://")
        {
            errors.push(FileError::new(
                file,
                0,
                format!("upstream `{up}` must be an http:// URL"),
            ));
        }
        // A delivery still running when its lease ends may be claimed again
        // by another replica: the lease must outlast the longest send
        // (connect, answer, and 10 s to read the answer's body).
        let longest_send =
            self.limits.connect_timeout_secs + self.limits.upstream_timeout_secs + 10;
        if self.delivery.lease_secs <= longest_send {
            errors.push(FileError::new(
                file,
                0,
                format!(
                    "delivery.lease_secs ({}) must be longer than connect_timeout_secs + \
                     upstream_timeout_secs + 10 ({longest_send}), or a slow delivery could be \
                     claimed again by another replica",
                    self.delivery.lease_secs
                ),
            ));
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(FileErrors(errors))
        }
    }
}
