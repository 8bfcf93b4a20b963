//! The review store on both backends: SQLite (a temp file) and PostgreSQL
//! (from `PUBGATE_PG_URL`, each test in its own schema). Without the
//! variable the PostgreSQL half is skipped and says so; with it set, an
//! unreachable server is a failure.

use std::collections::HashSet;
use std::time::Duration;

use ::http::StatusCode;
use pubgate::store::{
    DeliveryOutcome, HoldStatus, ListFilter, NewHold, PublishedContent, PublishedFilter,
    PublishedScan, Store, StoreError, StoredRequest, TakedownStatus, audit_hash, published_id,
};
use sqlx::Row;

use crate::util::TempDir;
use crate::util::http::{Upstream, approve, config, gateway, publish, wait_status};

/// Opens a store per available backend. Keep the `TempDir` alive.
async fn stores(dir: &TempDir) -> Vec<(&'static str, Store)> {
    let mut out = vec![(
        "sqlite",
        Store::open(&format!("sqlite://{}", dir.path().join("q.db").display()))
            .await
            .unwrap(),
    )];
    match pg_url().await {
        Some(url) => out.push(("postgres", Store::open(&url).await.unwrap())),
        None => eprintln!("SKIP PostgreSQL half: PUBGATE_PG_URL is not set"),
    }
    out
}

/// A fresh schema on the PostgreSQL server named by `PUBGATE_PG_URL`.
pub async fn pg_url() -> Option<String> {
    let base = std::env::var("PUBGATE_PG_URL").ok()?;
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&base)
        .await
        .expect("PUBGATE_PG_URL is set but the server cannot be reached");
    // Letters only: a schema name ends up in paths (`pg:schema.table/42`),
    // and a run of eleven digits in a path is masked like any number.
    let letters: String = pubgate::review::auth::new_id()
        .chars()
        .map(|c| match c.to_digit(10) {
            Some(d) => char::from(b'g' + d as u8),
            None => c,
        })
        .collect();
    let schema = format!("pubgate_test_{letters}");
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
        .execute(&pool)
        .await
        .unwrap();
    let sep = if base.contains('?') { '&' } else { '?' };
    Some(format!("{base}{sep}options=-c%20search_path%3D{schema}"))
}

