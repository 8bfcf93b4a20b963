//! Several `pubgate serve` processes on one PostgreSQL database act as one
//! gateway (needs `PUBGATE_PG_URL`; skipped, and says so, without it):
//! - 1,000 holds spread over three replicas, approvals sent to random
//!   replicas, one replica killed with SIGKILL in the middle: every
//!   approved item is published once by the upstream (which dedupes on
//!   `Idempotency-Key`, as the config declares), none is lost, and the
//!   only repeat the upstream sees is the one send that was in flight on
//!   the killed replica;
//! - a reload asked of one replica reaches the others, and holds record
//!   the policy version and the replica that held them.

use std::collections::{HashMap, HashSet};
use std::process::Child;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{Method, StatusCode};

use crate::store::pg_url;
use crate::util::faults::{Fault, FaultProxy};
use crate::util::http::Upstream;
use crate::util::process::{Setup, start, try_send, wait_ready, write_config_with};
use crate::util::{Rng, TempDir};

async fn api(
    admin: std::net::SocketAddr,
    method: Method,
    path: &str,
) -> Option<(StatusCode, Bytes)> {
    try_send(
        admin,
        method,
        path,
        &[
            ("authorization", "Bearer admin-token"),
            ("content-type", "application/json"),
        ],
        if path.ends_with("/approve") { "{}" } else { "" }.to_string(),
    )
    .await
}

/// One replica's config on the shared store: an idempotent upstream (so
/// an orphaned delivery is finished by another replica), its own name and
/// a fast heartbeat; `top` holds more top-level keys.
fn replica(dir: &TempDir, n: usize, store: &str, upstream: &str, top: &str) -> Setup {
    let setup = write_config_with(
        dir,
        store,
        upstream,
        // The test's own approvals outrun the per-client admin rate limit.
        &format!(
            "[limits]\nadmin_rate_per_sec = 0\n[cluster]\nheartbeat_ms = 200\nreplica = \"gw-{n}\"\n"
        ),
    );
    let text = std::fs::read_to_string(&setup.config).unwrap();
    let path = dir.path().join(format!("replica-{n}.toml"));
    std::fs::write(&path, format!("upstream_idempotent = true\n{top}\n{text}")).unwrap();
    Setup {
        config: path,
        proxy: setup.proxy,
        admin: setup.admin,
    }
}

/// Items in `status`, counted page by page.
async fn count(admin: std::net::SocketAddr, status: &str) -> usize {
    items(admin, status).await.len()
}

/// Every item in `status` (listing fields), page by page.
async fn items(admin: std::net::SocketAddr, status: &str) -> Vec<serde_json::Value> {
    let mut all = Vec::new();
    let mut cursor = String::new();
    loop {
        let (code, body) = api(
            admin,
            Method::GET,
            &format!("/api/holds?status={status}&limit=500&cursor={cursor}"),
        )
        .await
        .expect("replica answers");
        assert_eq!(code, StatusCode::OK);
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
        all.extend(v["items"].as_array().unwrap().iter().cloned());
        match v["next_cursor"].as_str() {
            Some(c) => cursor = c.to_string(),
            None => return all,
        }
    }
}

fn held_notice(tag: &str) -> String {
    let notice = std::fs::read_to_string("tests/corpus/05-tender-liaoning-clean.txt").unwrap();
    format!("{notice}\n备注 {tag}：联系人身份证 370102198001011237\n")
}

/// Gateway processes, killed when the test ends — also when it fails, so
/// a failed run leaves no replica behind.
struct Replicas(Vec<Option<Child>>);

impl Drop for Replicas {
    fn drop(&mut self) {
        for child in self.0.iter_mut().filter_map(Option::take) {
            kill(child);
        }
    }
}

