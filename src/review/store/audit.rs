//! The audit log: every action, append-only, each entry hashing the one
//! before it, so an edit, deletion, insertion or reordering shows.

use sha2::{Digest, Sha256};
use sqlx::Row;
use sqlx::any::AnyRow;

use super::{AuditEntry, Store, StoreError, now_ms};

impl Store {
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
}

/// Appends one entry to the audit chain inside the caller's transaction.
/// The head row is updated first: on PostgreSQL that row lock serializes
/// concurrent writers, so the chain never forks.
pub(super) async fn append_audit(
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
