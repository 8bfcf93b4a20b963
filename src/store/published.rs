//! Already-published documents seen by an archive rescan (`pubgate scan
//! --store`): their content hash, the policy version that scanned them,
//! masked findings, and the reviewers' takedown decisions.
//!
//! A document with findings becomes a **takedown candidate**; a reviewer
//! marks it "take down" or "fine" (audited). A later rescan skips a
//! document whose content hash and policy version are unchanged; one whose
//! findings are unchanged keeps the reviewer's decision, and one with new
//! findings becomes a candidate again.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row};

use super::audit::append_audit;
use super::{Store, StoreError, now_ms};

/// Where an already-published document stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TakedownStatus {
    /// The last rescan found nothing.
    Clean,
    /// The last rescan found something; waiting for a reviewer.
    Candidate,
    /// A reviewer decided it must come down.
    TakeDown,
    /// A reviewer decided the findings are acceptable.
    Fine,
}

impl TakedownStatus {
    /// Every status.
    pub const ALL: [TakedownStatus; 4] = [
        TakedownStatus::Clean,
        TakedownStatus::Candidate,
        TakedownStatus::TakeDown,
        TakedownStatus::Fine,
    ];

    /// The API name.
    pub fn as_str(self) -> &'static str {
        match self {
            TakedownStatus::Clean => "clean",
            TakedownStatus::Candidate => "candidate",
            TakedownStatus::TakeDown => "take_down",
            TakedownStatus::Fine => "fine",
        }
    }

    /// The label reviewers see.
    pub fn label_zh(self) -> &'static str {
        match self {
            TakedownStatus::Clean => "未发现问题",
            TakedownStatus::Candidate => "待判定是否撤下",
            TakedownStatus::TakeDown => "应撤下",
            TakedownStatus::Fine => "无需处理",
        }
    }
}

impl fmt::Display for TakedownStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for TakedownStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<TakedownStatus, String> {
        TakedownStatus::ALL
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or_else(|| format!("unknown takedown status `{s}`"))
    }
}

/// One document's rescan result, to record.
#[derive(Debug, Clone)]
pub struct PublishedScan {
    /// Where the document lives, unique across sources (`dir:a/b.html`,
    /// `s3:bucket/key`, `url:https://…`, `table:notices/42`).
    pub doc_key: String,
    /// The archive it came from (for the UI).
    pub source: String,
    /// SHA-256 of the bytes scanned, hex.
    pub content_sha256: String,
    /// Policy and dictionary version that scanned it.
    pub engine_version: String,
    /// The verdict's action (`pass`, `redact`, `hold`, `block`).
    pub action: String,
    /// Comma-separated categories of the findings.
    pub categories: String,
    /// Sorted, comma-separated finding fingerprints: whether a rescan
    /// found "the same thing" a reviewer already judged.
    pub fingerprints: String,
    /// The findings as masked JSON.
    pub findings_json: String,
    /// Announcement type, if recognised.
    pub doc_type: Option<String>,
    /// The content itself, kept for the reviewer when the public side
    /// withheld it (an archive rescan leaves it to the archive).
    pub content: Option<PublishedContent>,
}

/// A withheld page's content as it was scanned (any `Content-Encoding`
/// undone), and its type.
#[derive(Debug, Clone)]
pub struct PublishedContent {
    /// The `Content-Type` the site sent.
    pub content_type: Option<String>,
    /// The bytes scanned.
    pub bytes: Vec<u8>,
}

/// One record of a content hash: where it stands, what was found, and
/// under which version (with the public side's checks) it was judged.
#[derive(Debug, Clone)]
pub struct ContentVerdict {
    /// Where the record stands.
    pub status: TakedownStatus,
    /// Categories of its findings.
    pub categories: Vec<String>,
    /// The version it was judged under.
    pub engine_version: String,
}

