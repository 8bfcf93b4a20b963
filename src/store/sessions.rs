//! Review UI sessions, kept in the store so any gateway replica knows them.

use sqlx::Row;

use super::{Session, Store, StoreError, now_ms};

impl Store {
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
