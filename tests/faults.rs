//! Faults around the gateway, injected by a TCP proxy in front of the
//! upstream or the PostgreSQL store ([`crate::util::faults`]): the
//! upstream down, slow, hanging, resetting or cutting answers; the store
//! unreachable. Approved items must be delivered exactly once after
//! recovery, pass-through traffic must fail fast, nothing may be forwarded
//! unscanned, and the gateway must recover by itself.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use ::http::{Method, StatusCode};

use crate::store::pg_url;
use crate::util::TempDir;
use crate::util::faults::{Fault, FaultProxy};
use crate::util::http::{Upstream, approve, config, gateway, publish, send, wait_status};

fn leaky_notice(n: usize) -> String {
    format!(
        "{}\n备注{n}：联系人身份证 370102198001011237\n",
        std::fs::read_to_string("tests/corpus/05-tender-liaoning-clean.txt").unwrap()
    )
}

/// Per `Idempotency-Key`, how many times the upstream saw it.
fn deliveries(up: &Upstream) -> HashMap<String, usize> {
    let mut out = HashMap::new();
    for seen in up.seen() {
        if let Some(key) = seen.headers.get("idempotency-key") {
            *out.entry(key.to_str().unwrap().to_string()).or_default() += 1;
        }
    }
    out
}

