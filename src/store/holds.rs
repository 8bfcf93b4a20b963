//! Held items: writing a hold, listing and reading the queue, reviewers'
//! decisions, and the delivery claims. Each state change is one guarded
//! `UPDATE … WHERE status = expected` in a write transaction, audited in
//! the same transaction.

use std::time::Duration;

use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row};

use base64::Engine as _;
use sha2::Digest as _;

use super::audit::append_audit;
use super::{
    Backend, Claimed, DeliveryOutcome, HoldDetail, HoldStatus, HoldSummary, ListFilter, NewHold,
    SealError, Store, StoreError, StoredRequest, now_ms,
};

const SUMMARY_COLUMNS: &str = "id, created_at, updated_at, status, queue, categories, submitter, \
     route, method, uri, doc_type, engine_version, held_by, decided_by, comment, attempts, \
     upstream_status, last_error, title, project_name, project_code, finding_count, purged_at";

impl Store {
    /// Writes a hold and its audit entry; returns only after COMMIT, so an
    /// acknowledged hold survives a crash.
    pub async fn insert_hold(&self, hold: &NewHold) -> Result<(), StoreError> {
        let now = now_ms();
        let (headers, body, sealed_with) = self.seal_request(&hold.id, &hold.request)?;
        let mut tx = self.write_tx().await?;
        sqlx::query(
            "INSERT INTO holds (id, created_at, updated_at, status, queue, categories, submitter, \
             route, method, uri, headers, body, doc_type, findings, engine_version, sealed_with, \
             held_by, title, project_name, project_code, finding_count, status_token, body_sha256) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, \
             $18, $19, $20, $21, $22, $23)",
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
        .bind(body)
        .bind(hold.doc_type.clone())
        .bind(&hold.findings_json)
        .bind(&hold.engine_version)
        .bind(sealed_with)
        .bind(&hold.held_by)
        .bind(hold.about.title.clone())
        .bind(hold.about.project_name.clone())
        .bind(hold.about.project_code.clone())
        .bind(hold.about.finding_count)
        .bind(hold.about.status_token_sha256.clone())
        .bind(hex::encode(sha2::Sha256::digest(&hold.request.body)))
        .execute(&mut *tx)
        .await?;
        let detail = format!(
            "queue={} categories={} version={} replica={}",
            hold.queue, hold.categories, hold.engine_version, hold.held_by
        );
        append_audit(
            &mut tx,
            self.audit_key(),
            now,
            "gateway",
            "held",
            Some(&hold.id),
            &detail,
        )
        .await?;
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
        if let Some(search) = filter
            .search
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            let pattern = format!(
                "%{}%",
                search
                    .replace('\\', "\\\\")
                    .replace('%', "\\%")
                    .replace('_', "\\_")
            );
            sql.push_str(" AND (");
            for (i, column) in ["title", "project_name", "project_code", "submitter"]
                .iter()
                .enumerate()
            {
                if i > 0 {
                    sql.push_str(" OR ");
                }
                push(
                    &mut sql,
                    &format!("{column} LIKE ? ESCAPE '\\'"),
                    Arg::Text(pattern.clone()),
                );
            }
            sql.push(')');
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
            "SELECT {SUMMARY_COLUMNS}, findings, headers, body, sealed_with \
             FROM holds WHERE id = $1"
        )))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        let summary = summary_of(&row)?;
        Ok(HoldDetail {
            request: self.open_request(id, &row)?,
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
        self.decide_held(id, to, actor, comment, None).await
    }

    /// A reviewer's approval with the flagged values masked: `held →
    /// approved`, the stored request replaced by `masked` (sealed like the
    /// original) in the same transaction, so what is delivered is what was
    /// approved and the unmasked body is no longer kept. `detail` (the
    /// masked values) goes to the audit entry.
    pub async fn approve_masked(
        &self,
        id: &str,
        actor: &str,
        comment: &str,
        masked: &StoredRequest,
        detail: &str,
    ) -> Result<(), StoreError> {
        self.decide_held(
            id,
            HoldStatus::Approved,
            actor,
            comment,
            Some((masked, detail)),
        )
        .await
    }

    /// One guarded `held → to` update and its audit entry; with `masked`,
    /// the stored request is replaced too.
    async fn decide_held(
        &self,
        id: &str,
        to: HoldStatus,
        actor: &str,
        comment: &str,
        masked: Option<(&StoredRequest, &str)>,
    ) -> Result<(), StoreError> {
        let now = now_ms();
        let sealed = masked
            .map(|(request, _)| self.seal_request(id, request))
            .transpose()?;
        let mut tx = self.write_tx().await?;
        // Placeholders bind in order: $1–$7 always, $8–$10 with `masked`.
        let sql = if sealed.is_some() {
            "UPDATE holds SET status = $1, decided_by = $2, comment = $3, updated_at = $4, \
             next_attempt_at = $5, headers = $8, body = $9, sealed_with = $10 \
             WHERE id = $6 AND status = $7"
        } else {
            "UPDATE holds SET status = $1, decided_by = $2, comment = $3, updated_at = $4, \
             next_attempt_at = $5 WHERE id = $6 AND status = $7"
        };
        let mut query = sqlx::query(sql)
            .bind(to.as_str())
            .bind(actor)
            .bind(comment)
            .bind(now)
            .bind(now)
            .bind(id)
            .bind(HoldStatus::Held.as_str());
        if let Some((headers, body, sealed_with)) = sealed {
            query = query.bind(headers).bind(body).bind(sealed_with);
        }
        let changed = query.execute(&mut *tx).await?.rows_affected();
        if changed == 0 {
            drop(tx);
            return Err(self.why_not(id).await);
        }
        let (action, detail) = match (to, masked) {
            (HoldStatus::Approved, Some((_, detail))) => ("approved_masked", detail),
            (HoldStatus::Approved, None) => ("approved", comment),
            _ => ("rejected", comment),
        };
        append_audit(
            &mut tx,
            self.audit_key(),
            now,
            actor,
            action,
            Some(id),
            detail,
        )
        .await?;
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
        append_audit(
            &mut tx,
            self.audit_key(),
            now,
            actor,
            "reconciled",
            Some(id),
            &detail,
        )
        .await?;
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
             RETURNING attempts, method, uri, headers, body, sealed_with",
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
        Ok(Some(Claimed {
            attempts: row.try_get("attempts")?,
            request: self.open_request(&id, &row)?,
            id,
        }))
    }

    /// Records how a delivery attempt ended. Returns the new status.
    ///
    /// `attempt` is the claim's attempt number ([`Claimed::attempts`]): it
    /// fences the update, so a worker whose lease expired while it was
    /// still sending (and whose item another replica has since claimed
    /// again) cannot overwrite the newer claim's record.
    pub async fn finish_delivery(
        &self,
        id: &str,
        attempt: i64,
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
             next_attempt_at = $4, updated_at = $5, lease_until = 0 \
             WHERE id = $6 AND status = $7 AND attempts = $8",
        )
        .bind(to.as_str())
        .bind(status.map(i64::from))
        .bind(error.clone())
        .bind(next)
        .bind(now)
        .bind(id)
        .bind(HoldStatus::Delivering.as_str())
        .bind(attempt)
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
            append_audit(
                &mut tx,
                self.audit_key(),
                now,
                "gateway",
                to.as_str(),
                Some(id),
                &detail,
            )
            .await?;
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
            append_audit(
                &mut tx,
                self.audit_key(),
                now,
                "gateway",
                to.as_str(),
                Some(&id),
                detail,
            )
            .await?;
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
}

