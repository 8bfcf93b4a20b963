//! Per-client request rate on the admin listener.
//!
//! The review API and UI are the gate's control panel: a script that
//! hammers them (or a stolen token used to page through every held item)
//! must not starve reviewers or the store. Each client address gets a
//! token bucket; over it, the answer is 429 with `Retry-After`. Probes and
//! metrics are exempt, so a busy client cannot make the pod look unready.
//! Failed authentication has its own, much stricter limit in [`super::auth`].

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Most client addresses tracked; beyond it idle ones are forgotten first.
const MAX_CLIENTS: usize = 100_000;

/// Token buckets per client address.
#[derive(Debug)]
pub struct RateLimiter {
    per_second: f64,
    burst: f64,
    buckets: Mutex<HashMap<IpAddr, (f64, Instant)>>,
}

impl RateLimiter {
    /// `per_second` requests sustained, `burst` at once; 0 = unlimited.
    pub fn new(per_second: u32, burst: u32) -> RateLimiter {
        RateLimiter {
            per_second: f64::from(per_second),
            burst: f64::from(burst.max(per_second)),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one request from `ip`'s bucket; false when it is empty.
    pub fn allow(&self, ip: IpAddr) -> bool {
        if self.per_second <= 0.0 {
            return true;
        }
        let Ok(mut buckets) = self.buckets.lock() else {
            return false;
        };
        let now = Instant::now();
        if buckets.len() >= MAX_CLIENTS {
            let full_after = self.burst / self.per_second;
            buckets.retain(|_, (_, at)| now.duration_since(*at).as_secs_f64() < full_after);
        }
        let (tokens, at) = buckets.entry(ip).or_insert((self.burst, now));
        *tokens =
            (*tokens + now.duration_since(*at).as_secs_f64() * self.per_second).min(self.burst);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// The admin listener's limiter with the counter of what it refused.
pub struct AdminRate {
    /// Token buckets per client address.
    pub limiter: RateLimiter,
    /// Requests refused.
    pub refused: prometheus::IntCounter,
}

/// axum middleware: 429 for a client over its rate.
pub async fn limit(State(rate): State<Arc<AdminRate>>, req: Request, next: Next) -> Response {
    let exempt = matches!(req.uri().path(), "/healthz" | "/readyz" | "/metrics");
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    if !exempt
        && let Some(ip) = peer
        && !rate.limiter.allow(ip)
    {
        rate.refused.inc();
        return (
            StatusCode::TOO_MANY_REQUESTS,
            [("retry-after", "1")],
            axum::Json(serde_json::json!({"error": "too many requests from this address"})),
        )
            .into_response();
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_busy_client_is_limited_and_others_are_not() {
        let limiter = RateLimiter::new(10, 20);
        let busy = IpAddr::from([10, 0, 0, 1]);
        let allowed = (0..100).filter(|_| limiter.allow(busy)).count();
        assert!((20..=22).contains(&allowed), "burst then refill: {allowed}");
        assert!(limiter.allow(IpAddr::from([10, 0, 0, 2])));
        assert!(RateLimiter::new(0, 0).allow(busy), "0 = unlimited");
    }
}
