//! The decision log: what monitor mode measures, and the blocks and
//! redactions that leave no other trace.

use sqlx::Row;

use super::{Store, StoreError, now_ms};

impl Store {
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
}