async fn upstream_outage(outage: Duration, approvals: usize) -> String {
    let up = Upstream::start().await;
    let fp = FaultProxy::start(up.addr).await;
    let dir = TempDir::new();
    let mut c = config(&fp.url(), dir.path());
    c.limits.connect_timeout_secs = 2;
    c.delivery.backoff_initial_ms = 200;
    c.delivery.backoff_max_ms = 5_000;
    c.delivery.max_attempts = 1_000;
    let gw = gateway(c).await;
    let mut ids = Vec::new();
    for n in 0..approvals {
        let a = publish(&gw, &[("content-type", "text/plain")], leaky_notice(n)).await;
        assert_eq!(a.status, StatusCode::ACCEPTED);
        ids.push(a.json()["id"].as_str().unwrap().to_string());
    }
    fp.switch(Fault::Refuse).await;
    let outage_started = Instant::now();
    for id in &ids {
        assert_eq!(approve(&gw, "admin", id).await.status, StatusCode::OK);
    }
    // During the outage: pass-through fails fast with 502; a leaky notice
    // is still held (the store works); nothing unscanned goes anywhere.
    let mut slowest = Duration::ZERO;
    while outage_started.elapsed() < outage {
        let started = Instant::now();
        let a = send(gw.proxy_addr, Method::GET, "/other", &[], "").await;
        assert_eq!(a.status, StatusCode::BAD_GATEWAY);
        slowest = slowest.max(started.elapsed());
        let held = publish(&gw, &[("content-type", "text/plain")], leaky_notice(999)).await;
        assert_eq!(held.status, StatusCode::ACCEPTED);
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    assert!(slowest < Duration::from_secs(5), "502 took {slowest:?}");
    assert!(
        up.seen().is_empty(),
        "something reached the upstream while it was down"
    );
    fp.switch(Fault::Pass).await;
    let recovered = Instant::now();
    for id in &ids {
        let v = wait_status(gw.admin_addr, id, "delivered").await;
        assert_eq!(v["item"]["status"], "delivered", "{id}: {v}");
    }
    let took = recovered.elapsed();
    assert!(
        took < Duration::from_secs(30),
        "delivered {took:?} after recovery"
    );
    let per_key = deliveries(&up);
    assert_eq!(per_key.len(), ids.len());
    assert!(per_key.values().all(|n| *n == 1), "{per_key:?}");
    gw.shutdown().await;
    format!(
        "upstream down {outage:?}: {approvals} approvals delivered once each, the last {took:?} after recovery; \
         pass-through 502 in at most {slowest:?}"
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn approvals_made_while_the_upstream_is_down_are_delivered_once_after_it_returns() {
    eprintln!("{}", upstream_outage(Duration::from_secs(4), 20).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "long: 60 s outage, 100 approvals (figures in docs/reliability.md)"]
async fn a_sixty_second_upstream_outage() {
    eprintln!("{}", upstream_outage(Duration::from_secs(60), 100).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_misbehaving_upstream_gets_quick_clear_answers_and_no_blind_resend() {
    let up = Upstream::start().await;
    let fp = FaultProxy::start(up.addr).await;
    let dir = TempDir::new();
    let mut c = config(&fp.url(), dir.path());
    c.limits.upstream_timeout_secs = 1;
    c.limits.connect_timeout_secs = 1;
    let gw = gateway(c).await;
    for (fault, want, bound) in [
        (
            Fault::Delay(Duration::from_secs(3)),
            StatusCode::GATEWAY_TIMEOUT,
            2500,
        ),
        (Fault::Hang, StatusCode::GATEWAY_TIMEOUT, 2500),
        (Fault::Cut(20), StatusCode::BAD_GATEWAY, 2500),
        (Fault::ResetAfterRequest, StatusCode::BAD_GATEWAY, 2500),
        (Fault::ResetOnAccept, StatusCode::BAD_GATEWAY, 2500),
        (Fault::Refuse, StatusCode::BAD_GATEWAY, 2500),
        (Fault::Slice, StatusCode::OK, 5000),
    ] {
        fp.switch(fault).await;
        let started = Instant::now();
        let a = send(gw.proxy_addr, Method::GET, "/other", &[], "").await;
        let took = started.elapsed();
        assert_eq!(
            a.status,
            want,
            "{fault:?}: {}",
            String::from_utf8_lossy(&a.body)
        );
        assert!(
            took < Duration::from_millis(bound),
            "{fault:?} took {took:?}"
        );
    }

    // A replay whose answer never comes back may have been published: the
    // item waits for a person instead of being sent again.
    fp.switch(Fault::Pass).await;
    let a = publish(&gw, &[("content-type", "text/plain")], leaky_notice(1)).await;
    let id = a.json()["id"].as_str().unwrap().to_string();
    fp.switch(Fault::ResetAfterRequest).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    approve(&gw, "admin", &id).await;
    let v = wait_status(gw.admin_addr, &id, "needs_reconcile").await;
    assert_eq!(v["item"]["status"], "needs_reconcile", "{v}");
    fp.switch(Fault::Pass).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        deliveries(&up).get(&id),
        Some(&1),
        "sent once, never resent"
    );

    // Refused before anything was sent: retried, then delivered.
    let a = publish(&gw, &[("content-type", "text/plain")], leaky_notice(2)).await;
    let id = a.json()["id"].as_str().unwrap().to_string();
    fp.switch(Fault::Refuse).await;
    approve(&gw, "admin", &id).await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    fp.switch(Fault::Pass).await;
    let v = wait_status(gw.admin_addr, &id, "delivered").await;
    assert_eq!(v["item"]["status"], "delivered", "{v}");
    assert!(v["item"]["attempts"].as_i64().unwrap() >= 2, "{v}");
    assert_eq!(deliveries(&up).get(&id), Some(&1));
    gw.shutdown().await;
}

/// PostgreSQL unreachable (through the fault proxy): inspected requests
/// are refused with 503 and forwarded nowhere, `/readyz` says so, clean
/// pass-through keeps working, and when the database comes back the
/// gateway holds again without a restart.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_store_outage_refuses_inspected_requests_and_recovers_by_itself() {
    let Some(url) = pg_url().await else {
        eprintln!(
            "SKIP a_store_outage_refuses_inspected_requests_and_recovers_by_itself: PUBGATE_PG_URL is not set"
        );
        return;
    };
    let pg = FaultProxy::start("127.0.0.1:5432".parse().unwrap()).await;
    let url = url.replacen("127.0.0.1:5432", &pg.addr.to_string(), 1);
    assert!(
        url.contains(&pg.addr.to_string()),
        "PUBGATE_PG_URL must name 127.0.0.1:5432"
    );
    let up = Upstream::start().await;
    let dir = TempDir::new();
    let mut c = config(&up.url(), dir.path());
    c.store = url;
    let gw = gateway(c).await;
    let before = publish(&gw, &[("content-type", "text/plain")], leaky_notice(1)).await;
    assert_eq!(before.status, StatusCode::ACCEPTED);

    // New connections are reset and the pooled ones are cut.
    pg.switch(Fault::ResetOnAccept).await;
    let started = Instant::now();
    let mut refused = 0;
    while started.elapsed() < Duration::from_secs(8) {
        let a = publish(&gw, &[("content-type", "text/plain")], leaky_notice(2)).await;
        match a.status {
            StatusCode::SERVICE_UNAVAILABLE => {
                assert!(a.headers.contains_key("retry-after"));
                refused += 1;
                break;
            }
            // A pooled connection that still worked: held, fine.
            StatusCode::ACCEPTED => tokio::time::sleep(Duration::from_millis(200)).await,
            other => panic!("during the outage: {other}"),
        }
    }
    assert_eq!(refused, 1, "the outage never showed");
    assert!(
        up.seen()
            .iter()
            .all(|s| !String::from_utf8_lossy(&s.body).contains("370102198001011237")),
        "a request that could not be held was forwarded"
    );
    let ready = send(gw.admin_addr, Method::GET, "/readyz", &[], "").await;
    assert_eq!(ready.status, StatusCode::SERVICE_UNAVAILABLE);
    let clean = send(gw.proxy_addr, Method::GET, "/other", &[], "").await;
    assert_eq!(
        clean.status,
        StatusCode::OK,
        "pass-through does not need the store"
    );

    pg.switch(Fault::Pass).await;
    let back = Instant::now();
    loop {
        let a = publish(&gw, &[("content-type", "text/plain")], leaky_notice(3)).await;
        if a.status == StatusCode::ACCEPTED {
            break;
        }
        assert!(
            back.elapsed() < Duration::from_secs(10),
            "not recovered: {}",
            a.status
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let ready = send(gw.admin_addr, Method::GET, "/readyz", &[], "").await;
    assert_eq!(ready.status, StatusCode::OK);
    gw.shutdown().await;
}
