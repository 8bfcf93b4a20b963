//! Gateway replicas sharing one database: who is alive, which policy and
//! dictionary version each one runs, and the reload generation they all
//! follow.
//!
//! A reload asked of one replica (API or SIGHUP) bumps the generation;
//! every replica polls it and rebuilds its engine from its own copy of the
//! operator files (a ConfigMap mount, a shared folder). Each replica then
//! reports the version it runs in its heartbeat, so an operator sees at a
//! glance whether a new dictionary reached every replica — and each hold
//! records the version that held it.

use serde::Serialize;
use sqlx::Row;

use super::audit::append_audit;
use super::{Store, StoreError, now_ms};

/// One replica's last heartbeat.
#[derive(Debug, Clone, Serialize)]
pub struct Replica {
    /// The replica's name (`PUBGATE_REPLICA`, the pod or host name).
    pub name: String,
    /// The policy and dictionary version it runs.
    pub engine_version: String,
    /// When it started (ms since the epoch).
    pub started_at: i64,
    /// Its last heartbeat (ms since the epoch).
    pub seen_at: i64,
}

impl Store {
    /// Records that replica `name` is alive and runs `engine_version`.
    pub async fn heartbeat(
        &self,
        name: &str,
        engine_version: &str,
        started_at: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO replicas (name, engine_version, started_at, seen_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (name) DO UPDATE SET \
             engine_version = excluded.engine_version, started_at = excluded.started_at, \
             seen_at = excluded.seen_at",
        )
        .bind(name)
        .bind(engine_version)
        .bind(started_at)
        .bind(now_ms())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Removes a replica that stopped cleanly.
    pub async fn forget_replica(&self, name: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM replicas WHERE name = $1")
            .bind(name)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Replicas seen in the last `within_ms` milliseconds, by name.
    pub async fn replicas(&self, within_ms: i64) -> Result<Vec<Replica>, StoreError> {
        let rows = sqlx::query(
            "SELECT name, engine_version, started_at, seen_at FROM replicas \
             WHERE seen_at >= $1 ORDER BY name",
        )
        .bind(now_ms() - within_ms)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(Replica {
                    name: row.try_get(0)?,
                    engine_version: row.try_get(1)?,
                    started_at: row.try_get(2)?,
                    seen_at: row.try_get(3)?,
                })
            })
            .collect()
    }

    /// The current reload generation.
    pub async fn reload_generation(&self) -> Result<i64, StoreError> {
        Ok(self.reload_target().await?.0)
    }

    /// The current reload generation and the policy version the replica
    /// that asked for it reached ("" before the first reload).
    pub async fn reload_target(&self) -> Result<(i64, String), StoreError> {
        let row = sqlx::query("SELECT generation, version FROM reload_generation WHERE id = 1")
            .fetch_one(&self.pool)
            .await?;
        Ok((row.try_get(0)?, row.try_get(1)?))
    }

    /// Asks every replica to reload to `version` (what the asking replica
    /// now runs): bumps the generation (audited) and returns the new one.
    pub async fn request_reload(
        &self,
        actor: &str,
        version: &str,
        detail: &str,
    ) -> Result<i64, StoreError> {
        let now = now_ms();
        let mut tx = self.write_tx().await?;
        let row = sqlx::query(
            "UPDATE reload_generation SET generation = generation + 1, version = $1, at = $2, \
             actor = $3 WHERE id = 1 RETURNING generation",
        )
        .bind(version)
        .bind(now)
        .bind(actor)
        .fetch_one(&mut *tx)
        .await?;
        let generation: i64 = row.try_get(0)?;
        append_audit(
            &mut tx,
            self.audit_key(),
            now,
            actor,
            "reload",
            None,
            &format!("generation={generation} version={version} {detail}"),
        )
        .await?;
        tx.commit().await?;
        Ok(generation)
    }
}
