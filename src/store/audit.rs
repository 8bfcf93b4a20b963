//! The audit log: every action, append-only, each entry hashing the one
//! before it, so an edit, deletion, insertion or reordering shows.

use hmac::{Hmac, KeyInit, Mac};
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

    /// The head of the chain: last sequence number and hash. Logged at start
    /// and stop as an anchor outside the database (see `verify_audit`).
    pub async fn audit_head(&self) -> Result<(i64, String), StoreError> {
        let row = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
            .fetch_one(&self.pool)
            .await?;
        Ok((row.try_get(0)?, row.try_get(1)?))
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
        append_audit(
            &mut tx,
            self.audit_key(),
            now_ms(),
            actor,
            action,
            hold_id,
            detail,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Appends one entry to the audit chain inside the caller's transaction.
/// The head row is updated first: on PostgreSQL that row lock serializes
/// concurrent writers, so the chain never forks.
#[allow(clippy::too_many_arguments)]
pub(super) async fn append_audit(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    key: Option<&[u8; 32]>,
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
    let entry = Chained {
        seq,
        at,
        actor,
        action,
        hold_id,
        detail,
        prev_hash: &prev_hash,
    };
    let hash = entry.hash(key);
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

/// Prefix of an entry hash made with the audit key (HMAC-SHA256); an entry
/// without it was hashed with plain SHA-256.
const KEYED: &str = "k1:";

/// The fields one entry's hash covers.
struct Chained<'a> {
    seq: i64,
    at: i64,
    actor: &'a str,
    action: &'a str,
    hold_id: Option<&'a str>,
    detail: &'a str,
    prev_hash: &'a str,
}

impl Chained<'_> {
    /// Fields length-prefixed, so no two different entries serialize alike.
    fn serialize(&self) -> Vec<u8> {
        let mut out = Vec::new();
        for field in [
            &self.seq.to_string(),
            &self.at.to_string(),
            self.actor,
            self.action,
            self.hold_id.unwrap_or(""),
            self.detail,
            self.prev_hash,
        ] {
            out.extend_from_slice(&(field.len() as u64).to_be_bytes());
            out.extend_from_slice(field.as_bytes());
        }
        out
    }

    fn hash(&self, key: Option<&[u8; 32]>) -> String {
        let data = self.serialize();
        match key {
            None => hex::encode(Sha256::digest(&data)),
            Some(key) => {
                let mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key)
                    .map(|mut m| {
                        m.update(&data);
                        m.finalize().into_bytes()
                    })
                    // HMAC takes keys of any length; 32 bytes cannot fail.
                    .map(hex::encode)
                    .unwrap_or_default();
                format!("{KEYED}{mac}")
            }
        }
    }
}

/// The chained hash of one audit entry: SHA-256, or HMAC-SHA256 (prefixed
/// `k1:`) with the audit key.
#[allow(clippy::too_many_arguments)]
pub fn audit_hash(
    key: Option<&[u8; 32]>,
    seq: i64,
    at: i64,
    actor: &str,
    action: &str,
    hold_id: Option<&str>,
    detail: &str,
    prev_hash: &str,
) -> String {
    Chained {
        seq,
        at,
        actor,
        action,
        hold_id,
        detail,
        prev_hash,
    }
    .hash(key)
}

/// What `pubgate audit verify` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditCheck {
    /// Entries read.
    pub entries: i64,
    /// The head row: last sequence number and hash, as the gateway recorded
    /// them. Keep these elsewhere (the log prints them) as an anchor.
    pub head: (i64, String),
    /// The first problem, with the sequence number where it shows.
    pub broken: Option<(i64, String)>,
}

impl Store {
    /// Walks the whole audit chain and checks every link, the head row and
    /// (if given) an anchor `(seq, hash)` recorded earlier outside the
    /// database. With `key`, every entry must carry a valid HMAC; without
    /// it, keyed entries cannot be checked and count as a problem.
    pub async fn verify_audit(
        &self,
        key: Option<&[u8; 32]>,
        anchor: Option<(i64, &str)>,
    ) -> Result<AuditCheck, StoreError> {
        let head = self.audit_head().await?;
        let mut check = AuditCheck {
            entries: 0,
            head: head.clone(),
            broken: None,
        };
        let mut expected_seq = 1;
        let mut prev = String::new();
        let mut anchor_seen = false;
        'pages: loop {
            let page = self.audit_log(expected_seq, 1000).await?;
            if page.is_empty() {
                break;
            }
            for e in &page {
                check.entries += 1;
                if let Some(problem) = link_problem(e, expected_seq, &prev, key) {
                    check.broken = Some((expected_seq.min(e.seq), problem));
                    break 'pages;
                }
                if let Some((seq, hash)) = anchor
                    && seq == e.seq
                {
                    anchor_seen = true;
                    if e.hash != hash {
                        check.broken = Some((
                            seq,
                            "entry differs from the anchor recorded earlier (chain rewritten)"
                                .into(),
                        ));
                        break 'pages;
                    }
                }
                prev = e.hash.clone();
                expected_seq = e.seq + 1;
            }
        }
        if check.broken.is_none() {
            let last_seq = expected_seq - 1;
            if head.0 != last_seq || head.1 != prev {
                check.broken = Some((
                    last_seq + 1,
                    format!(
                        "head row says {} entries but the chain ends at {last_seq} \
                         (entries deleted from the end, or the head altered)",
                        head.0
                    ),
                ));
            } else if let Some((seq, _)) = anchor
                && !anchor_seen
            {
                check.broken = Some((
                    seq,
                    format!("anchor entry {seq} is missing (chain truncated before it)"),
                ));
            }
        }
        Ok(check)
    }
}

/// Why entry `e` does not follow the chain so far, if it does not.
fn link_problem(
    e: &AuditEntry,
    expected_seq: i64,
    prev: &str,
    key: Option<&[u8; 32]>,
) -> Option<String> {
    if e.seq != expected_seq {
        return Some(format!(
            "entry {expected_seq} is missing (next is {}): deleted or renumbered",
            e.seq
        ));
    }
    if e.prev_hash != prev {
        return Some(
            "does not link to the entry before it (inserted, deleted or reordered)".into(),
        );
    }
    let keyed = e.hash.starts_with(KEYED);
    if keyed && key.is_none() {
        return Some("entry is signed with the audit key; give the key to verify".into());
    }
    if !keyed && key.is_some() {
        return Some(
            "entry is not signed with the audit key (written or rewritten without it)".into(),
        );
    }
    let fields = Chained {
        seq: e.seq,
        at: e.at,
        actor: &e.actor,
        action: &e.action,
        hold_id: e.hold_id.as_deref(),
        detail: &e.detail,
        prev_hash: &e.prev_hash,
    };
    if fields.hash(key) != e.hash {
        return Some("content does not match its hash (entry altered)".into());
    }
    None
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
