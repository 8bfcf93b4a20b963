//! The durable store, shared by the review office, the gateway, the
//! archive rescan and the cluster: held requests and their state machine,
//! published pages and their verdicts (rescan, public side, takedowns),
//! the audit chain, monitor-mode decisions, replicas and reload
//! generations, UI sessions, and the keys that seal what it keeps.
//!
//! One set of queries serves SQLite (the embedded default) and PostgreSQL
//! through sqlx's `Any` driver; parameters are written `$1, $2…`, which
//! both accept. The rules that make it safe:
//! - SQLite runs in WAL mode with `synchronous=FULL` on every pooled
//!   connection (WAL + `NORMAL` can lose a committed hold on power loss);
//! - every write transaction starts `BEGIN IMMEDIATE` on SQLite, so two
//!   writers queue on the busy timeout instead of failing with
//!   `SQLITE_BUSY` when a read upgrades to a write;
//! - a state change is `UPDATE … WHERE id = $ AND status = $expected`, so
//!   two reviewers (or two replicas) cannot both move the same item;
//! - no transaction is held open across a call to the upstream.

mod audit;
mod decisions;
mod holds;
mod published;
mod replicas;
mod schema;
mod seal;
mod sessions;

pub use audit::{AuditCheck, audit_hash};
pub use published::{
    ContentVerdict, PublishedContent, PublishedFilter, PublishedItem, PublishedScan,
    TakedownStatus, published_id,
};
pub use replicas::Replica;
pub use seal::{KeyError, KeySources, Keyring, SealError, StoreKey, new_key, parse_key};

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use serde::Serialize;
use sqlx::any::AnyPoolOptions;
use sqlx::{AnyPool, AssertSqlSafe, Row};

/// Which database a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// An embedded SQLite file (one gateway process).
    Sqlite,
    /// A PostgreSQL server (any number of gateways).
    Postgres,
}

/// Errors from the store. Messages never carry request content.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The URL is not one of the forms the store accepts (the message says
    /// which form was expected; the caller names the URL and its flag).
    #[error("expected {0}")]
    BadUrl(&'static str),
    /// Nothing listens where the URL points.
    #[error("connection refused at {0} (is the database running?)")]
    Refused(String),
    /// No item with this id.
    #[error("no such item")]
    NotFound,
    /// The item is not in the state the action needs.
    #[error("item is `{0}`, not in a state that allows this")]
    Conflict(HoldStatus),
    /// The published document is not in a state that allows this.
    #[error("document is `{0}`, not in a state that allows this")]
    TakedownConflict(TakedownStatus),
    /// The database failed.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// A row could not be read back.
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    /// An encrypted row could not be sealed or opened.
    #[error(transparent)]
    Sealed(#[from] SealError),
}

/// The life of a held item.
///
/// `held → approved → delivering → delivered | failed | needs_reconcile`,
/// `delivering → approved` (retry), `held → rejected`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HoldStatus {
    /// Waiting for a reviewer.
    Held,
    /// Approved; waiting to be delivered (or to be retried).
    Approved,
    /// Claimed by a delivery worker.
    Delivering,
    /// The upstream accepted it.
    Delivered,
    /// The upstream refused it, or every retry failed.
    Failed,
    /// A reviewer refused it; never delivered.
    Rejected,
    /// Delivery was interrupted; a person must check the upstream.
    NeedsReconcile,
}

impl HoldStatus {
    /// Every status, in life-cycle order.
    pub const ALL: [HoldStatus; 7] = [
        HoldStatus::Held,
        HoldStatus::Approved,
        HoldStatus::Delivering,
        HoldStatus::Delivered,
        HoldStatus::Failed,
        HoldStatus::Rejected,
        HoldStatus::NeedsReconcile,
    ];

    /// The API name.
    pub fn as_str(self) -> &'static str {
        match self {
            HoldStatus::Held => "held",
            HoldStatus::Approved => "approved",
            HoldStatus::Delivering => "delivering",
            HoldStatus::Delivered => "delivered",
            HoldStatus::Failed => "failed",
            HoldStatus::Rejected => "rejected",
            HoldStatus::NeedsReconcile => "needs_reconcile",
        }
    }

    /// The label reviewers see.
    pub fn label_zh(self) -> &'static str {
        match self {
            HoldStatus::Held => "待复核",
            HoldStatus::Approved => "已批准，待发布",
            HoldStatus::Delivering => "发布中",
            HoldStatus::Delivered => "已发布",
            HoldStatus::Failed => "发布失败",
            HoldStatus::Rejected => "已驳回",
            HoldStatus::NeedsReconcile => "需人工核对",
        }
    }
}

