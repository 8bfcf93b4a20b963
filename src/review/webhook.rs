//! Tells the log and an operator's endpoint about every state change of a
//! held item. The payload carries ids, statuses, the queue, a rejection's
//! reason and the findings in their masked form — never content.

use std::time::Duration;

use http::{Request, Uri};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;

use serde::Serialize;

use crate::store::HoldStatus;
use crate::upstream::{ProxyBody, full, pooled_client};

/// A state change, as told to the webhook.
#[derive(Debug, Clone, Serialize)]
pub struct StateChange {
    /// Item id.
    pub id: String,
    /// Previous status (`None` when the item was just held).
    pub from: Option<HoldStatus>,
    /// New status.
    pub to: HoldStatus,
    /// Queue.
    pub queue: Option<String>,
    /// Who made the change.
    pub actor: String,
    /// When (ms since the epoch).
    pub at: i64,
    /// A rejection's reason (what the submitter must fix).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The findings, masked (on a new hold and a rejection).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub findings: Option<serde_json::Value>,
}

/// Where state changes are told: the log always, the webhook if any. The
/// gateway (a new hold), the review office (decisions) and the delivery
/// worker (outcomes) share one.
pub struct Notifier {
    webhook: Option<Webhook>,
    failures: prometheus::IntCounter,
}

impl Notifier {
    /// `url` is the configured webhook; `failures` counts calls that failed
    /// after retries.
    pub fn new(url: Option<&str>, failures: prometheus::IntCounter) -> Notifier {
        Notifier {
            webhook: url.and_then(Webhook::new),
            failures,
        }
    }

    /// Logs the change and tells the webhook, in the background.
    pub fn changed(&self, change: StateChange) {
        let from = change.from.map_or("new", HoldStatus::as_str);
        tracing::info!(id = %change.id, from, to = %change.to, actor = %change.actor, "item state changed");
        if let Some(hook) = &self.webhook {
            hook.send(change, self.failures.clone());
        }
    }
}

/// A configured webhook.
#[derive(Clone)]
pub struct Webhook {
    url: Uri,
    client: Client<HttpConnector, ProxyBody>,
}

impl Webhook {
    /// `None` when the URL is not a valid http:// URL (config validation
    /// reports it).
    pub fn new(url: &str) -> Option<Webhook> {
        let url: Uri = url.parse().ok()?;
        if url.scheme_str() != Some("http") {
            return None;
        }
        Some(Webhook {
            url,
            client: pooled_client(Duration::from_secs(5), 4),
        })
    }

    /// Posts `change` in the background, retrying three times.
    pub fn send(&self, change: StateChange, failures: prometheus::IntCounter) {
        let hook = self.clone();
        tokio::spawn(async move {
            let body = serde_json::to_vec(&change).unwrap_or_default();
            for attempt in 0..3u32 {
                let request = Request::post(hook.url.clone())
                    .header("content-type", "application/json")
                    .body(full(body.clone()));
                let Ok(request) = request else { break };
                let sent =
                    tokio::time::timeout(Duration::from_secs(10), hook.client.request(request))
                        .await;
                if let Ok(Ok(response)) = sent
                    && response.status().is_success()
                {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(500 << attempt)).await;
            }
            failures.inc();
            tracing::warn!(id = %change.id, to = %change.to, "webhook not delivered");
        });
    }
}