impl Store {
    /// Items per queue and status, in the queues `allowed` (`None`: all).
    pub async fn counts_by_queue(
        &self,
        allowed: Option<&[String]>,
    ) -> Result<Vec<(String, HoldStatus, i64)>, StoreError> {
        let rows = sqlx::query("SELECT queue, status, COUNT(*) FROM holds GROUP BY queue, status")
            .fetch_all(&self.pool)
            .await?;
        let mut out = Vec::new();
        for row in rows {
            let queue: String = row.try_get(0)?;
            let status: String = row.try_get(1)?;
            let n: i64 = row.try_get(2)?;
            if allowed.is_some_and(|a| !a.contains(&queue)) {
                continue;
            }
            if let Ok(status) = status.parse::<HoldStatus>() {
                out.push((queue, status, n));
            }
        }
        out.sort_by(|a, b| (&a.0, a.1.as_str()).cmp(&(&b.0, b.1.as_str())));
        Ok(out)
    }

    /// Retention: the body and headers of items whose last change (their
    /// final decision or delivery) is older than `before` (ms) are deleted;
    /// the row keeps the listing fields, the masked findings, the body's
    /// SHA-256 and its audit trail, and the purge is audited. Only final
    /// states are purged (`delivered`, `rejected`, `failed`): an item still
    /// to be decided or delivered keeps its request. Returns the ids.
    pub async fn purge(&self, before: i64) -> Result<Vec<String>, StoreError> {
        let now = now_ms();
        let mut tx = self.write_tx().await?;
        let rows = sqlx::query(
            "UPDATE holds SET headers = '[]', body = $1, sealed_with = NULL, purged_at = $2 \
             WHERE status IN ($3, $4, $5) AND updated_at < $6 AND purged_at IS NULL \
             RETURNING id, body_sha256",
        )
        .bind(Vec::<u8>::new())
        .bind(now)
        .bind(HoldStatus::Delivered.as_str())
        .bind(HoldStatus::Rejected.as_str())
        .bind(HoldStatus::Failed.as_str())
        .bind(before)
        .fetch_all(&mut *tx)
        .await?;
        let mut ids = Vec::with_capacity(rows.len());
        for row in rows {
            let id: String = row.try_get(0)?;
            let sha: Option<String> = row.try_get(1)?;
            let detail = format!("body_sha256={}", sha.as_deref().unwrap_or("unknown"));
            append_audit(
                &mut tx,
                self.audit_key(),
                now,
                "gateway",
                "purged",
                Some(&id),
                &detail,
            )
            .await?;
            ids.push(id);
        }
        tx.commit().await?;
        Ok(ids)
    }