/// A recorded document, as the review UI and API show it.
#[derive(Debug, Clone, Serialize)]
pub struct PublishedItem {
    /// Stable id derived from the key (URLs never carry the key itself,
    /// which may hold personal data in a file name).
    pub id: String,
    /// Where the document lives (shown masked outside the review page).
    pub doc_key: String,
    /// The archive it came from.
    pub source: String,
    /// SHA-256 of the content scanned.
    pub content_sha256: String,
    /// Policy version of the last scan.
    pub engine_version: String,
    /// Last scan (ms since the epoch).
    pub scanned_at: i64,
    /// The verdict's action.
    pub action: String,
    /// Finding categories.
    pub categories: Vec<String>,
    /// Findings as masked JSON.
    #[serde(skip)]
    pub findings_json: String,
    /// Announcement type, if recognised.
    pub doc_type: Option<String>,
    /// Where it stands.
    pub status: TakedownStatus,
    /// Who decided.
    pub decided_by: Option<String>,
    /// Why.
    pub comment: Option<String>,
    /// When (ms since the epoch).
    pub decided_at: Option<i64>,
}

/// A listing query over published documents.
#[derive(Debug, Clone, Default)]
pub struct PublishedFilter {
    /// Only this status (None = every status but `clean`).
    pub status: Option<TakedownStatus>,
    /// Resume after this cursor (from a previous page).
    pub cursor: Option<String>,
    /// Page size (clamped to 1..=500).
    pub limit: i64,
}

const COLUMNS: &str = "id, doc_key, source, content_sha256, engine_version, scanned_at, action, \
     categories, findings, doc_type, status, decided_by, comment, decided_at";

/// The stable id of a document key.
pub fn published_id(doc_key: &str) -> String {
    hex::encode(&Sha256::digest(doc_key.as_bytes())[..16])
}

