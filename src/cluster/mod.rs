//! One replica among several on a shared store, and its administration:
//! reloading policies and dictionaries here and on every replica
//! ([`reload`]), the heartbeat that follows reloads asked elsewhere
//! ([`replica`]), and the admin API for both (`POST /api/reload`,
//! `GET /api/replicas`).
//!
//! Built by `serve` beside the gateway and the review office; it uses the
//! review office's accounts for its API and nothing else of it.

pub mod reload;
pub mod replica;

use std::sync::Arc;
use std::sync::atomic::AtomicI64;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{Value, json};

use crate::review::api::{ApiError, ApiUser};
use crate::review::auth::{Accounts, HasAccounts, Role};
use crate::store::Store;

pub use reload::Reloader;

/// This replica, as the cluster sees it.
pub struct Cluster {
    /// The shared store (heartbeats, reload generations, audit).
    pub store: Store,
    /// This replica's name.
    pub replica: String,
    /// When this replica started (ms since the epoch).
    pub started_at: i64,
    /// How often the heartbeat runs.
    pub heartbeat_ms: u64,
    /// The shared reload generation this replica has applied.
    pub reload_seen: AtomicI64,
    /// Rebuilds this replica's engine from its files.
    pub reloader: Reloader,
    /// Accounts allowed to use the cluster API.
    pub accounts: Arc<Accounts>,
}

impl HasAccounts for Arc<Cluster> {
    fn accounts(&self) -> &Accounts {
        &self.accounts
    }
}

/// The cluster's admin routes.
pub fn router(cluster: Arc<Cluster>) -> Router {
    Router::new()
        .route("/api/reload", post(reload_api))
        .route("/api/replicas", get(replicas))
        .with_state(cluster)
}

async fn reload_api(
    State(cluster): State<Arc<Cluster>>,
    ApiUser(user): ApiUser,
) -> Result<Json<Value>, ApiError> {
    if user.role != Role::Admin {
        return Err(ApiError(StatusCode::FORBIDDEN, "admins only".into()));
    }
    match reload::everywhere(&cluster, &user.name).await? {
        Ok((version, generation)) => Ok(Json(json!({
            "status": "reloaded",
            "version": version,
            "generation": generation,
        }))),
        Err(errors) => Err(ApiError(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("reload failed; the previous policies and dictionaries stay in use:\n{errors}"),
        )),
    }
}

/// Replicas seen in the last three heartbeats, with the policy version
/// each runs: whether a reload reached all of them.
async fn replicas(
    State(cluster): State<Arc<Cluster>>,
    ApiUser(_user): ApiUser,
) -> Result<Json<Value>, ApiError> {
    let within = 3 * cluster.heartbeat_ms.max(100) as i64;
    let replicas = cluster.store.replicas(within).await?;
    let generation = cluster.store.reload_generation().await?;
    Ok(Json(json!({
        "this": cluster.replica,
        "generation": generation,
        "replicas": replicas,
    })))
}