fn kill(mut child: Child) {
    let _ = child.kill();
    let _ = child.wait();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_replicas_deliver_a_thousand_approvals_once_despite_a_sigkill() {
    let Some(store) = pg_url().await else {
        eprintln!("SKIP replicas: PUBGATE_PG_URL is not set");
        return;
    };
    let dir = TempDir::new();
    let up = Upstream::start().await;
    // Replica 2 reaches the upstream through a fault proxy, to be caught
    // mid-delivery when it is killed.
    let slow = FaultProxy::start(up.addr).await;
    let setups: Vec<Setup> = (0..3)
        .map(|n| {
            let url = if n == 2 { slow.url() } else { up.url() };
            replica(&dir, n, &store, &url, "")
        })
        .collect();
    let mut children = Replicas(setups.iter().map(|s| Some(start(s))).collect());
    for s in &setups {
        wait_ready(s).await;
    }

    // 1,000 holds, round-robin over the replicas, eight clients at a time.
    let ids = Arc::new(Mutex::new(Vec::<String>::new()));
    let mut clients = Vec::new();
    for c in 0..8 {
        let proxies: Vec<_> = setups.iter().map(|s| s.proxy).collect();
        let ids = ids.clone();
        clients.push(tokio::spawn(async move {
            for i in (c..1000).step_by(8) {
                let body = held_notice(&format!("{i}"));
                let mut tries = 0;
                loop {
                    let answer = try_send(
                        proxies[i % proxies.len()],
                        Method::POST,
                        "/api/notices",
                        &[("content-type", "text/plain")],
                        body.clone(),
                    )
                    .await;
                    match answer {
                        Some((StatusCode::ACCEPTED, b)) => {
                            let v: serde_json::Value = serde_json::from_slice(&b).unwrap();
                            ids.lock()
                                .unwrap()
                                .push(v["id"].as_str().unwrap().to_string());
                            break;
                        }
                        other => {
                            tries += 1;
                            assert!(tries < 20, "hold {i} not acknowledged: {other:?}");
                            tokio::time::sleep(Duration::from_millis(50)).await;
                        }
                    }
                }
            }
        }));
    }
    for c in clients {
        c.await.unwrap();
    }
    let ids: Vec<String> = ids.lock().unwrap().clone();
    assert_eq!(ids.len(), 1000);

    // Every replica sees every hold, and each held a share.
    let mut held_by: HashMap<String, usize> = HashMap::new();
    let mut rng = Rng::new(5);
    for id in ids.iter().step_by(10) {
        let admin = setups[rng.below(3)].admin;
        let (code, body) = api(admin, Method::GET, &format!("/api/holds/{id}"))
            .await
            .unwrap();
        assert_eq!(code, StatusCode::OK, "hold {id} not visible on {admin}");
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
        *held_by
            .entry(v["item"]["held_by"].as_str().unwrap().to_string())
            .or_default() += 1;
    }
    assert_eq!(
        held_by.len(),
        3,
        "holds spread over the replicas: {held_by:?}"
    );

    // Approvals to random replicas. At the 400th, replica 2's sends start
    // taking 2 s on the wire; approvals go to it until it has one in
    // flight, and it is killed there: it has sent a request whose answer
    // it will never record.
    let mut live = vec![0usize, 1, 2];
    let mut caught = false;
    for (n, id) in ids.iter().enumerate() {
        if n == 400 {
            slow.switch(Fault::Delay(Duration::from_secs(2))).await;
        }
        if n >= 400 && live.contains(&2) && slow.delayed() > 0 {
            kill(children.0[2].take().unwrap());
            live.retain(|r| *r != 2);
            caught = true;
        }
        let mut tries = 0;
        loop {
            let r = if n >= 400 && live.contains(&2) {
                2
            } else {
                live[rng.below(live.len())]
            };
            match api(
                setups[r].admin,
                Method::POST,
                &format!("/api/holds/{id}/approve"),
            )
            .await
            {
                Some((StatusCode::OK, _)) => break,
                other => {
                    tries += 1;
                    assert!(tries < 20, "approval of {id} failed: {other:?}");
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            }
        }
    }

    assert!(caught, "replica 2 was never caught mid-delivery");

    // Everything ends delivered: the killed replica's claim is taken over
    // when its lease ends (16 s in the test config).
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        let mut pending = 0;
        for status in ["held", "approved", "delivering"] {
            pending += count(setups[0].admin, status).await;
        }
        if pending == 0 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "{pending} items still pending after 90 s"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let delivered = items(setups[1].admin, "delivered").await;
    assert_eq!(delivered.len(), 1000, "none lost");
    // The killed replica's claim was taken over when its lease ended.
    let taken_over = delivered
        .iter()
        .filter(|i| i["attempts"].as_i64().unwrap_or(0) >= 2)
        .count();
    assert!(taken_over >= 1, "no orphaned delivery was taken over");
    drop(children);

    let mut receipts: HashMap<String, usize> = HashMap::new();
    for seen in up.seen() {
        let key = seen
            .headers
            .get("idempotency-key")
            .map(|v| v.to_str().unwrap().to_string())
            .expect("every replay carries Idempotency-Key");
        *receipts.entry(key).or_default() += 1;
    }
    let wanted: HashSet<&String> = ids.iter().collect();
    let published: HashSet<&String> = receipts.keys().collect();
    assert_eq!(
        published, wanted,
        "every approved item published, nothing else"
    );
    let repeats: Vec<_> = receipts.iter().filter(|(_, n)| **n > 1).collect();
    // One replica sends one item at a time: at most the one in flight at
    // the kill reaches the upstream again (and the upstream dedupes it).
    assert!(repeats.len() <= 1, "repeated sends: {repeats:?}");
    let retried: HashSet<&str> = delivered
        .iter()
        .filter(|i| i["attempts"].as_i64().unwrap_or(0) >= 2)
        .filter_map(|i| i["id"].as_str())
        .collect();
    for (key, _) in &repeats {
        assert!(
            retried.contains(key.as_str()),
            "{key} reached the upstream twice but was not an orphan taken over"
        );
    }
    eprintln!(
        "replicas: 1000 held ({held_by:?} of a 10 % sample), 1000 published once, \
         {taken_over} orphaned delivery taken over, {} repeat send(s) deduped by the upstream",
        repeats.len()
    );
}

/// Policy version each replica reports, by name.
async fn versions(admin: std::net::SocketAddr) -> HashMap<String, String> {
    let (code, body) = api(admin, Method::GET, "/api/replicas").await.unwrap();
    assert_eq!(code, StatusCode::OK);
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
    v["replicas"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["name"].as_str().unwrap().to_string(),
                r["engine_version"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reload_asked_of_one_replica_reaches_the_others() {
    let Some(store) = pg_url().await else {
        eprintln!("SKIP replicas: PUBGATE_PG_URL is not set");
        return;
    };
    let dir = TempDir::new();
    let dicts = dir.path().join("dictionaries");
    std::fs::create_dir_all(&dicts).unwrap();
    for entry in std::fs::read_dir("dictionaries").unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dicts.join(entry.file_name())).unwrap();
    }
    let up = Upstream::start().await;
    let top = format!("dictionaries = \"{}\"", dicts.display());
    let setups: Vec<Setup> = (0..2)
        .map(|n| replica(&dir, n, &store, &up.url(), &top))
        .collect();
    let children = Replicas(setups.iter().map(|s| Some(start(s))).collect());
    for s in &setups {
        wait_ready(s).await;
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    let before = loop {
        let v = versions(setups[1].admin).await;
        if v.len() == 2 || Instant::now() > deadline {
            break v;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(before.len(), 2, "both replicas heartbeat: {before:?}");
    let old = before["gw-0"].clone();
    assert_eq!(before["gw-1"], old);

    // A code word the platform just classified; neither replica knows it.
    let notice = std::fs::read_to_string("tests/corpus/05-tender-liaoning-clean.txt").unwrap();
    let body = format!("{notice}\n备注：本项目代号青松七号。\n");
    let send = |proxy| {
        try_send(
            proxy,
            Method::POST,
            "/api/notices",
            &[("content-type", "text/plain")],
            body.clone(),
        )
    };
    let (code, _) = send(setups[1].proxy).await.unwrap();
    assert!(
        code.is_success() && code != StatusCode::ACCEPTED,
        "clean before the dictionary change: {code}"
    );

    let terms = dicts.join("secret_terms.txt");
    let mut text = std::fs::read_to_string(&terms).unwrap();
    text.push_str("\n青松七号\n");
    std::fs::write(&terms, text).unwrap();
    let (code, body_0) = api(setups[0].admin, Method::POST, "/api/reload")
        .await
        .unwrap();
    assert_eq!(code, StatusCode::OK, "{}", String::from_utf8_lossy(&body_0));
    let new: serde_json::Value = serde_json::from_slice(&body_0).unwrap();
    let new = new["version"].as_str().unwrap().to_string();
    assert_ne!(new, old);

    // Replica 1 was not asked; it follows within a few heartbeats.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let v = versions(setups[0].admin).await;
        if v.values().all(|x| *x == new) && v.len() == 2 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "reload did not reach every replica: {v:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (code, answer) = send(setups[1].proxy).await.unwrap();
    assert_eq!(
        code,
        StatusCode::ACCEPTED,
        "the new term is held on the replica that was not asked"
    );
    {
        let v: serde_json::Value = serde_json::from_slice(&answer).unwrap();
        let id = v["id"].as_str().unwrap();
        let (_, item) = api(setups[0].admin, Method::GET, &format!("/api/holds/{id}"))
            .await
            .unwrap();
        let item: serde_json::Value = serde_json::from_slice(&item).unwrap();
        assert_eq!(item["item"]["engine_version"], new.as_str());
        assert_eq!(item["item"]["held_by"], "gw-1");
    }
    drop(children);
}