impl fmt::Display for HoldStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for HoldStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<HoldStatus, String> {
        HoldStatus::ALL
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or_else(|| format!("unknown status `{s}`"))
    }
}

/// A request exactly as it arrived, minus hop-by-hop headers: what approval
/// replays.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRequest {
    /// HTTP method.
    pub method: String,
    /// Path and query, as received.
    pub uri: String,
    /// End-to-end headers in order, values as raw bytes.
    pub headers: Vec<(String, Vec<u8>)>,
    /// Body bytes, as received (still encoded).
    pub body: Vec<u8>,
}

/// What the gateway writes when it holds a request.
#[derive(Debug, Clone)]
pub struct NewHold {
    /// Item id (128-bit random, hex).
    pub id: String,
    /// Review queue.
    pub queue: String,
    /// Comma-separated categories of the findings, for filtering.
    pub categories: String,
    /// Who submitted it (from the configured header).
    pub submitter: Option<String>,
    /// The inspected-route name that matched.
    pub route: String,
    /// The request to replay.
    pub request: StoredRequest,
    /// Announcement type, if recognised.
    pub doc_type: Option<String>,
    /// The findings as masked JSON (what the API shows).
    pub findings_json: String,
    /// Which policy and dictionary version held it.
    pub engine_version: String,
    /// Which gateway replica held it.
    pub held_by: String,
    /// What the queue shows about it, and the submitter's status token.
    pub about: HoldAbout,
}

/// What the queue shows about a held notice (read from its text), and the
/// hash of the token its submitter reads the outcome with.
#[derive(Debug, Clone, Default)]
pub struct HoldAbout {
    /// The notice's title.
    pub title: Option<String>,
    /// 项目名称.
    pub project_name: Option<String>,
    /// 项目编号.
    pub project_code: Option<String>,
    /// How many findings held it.
    pub finding_count: i64,
    /// SHA-256 (hex) of the status token in the submitter's `status_url`.
    pub status_token_sha256: Option<String>,
}

/// One row of the queue listing.
#[derive(Debug, Clone, Serialize)]
pub struct HoldSummary {
    /// Item id (128-bit random, hex).
    pub id: String,
    /// When it was held (ms since the epoch).
    pub created_at: i64,
    /// Last change (ms since the epoch).
    pub updated_at: i64,
    /// Where it is in its life.
    pub status: HoldStatus,
    /// Review queue.
    pub queue: String,
    /// Finding categories.
    pub categories: Vec<String>,
    /// Who submitted it (from the configured header).
    pub submitter: Option<String>,
    /// The inspected route that matched.
    pub route: String,
    /// HTTP method.
    pub method: String,
    /// Path and query, as received.
    pub path: String,
    /// Announcement type, if recognised.
    pub doc_type: Option<String>,
    /// Policy and dictionary version that held it.
    pub engine_version: String,
    /// The gateway replica that held it (None for items held before
    /// replicas were recorded).
    pub held_by: Option<String>,
    /// The reviewer who approved or rejected it.
    pub decided_by: Option<String>,
    /// The reviewer's comment or reason.
    pub comment: Option<String>,
    /// Delivery attempts so far.
    pub attempts: i64,
    /// The upstream's last HTTP status.
    pub upstream_status: Option<i64>,
    /// The last delivery error.
    pub last_error: Option<String>,
    /// The notice's title.
    pub title: Option<String>,
    /// 项目名称.
    pub project_name: Option<String>,
    /// 项目编号.
    pub project_code: Option<String>,
    /// How many findings held it.
    pub finding_count: i64,
    /// When its body and headers were purged (retention), if they were.
    pub purged_at: Option<i64>,
}

/// A held item with its stored request and findings.
#[derive(Debug, Clone)]
pub struct HoldDetail {
    /// The listing fields.
    pub summary: HoldSummary,
    /// Findings as masked JSON.
    pub findings_json: String,
    /// The request to replay.
    pub request: StoredRequest,
}