fn hold(id: &str, queue: &str) -> NewHold {
    NewHold {
        id: id.into(),
        queue: queue.into(),
        categories: "personal_data".into(),
        submitter: Some("bob".into()),
        route: "default".into(),
        request: StoredRequest {
            method: "POST".into(),
            uri: "/api/notices?x=1".into(),
            headers: vec![
                ("content-type".into(), b"text/plain".to_vec()),
                ("x-dup".into(), b"1".to_vec()),
                ("x-dup".into(), vec![0xE4, 0xB8, 0xAD]),
            ],
            body: vec![0, 1, 2, 255],
        },
        doc_type: Some("tender".into()),
        findings_json: "[]".into(),
        engine_version: "v1".into(),
        about: pubgate::store::HoldAbout::default(),
        held_by: "replica-a".into(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_connections_are_wal_full_sync_with_a_busy_timeout() {
    let dir = TempDir::new();
    let store = Store::open(&format!("sqlite://{}", dir.path().join("p.db").display()))
        .await
        .unwrap();
    // Hold several connections at once so each pooled one is checked.
    let mut conns = Vec::new();
    for _ in 0..4 {
        conns.push(store.pool().acquire().await.unwrap());
    }
    for conn in &mut conns {
        let mode: String = sqlx::query("PRAGMA journal_mode")
            .fetch_one(&mut **conn)
            .await
            .unwrap()
            .get(0);
        let sync: i64 = sqlx::query("PRAGMA synchronous")
            .fetch_one(&mut **conn)
            .await
            .unwrap()
            .get(0);
        let busy: i64 = sqlx::query("PRAGMA busy_timeout")
            .fetch_one(&mut **conn)
            .await
            .unwrap()
            .get(0);
        assert_eq!(mode, "wal");
        assert_eq!(sync, 2, "synchronous must be FULL");
        assert!(busy >= 5000);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_state_machine_allows_each_move_once() {
    let dir = TempDir::new();
    for (backend, store) in stores(&dir).await {
        store.insert_hold(&hold("a1", "privacy")).await.unwrap();
        store.insert_hold(&hold("b2", "secrecy")).await.unwrap();
        let got = store.get("a1").await.unwrap();
        assert_eq!(
            got.request,
            hold("a1", "privacy").request,
            "{backend}: request not stored exactly"
        );
        assert_eq!(got.summary.status, HoldStatus::Held);

        store
            .decide("a1", HoldStatus::Approved, "alice", "ok")
            .await
            .unwrap();
        assert!(
            matches!(
                store.decide("a1", HoldStatus::Rejected, "sam", "no").await,
                Err(StoreError::Conflict(HoldStatus::Approved))
            ),
            "{backend}"
        );
        assert!(matches!(
            store.decide("zz", HoldStatus::Approved, "a", "").await,
            Err(StoreError::NotFound)
        ));

        let claimed = store
            .claim_delivery(Duration::from_secs(30))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(claimed.id, "a1");
        assert_eq!(claimed.attempts, 1);
        assert!(
            store
                .claim_delivery(Duration::from_secs(30))
                .await
                .unwrap()
                .is_none(),
            "{backend}: claimed twice"
        );
        let retry = DeliveryOutcome::Retry {
            status: Some(503),
            error: "503".into(),
            next_attempt_at: 0,
        };
        assert_eq!(
            store.finish_delivery("a1", 1, &retry).await.unwrap(),
            HoldStatus::Approved
        );
        let again = store
            .claim_delivery(Duration::from_secs(30))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(again.attempts, 2);
        assert_eq!(
            store
                .finish_delivery("a1", 2, &DeliveryOutcome::Delivered(201))
                .await
                .unwrap(),
            HoldStatus::Delivered
        );
        assert!(
            store
                .finish_delivery("a1", 2, &DeliveryOutcome::Delivered(201))
                .await
                .is_err()
        );
        let a1 = store.get("a1").await.unwrap().summary;
        assert_eq!(
            (a1.status, a1.upstream_status),
            (HoldStatus::Delivered, Some(201))
        );

        store
            .decide("b2", HoldStatus::Rejected, "sam", "涉密")
            .await
            .unwrap();
        let (items, _) = store
            .list(&ListFilter {
                status: Some(HoldStatus::Rejected),
                limit: 10,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(
            items.iter().map(|h| h.id.as_str()).collect::<Vec<_>>(),
            ["b2"]
        );
        let (items, _) = store
            .list(&ListFilter {
                allowed_queues: Some(vec!["privacy".into()]),
                limit: 10,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(
            items.iter().map(|h| h.id.as_str()).collect::<Vec<_>>(),
            ["a1"]
        );
        let (items, _) = store
            .list(&ListFilter {
                category: Some("personal_data".into()),
                limit: 10,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(items.len(), 2);
        let counts = store.count_by_status().await.unwrap();
        assert!(
            counts.contains(&(HoldStatus::Delivered, 1))
                && counts.contains(&(HoldStatus::Rejected, 1))
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_follow_the_cursor_without_gaps() {
    let dir = TempDir::new();
    for (backend, store) in stores(&dir).await {
        for i in 0..23 {
            store
                .insert_hold(&hold(&format!("id{i:02}"), "privacy"))
                .await
                .unwrap();
        }
        let mut seen = Vec::new();
        let mut cursor = None;
        loop {
            let (items, next) = store
                .list(&ListFilter {
                    limit: 5,
                    cursor: cursor.clone(),
                    ..Default::default()
                })
                .await
                .unwrap();
            seen.extend(items.into_iter().map(|h| h.id));
            match next {
                Some(c) => cursor = Some(c),
                None => break,
            }
        }
        let unique: HashSet<_> = seen.iter().collect();
        assert_eq!((seen.len(), unique.len()), (23, 23), "{backend}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_writers_and_claimers_never_fail_or_double_claim() {
    let dir = TempDir::new();
    for (backend, store) in stores(&dir).await {
        let mut tasks = Vec::new();
        for i in 0..50 {
            let store = store.clone();
            tasks.push(tokio::spawn(async move {
                let id = format!("w{i}");
                store.insert_hold(&hold(&id, "privacy")).await?;
                store.decide(&id, HoldStatus::Approved, "alice", "").await
            }));
        }
        for t in tasks {
            t.await
                .unwrap()
                .unwrap_or_else(|e| panic!("{backend}: a writer failed: {e}"));
        }
        let mut claimers = Vec::new();
        for _ in 0..4 {
            let store = store.clone();
            claimers.push(tokio::spawn(async move {
                let mut mine = Vec::new();
                while let Some(c) = store.claim_delivery(Duration::from_secs(30)).await.unwrap() {
                    store
                        .finish_delivery(&c.id, c.attempts, &DeliveryOutcome::Delivered(200))
                        .await
                        .unwrap();
                    mine.push(c.id);
                }
                mine
            }));
        }
        let mut all = Vec::new();
        for c in claimers {
            all.extend(c.await.unwrap());
        }
        let unique: HashSet<_> = all.iter().collect();
        assert_eq!(
            (all.len(), unique.len()),
            (50, 50),
            "{backend}: lost or double claims"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_audit_log_is_a_hash_chain() {
    let dir = TempDir::new();
    for (backend, store) in stores(&dir).await {
        let mut tasks = Vec::new();
        for i in 0..20 {
            let store = store.clone();
            tasks.push(tokio::spawn(async move {
                store
                    .insert_hold(&hold(&format!("c{i}"), "privacy"))
                    .await
                    .unwrap();
                store.audit("alice", "login", None, "").await.unwrap();
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        let log = store.audit_log(1, 1000).await.unwrap();
        assert_eq!(log.len(), 40, "{backend}");
        let mut prev = String::new();
        for (i, e) in log.iter().enumerate() {
            assert_eq!(e.seq, i as i64 + 1, "{backend}: gap in the chain");
            assert_eq!(e.prev_hash, prev, "{backend}: chain forks at {}", e.seq);
            let h = audit_hash(
                None,
                e.seq,
                e.at,
                &e.actor,
                &e.action,
                e.hold_id.as_deref(),
                &e.detail,
                &e.prev_hash,
            );
            assert_eq!(
                h, e.hash,
                "{backend}: entry {} does not hash to its hash",
                e.seq
            );
            prev = e.hash.clone();
        }
        let check = store.verify_audit(None, None).await.unwrap();
        assert_eq!((check.entries, check.broken), (40, None), "{backend}");
        sqlx::query("UPDATE audit SET actor = 'mallory' WHERE seq = 7")
            .execute(store.pool())
            .await
            .unwrap();
        let check = store.verify_audit(None, None).await.unwrap();
        assert_eq!(check.broken.map(|b| b.0), Some(7), "{backend}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_gateway_runs_on_postgresql() {
    let Some(url) = pg_url().await else {
        eprintln!("SKIP the_gateway_runs_on_postgresql: PUBGATE_PG_URL is not set");
        return;
    };
    let up = Upstream::start().await;
    let dir = TempDir::new();
    let mut c = config(&up.url(), dir.path());
    c.store = url;
    let gw = gateway(c).await;
    let text = format!(
        "{}\n联系人身份证：370102198001011237\n",
        std::fs::read_to_string("tests/corpus/05-tender-liaoning-clean.txt").unwrap()
    );
    let a = publish(&gw, &[], text.clone()).await;
    assert_eq!(a.status, StatusCode::ACCEPTED);
    let id = a.json()["id"].as_str().unwrap().to_string();
    approve(&gw, "alice", &id).await;
    let done = wait_status(gw.admin_addr, &id, "delivered").await;
    assert_eq!(done["item"]["status"], "delivered");
    assert_eq!(up.seen().len(), 1);
    assert_eq!(up.seen()[0].body, text.as_bytes());
    gw.shutdown().await;
}

/// A worker whose lease ran out while it was still sending cannot record
/// its result over the claim another replica took since: the attempt
/// number fences the update.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_claim_cannot_overwrite_the_next_one() {
    let dir = TempDir::new();
    for (backend, store) in stores(&dir).await {
        store.insert_hold(&hold("f1", "privacy")).await.unwrap();
        store
            .decide("f1", HoldStatus::Approved, "alice", "")
            .await
            .unwrap();
        let first = store.claim_delivery(Duration::ZERO).await.unwrap().unwrap();
        tokio::time::sleep(Duration::from_millis(5)).await;
        // Another replica finds the lease expired (upstream idempotent:
        // the item goes back to approved) and claims it again.
        let moved = store.recover_orphans(false, true).await.unwrap();
        assert_eq!(
            moved,
            vec![("f1".to_string(), HoldStatus::Approved)],
            "{backend}"
        );
        let second = store
            .claim_delivery(Duration::from_secs(30))
            .await
            .unwrap()
            .unwrap();
        assert_eq!((first.attempts, second.attempts), (1, 2), "{backend}");
        let stale = store
            .finish_delivery("f1", first.attempts, &DeliveryOutcome::Delivered(200))
            .await;
        assert!(
            matches!(stale, Err(StoreError::Conflict(HoldStatus::Delivering))),
            "{backend}: a stale claim recorded its result: {stale:?}"
        );
        assert_eq!(
            store
                .finish_delivery("f1", second.attempts, &DeliveryOutcome::Delivered(201))
                .await
                .unwrap(),
            HoldStatus::Delivered,
            "{backend}"
        );
        assert_eq!(
            store.get("f1").await.unwrap().summary.upstream_status,
            Some(201),
            "{backend}"
        );
        // A start-up on PostgreSQL must not take a live replica's claim:
        // with a lease in the future, nothing is an orphan.
        store.insert_hold(&hold("f2", "privacy")).await.unwrap();
        store
            .decide("f2", HoldStatus::Approved, "alice", "")
            .await
            .unwrap();
        let live = store
            .claim_delivery(Duration::from_secs(60))
            .await
            .unwrap()
            .unwrap();
        assert!(
            store.recover_orphans(false, true).await.unwrap().is_empty(),
            "{backend}"
        );
        store
            .finish_delivery(&live.id, live.attempts, &DeliveryOutcome::Delivered(200))
            .await
            .unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replicas_heartbeat_and_share_a_reload_generation() {
    let dir = TempDir::new();
    for (backend, store) in stores(&dir).await {
        assert_eq!(store.reload_generation().await.unwrap(), 0, "{backend}");
        store.heartbeat("gw-a", "v1", 1).await.unwrap();
        store.heartbeat("gw-b", "v1", 2).await.unwrap();
        store.heartbeat("gw-a", "v2", 1).await.unwrap();
        let seen = store.replicas(60_000).await.unwrap();
        let names: Vec<(&str, &str)> = seen
            .iter()
            .map(|r| (r.name.as_str(), r.engine_version.as_str()))
            .collect();
        assert_eq!(names, vec![("gw-a", "v2"), ("gw-b", "v1")], "{backend}");
        assert_eq!(store.request_reload("admin", "v2", "x").await.unwrap(), 1);
        assert_eq!(store.request_reload("admin", "v3", "y").await.unwrap(), 2);
        assert_eq!(
            store.reload_target().await.unwrap(),
            (2, "v3".to_string()),
            "{backend}"
        );
        let reloads = store
            .audit_log(1, 100)
            .await
            .unwrap()
            .into_iter()
            .filter(|e| e.action == "reload")
            .count();
        assert_eq!(reloads, 2, "{backend}: reloads are audited");
        store.forget_replica("gw-b").await.unwrap();
        assert_eq!(store.replicas(60_000).await.unwrap().len(), 1, "{backend}");
    }
}

fn scanned(key: &str, sha: &str, action: &str, fingerprints: &str) -> PublishedScan {
    PublishedScan {
        doc_key: key.into(),
        source: "dir:/archive".into(),
        content_sha256: sha.into(),
        engine_version: "v1".into(),
        action: action.into(),
        categories: if action == "pass" {
            ""
        } else {
            "personal_data"
        }
        .into(),
        fingerprints: fingerprints.into(),
        findings_json: "[]".into(),
        doc_type: None,
        content: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_withheld_page_keeps_its_content_until_a_scan_without_it() {
    let dir = TempDir::new();
    for (backend, store) in stores(&dir).await {
        let page = PublishedContent {
            content_type: Some("text/html; charset=utf-8".into()),
            bytes: "<p>身份证号 370102198001011237</p>".as_bytes().to_vec(),
        };
        let mut scan = scanned("url:/news/1.html", "h1", "hold", "fp1");
        scan.content = Some(page.clone());
        store.record_published(&[scan]).await.unwrap();
        let id = published_id("url:/news/1.html");
        let kept = store.published_content(&id).await.unwrap().unwrap();
        assert_eq!(kept.bytes, page.bytes, "{backend}");
        assert_eq!(kept.content_type, page.content_type, "{backend}");
        // A later scan of the same key that keeps nothing (an archive
        // rescan, a clean version) drops the old copy.
        store
            .record_published(&[scanned("url:/news/1.html", "h2", "pass", "")])
            .await
            .unwrap();
        assert!(
            store.published_content(&id).await.unwrap().is_none(),
            "{backend}"
        );
        assert!(matches!(
            store.published_content("nope").await,
            Err(StoreError::NotFound)
        ));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn takedown_candidates_keep_a_decision_until_the_findings_change() {
    let dir = TempDir::new();
    for (backend, store) in stores(&dir).await {
        let batch = vec![
            scanned("dir:a.html", "h1", "hold", "fp1"),
            scanned("dir:b.html", "h2", "pass", ""),
        ];
        assert_eq!(store.record_published(&batch).await.unwrap(), 2);
        let known = store.known_published("dir:/archive").await.unwrap();
        assert_eq!(
            known.get("dir:a.html"),
            Some(&("h1".to_string(), "v1".to_string())),
            "{backend}"
        );
        let (candidates, _) = store
            .list_published(&PublishedFilter {
                limit: 50,
                ..PublishedFilter::default()
            })
            .await
            .unwrap();
        assert_eq!(
            candidates.len(),
            1,
            "{backend}: clean documents are not listed"
        );
        let a = &candidates[0];
        assert_eq!(
            (a.doc_key.as_str(), a.status),
            ("dir:a.html", TakedownStatus::Candidate)
        );
        assert_eq!(a.id, published_id("dir:a.html"));
        let clean_id = published_id("dir:b.html");
        assert!(
            matches!(
                store
                    .decide_takedown(&clean_id, TakedownStatus::TakeDown, "alice", "")
                    .await,
                Err(StoreError::TakedownConflict(TakedownStatus::Clean))
            ),
            "{backend}: a clean document cannot be taken down"
        );
        store
            .decide_takedown(&a.id, TakedownStatus::Fine, "alice", "public anyway")
            .await
            .unwrap();
        // Rescanned under a new version with the same findings: still fine.
        store
            .record_published(&[scanned("dir:a.html", "h1b", "hold", "fp1")])
            .await
            .unwrap();
        assert_eq!(
            store.get_published(&a.id).await.unwrap().status,
            TakedownStatus::Fine,
            "{backend}"
        );
        // A new finding: a candidate again.
        store
            .record_published(&[scanned("dir:a.html", "h1c", "hold", "fp1,fp2")])
            .await
            .unwrap();
        let again = store.get_published(&a.id).await.unwrap();
        assert_eq!(again.status, TakedownStatus::Candidate, "{backend}");
        assert_eq!(again.content_sha256, "h1c");
        let audit = store
            .audit_for(&format!("published:{}", a.id))
            .await
            .unwrap();
        assert_eq!(audit.len(), 1, "{backend}");
        assert_eq!(
            (audit[0].actor.as_str(), audit[0].action.as_str()),
            ("alice", "fine")
        );
        assert!(
            store
                .verify_audit(None, None)
                .await
                .unwrap()
                .broken
                .is_none()
        );
    }
}
