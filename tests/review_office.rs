//! The review office's daily work against the real gateway: 打码后发布,
//! what a rejected submitter is told, the queue a person works through.

use std::io::Write as _;
use std::time::Duration;

use ::http::{Method, StatusCode};

use crate::util::TempDir;
use crate::util::http::{Upstream, api, config, gateway, item, publish, send, wait_status};

const ID: &str = "370102198001011237";
const MASKED: &str = "370102********1237";

fn text_with_id() -> String {
    let clean = std::fs::read_to_string("tests/corpus/05-tender-liaoning-clean.txt").unwrap();
    format!("{clean}\n经办人身份证号：{ID}\n")
}

async fn held(gw: &pubgate::serve::Running, headers: &[(&str, &str)], body: Vec<u8>) -> String {
    let a = publish(gw, headers, body).await;
    assert_eq!(
        a.status,
        StatusCode::ACCEPTED,
        "{}",
        String::from_utf8_lossy(&a.body)
    );
    a.json()["id"].as_str().unwrap().to_string()
}

fn actions(detail: &serde_json::Value) -> Vec<String> {
    detail["audit"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn approving_masked_delivers_the_masked_body_and_keeps_no_original() {
    let up = Upstream::start().await;
    let dir = TempDir::new();
    let gw = gateway(config(&up.url(), dir.path())).await;
    let body = text_with_id();
    let id = held(
        &gw,
        &[
            ("content-type", "text/plain; charset=utf-8"),
            ("x-submitter", "bob"),
        ],
        body.clone().into_bytes(),
    )
    .await;

    let ok = api(
        gw.admin_addr,
        Method::POST,
        &format!("/api/holds/{id}/approve"),
        "alice",
        r#"{"comment":"打码后可以公开","mask":true}"#,
    )
    .await;
    assert_eq!(
        ok.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&ok.body)
    );
    assert_eq!(ok.json()["masked"], serde_json::json!([MASKED]));
    let done = wait_status(gw.admin_addr, &id, "delivered").await;
    assert_eq!(done["item"]["status"], "delivered");
    assert_eq!(actions(&done), ["held", "approved_masked", "delivered"]);
    let detail = done["audit"][1]["detail"].as_str().unwrap();
    assert!(detail.contains(MASKED) && !detail.contains(ID), "{detail}");

    // What went out is the original with the one value masked.
    let seen = up.seen();
    assert_eq!(seen.len(), 1);
    let sent = String::from_utf8(seen[0].body.to_vec()).unwrap();
    assert_eq!(sent, body.replace(ID, MASKED));
    assert_eq!(seen[0].headers["idempotency-key"], id.as_str());
    assert_eq!(seen[0].headers["x-submitter"], "bob");

    // The store no longer holds the unmasked body.
    let stored = gw.store.get(&id).await.unwrap();
    assert!(!String::from_utf8_lossy(&stored.request.body).contains(ID));
    gw.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn masking_that_cannot_be_shown_complete_is_refused_and_nothing_is_sent() {
    let up = Upstream::start().await;
    let dir = TempDir::new();
    let gw = gateway(config(&up.url(), dir.path())).await;

    // A compressed body: its bytes cannot be rewritten exactly.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(text_with_id().as_bytes()).unwrap();
    let gzipped = held(
        &gw,
        &[
            ("content-type", "text/plain; charset=utf-8"),
            ("content-encoding", "gzip"),
        ],
        gz.finish().unwrap(),
    )
    .await;
    // The value split by markup: found by the scan, not literally in the body.
    let clean = std::fs::read_to_string("tests/corpus/05-tender-liaoning-clean.txt").unwrap();
    let split = held(
        &gw,
        &[("content-type", "text/html; charset=utf-8")],
        format!(
            "<html><body><pre>{clean}</pre><p>经办人身份证号：370102<b>198001011237</b></p></body></html>"
        )
        .into_bytes(),
    )
    .await;

    for (id, why) in [(&gzipped, "encoded"), (&split, "not every flagged value")] {
        let refused = api(
            gw.admin_addr,
            Method::POST,
            &format!("/api/holds/{id}/approve"),
            "alice",
            r#"{"mask":true}"#,
        )
        .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        let error = refused.json()["error"].as_str().unwrap().to_string();
        assert!(error.contains(why), "{error}");
        assert!(!error.contains(ID));
        let d = item(&gw, "alice", id).await.json();
        assert_eq!(d["item"]["status"], "held");
        assert_eq!(actions(&d), ["held", "approve_masked_refused"]);
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(up.seen().is_empty(), "a refused masking sent something");
    gw.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rejection_reaches_the_submitter_by_status_url_and_webhook() {
    let up = Upstream::start().await;
    let hook = Upstream::start().await;
    let dir = TempDir::new();
    let mut c = config(&up.url(), dir.path());
    c.webhook = Some(format!("{}/events", hook.url()));
    let gw = gateway(c).await;
    let a = publish(
        &gw,
        &[("content-type", "text/plain; charset=utf-8")],
        text_with_id(),
    )
    .await;
    assert_eq!(a.status, StatusCode::ACCEPTED);
    let v = a.json();
    let id = v["id"].as_str().unwrap().to_string();
    let status_url = v["status_url"].as_str().unwrap().to_string();
    assert!(
        status_url.starts_with(&format!("/.pubgate/status/{id}/")),
        "{status_url}"
    );

    // Readable with the token alone: no account, no admin port.
    let get = |path: String, accept: &'static str| {
        let addr = gw.proxy_addr;
        async move { send(addr, Method::GET, &path, &[("accept", accept)], "").await }
    };
    let held = get(status_url.clone(), "application/json").await;
    assert_eq!(held.status, StatusCode::OK);
    assert_eq!(held.headers["cache-control"], "no-store");
    let body = String::from_utf8(held.body.to_vec()).unwrap();
    assert!(!body.contains(ID), "{body}");
    let held = held.json();
    assert_eq!(held["status"], "held");
    assert_eq!(held["status_zh"], "待复核");
    assert_eq!(held["findings"][0]["excerpt"], MASKED);

    // A wrong token, another path or another method under the prefix: the
    // gateway answers, the platform never sees it.
    let wrong = format!("/.pubgate/status/{id}/{}", "0".repeat(64));
    assert_eq!(
        get(wrong, "application/json").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get("/.pubgate/anything".into(), "*/*").await.status,
        StatusCode::NOT_FOUND
    );
    let post = send(gw.proxy_addr, Method::POST, &status_url, &[], "x").await;
    assert_eq!(post.status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(up.seen().is_empty(), "a reserved path reached the platform");

    let reason = "请删除经办人身份证号后重新提交";
    let r = api(
        gw.admin_addr,
        Method::POST,
        &format!("/api/holds/{id}/reject"),
        "alice",
        &format!(r#"{{"reason":"{reason}"}}"#),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    let rejected = get(status_url.clone(), "application/json").await.json();
    assert_eq!(rejected["status"], "rejected");
    assert_eq!(rejected["reason"], reason);
    assert!(rejected["message"].as_str().unwrap().contains(reason));
    let page = get(status_url, "text/html").await;
    let html = String::from_utf8(page.body.to_vec()).unwrap();
    assert!(
        html.contains("已驳回") && html.contains(reason) && html.contains(MASKED),
        "{html}"
    );
    assert!(!html.contains(ID));

    // The webhook's rejection event carries the reason and the masked findings.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let event = loop {
        let found = hook.seen().into_iter().find_map(|s| {
            let v: serde_json::Value = serde_json::from_slice(&s.body).ok()?;
            (v["to"] == "rejected").then_some((v, s.body))
        });
        if let Some(found) = found {
            break found;
        }
        assert!(std::time::Instant::now() < deadline, "no rejection event");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(event.0["reason"], reason);
    assert_eq!(event.0["findings"][0]["excerpt"], MASKED);
    assert!(!String::from_utf8_lossy(&event.1).contains(ID));
    gw.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_queue_shows_what_each_notice_is_finds_it_and_counts_it() {
    let up = Upstream::start().await;
    let dir = TempDir::new();
    let gw = gateway(config(&up.url(), dir.path())).await;
    let other = text_with_id().replace("JH24-210100-00123", "JH24-999999-00777");
    held(
        &gw,
        &[
            ("content-type", "text/plain; charset=utf-8"),
            ("x-submitter", "bob"),
        ],
        text_with_id().into_bytes(),
    )
    .await;
    let second = held(
        &gw,
        &[
            ("content-type", "text/plain; charset=utf-8"),
            ("x-submitter", "carol"),
        ],
        other.into_bytes(),
    )
    .await;
    let list = |query: &'static str| async move {
        let a = api(
            gw.admin_addr,
            Method::GET,
            &format!("/api/holds{query}"),
            "alice",
            "",
        )
        .await;
        assert_eq!(
            a.status,
            StatusCode::OK,
            "{}",
            String::from_utf8_lossy(&a.body)
        );
        a.json()
    };
    let all = list("").await;
    let items = all["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    let first = &items[0];
    assert_eq!(first["id"], second.as_str(), "newest first");
    assert_eq!(first["project_code"], "JH24-999999-00777");
    assert_eq!(first["project_name"], "医疗设备采购项目");
    assert!(
        first["title"]
            .as_str()
            .unwrap()
            .ends_with("医疗设备采购项目招标公告"),
        "{first}"
    );
    assert_eq!(first["finding_count"], 1);
    let privacy_held = all["counts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["queue"] == "privacy" && c["status"] == "held")
        .unwrap();
    assert_eq!(privacy_held["count"], 2);

    for (query, want) in [
        ("?q=999999", Some(second.as_str())),
        ("?q=carol", Some(second.as_str())),
        ("?q=%E5%8C%BB%E7%96%97", None), // 医疗: both
        ("?q=nothing-like-it", None),
    ] {
        let found = list(query).await;
        let ids: Vec<&str> = found["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_str().unwrap())
            .collect();
        match (query, want) {
            (_, Some(id)) => assert_eq!(ids, [id], "{query}"),
            ("?q=nothing-like-it", None) => assert!(ids.is_empty()),
            _ => assert_eq!(ids.len(), 2, "{query}"),
        }
    }
    // A LIKE wildcard in the search is a literal character.
    assert!(list("?q=%25").await["items"].as_array().unwrap().is_empty());

    let page = list("?limit=1").await;
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    assert!(page["next_cursor"].is_string());
    // sam sees neither the items nor their counts (the privacy queue is not his).
    let sam = api(gw.admin_addr, Method::GET, "/api/holds", "sam", "")
        .await
        .json();
    assert!(sam["items"].as_array().unwrap().is_empty());
    assert!(sam["counts"].as_array().unwrap().is_empty());
    gw.shutdown().await;
}

fn metric(text: &str, line_start: &str) -> Option<i64> {
    text.lines()
        .find(|l| l.starts_with(line_start))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse::<f64>().ok())
        .map(|v| v as i64)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_down_platform_is_counted_and_reported_apart_from_the_store() {
    let closed = crate::util::http::free_addr();
    let dir = TempDir::new();
    let gw = gateway(config(&format!("http://{closed}"), dir.path())).await;
    let clean = std::fs::read("tests/corpus/02-award-clean.html").unwrap();
    let a = publish(&gw, &[("content-type", "text/html")], clean).await;
    assert_eq!(a.status, StatusCode::BAD_GATEWAY);
    let id = held(
        &gw,
        &[("content-type", "text/plain; charset=utf-8")],
        text_with_id().into_bytes(),
    )
    .await;

    let ready = send(gw.admin_addr, Method::GET, "/readyz", &[], "").await;
    assert_eq!(
        ready.status,
        StatusCode::OK,
        "the store is fine: still ready"
    );
    let text = String::from_utf8(ready.body.to_vec()).unwrap();
    assert!(text.contains("store: ok"), "{text}");
    assert!(
        text.contains(&format!(
            "upstream: unreachable (cannot connect to the publishing platform at {closed}: connection refused)"
        )),
        "{text}"
    );

    let m = send(gw.admin_addr, Method::GET, "/metrics", &[], "").await;
    let m = String::from_utf8(m.body.to_vec()).unwrap();
    assert_eq!(
        metric(&m, "pubgate_upstream_errors_total{kind=\"connect\"}"),
        Some(1),
        "{m}"
    );
    assert_eq!(metric(&m, "pubgate_queue_held{queue=\"privacy\"}"), Some(1));
    assert_eq!(metric(&m, "pubgate_queue_held{queue=\"secrecy\"}"), Some(0));
    assert!(metric(&m, "pubgate_oldest_held_seconds{queue=\"privacy\"}").is_some_and(|s| s >= 0));
    assert_eq!(
        metric(&m, "pubgate_oldest_held_seconds{queue=\"secrecy\"}"),
        Some(0)
    );

    // An approved item the platform cannot take is retried; each failure counts.
    crate::util::http::approve(&gw, "alice", &id).await;
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let m = send(gw.admin_addr, Method::GET, "/metrics", &[], "").await;
        let m = String::from_utf8(m.body.to_vec()).unwrap();
        if metric(&m, "pubgate_upstream_errors_total{kind=\"connect\"}").unwrap_or(0) >= 2 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "delivery failures not counted: {m}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // The failure is counted when it happens and recorded just after.
    let error = loop {
        let d = item(&gw, "admin", &id).await.json();
        let error = d["item"]["last_error"].as_str().unwrap_or("").to_string();
        if !error.is_empty() || std::time::Instant::now() > deadline {
            break error;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(
        error.starts_with("cannot connect to the publishing platform"),
        "{error}"
    );
    gw.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_block_also_lists_what_a_reviewer_would_have_held() {
    let up = Upstream::start().await;
    let dir = TempDir::new();
    let gw = gateway(config(&up.url(), dir.path())).await;
    let mut body = std::fs::read_to_string("tests/corpus/09-award-amount-words.txt").unwrap();
    body.push_str(&format!("\n经办人身份证号：{ID}\n"));
    let a = publish(&gw, &[("content-type", "text/plain; charset=utf-8")], body).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    let message = a.json()["message"].as_str().unwrap().to_string();
    assert!(message.contains("另有 1 处需人工复核"), "{message}");
    assert!(
        message.contains(MASKED) && !message.contains(ID),
        "{message}"
    );
    assert!(
        message.contains("（正文 第"),
        "part names in Chinese: {message}"
    );
    gw.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn final_items_lose_their_body_after_retention_and_keep_their_trail() {
    let up = Upstream::start().await;
    let dir = TempDir::new();
    let gw = gateway(config(&up.url(), dir.path())).await;
    let headers = [("content-type", "text/plain; charset=utf-8")];
    let rejected = held(&gw, &headers, text_with_id().into_bytes()).await;
    let waiting = held(&gw, &headers, text_with_id().into_bytes()).await;
    let r = api(
        gw.admin_addr,
        Method::POST,
        &format!("/api/holds/{rejected}/reject"),
        "alice",
        r#"{"reason":"请删除身份证号"}"#,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);

    // `pubgate purge --days 0`, the real binary, beside the running gateway.
    let store = format!("sqlite://{}", dir.path().join("pubgate.db").display());
    let out = std::process::Command::new(crate::util::bin())
        .args(["purge", "--store", &store, "--days", "0"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("purged 1 held request"), "{stdout}");

    let d = item(&gw, "alice", &rejected).await.json();
    assert!(d["item"]["purged_at"].is_i64(), "{d}");
    assert_eq!(d["findings"][0]["excerpt"], MASKED, "findings are kept");
    assert!(d["text"].as_array().unwrap().is_empty(), "the text is gone");
    let trail = actions(&d);
    assert_eq!(trail, ["held", "rejected", "purged"]);
    let sha = d["audit"][2]["detail"].as_str().unwrap();
    assert!(
        sha.starts_with("body_sha256=") && sha.len() == 12 + 64,
        "{sha}"
    );
    let stored = gw.store.get(&rejected).await.unwrap();
    assert!(stored.request.body.is_empty() && stored.request.headers.is_empty());
    // An item still waiting for a decision keeps its request.
    assert!(
        !gw.store
            .get(&waiting)
            .await
            .unwrap()
            .request
            .body
            .is_empty()
    );
    let verify = std::process::Command::new(crate::util::bin())
        .args(["audit", "verify", "--store", &store])
        .output()
        .unwrap();
    assert!(
        verify.status.success(),
        "{}",
        String::from_utf8_lossy(&verify.stdout)
    );
    gw.shutdown().await;

    // The gateway purges by itself at start (and hourly) with retention_days.
    let dir = TempDir::new();
    let mut c = config(&up.url(), dir.path());
    c.retention_days = 1;
    let gw = gateway(c.clone()).await;
    let old = held(&gw, &headers, text_with_id().into_bytes()).await;
    api(
        gw.admin_addr,
        Method::POST,
        &format!("/api/holds/{old}/reject"),
        "alice",
        r#"{"reason":"x"}"#,
    )
    .await;
    sqlx::query("UPDATE holds SET updated_at = 0 WHERE id = $1")
        .bind(&old)
        .execute(gw.store.pool())
        .await
        .unwrap();
    gw.shutdown().await;
    let gw = gateway(c).await;
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while item(&gw, "alice", &old).await.json()["item"]["purged_at"].is_null() {
        assert!(std::time::Instant::now() < deadline, "not purged at start");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    gw.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expert_list_is_marked_by_its_names_and_masked_name_by_name() {
    let up = Upstream::start().await;
    let dir = TempDir::new();
    let gw = gateway(config(&up.url(), dir.path())).await;
    let clean = std::fs::read_to_string("tests/corpus/05-tender-liaoning-clean.txt").unwrap();
    let body = format!("{clean}\n评审委员会成员：张伟、李娜、王强\n");
    let id = held(
        &gw,
        &[("content-type", "text/plain; charset=utf-8")],
        body.clone().into_bytes(),
    )
    .await;
    let d = item(&gw, "alice", &id).await.json();
    let (piece, span) = d["text"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|p| Some((p, p["spans"].as_array()?.first()?.clone())))
        .unwrap();
    let text = piece["text"].as_str().unwrap();
    let marked =
        &text[span["start"].as_u64().unwrap() as usize..span["end"].as_u64().unwrap() as usize];
    assert!(
        marked.ends_with("张伟、李娜、王强"),
        "the names are marked: {marked}"
    );
    let finding = &d["findings"][0];
    assert_eq!(finding["rule"], "procurement.expert_list");
    let excerpt = finding["excerpt"].as_str().unwrap();
    assert!(
        !excerpt.contains("张伟") && !excerpt.contains("李娜"),
        "{excerpt}"
    );

    let ok = api(
        gw.admin_addr,
        Method::POST,
        &format!("/api/holds/{id}/approve"),
        "alice",
        r#"{"mask":true}"#,
    )
    .await;
    assert_eq!(
        ok.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&ok.body)
    );
    wait_status(gw.admin_addr, &id, "delivered").await;
    let sent = String::from_utf8(up.seen()[0].body.to_vec()).unwrap();
    assert!(sent.contains("评审委员会成员：张*、李*、王*"), "{sent}");
    assert_eq!(
        sent.replace("评审委员会成员：张*、李*、王*", ""),
        body.replace("评审委员会成员：张伟、李娜、王强", "")
    );
    gw.shutdown().await;
}