impl Store {
    /// `doc_key → (content hash, policy version)` of every document already
    /// recorded from `source`: what an incremental rescan may skip.
    pub async fn known_published(
        &self,
        source: &str,
    ) -> Result<HashMap<String, (String, String)>, StoreError> {
        let rows = sqlx::query(
            "SELECT doc_key, content_sha256, engine_version FROM published WHERE source = $1",
        )
        .bind(source)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get(0)?, (r.try_get(1)?, r.try_get(2)?))))
            .collect()
    }

    /// Every record of this content (SHA-256, hex) under any of
    /// `engine_versions`: how the public side knows a page it has seen
    /// before, or one the archive rescan has.
    pub async fn content_verdicts(
        &self,
        content_sha256: &str,
        engine_versions: &[&str],
    ) -> Result<Vec<ContentVerdict>, StoreError> {
        let mut out = Vec::new();
        for version in engine_versions {
            let rows = sqlx::query(
                "SELECT status, categories FROM published \
                 WHERE content_sha256 = $1 AND engine_version = $2",
            )
            .bind(content_sha256)
            .bind(*version)
            .fetch_all(&self.pool)
            .await?;
            for r in &rows {
                let status: String = r.try_get(0)?;
                let categories: String = r.try_get(1)?;
                out.push(ContentVerdict {
                    status: status.parse().map_err(StoreError::Corrupt)?,
                    categories: categories
                        .split(',')
                        .filter(|c| !c.is_empty())
                        .map(str::to_string)
                        .collect(),
                    engine_version: version.to_string(),
                });
            }
        }
        Ok(out)
    }

    /// Records a batch of rescan results in one transaction. A document
    /// whose findings did not change keeps its reviewer's decision.
    pub async fn record_published(&self, batch: &[PublishedScan]) -> Result<usize, StoreError> {
        if batch.is_empty() {
            return Ok(0);
        }
        let now = now_ms();
        let mut tx = self.write_tx().await?;
        for scan in batch {
            let status = if scan.action == "pass" {
                TakedownStatus::Clean
            } else {
                TakedownStatus::Candidate
            };
            let id = published_id(&scan.doc_key);
            let (content, sealed_with) = match &scan.content {
                Some(c) => {
                    let (bytes, key) = self.seal_content(&id, &scan.content_sha256, &c.bytes)?;
                    (Some(bytes), key)
                }
                None => (None, None),
            };
            sqlx::query(
                "INSERT INTO published (id, doc_key, source, content_sha256, engine_version, \
                 scanned_at, action, categories, fingerprints, findings, doc_type, status, \
                 content, content_type, content_sealed_with) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) \
                 ON CONFLICT (id) DO UPDATE SET source = excluded.source, \
                 content_sha256 = excluded.content_sha256, \
                 engine_version = excluded.engine_version, scanned_at = excluded.scanned_at, \
                 action = excluded.action, categories = excluded.categories, \
                 findings = excluded.findings, doc_type = excluded.doc_type, \
                 status = CASE WHEN published.status IN ('take_down', 'fine') \
                     AND published.fingerprints = excluded.fingerprints \
                     THEN published.status ELSE excluded.status END, \
                 fingerprints = excluded.fingerprints, content = excluded.content, \
                 content_type = excluded.content_type, \
                 content_sealed_with = excluded.content_sealed_with",
            )
            .bind(&id)
            .bind(&scan.doc_key)
            .bind(&scan.source)
            .bind(&scan.content_sha256)
            .bind(&scan.engine_version)
            .bind(now)
            .bind(&scan.action)
            .bind(&scan.categories)
            .bind(&scan.fingerprints)
            .bind(&scan.findings_json)
            .bind(scan.doc_type.clone())
            .bind(status.as_str())
            .bind(content)
            .bind(scan.content.as_ref().and_then(|c| c.content_type.clone()))
            .bind(sealed_with)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(batch.len())
    }

    /// Published documents by takedown status (for the metrics gauge).
    pub async fn count_published_by_status(
        &self,
    ) -> Result<Vec<(TakedownStatus, i64)>, StoreError> {
        let rows = sqlx::query("SELECT status, COUNT(*) FROM published GROUP BY status")
            .fetch_all(&self.pool)
            .await?;
        let mut counts: Vec<(TakedownStatus, i64)> =
            TakedownStatus::ALL.into_iter().map(|s| (s, 0)).collect();
        for row in rows {
            let status: String = row.try_get(0)?;
            let n: i64 = row.try_get(1)?;
            if let Ok(s) = status.parse::<TakedownStatus>()
                && let Some(slot) = counts.iter_mut().find(|(k, _)| *k == s)
            {
                slot.1 = n;
            }
        }
        Ok(counts)
    }

    /// Lists published documents, most recently scanned first.
    pub async fn list_published(
        &self,
        filter: &PublishedFilter,
    ) -> Result<(Vec<PublishedItem>, Option<String>), StoreError> {
        let limit = filter.limit.clamp(1, 500);
        let (status_clause, status) = match filter.status {
            Some(s) => ("status = $1", s.as_str()),
            None => ("status <> $1", TakedownStatus::Clean.as_str()),
        };
        let cursor = match &filter.cursor {
            Some(c) => Some(
                c.split_once(':')
                    .and_then(|(a, id)| Some((a.parse::<i64>().ok()?, id.to_string())))
                    .ok_or_else(|| StoreError::Corrupt("bad cursor".into()))?,
            ),
            None => None,
        };
        let rows = match cursor {
            Some((at, id)) => {
                let sql = format!(
                    "SELECT {COLUMNS} FROM published WHERE {status_clause} \
                     AND (scanned_at < $2 OR (scanned_at = $2 AND id < $3)) \
                     ORDER BY scanned_at DESC, id DESC LIMIT $4"
                );
                sqlx::query(AssertSqlSafe(sql))
                    .bind(status)
                    .bind(at)
                    .bind(id)
                    .bind(limit + 1)
                    .fetch_all(&self.pool)
                    .await?
            }
            None => {
                let sql = format!(
                    "SELECT {COLUMNS} FROM published WHERE {status_clause} \
                     ORDER BY scanned_at DESC, id DESC LIMIT $2"
                );
                sqlx::query(AssertSqlSafe(sql))
                    .bind(status)
                    .bind(limit + 1)
                    .fetch_all(&self.pool)
                    .await?
            }
        };
        let mut items = rows.iter().map(item_of).collect::<Result<Vec<_>, _>>()?;
        let next = if items.len() as i64 > limit {
            items.truncate(limit as usize);
            items.last().map(|i| format!("{}:{}", i.scanned_at, i.id))
        } else {
            None
        };
        Ok((items, next))
    }

    /// One published document.
    pub async fn get_published(&self, id: &str) -> Result<PublishedItem, StoreError> {
        let row = sqlx::query(AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM published WHERE id = $1"
        )))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        item_of(&row)
    }

    /// The content kept for a document the public side withheld, opened
    /// if it was sealed; None when nothing was kept (an archive file, a
    /// clean page, a row from before pages were kept).
    pub async fn published_content(
        &self,
        id: &str,
    ) -> Result<Option<PublishedContent>, StoreError> {
        let row = sqlx::query(
            "SELECT content_sha256, content, content_type, content_sealed_with \
             FROM published WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        let Some(stored) = row.try_get::<Option<Vec<u8>>, _>("content")? else {
            return Ok(None);
        };
        let sha: String = row.try_get("content_sha256")?;
        let bytes = match row.try_get::<Option<String>, _>("content_sealed_with")? {
            None => stored,
            Some(key_id) => self.open_sealed(&key_id, &content_aad(id, &sha), &stored)?,
        };
        Ok(Some(PublishedContent {
            content_type: row.try_get("content_type")?,
            bytes,
        }))
    }

    /// Content to store, sealed when a keyring is configured, with the
    /// sealing key's id.
    fn seal_content(
        &self,
        id: &str,
        sha: &str,
        bytes: &[u8],
    ) -> Result<(Vec<u8>, Option<String>), StoreError> {
        match &self.secrets.keyring {
            None => Ok((bytes.to_vec(), None)),
            Some(ring) => {
                let (key_id, sealed) = ring.seal(content_aad(id, sha).as_bytes(), bytes)?;
                Ok((sealed, Some(key_id)))
            }
        }
    }

    /// A reviewer's takedown decision on a candidate (`take_down` or
    /// `fine`), audited in the same transaction. A decided item may be
    /// decided again (a "fine" that turns out wrong must be correctable);
    /// a clean one cannot.
    pub async fn decide_takedown(
        &self,
        id: &str,
        to: TakedownStatus,
        actor: &str,
        comment: &str,
    ) -> Result<(), StoreError> {
        if !matches!(to, TakedownStatus::TakeDown | TakedownStatus::Fine) {
            return Err(StoreError::Corrupt(format!(
                "a reviewer marks `take_down` or `fine`, not `{to}`"
            )));
        }
        let now = now_ms();
        let mut tx = self.write_tx().await?;
        let changed = sqlx::query(
            "UPDATE published SET status = $1, decided_by = $2, comment = $3, decided_at = $4 \
             WHERE id = $5 AND status IN ('candidate', 'take_down', 'fine') AND status <> $1",
        )
        .bind(to.as_str())
        .bind(actor)
        .bind(comment)
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            drop(tx);
            return Err(match self.get_published(id).await {
                Ok(item) => StoreError::TakedownConflict(item.status),
                Err(e) => e,
            });
        }
        append_audit(
            &mut tx,
            self.audit_key(),
            now,
            actor,
            to.as_str(),
            Some(&format!("published:{id}")),
            comment,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Associated data binding sealed content to its row and version, so a
/// sealed page moved to another row or version does not open.
fn content_aad(id: &str, sha: &str) -> String {
    format!("pubgate/published/{id}/content/{sha}")
}

fn item_of(row: &AnyRow) -> Result<PublishedItem, StoreError> {
    let status: String = row.try_get("status")?;
    let categories: String = row.try_get("categories")?;
    Ok(PublishedItem {
        id: row.try_get("id")?,
        doc_key: row.try_get("doc_key")?,
        source: row.try_get("source")?,
        content_sha256: row.try_get("content_sha256")?,
        engine_version: row.try_get("engine_version")?,
        scanned_at: row.try_get("scanned_at")?,
        action: row.try_get("action")?,
        categories: categories
            .split(',')
            .filter(|c| !c.is_empty())
            .map(str::to_string)
            .collect(),
        findings_json: row.try_get("findings")?,
        doc_type: row.try_get("doc_type")?,
        status: status.parse().map_err(StoreError::Corrupt)?,
        decided_by: row.try_get("decided_by")?,
        comment: row.try_get("comment")?,
        decided_at: row.try_get("decided_at")?,
    })
}