/// One audit entry. `hash` covers the entry and the previous hash, so an
/// edit, deletion, insertion or reordering breaks the chain.
#[derive(Debug, Clone, Serialize)]
pub struct AuditEntry {
    /// Position in the chain (1-based).
    pub seq: i64,
    /// When (ms since the epoch).
    pub at: i64,
    /// Who (account name or `gateway`).
    pub actor: String,
    /// What (`held`, `approved`, `login`…).
    pub action: String,
    /// The item, if any.
    pub hold_id: Option<String>,
    /// Comment, reason or other detail (never content).
    pub detail: String,
    /// Hash of the previous entry.
    pub prev_hash: String,
    /// Hash of this entry and the previous hash.
    pub hash: String,
}

/// An approved item claimed for delivery.
#[derive(Debug, Clone)]
pub struct Claimed {
    /// Item id (128-bit random, hex).
    pub id: String,
    /// Delivery attempts so far.
    pub attempts: i64,
    /// The request to replay.
    pub request: StoredRequest,
}

/// How a delivery attempt ended.
#[derive(Debug, Clone)]
pub enum DeliveryOutcome {
    /// The upstream answered with a final status (2xx, or a 4xx it will
    /// repeat on every try).
    Delivered(u16),
    /// Refused by the upstream for good (4xx).
    Failed {
        /// The upstream's status, if it answered.
        status: Option<u16>,
        /// Why.
        error: String,
    },
    /// Try again at `next_attempt_at` (connection refused, 5xx).
    Retry {
        /// Where it is in its life.
        status: Option<u16>,
        /// What went wrong.
        error: String,
        /// When to try again (ms since the epoch).
        next_attempt_at: i64,
    },
    /// The request may or may not have reached the upstream.
    NeedsReconcile(String),
}

/// A listing query.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    /// Where it is in its life.
    pub status: Option<HoldStatus>,
    /// Review queue.
    pub queue: Option<String>,
    /// Only items with a finding of this category.
    pub category: Option<String>,
    /// Only items whose title, 项目名称, 项目编号 or submitter contains
    /// this text.
    pub search: Option<String>,
    /// `None` = every queue; `Some(list)` = only these.
    pub allowed_queues: Option<Vec<String>>,
    /// Page size (1–500).
    pub limit: i64,
    /// `created_at:id` of the last row of the previous page.
    pub cursor: Option<String>,
}

/// A UI login session.
#[derive(Debug, Clone)]
pub struct Session {
    /// Account name.
    pub account: String,
    /// CSRF token of the session.
    pub csrf: String,
    /// Expiry (ms since the epoch).
    pub expires_at: i64,
}

/// Keys the store uses; both optional (see [`seal`] for why each exists).
#[derive(Debug, Default)]
pub struct Secrets {
    /// Encrypts held requests at rest.
    pub keyring: Option<Keyring>,
    /// Signs the audit chain (HMAC-SHA256 instead of SHA-256).
    pub audit_key: Option<[u8; 32]>,
}

/// The store handle; cheap to clone.
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    secrets: std::sync::Arc<Secrets>,
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// The backend a store URL names, or which form was expected: an empty
/// path or host is refused here, in words, rather than by the driver.
pub fn backend_of(url: &str) -> Result<Backend, StoreError> {
    let nonempty = |rest: &str| {
        !rest
            .split(['?', '/'])
            .next()
            .unwrap_or("")
            .trim()
            .is_empty()
    };
    if let Some(rest) = url.strip_prefix("sqlite:") {
        let path = rest.strip_prefix("//").unwrap_or(rest);
        let path = path.split('?').next().unwrap_or("");
        if path.trim().is_empty() {
            return Err(StoreError::BadUrl("sqlite://PATH"));
        }
        return Ok(Backend::Sqlite);
    }
    for scheme in ["postgres:", "postgresql:"] {
        if let Some(rest) = url.strip_prefix(scheme) {
            return match rest.strip_prefix("//") {
                Some(rest) if nonempty(rest.rsplit('@').next().unwrap_or(rest)) => {
                    Ok(Backend::Postgres)
                }
                _ => Err(StoreError::BadUrl("postgres://USER@HOST:PORT/DATABASE")),
            };
        }
    }
    Err(StoreError::BadUrl(
        "sqlite://PATH or postgres://USER@HOST:PORT/DATABASE",
    ))
}