    /// Per queue: items waiting for review and when the oldest was held.
    pub async fn held_by_queue(&self) -> Result<Vec<(String, i64, i64)>, StoreError> {
        let rows = sqlx::query(
            "SELECT queue, COUNT(*), MIN(created_at) FROM holds WHERE status = $1 GROUP BY queue",
        )
        .bind(HoldStatus::Held.as_str())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| Ok((row.try_get(0)?, row.try_get(1)?, row.try_get(2)?)))
            .collect()
    }

    /// What the submitter's status page shows: the listing fields, the
    /// masked findings and the status token's hash — never the request.
    pub async fn status_of(
        &self,
        id: &str,
    ) -> Result<(HoldSummary, String, Option<String>), StoreError> {
        let row = sqlx::query(AssertSqlSafe(format!(
            "SELECT {SUMMARY_COLUMNS}, findings, status_token FROM holds WHERE id = $1"
        )))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        Ok((
            summary_of(&row)?,
            row.try_get("findings")?,
            row.try_get("status_token")?,
        ))
    }
}

/// A dynamically bound parameter of the listing query.
enum Arg {
    Text(String),
    Int(i64),
}

impl Store {
    /// The headers (as stored text) and body of a request to store, sealed
    /// when a keyring is configured, with the sealing key's id.
    fn seal_request(
        &self,
        id: &str,
        request: &StoredRequest,
    ) -> Result<(String, Vec<u8>, Option<String>), StoreError> {
        let headers = encode_headers(&request.headers);
        let Some(ring) = &self.secrets.keyring else {
            return Ok((headers, request.body.clone(), None));
        };
        let (key_id, headers) = ring.seal(aad(id, "headers").as_bytes(), headers.as_bytes())?;
        let (_, body) = ring.seal(aad(id, "body").as_bytes(), &request.body)?;
        let headers = base64::engine::general_purpose::STANDARD.encode(headers);
        Ok((headers, body, Some(key_id)))
    }

    /// The stored request of a row that has `method, uri, headers, body,
    /// sealed_with`, opened if it was sealed.
    fn open_request(&self, id: &str, row: &AnyRow) -> Result<StoredRequest, StoreError> {
        let headers: String = row.try_get("headers")?;
        let body: Vec<u8> = row.try_get("body")?;
        let sealed_with: Option<String> = row.try_get("sealed_with")?;
        let (headers, body) = match sealed_with {
            None => (headers, body),
            Some(key_id) => {
                let sealed = base64::engine::general_purpose::STANDARD
                    .decode(headers)
                    .map_err(|_| SealError::WrongKey(key_id.clone()))?;
                let headers = self.open_sealed(&key_id, &aad(id, "headers"), &sealed)?;
                let headers = String::from_utf8(headers)
                    .map_err(|_| StoreError::Corrupt("sealed headers are not text".into()))?;
                let body = self.open_sealed(&key_id, &aad(id, "body"), &body)?;
                (headers, body)
            }
        };
        Ok(StoredRequest {
            method: row.try_get("method")?,
            uri: row.try_get("uri")?,
            headers: decode_headers(&headers)?,
            body,
        })
    }
}

/// Associated data binding a sealed value to its row and column.
fn aad(id: &str, column: &str) -> String {
    format!("pubgate/holds/{id}/{column}")
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
        held_by: row.try_get("held_by")?,
        decided_by: row.try_get("decided_by")?,
        comment: row.try_get("comment")?,
        attempts: row.try_get("attempts")?,
        upstream_status: row.try_get("upstream_status")?,
        last_error: row.try_get("last_error")?,
        title: row.try_get("title")?,
        project_name: row.try_get("project_name")?,
        project_code: row.try_get("project_code")?,
        finding_count: row.try_get("finding_count")?,
        purged_at: row.try_get("purged_at")?,
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
