//! The durable review queue: held requests, their state machine, the audit
//! chain, monitor-mode decisions and UI sessions.
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

mod schema;

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::any::{AnyPoolOptions, AnyRow};
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
    /// The URL names no supported database.
    #[error("store URL must start with sqlite:// or postgres:// (got `{0}`)")]
    BadUrl(String),
    /// No item with this id.
    #[error("no such item")]
    NotFound,
    /// The item is not in the state the action needs.
    #[error("item is `{0}`, not in a state that allows this")]
    Conflict(HoldStatus),
    /// The database failed.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// A row could not be read back.
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
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

/// The store handle; cheap to clone.
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

const SUMMARY_COLUMNS: &str = "id, created_at, updated_at, status, queue, categories, submitter, \
     route, method, uri, doc_type, engine_version, decided_by, comment, attempts, \
     upstream_status, last_error";

impl Store {
    /// Opens (creating if needed) the store at `url` and runs migrations.
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            return Err(StoreError::BadUrl(url.to_string()));
        };
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
        let pool = options.connect(&url).await?;
        let store = Store { pool, backend };
        store.migrate().await?;
        Ok(store)
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

    /// Writes a hold and its audit entry; returns only after COMMIT, so an
    /// acknowledged hold survives a crash.
    pub async fn insert_hold(&self, hold: &NewHold) -> Result<(), StoreError> {
        let now = now_ms();
        let headers = encode_headers(&hold.request.headers);
        let mut tx = self.write_tx().await?;
        sqlx::query(
            "INSERT INTO holds (id, created_at, updated_at, status, queue, categories, submitter, \
             route, method, uri, headers, body, doc_type, findings, engine_version) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
        )
        .bind(&hold.id)
        .bind(now)
        .bind(now)
        .bind(HoldStatus::Held.as_str())
        .bind(&hold.queue)
        .bind(&hold.categories)
        .bind(hold.submitter.clone())
        .bind(&hold.route)
        .bind(&hold.request.method)
        .bind(&hold.request.uri)
        .bind(headers)
        .bind(hold.request.body.clone())
        .bind(hold.doc_type.clone())
        .bind(&hold.findings_json)
        .bind(&hold.engine_version)
        .execute(&mut *tx)
        .await?;
        let detail = format!("queue={} categories={}", hold.queue, hold.categories);
        append_audit(&mut tx, now, "gateway", "held", Some(&hold.id), &detail).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Lists items, newest first, one page at a time.
    pub async fn list(
        &self,
        filter: &ListFilter,
    ) -> Result<(Vec<HoldSummary>, Option<String>), StoreError> {
        let mut sql = format!("SELECT {SUMMARY_COLUMNS} FROM holds WHERE 1 = 1");
        let mut args: Vec<Arg> = Vec::new();
        let mut push = |sql: &mut String, clause: &str, arg: Arg| {
            args.push(arg);
            sql.push_str(&clause.replace('?', &format!("${}", args.len())));
        };
        if let Some(status) = filter.status {
            push(
                &mut sql,
                " AND status = ?",
                Arg::Text(status.as_str().into()),
            );
        }
        if let Some(queue) = &filter.queue {
            push(&mut sql, " AND queue = ?", Arg::Text(queue.clone()));
        }
        if let Some(category) = &filter.category {
            push(
                &mut sql,
                " AND (',' || categories || ',') LIKE ?",
                Arg::Text(format!("%,{category},%")),
            );
        }
        if let Some(allowed) = &filter.allowed_queues {
            if allowed.is_empty() {
                return Ok((Vec::new(), None));
            }
            sql.push_str(" AND queue IN (");
            for (i, q) in allowed.iter().enumerate() {
                if i > 0 {
                    sql.push_str(", ");
                }
                push(&mut sql, "?", Arg::Text(q.clone()));
            }
            sql.push(')');
        }
        if let Some(cursor) = &filter.cursor {
            let (at, id) = cursor
                .split_once(':')
                .and_then(|(a, id)| Some((a.parse::<i64>().ok()?, id.to_string())))
                .ok_or_else(|| StoreError::Corrupt("bad cursor".into()))?;
            push(&mut sql, " AND (created_at < ?", Arg::Int(at));
            push(&mut sql, " OR (created_at = ?", Arg::Int(at));
            push(&mut sql, " AND id < ?))", Arg::Text(id));
        }
        let limit = filter.limit.clamp(1, 500);
        push(
            &mut sql,
            " ORDER BY created_at DESC, id DESC LIMIT ?",
            Arg::Int(limit + 1),
        );
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for arg in args {
            query = match arg {
                Arg::Text(s) => query.bind(s),
                Arg::Int(i) => query.bind(i),
            };
        }
        let rows = query.fetch_all(&self.pool).await?;
        let mut items = rows.iter().map(summary_of).collect::<Result<Vec<_>, _>>()?;
        let next = if items.len() as i64 > limit {
            items.truncate(limit as usize);
            items.last().map(|h| format!("{}:{}", h.created_at, h.id))
        } else {
            None
        };
        Ok((items, next))
    }

    /// One item with its request and findings.
    pub async fn get(&self, id: &str) -> Result<HoldDetail, StoreError> {
        let row = sqlx::query(AssertSqlSafe(format!(
            "SELECT {SUMMARY_COLUMNS}, findings, headers, body FROM holds WHERE id = $1"
        )))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        let summary = summary_of(&row)?;
        let headers: String = row.try_get("headers")?;
        Ok(HoldDetail {
            request: StoredRequest {
                method: summary.method.clone(),
                uri: summary.path.clone(),
                headers: decode_headers(&headers)?,
                body: row.try_get("body")?,
            },
            findings_json: row.try_get("findings")?,
            summary,
        })
    }

    /// A reviewer's decision on a held item: `held → approved | rejected`.
    pub async fn decide(
        &self,
        id: &str,
        to: HoldStatus,
        actor: &str,
        comment: &str,
    ) -> Result<(), StoreError> {
        let now = now_ms();
        let mut tx = self.write_tx().await?;
        let changed = sqlx::query(
            "UPDATE holds SET status = $1, decided_by = $2, comment = $3, updated_at = $4, \
             next_attempt_at = $5 WHERE id = $6 AND status = $7",
        )
        .bind(to.as_str())
        .bind(actor)
        .bind(comment)
        .bind(now)
        .bind(now)
        .bind(id)
        .bind(HoldStatus::Held.as_str())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            drop(tx);
            return Err(self.why_not(id).await);
        }
        let action = match to {
            HoldStatus::Approved => "approved",
            _ => "rejected",
        };
        append_audit(&mut tx, now, actor, action, Some(id), comment).await?;
        tx.commit().await?;
        Ok(())
    }

    /// A person's resolution of a `needs_reconcile` item: it was in fact
    /// delivered, it should be sent again, or it is given up.
    pub async fn reconcile(
        &self,
        id: &str,
        to: HoldStatus,
        actor: &str,
        comment: &str,
    ) -> Result<(), StoreError> {
        let now = now_ms();
        let mut tx = self.write_tx().await?;
        let changed = sqlx::query(
            "UPDATE holds SET status = $1, updated_at = $2, next_attempt_at = $3 \
             WHERE id = $4 AND status = $5",
        )
        .bind(to.as_str())
        .bind(now)
        .bind(now)
        .bind(id)
        .bind(HoldStatus::NeedsReconcile.as_str())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            drop(tx);
            return Err(self.why_not(id).await);
        }
        let detail = format!("{} {comment}", to.as_str());
        append_audit(&mut tx, now, actor, "reconciled", Some(id), &detail).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn why_not(&self, id: &str) -> StoreError {
        match sqlx::query("SELECT status FROM holds WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await
        {
            Ok(Some(row)) => match row.try_get::<String, _>(0).map(|s| s.parse()) {
                Ok(Ok(status)) => StoreError::Conflict(status),
                _ => StoreError::Corrupt("bad status".into()),
            },
            Ok(None) => StoreError::NotFound,
            Err(e) => StoreError::Database(e),
        }
    }

    /// Claims the next approved item due for delivery: marks it
    /// `delivering` with a lease, so no other worker or replica takes it.
    pub async fn claim_delivery(&self, lease: Duration) -> Result<Option<Claimed>, StoreError> {
        let now = now_ms();
        let select = match self.backend {
            Backend::Sqlite => {
                "SELECT id FROM holds WHERE status = $1 AND next_attempt_at <= $2 \
                 ORDER BY next_attempt_at LIMIT 1"
            }
            Backend::Postgres => {
                "SELECT id FROM holds WHERE status = $1 AND next_attempt_at <= $2 \
                 ORDER BY next_attempt_at LIMIT 1 FOR UPDATE SKIP LOCKED"
            }
        };
        let mut tx = self.write_tx().await?;
        let Some(row) = sqlx::query(select)
            .bind(HoldStatus::Approved.as_str())
            .bind(now)
            .fetch_optional(&mut *tx)
            .await?
        else {
            return Ok(None);
        };
        let id: String = row.try_get(0)?;
        let row = sqlx::query(
            "UPDATE holds SET status = $1, lease_until = $2, attempts = attempts + 1, \
             updated_at = $3 WHERE id = $4 AND status = $5 \
             RETURNING attempts, method, uri, headers, body",
        )
        .bind(HoldStatus::Delivering.as_str())
        .bind(now + lease.as_millis() as i64)
        .bind(now)
        .bind(&id)
        .bind(HoldStatus::Approved.as_str())
        .fetch_optional(&mut *tx)
        .await?;
        tx.commit().await?;
        let Some(row) = row else { return Ok(None) };
        let headers: String = row.try_get("headers")?;
        Ok(Some(Claimed {
            id,
            attempts: row.try_get("attempts")?,
            request: StoredRequest {
                method: row.try_get("method")?,
                uri: row.try_get("uri")?,
                headers: decode_headers(&headers)?,
                body: row.try_get("body")?,
            },
        }))
    }

    /// Records how a delivery attempt ended. Returns the new status.
    pub async fn finish_delivery(
        &self,
        id: &str,
        outcome: &DeliveryOutcome,
    ) -> Result<HoldStatus, StoreError> {
        let now = now_ms();
        let (to, status, error, next) = match outcome {
            DeliveryOutcome::Delivered(s) => (HoldStatus::Delivered, Some(*s), None, 0),
            DeliveryOutcome::Failed { status, error } => {
                (HoldStatus::Failed, *status, Some(error.clone()), 0)
            }
            DeliveryOutcome::Retry {
                status,
                error,
                next_attempt_at,
            } => (
                HoldStatus::Approved,
                *status,
                Some(error.clone()),
                *next_attempt_at,
            ),
            DeliveryOutcome::NeedsReconcile(e) => {
                (HoldStatus::NeedsReconcile, None, Some(e.clone()), 0)
            }
        };
        let mut tx = self.write_tx().await?;
        let changed = sqlx::query(
            "UPDATE holds SET status = $1, upstream_status = $2, last_error = $3, \
             next_attempt_at = $4, updated_at = $5, lease_until = 0 WHERE id = $6 AND status = $7",
        )
        .bind(to.as_str())
        .bind(status.map(i64::from))
        .bind(error.clone())
        .bind(next)
        .bind(now)
        .bind(id)
        .bind(HoldStatus::Delivering.as_str())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            drop(tx);
            return Err(self.why_not(id).await);
        }
        if to != HoldStatus::Approved {
            let detail = match (status, &error) {
                (Some(s), _) => format!("upstream status {s}"),
                (None, Some(e)) => e.clone(),
                (None, None) => String::new(),
            };
            append_audit(&mut tx, now, "gateway", to.as_str(), Some(id), &detail).await?;
        }
        tx.commit().await?;
        Ok(to)
    }

    /// Items left `delivering` by a gateway that died mid-delivery (their
    /// lease expired, or — with `all` — every one, used at start-up when
    /// this process is the only writer). The request may or may not have
    /// reached the upstream: resend only if the upstream is idempotent,
    /// otherwise a person checks. Returns the ids moved.
    pub async fn recover_orphans(
        &self,
        all: bool,
        upstream_idempotent: bool,
    ) -> Result<Vec<(String, HoldStatus)>, StoreError> {
        let now = now_ms();
        let cutoff = if all { i64::MAX } else { now };
        let to = if upstream_idempotent {
            HoldStatus::Approved
        } else {
            HoldStatus::NeedsReconcile
        };
        let mut tx = self.write_tx().await?;
        let rows = sqlx::query(
            "UPDATE holds SET status = $1, updated_at = $2, next_attempt_at = $3, lease_until = 0, \
             last_error = $4 WHERE status = $5 AND lease_until < $6 RETURNING id",
        )
        .bind(to.as_str())
        .bind(now)
        .bind(now)
        .bind("gateway stopped during delivery")
        .bind(HoldStatus::Delivering.as_str())
        .bind(cutoff)
        .fetch_all(&mut *tx)
        .await?;
        let mut moved = Vec::new();
        for row in rows {
            let id: String = row.try_get(0)?;
            let detail = "gateway stopped during delivery; upstream outcome unknown";
            append_audit(&mut tx, now, "gateway", to.as_str(), Some(&id), detail).await?;
            moved.push((id, to));
        }
        tx.commit().await?;
        Ok(moved)
    }

    /// Item counts by status (for the queue-depth gauge).
    pub async fn count_by_status(&self) -> Result<Vec<(HoldStatus, i64)>, StoreError> {
        let rows = sqlx::query("SELECT status, COUNT(*) FROM holds GROUP BY status")
            .fetch_all(&self.pool)
            .await?;
        let mut counts: Vec<(HoldStatus, i64)> =
            HoldStatus::ALL.into_iter().map(|s| (s, 0)).collect();
        for row in rows {
            let status: String = row.try_get(0)?;
            let n: i64 = row.try_get(1)?;
            if let Ok(s) = status.parse::<HoldStatus>()
                && let Some(slot) = counts.iter_mut().find(|(k, _)| *k == s)
            {
                slot.1 = n;
            }
        }
        Ok(counts)
    }

    /// The audit entries of one item, oldest first.
    pub async fn audit_for(&self, id: &str) -> Result<Vec<AuditEntry>, StoreError> {
        let rows = sqlx::query(
            "SELECT seq, at, actor, action, hold_id, detail, prev_hash, hash FROM audit \
             WHERE hold_id = $1 ORDER BY seq",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(audit_of).collect()
    }

    /// Every audit entry from `from_seq`, oldest first.
    pub async fn audit_log(
        &self,
        from_seq: i64,
        limit: i64,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        let rows = sqlx::query(
            "SELECT seq, at, actor, action, hold_id, detail, prev_hash, hash FROM audit \
             WHERE seq >= $1 ORDER BY seq LIMIT $2",
        )
        .bind(from_seq)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(audit_of).collect()
    }

    /// An audit entry not tied to an item (a refused approval, a reload…).
    pub async fn audit(
        &self,
        actor: &str,
        action: &str,
        hold_id: Option<&str>,
        detail: &str,
    ) -> Result<(), StoreError> {
        let mut tx = self.write_tx().await?;
        append_audit(&mut tx, now_ms(), actor, action, hold_id, detail).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records one scan decision (monitor mode and statistics).
    #[allow(clippy::too_many_arguments)]
    pub async fn record_decision(
        &self,
        route: &str,
        method: &str,
        path: &str,
        verdict: &str,
        enforced: bool,
        doc_type: Option<&str>,
        findings_json: &str,
        engine_version: &str,
    ) -> Result<(), StoreError> {
        let mut tx = self.write_tx().await?;
        sqlx::query(
            "INSERT INTO decisions (at, route, method, path, verdict, enforced, doc_type, findings, \
             engine_version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(now_ms())
        .bind(route)
        .bind(method)
        .bind(path)
        .bind(verdict)
        .bind(i64::from(enforced))
        .bind(doc_type.map(str::to_string))
        .bind(findings_json)
        .bind(engine_version)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Decision counts by verdict, for monitor-mode reports.
    pub async fn decision_counts(&self) -> Result<Vec<(String, bool, i64)>, StoreError> {
        let rows = sqlx::query(
            "SELECT verdict, enforced, COUNT(*) FROM decisions GROUP BY verdict, enforced ORDER BY verdict",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get::<i64, _>(1)? != 0, r.try_get(2)?)))
            .collect()
    }

    /// Stores a new UI session (and drops expired ones).
    pub async fn create_session(&self, id_hash: &str, session: &Session) -> Result<(), StoreError> {
        let mut tx = self.write_tx().await?;
        sqlx::query("DELETE FROM sessions WHERE expires_at < $1")
            .bind(now_ms())
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO sessions (id_hash, account, csrf, expires_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(id_hash)
        .bind(&session.account)
        .bind(&session.csrf)
        .bind(session.expires_at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The live session with this id hash.
    pub async fn session(&self, id_hash: &str) -> Result<Option<Session>, StoreError> {
        let row = sqlx::query(
            "SELECT account, csrf, expires_at FROM sessions WHERE id_hash = $1 AND expires_at > $2",
        )
        .bind(id_hash)
        .bind(now_ms())
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            Ok(Session {
                account: r.try_get(0)?,
                csrf: r.try_get(1)?,
                expires_at: r.try_get(2)?,
            })
        })
        .transpose()
    }

    /// Ends a session (logout).
    pub async fn delete_session(&self, id_hash: &str) -> Result<(), StoreError> {
        let mut tx = self.write_tx().await?;
        sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
            .bind(id_hash)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// A dynamically bound parameter of the listing query.
enum Arg {
    Text(String),
    Int(i64),
}

/// Appends one entry to the audit chain inside the caller's transaction.
/// The head row is updated first: on PostgreSQL that row lock serializes
/// concurrent writers, so the chain never forks.
async fn append_audit(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    at: i64,
    actor: &str,
    action: &str,
    hold_id: Option<&str>,
    detail: &str,
) -> Result<(), StoreError> {
    let head = sqlx::query("UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash")
        .fetch_one(&mut **tx)
        .await?;
    let seq: i64 = head.try_get(0)?;
    let prev_hash: String = head.try_get(1)?;
    let hash = audit_hash(seq, at, actor, action, hold_id, detail, &prev_hash);
    sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1")
        .bind(&hash)
        .execute(&mut **tx)
        .await?;
    sqlx::query(
        "INSERT INTO audit (seq, at, actor, action, hold_id, detail, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(seq)
    .bind(at)
    .bind(actor)
    .bind(action)
    .bind(hold_id.map(str::to_string))
    .bind(detail)
    .bind(&prev_hash)
    .bind(&hash)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The chained hash of one audit entry (fields length-prefixed so no two
/// different entries serialize alike).
pub fn audit_hash(
    seq: i64,
    at: i64,
    actor: &str,
    action: &str,
    hold_id: Option<&str>,
    detail: &str,
    prev_hash: &str,
) -> String {
    let mut h = Sha256::new();
    for field in [
        &seq.to_string(),
        &at.to_string(),
        actor,
        action,
        hold_id.unwrap_or(""),
        detail,
        prev_hash,
    ] {
        h.update((field.len() as u64).to_be_bytes());
        h.update(field.as_bytes());
    }
    hex::encode(h.finalize())
}

fn summary_of(row: &AnyRow) -> Result<HoldSummary, StoreError> {
    let status: String = row.try_get("status")?;
    let categories: String = row.try_get("categories")?;
    Ok(HoldSummary {
        id: row.try_get("id")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        status: status.parse().map_err(StoreError::Corrupt)?,
        queue: row.try_get("queue")?,
        categories: categories
            .split(',')
            .filter(|c| !c.is_empty())
            .map(str::to_string)
            .collect(),
        submitter: row.try_get("submitter")?,
        route: row.try_get("route")?,
        method: row.try_get("method")?,
        path: row.try_get("uri")?,
        doc_type: row.try_get("doc_type")?,
        engine_version: row.try_get("engine_version")?,
        decided_by: row.try_get("decided_by")?,
        comment: row.try_get("comment")?,
        attempts: row.try_get("attempts")?,
        upstream_status: row.try_get("upstream_status")?,
        last_error: row.try_get("last_error")?,
    })
}

fn audit_of(row: &AnyRow) -> Result<AuditEntry, StoreError> {
    Ok(AuditEntry {
        seq: row.try_get(0)?,
        at: row.try_get(1)?,
        actor: row.try_get(2)?,
        action: row.try_get(3)?,
        hold_id: row.try_get(4)?,
        detail: row.try_get(5)?,
        prev_hash: row.try_get(6)?,
        hash: row.try_get(7)?,
    })
}

/// Headers as JSON `[[name, base64 value], …]`: values are bytes, and
/// order and duplicates must survive for a faithful replay.
fn encode_headers(headers: &[(String, Vec<u8>)]) -> String {
    use base64::Engine as _;
    let list: Vec<(&str, String)> = headers
        .iter()
        .map(|(n, v)| {
            (
                n.as_str(),
                base64::engine::general_purpose::STANDARD.encode(v),
            )
        })
        .collect();
    serde_json::to_string(&list).unwrap_or_else(|_| "[]".into())
}

fn decode_headers(text: &str) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
    use base64::Engine as _;
    let list: Vec<(String, String)> =
        serde_json::from_str(text).map_err(|_| StoreError::Corrupt("headers".into()))?;
    list.into_iter()
        .map(|(n, v)| {
            base64::engine::general_purpose::STANDARD
                .decode(v)
                .map(|v| (n, v))
                .map_err(|_| StoreError::Corrupt("header value".into()))
        })
        .collect()
}