/// Why the pool could not connect, in words. The pool keeps retrying
/// until its acquire timeout and then says only that; one direct
/// connection gives the real cause (nothing listening, a wrong password).
async fn connect_error(e: sqlx::Error, url: &str) -> StoreError {
    let refused = |e: &sqlx::Error| matches!(e, sqlx::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused);
    let e = match e {
        sqlx::Error::PoolTimedOut => {
            match <sqlx::AnyConnection as sqlx::Connection>::connect(url).await {
                Ok(_) => sqlx::Error::PoolTimedOut,
                Err(direct) => direct,
            }
        }
        other => other,
    };
    if refused(&e) {
        StoreError::Refused(host_port(url))
    } else {
        StoreError::Database(e)
    }
}

/// `HOST:PORT` of a PostgreSQL URL (5432 when it names none), for an
/// error message: never the user or password.
fn host_port(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?']).next().unwrap_or("");
    let host = authority.rsplit('@').next().unwrap_or(authority);
    if host.contains(':') && !host.ends_with(']') {
        host.to_string()
    } else {
        format!("{host}:5432")
    }
}

impl Store {
    /// Opens (creating if needed) the store at `url` and runs migrations,
    /// with no encryption and an unkeyed audit chain.
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        Store::open_with(url, Secrets::default()).await
    }

    /// Opens the store with its keys.
    pub async fn open_with(url: &str, secrets: Secrets) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        let backend = backend_of(url)?;
        let url = match backend {
            Backend::Sqlite if !url.contains("mode=") => {
                let sep = if url.contains('?') { '&' } else { '?' };
                format!("{url}{sep}mode=rwc")
            }
            _ => url.to_string(),
        };
        let mut options = AnyPoolOptions::new()
            .max_connections(if backend == Backend::Sqlite { 4 } else { 8 })
            .acquire_timeout(Duration::from_secs(5));
        if backend == Backend::Sqlite {
            options = options.after_connect(|conn, _| {
                Box::pin(async move {
                    sqlx::raw_sql(
                        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                         PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON;",
                    )
                    .execute(conn)
                    .await?;
                    Ok(())
                })
            });
        }
        let pool = match options.connect(&url).await {
            Ok(pool) => pool,
            Err(e) => return Err(connect_error(e, &url).await),
        };
        let store = Store {
            pool,
            backend,
            secrets: std::sync::Arc::new(secrets),
        };
        store.migrate().await?;
        Ok(store)
    }

    /// The audit chain's signing key, if configured.
    fn audit_key(&self) -> Option<&[u8; 32]> {
        self.secrets.audit_key.as_ref()
    }

    /// Opens a value sealed with `key_id`: an error, never garbage, when
    /// that key is not configured or the value belongs elsewhere.
    fn open_sealed(&self, key_id: &str, aad: &str, sealed: &[u8]) -> Result<Vec<u8>, StoreError> {
        let ring = self
            .secrets
            .keyring
            .as_ref()
            .ok_or_else(|| SealError::UnknownKey(key_id.to_string()))?;
        Ok(ring.open(key_id, aad.as_bytes(), sealed)?)
    }

    /// Which database this is.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The pool, for tests that inspect connection settings.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// A write transaction: `BEGIN IMMEDIATE` on SQLite (see module doc).
    async fn write_tx(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>, StoreError> {
        Ok(match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        })
    }

    async fn migrate(&self) -> Result<(), StoreError> {
        let mut tx = self.write_tx().await?;
        if self.backend == Backend::Postgres {
            // Replicas starting together would otherwise race through the
            // same `CREATE`/`ALTER` steps; the lock ends with the transaction.
            sqlx::query("SELECT pg_advisory_xact_lock(7270561)")
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query("CREATE TABLE IF NOT EXISTS pubgate_schema (version BIGINT NOT NULL)")
            .execute(&mut *tx)
            .await?;
        let current: Option<i64> = sqlx::query("SELECT MAX(version) FROM pubgate_schema")
            .fetch_one(&mut *tx)
            .await?
            .try_get(0)?;
        for (version, sql) in schema::pending(self.backend, current.unwrap_or(0)) {
            sqlx::raw_sql(AssertSqlSafe(sql)).execute(&mut *tx).await?;
            sqlx::query("INSERT INTO pubgate_schema (version) VALUES ($1)")
                .bind(version)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Checks the database answers (for `/readyz`).
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").fetch_one(&self.pool).await?;
        Ok(())
    }
}

/// A store URL without its password, for messages.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let creds = &url[scheme_end + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}
