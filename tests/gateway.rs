//! `pubgate serve` end to end: a real upstream HTTP server on loopback,
//! the gateway in front of it, a real SQLite store (and PostgreSQL where
//! the machine has one), the review API on the admin listener.

use std::time::Duration;

use ::http::{Method, StatusCode};

use crate::util::TempDir;
use crate::util::http::{
    self, Upstream, api, approve, config, gateway, item, publish, send, wait_status,
};

const ID: &str = "370102198001011237";

fn clean_html() -> Vec<u8> {
    std::fs::read("tests/corpus/02-award-clean.html").unwrap()
}

fn clean_text() -> String {
    std::fs::read_to_string("tests/corpus/05-tender-liaoning-clean.txt").unwrap()
}

fn text_with_id() -> String {
    format!("{}\n经办人身份证号：{ID}\n", clean_text())
}

fn masked_only(body: &[u8]) {
    let text = String::from_utf8_lossy(body);
    assert!(!text.contains(ID), "raw ID number leaked: {text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clean_notice_is_forwarded_byte_identical() {
    let up = Upstream::start().await;
    let dir = TempDir::new();
    let gw = gateway(config(&up.url(), dir.path())).await;
    let body = clean_html();
    let a = send(
        gw.proxy_addr,
        Method::POST,
        "/api/notices?draft=0",
        &[("content-type", "text/html; charset=utf-8")],
        body.clone(),
    )
    .await;
    assert_eq!(
        a.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&a.body)
    );
    assert_eq!(a.headers["x-pubgate-verdict"], "pass");
    let seen = up.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(
        seen[0].body, body,
        "forwarded body differs from the original"
    );
    assert_eq!(seen[0].method, "POST");
    assert_eq!(seen[0].uri, "/api/notices?draft=0");
    assert_eq!(seen[0].headers["x-pubgate-verdict"], "pass");
    assert_eq!(seen[0].headers["x-forwarded-for"], "127.0.0.1");
    assert_eq!(seen[0].headers["content-type"], "text/html; charset=utf-8");
    gw.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn id_number_is_held_then_approved_and_delivered_once() {
    let up = Upstream::start().await;
    let dir = TempDir::new();
    let gw = gateway(config(&up.url(), dir.path())).await;
    let body = text_with_id();
    let a = publish(
        &gw,
        &[
            ("content-type", "text/plain; charset=utf-8"),
            ("x-submitter", "bob"),
        ],
        body.clone(),
    )
    .await;
    assert_eq!(a.status, StatusCode::ACCEPTED);
    masked_only(&a.body);
    let v = a.json();
    assert_eq!(v["status"], "held");
    assert_eq!(v["queue"], "privacy");
    assert_eq!(v["findings"][0]["rule"], "personal.id_card");
    assert_eq!(v["findings"][0]["excerpt"], "370102********1237");
    let id = v["id"].as_str().unwrap().to_string();
    assert_eq!(id.len(), 32);
    assert_eq!(a.headers["location"], format!("/api/holds/{id}").as_str());
    assert!(up.seen().is_empty(), "upstream received a held request");

    // The reviewer sees the item, its text and the finding span.
    let d = item(&gw, "alice", &id).await;
    assert_eq!(d.status, StatusCode::OK);
    let d = d.json();
    assert_eq!(d["item"]["status"], "held");
    assert_eq!(d["item"]["submitter"], "bob");
    let piece = d["text"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| !p["spans"].as_array().unwrap().is_empty())
        .unwrap();
    let span = &piece["spans"][0];
    let text = piece["text"].as_str().unwrap();
    assert_eq!(
        &text[span["start"].as_u64().unwrap() as usize..span["end"].as_u64().unwrap() as usize],
        ID
    );

    let ok = api(
        gw.admin_addr,
        Method::POST,
        &format!("/api/holds/{id}/approve"),
        "alice",
        r#"{"comment":"经办人同意公开"}"#,
    )
    .await;
    assert_eq!(
        ok.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&ok.body)
    );
    let done = wait_status(gw.admin_addr, &id, "delivered").await;
    assert_eq!(done["item"]["status"], "delivered");
    assert_eq!(done["item"]["upstream_status"], 200);
    let actions: Vec<&str> = done["audit"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["held", "approved", "delivered"]);

    // A second approval is refused and nothing is sent again.
    let again = approve(&gw, "admin", &id).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let seen = up.seen();
    assert_eq!(seen.len(), 1, "delivered more than once");
    assert_eq!(seen[0].body, body.as_bytes());
    assert_eq!(seen[0].headers["idempotency-key"], id.as_str());
    assert_eq!(seen[0].headers["x-submitter"], "bob");
    assert_eq!(seen[0].uri, "/api/notices");
    gw.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn approval_while_upstream_is_down_is_delivered_when_it_returns() {
    let addr = http::free_addr();
    let dir = TempDir::new();
    let gw = gateway(config(&format!("http://{addr}"), dir.path())).await;
    let a = publish(&gw, &[("content-type", "text/plain")], text_with_id()).await;
    assert_eq!(a.status, StatusCode::ACCEPTED);
    let id = a.json()["id"].as_str().unwrap().to_string();
    let ok = approve(&gw, "admin", &id).await;
    assert_eq!(ok.status, StatusCode::OK);
    // Wait for two failed attempts; the item stays approved (a delivery
    // attempt in flight shows as `delivering` for an instant).
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let pending = loop {
        let v = item(&gw, "admin", &id).await.json();
        if v["item"]["attempts"].as_i64().unwrap() >= 2 || std::time::Instant::now() > deadline {
            break v;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(
        pending["item"]["attempts"].as_i64().unwrap() >= 2,
        "not retried: {pending}"
    );
    let status = pending["item"]["status"].as_str().unwrap();
    assert!(
        status == "approved" || status == "delivering",
        "gave up while the upstream was down: {pending}"
    );
    // Pass-through traffic meanwhile gets a clear 502.
    let bad = send(gw.proxy_addr, Method::GET, "/", &[], "").await;
    assert_eq!(bad.status, StatusCode::BAD_GATEWAY);
    assert_eq!(bad.json()["error"], "upstream_unavailable");

    let up = Upstream::start_on(addr).await;
    let done = wait_status(gw.admin_addr, &id, "delivered").await;
    assert_eq!(done["item"]["status"], "delivered", "{done}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(up.seen().len(), 1);
    gw.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upstream_5xx_is_retried_and_4xx_fails() {
    let up = Upstream::start().await;
    let dir = TempDir::new();
    let gw = gateway(config(&up.url(), dir.path())).await;
    up.status.store(503, std::sync::atomic::Ordering::SeqCst);
    let a = publish(&gw, &[], text_with_id()).await;
    let id = a.json()["id"].as_str().unwrap().to_string();
    approve(&gw, "admin", &id).await;
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while up.seen().len() < 2 && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(up.seen().len() >= 2, "5xx not retried");
    up.status.store(201, std::sync::atomic::Ordering::SeqCst);
    let done = wait_status(gw.admin_addr, &id, "delivered").await;
    assert_eq!(done["item"]["upstream_status"], 201);
    let n = up.seen().len();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(up.seen().len(), n, "sent again after delivery");

    up.status.store(400, std::sync::atomic::Ordering::SeqCst);
    let a = publish(&gw, &[], text_with_id()).await;
    let id = a.json()["id"].as_str().unwrap().to_string();
    approve(&gw, "admin", &id).await;
    let failed = wait_status(gw.admin_addr, &id, "failed").await;
    assert_eq!(failed["item"]["upstream_status"], 400);
    gw.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inconsistent_notice_is_blocked_with_a_chinese_explanation() {
    let up = Upstream::start().await;
    let dir = TempDir::new();
    let gw = gateway(config(&up.url(), dir.path())).await;
    let body = std::fs::read("tests/corpus/09-award-amount-words.txt").unwrap();
    let a = publish(&gw, &[("content-type", "text/plain")], body).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    let v = a.json();
    assert_eq!(v["status"], "blocked");
    let message = v["message"].as_str().unwrap();
    assert!(message.contains("请修改后重新提交"), "{message}");
    assert!(message.contains("依据"), "{message}");
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "consistency.amount_words")
    );
    assert!(up.seen().is_empty());
    gw.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn body_limit_is_exact_and_over_limit_is_413() {
    let up = Upstream::start().await;
    let dir = TempDir::new();
    let mut c = config(&up.url(), dir.path());
    let body = clean_html();
    c.limits.max_body_bytes = body.len();
    let gw = gateway(c).await;
    let at = publish(&gw, &[("content-type", "text/html")], body.clone()).await;
    assert_eq!(
        at.status,
        StatusCode::OK,
        "a body of exactly the limit must be scanned"
    );
    let mut over = body.clone();
    over.push(b'\n');
    let a = publish(&gw, &[("content-type", "text/html")], over).await;
    assert_eq!(a.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(a.json()["error"], "body_too_large");
    assert_eq!(
        up.seen().len(),
        1,
        "an over-limit body reached the upstream"
    );
    gw.shutdown().await;
}

fn multipart(boundary: &str, parts: &[(&str, Option<&str>, &str, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    for (name, file, ctype, data) in parts {
        out.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        match file {
            Some(f) => out.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\n")
                    .as_bytes(),
            ),
            None => out.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"\r\n").as_bytes(),
            ),
        }
        out.extend_from_slice(format!("Content-Type: {ctype}\r\n\r\n").as_bytes());
        out.extend_from_slice(data);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pdf_attachment_with_a_secrecy_mark_is_held_for_security_officers() {
    let up = Upstream::start().await;
    let dir = TempDir::new();
    let gw = gateway(config(&up.url(), dir.path())).await;
    let pdf = crate::util::pdf::build(
        &[vec![
            "附件：技术参数说明".into(),
            "机密★5年".into(),
            "设备清单见下表".into(),
        ]],
        &[],
    );
    let body = multipart(
        "XyZ",
        &[
            ("content", None, "text/html; charset=utf-8", &clean_html()),
            ("file", Some("附件1.pdf"), "application/pdf", &pdf),
        ],
    );
    let a = publish(
        &gw,
        &[("content-type", "multipart/form-data; boundary=XyZ")],
        body,
    )
    .await;
    assert_eq!(
        a.status,
        StatusCode::ACCEPTED,
        "{}",
        String::from_utf8_lossy(&a.body)
    );
    let v = a.json();
    assert_eq!(v["queue"], "secrecy");
    let finding = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["category"] == "classified")
        .unwrap();
    assert!(
        finding["location"]["part"]
            .as_str()
            .unwrap()
            .starts_with("attachment 附件1.pdf"),
        "{finding}"
    );
    assert!(up.seen().is_empty());
    let id = v["id"].as_str().unwrap();
    // A privacy reviewer does not see the secrecy queue at all.
    let hidden = item(&gw, "alice", id).await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);
    let list = api(
        gw.admin_addr,
        Method::GET,
        "/api/holds?status=held",
        "alice",
        "",
    )
    .await
    .json();
    assert!(list["items"].as_array().unwrap().is_empty());
    let list = api(
        gw.admin_addr,
        Method::GET,
        "/api/holds?status=held",
        "sam",
        "",
    )
    .await
    .json();
    assert_eq!(list["items"][0]["id"], id);
    gw.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redaction_forwards_a_masked_body() {
    let up = Upstream::start().await;
    let dir = TempDir::new();
    let policy = std::fs::read_to_string("policies/default.toml")
        .unwrap()
        .replace(
            "[categories.personal_data]\naction = \"hold\"",
            "[categories.personal_data]\naction = \"redact\"",
        );
    assert!(policy.contains("action = \"redact\""));
    let policy_file = dir.write("redact.toml", policy.as_bytes());
    let mut c = config(&up.url(), dir.path());
    c.policy = Some(policy_file);
    let gw = gateway(c).await;
    let html = String::from_utf8(clean_html())
        .unwrap()
        .replace("</body>", &format!("<p>经办人身份证号：{ID}</p></body>"));
    let json = serde_json::json!({"title": "中标结果公告", "content": html}).to_string();
    let a = publish(&gw, &[("content-type", "application/json")], json.clone()).await;
    assert_eq!(
        a.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&a.body)
    );
    assert_eq!(a.headers["x-pubgate-verdict"], "redact");
    let seen = up.seen();
    assert_eq!(seen.len(), 1);
    let forwarded = String::from_utf8(seen[0].body.to_vec()).unwrap();
    assert!(!forwarded.contains(ID));
    assert!(forwarded.contains("370102********1237"));
    assert_eq!(forwarded, json.replace(ID, "370102********1237"));
    assert_eq!(
        seen[0].headers["content-length"],
        forwarded.len().to_string().as_str()
    );

    // A value that cannot be found literally (split by a tag) is held.
    let split = String::from_utf8(clean_html()).unwrap().replace(
        "</body>",
        &format!(
            "<p>经办人身份证号：{}<b>{}</b></p></body>",
            &ID[..9],
            &ID[9..]
        ),
    );
    let a = publish(&gw, &[("content-type", "text/html")], split).await;
    assert_eq!(
        a.status,
        StatusCode::ACCEPTED,
        "{}",
        String::from_utf8_lossy(&a.body)
    );
    assert_eq!(up.seen().len(), 1);
    gw.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uninspected_routes_stream_large_bodies_past_the_inspection_limit() {
    let up = Upstream::start().await;
    let dir = TempDir::new();
    let mut c = config(&up.url(), dir.path());
    c.limits.max_body_bytes = 1 << 20;
    c.inspect = vec![pubgate::gateway::routes::InspectRoute {
        name: Some("notices".into()),
        method: "POST".into(),
        path: "/api/notices".into(),
        query: Default::default(),
        monitor: false,
        announcement: true,
    }];
    let gw = gateway(c).await;
    let big = vec![b'x'; 24 << 20];
    let a = send(
        gw.proxy_addr,
        Method::PUT,
        "/static/video.bin",
        &[],
        big.clone(),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.headers.get("x-pubgate-verdict"), None);
    assert_eq!(up.seen()[0].body.len(), big.len());
    // The inspected route still applies its limit, also through a path
    // trick, and refuses a declared oversize body before reading it.
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut raw = tokio::net::TcpStream::connect(gw.proxy_addr).await.unwrap();
    let head = format!(
        "POST /API/x/../notices HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n\r\n",
        big.len()
    );
    raw.write_all(head.as_bytes()).await.unwrap();
    let mut answer = vec![0u8; 4096];
    let n = tokio::time::timeout(Duration::from_secs(5), raw.read(&mut answer))
        .await
        .unwrap()
        .unwrap();
    let answer = String::from_utf8_lossy(&answer[..n]);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("body_too_large"), "{answer}");
    assert_eq!(up.seen().len(), 1);
    gw.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn encoded_and_form_bodies_are_inspected() {
    use std::io::Write;
    let up = Upstream::start().await;
    let dir = TempDir::new();
    let gw = gateway(config(&up.url(), dir.path())).await;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(text_with_id().as_bytes()).unwrap();
    let a = publish(
        &gw,
        &[("content-type", "text/plain"), ("content-encoding", "gzip")],
        gz.finish().unwrap(),
    )
    .await;
    assert_eq!(a.status, StatusCode::ACCEPTED, "gzip body not inspected");
    let form: String = form_urlencoded::Serializer::new(String::new())
        .append_pair("title", "招标公告")
        .append_pair("content", &text_with_id())
        .finish();
    let a = publish(
        &gw,
        &[("content-type", "application/x-www-form-urlencoded")],
        form,
    )
    .await;
    assert_eq!(a.status, StatusCode::ACCEPTED, "form body not inspected");
    // A gzip bomb is refused, not forwarded.
    let mut bomb = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    bomb.write_all(&vec![b' '; 20 << 20]).unwrap();
    let a = publish(&gw, &[("content-encoding", "gzip")], bomb.finish().unwrap()).await;
    assert!(a.status.is_client_error(), "{}", a.status);
    // A text body sent as a form (curl's default type) lands in the field
    // names; they are scanned too.
    let a = publish(
        &gw,
        &[("content-type", "application/x-www-form-urlencoded")],
        text_with_id(),
    )
    .await;
    assert_eq!(
        a.status,
        StatusCode::ACCEPTED,
        "{}",
        String::from_utf8_lossy(&a.body)
    );
    let v = a.json();
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "personal.id_card")
        .unwrap();
    assert_eq!(
        f["location"]["part"]
            .as_str()
            .unwrap()
            .split(' ')
            .next()
            .unwrap(),
        "form:names"
    );
    // So is an attachment's file name.
    let named = format!("身份证{ID}.txt");
    let body = multipart(
        "N",
        &[
            ("content", None, "text/html", &clean_html()),
            ("file", Some(&named), "text/plain", b"ok"),
        ],
    );
    let a = publish(
        &gw,
        &[("content-type", "multipart/form-data; boundary=N")],
        body,
    )
    .await;
    assert_eq!(a.status, StatusCode::ACCEPTED, "a file name leaked");
    masked_only(&a.body);
    // Malformed multipart is refused clearly.
    let a = publish(
        &gw,
        &[("content-type", "multipart/form-data; boundary=q")],
        "--q\r\nbroken",
    )
    .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert!(up.seen().is_empty());
    gw.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn monitor_mode_forwards_everything_and_records_the_decision() {
    let up = Upstream::start().await;
    let dir = TempDir::new();
    let mut c = config(&up.url(), dir.path());
    c.monitor = true;
    let gw = gateway(c).await;
    let a = publish(&gw, &[], text_with_id()).await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.headers["x-pubgate-verdict"], "monitor");
    assert_eq!(up.seen().len(), 1);
    // The decision log is written in the background.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let mut counts = Vec::new();
    while counts.is_empty() && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
        counts = gw.store.decision_counts().await.unwrap();
    }
    assert_eq!(counts, vec![("hold".to_string(), false, 1)]);
    gw.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn review_api_refuses_the_unauthenticated_the_unauthorised_and_the_submitter() {
    let up = Upstream::start().await;
    let dir = TempDir::new();
    let gw = gateway(config(&up.url(), dir.path())).await;
    let a = publish(&gw, &[("x-submitter", "ＡＬＩＣＥ")], text_with_id()).await;
    let id = a.json()["id"].as_str().unwrap().to_string();
    for (method, path) in [
        (Method::GET, "/api/holds".to_string()),
        (Method::GET, format!("/api/holds/{id}")),
        (Method::POST, format!("/api/holds/{id}/approve")),
        (Method::POST, format!("/api/holds/{id}/reject")),
        (Method::POST, "/api/reload".to_string()),
    ] {
        let none = send(gw.admin_addr, method.clone(), &path, &[], "").await;
        assert_eq!(none.status, StatusCode::UNAUTHORIZED, "{method} {path}");
        let wrong = send(
            gw.admin_addr,
            method.clone(),
            &path,
            &[("authorization", "Bearer nope")],
            "",
        )
        .await;
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED, "{method} {path}");
    }
    let sam = approve(&gw, "sam", &id).await;
    assert_eq!(
        sam.status,
        StatusCode::NOT_FOUND,
        "a reviewer acted outside their queues"
    );
    let reload = api(gw.admin_addr, Method::POST, "/api/reload", "alice", "").await;
    assert_eq!(reload.status, StatusCode::FORBIDDEN);
    let own = approve(&gw, "alice", &id).await;
    assert_eq!(
        own.status,
        StatusCode::FORBIDDEN,
        "the submitter approved their own item"
    );
    let no_reason = api(
        gw.admin_addr,
        Method::POST,
        &format!("/api/holds/{id}/reject"),
        "admin",
        "{}",
    )
    .await;
    assert_eq!(no_reason.status, StatusCode::BAD_REQUEST);
    let rejected = api(
        gw.admin_addr,
        Method::POST,
        &format!("/api/holds/{id}/reject"),
        "admin",
        r#"{"reason":"含身份证号"}"#,
    )
    .await;
    assert_eq!(rejected.status, StatusCode::OK);
    let d = item(&gw, "admin", &id).await.json();
    let actions: Vec<&str> = d["audit"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["held", "approve_refused", "rejected"]);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(up.seen().is_empty(), "a rejected item was delivered");
    gw.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_count_what_happened() {
    let up = Upstream::start().await;
    let dir = TempDir::new();
    let gw = gateway(config(&up.url(), dir.path())).await;
    publish(&gw, &[("content-type", "text/html")], clean_html()).await;
    publish(&gw, &[], text_with_id()).await;
    publish(&gw, &[], text_with_id()).await;
    send(gw.proxy_addr, Method::GET, "/index.html", &[], "").await;
    let m = send(gw.admin_addr, Method::GET, "/metrics", &[], "").await;
    let text = String::from_utf8(m.body.to_vec()).unwrap();
    for line in [
        "pubgate_requests_total{route=\"default\",verdict=\"pass\"} 1",
        "pubgate_requests_total{route=\"default\",verdict=\"hold\"} 2",
        "pubgate_requests_total{route=\"passthrough\",verdict=\"forwarded\"} 1",
        "pubgate_findings_total{category=\"personal_data\",rule=\"personal.id_card\"} 2",
        "pubgate_queue_depth{status=\"held\"} 2",
        "pubgate_scan_duration_seconds_count 3",
    ] {
        assert!(text.contains(line), "missing `{line}` in\n{text}");
    }
    masked_only(text.as_bytes());
    assert_eq!(
        send(gw.admin_addr, Method::GET, "/healthz", &[], "")
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        send(gw.admin_addr, Method::GET, "/readyz", &[], "")
            .await
            .status,
        StatusCode::OK
    );
    gw.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reload_keeps_the_old_policy_when_the_new_one_is_broken() {
    let up = Upstream::start().await;
    let dir = TempDir::new();
    let policy = dir.write(
        "policy.toml",
        &std::fs::read("policies/default.toml").unwrap(),
    );
    let mut c = config(&up.url(), dir.path());
    c.policy = Some(policy.clone());
    let gw = gateway(c).await;
    let ok = api(gw.admin_addr, Method::POST, "/api/reload", "admin", "").await;
    assert_eq!(ok.status, StatusCode::OK);
    std::fs::write(&policy, "[categories.personal_data]\naction = \"maybe\"\n").unwrap();
    let bad = api(gw.admin_addr, Method::POST, "/api/reload", "admin", "").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.json()["error"]
            .as_str()
            .unwrap()
            .contains("policy.toml")
    );
    // Still enforcing the old policy.
    let a = publish(&gw, &[], text_with_id()).await;
    assert_eq!(a.status, StatusCode::ACCEPTED);
    gw.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn holds_survive_a_restart_and_interrupted_deliveries_need_a_person() {
    let up = Upstream::start().await;
    let dir = TempDir::new();
    let gw = gateway(config(&up.url(), dir.path())).await;
    let a = publish(&gw, &[], text_with_id()).await;
    let id = a.json()["id"].as_str().unwrap().to_string();
    gw.shutdown().await;

    crate::util::http::interrupt_delivery(dir.path(), &id).await;

    let gw = gateway(config(&up.url(), dir.path())).await;
    let d = item(&gw, "admin", &id).await.json();
    assert_eq!(d["item"]["status"], "needs_reconcile", "{d}");
    assert!(
        up.seen().is_empty(),
        "resent without knowing whether it was published"
    );
    let r = api(
        gw.admin_addr,
        Method::POST,
        &format!("/api/holds/{id}/reconcile"),
        "admin",
        r#"{"outcome":"resend","comment":"平台上没有这篇"}"#,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    wait_status(gw.admin_addr, &id, "delivered").await;
    assert_eq!(up.seen().len(), 1);
    gw.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_store_failure_refuses_with_503_and_forwards_nothing() {
    let up = Upstream::start().await;
    let dir = TempDir::new();
    let gw = gateway(config(&up.url(), dir.path())).await;
    gw.store.pool().close().await;
    let a = publish(&gw, &[], text_with_id()).await;
    assert_eq!(a.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(a.headers["retry-after"], "30");
    assert_eq!(a.json()["error"], "store_unavailable");
    masked_only(&a.body);
    assert!(
        up.seen().is_empty(),
        "a request that could not be held was forwarded"
    );
    let ready = send(gw.admin_addr, Method::GET, "/readyz", &[], "").await;
    assert_eq!(ready.status, StatusCode::SERVICE_UNAVAILABLE);
    // Clean traffic does not need the store.
    let clean = publish(&gw, &[("content-type", "text/html")], clean_html()).await;
    assert_eq!(clean.status, StatusCode::OK);
    gw.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_header_read_timeout_is_really_on() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let up = Upstream::start().await;
    let dir = TempDir::new();
    let mut c = config(&up.url(), dir.path());
    c.limits.header_read_timeout_secs = 1;
    let gw = gateway(c).await;
    let started = std::time::Instant::now();
    let mut slow = tokio::net::TcpStream::connect(gw.proxy_addr).await.unwrap();
    slow.write_all(b"POST /api/notices HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let mut idle = tokio::net::TcpStream::connect(gw.proxy_addr).await.unwrap();
    let mut buf = [0u8; 1024];
    // The server must close both: read returns (408 or EOF) instead of hanging.
    let r = tokio::time::timeout(Duration::from_secs(5), slow.read(&mut buf)).await;
    assert!(r.is_ok(), "a slow header was kept open");
    let r = tokio::time::timeout(Duration::from_secs(5), idle.read(&mut buf)).await;
    assert!(r.is_ok(), "an idle connection was kept open");
    assert!(started.elapsed() < Duration::from_secs(4));
    // And normal traffic is served meanwhile and after.
    let a = send(gw.proxy_addr, Method::GET, "/", &[], "").await;
    assert_eq!(a.status, StatusCode::OK);
    gw.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graceful_shutdown_finishes_an_inspection_in_flight() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let up = Upstream::start().await;
    let dir = TempDir::new();
    let gw = gateway(config(&up.url(), dir.path())).await;
    let body = text_with_id();
    let mut conn = tokio::net::TcpStream::connect(gw.proxy_addr).await.unwrap();
    let head = format!(
        "POST /api/notices HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    conn.write_all(head.as_bytes()).await.unwrap();
    conn.write_all(&body.as_bytes()[..100]).await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let store = gw.store.clone();
    let stopping = tokio::spawn(gw.shutdown());
    tokio::time::sleep(Duration::from_millis(200)).await;
    conn.write_all(&body.as_bytes()[100..]).await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), conn.read_to_end(&mut answer))
        .await
        .unwrap()
        .unwrap();
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 202"), "{answer}");
    stopping.await.unwrap();
    let (items, _) = store
        .list(&pubgate::store::ListFilter {
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        items.len(),
        1,
        "the hold acknowledged during shutdown is stored"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_webhook_hears_every_state_change_and_no_content() {
    let up = Upstream::start().await;
    let hook = Upstream::start().await;
    let dir = TempDir::new();
    let mut c = config(&up.url(), dir.path());
    c.webhook = Some(format!("{}/events", hook.url()));
    let gw = gateway(c).await;
    let a = publish(&gw, &[("x-pubgate-verdict", "pass")], text_with_id()).await;
    assert_eq!(
        a.status,
        StatusCode::ACCEPTED,
        "a client-set verdict header must not matter"
    );
    let id = a.json()["id"].as_str().unwrap().to_string();
    approve(&gw, "alice", &id).await;
    wait_status(gw.admin_addr, &id, "delivered").await;
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while hook.seen().len() < 3 && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let mut events: Vec<String> = hook
        .seen()
        .iter()
        .map(|s| {
            masked_only(&s.body);
            let v: serde_json::Value = serde_json::from_slice(&s.body).unwrap();
            assert_eq!(v["id"], id.as_str());
            v["to"].as_str().unwrap().to_string()
        })
        .collect();
    events.sort();
    assert_eq!(events, ["approved", "delivered", "held"]);
    assert_eq!(up.seen()[0].headers["x-pubgate-verdict"], "approved");
    gw.shutdown().await;
}

/// Reads one HTTP/1.1 response with a Content-Length body from a raw stream.
async fn read_response(conn: &mut tokio::net::TcpStream) -> (u16, String) {
    use tokio::io::AsyncReadExt;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        let n = tokio::time::timeout(Duration::from_secs(10), conn.read(&mut chunk))
            .await
            .unwrap()
            .unwrap();
        assert!(
            n > 0,
            "connection closed early: {}",
            String::from_utf8_lossy(&buf)
        );
        buf.extend_from_slice(&chunk[..n]);
        let text = String::from_utf8_lossy(&buf).to_string();
        if let Some(end) = text.find("\r\n\r\n") {
            let head = &text[..end];
            let status: u16 = head[9..12].parse().unwrap();
            if status == 100 {
                return (100, String::new());
            }
            let len: usize = head
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase()
                        .strip_prefix("content-length:")
                        .map(|v| v.trim().parse().unwrap())
                })
                .unwrap_or(0);
            if buf.len() >= end + 4 + len {
                return (
                    status,
                    String::from_utf8_lossy(&buf[end + 4..end + 4 + len]).to_string(),
                );
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keep_alive_chunked_bodies_and_expect_continue() {
    use tokio::io::AsyncWriteExt;
    let up = Upstream::start().await;
    let dir = TempDir::new();
    let gw = gateway(config(&up.url(), dir.path())).await;
    let mut conn = tokio::net::TcpStream::connect(gw.proxy_addr).await.unwrap();

    // 1. A chunked inspected body with an ID number, split mid-number.
    let body = text_with_id();
    let (a, b) = body.as_bytes().split_at(body.len() - 8);
    conn.write_all(b"POST /api/notices HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
        .await
        .unwrap();
    conn.write_all(format!("{:x}\r\n", a.len()).as_bytes())
        .await
        .unwrap();
    conn.write_all(a).await.unwrap();
    conn.write_all(format!("\r\n{:x}\r\n", b.len()).as_bytes())
        .await
        .unwrap();
    conn.write_all(b).await.unwrap();
    conn.write_all(b"\r\n0\r\n\r\n").await.unwrap();
    let (status, text) = read_response(&mut conn).await;
    assert_eq!(status, 202, "{text}");

    // 2. Same connection: Expect: 100-continue on a clean notice.
    let clean = clean_html();
    let head = format!(
        "POST /api/notices HTTP/1.1\r\nHost: x\r\nContent-Type: text/html\r\nContent-Length: {}\r\nExpect: 100-continue\r\n\r\n",
        clean.len()
    );
    conn.write_all(head.as_bytes()).await.unwrap();
    let (status, _) = read_response(&mut conn).await;
    assert_eq!(status, 100);
    conn.write_all(&clean).await.unwrap();
    let (status, _) = read_response(&mut conn).await;
    assert_eq!(status, 200);

    // 3. Same connection: an uninspected GET.
    conn.write_all(b"GET /list HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let (status, _) = read_response(&mut conn).await;
    assert_eq!(status, 200);

    let seen = up.seen();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0].body, clean);
    assert!(
        seen[0].headers.get("expect").is_none(),
        "Expect is hop-by-hop here"
    );
    assert_eq!(seen[1].uri, "/list");
    gw.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_configured_limit_bites() {
    use tokio::io::AsyncWriteExt;
    let up = Upstream::start().await;
    let dir = TempDir::new();
    let mut c = config(&up.url(), dir.path());
    c.limits.max_parts = 3;
    c.limits.scan_timeout_secs = 0;
    c.limits.max_connections = 1;
    c.proxy_threads = 1;
    c.limits.header_read_timeout_secs = 1;
    let gw = gateway(c).await;

    // Parts: four fields where three are allowed.
    let parts: Vec<(&str, Option<&str>, &str, &[u8])> = (0..4)
        .map(|_| ("f", None, "text/plain", &b"x"[..]))
        .collect();
    let a = publish(
        &gw,
        &[("content-type", "multipart/form-data; boundary=B")],
        multipart("B", &parts),
    )
    .await;
    assert_eq!(a.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(a.json()["error"], "too_many_parts");

    // A scan that does not finish in time holds, even a clean notice.
    let a = publish(&gw, &[("content-type", "text/html")], clean_html()).await;
    assert_eq!(a.status, StatusCode::ACCEPTED);
    assert_eq!(a.json()["queue"], "unscannable");

    // One connection at a time: a second client waits until the first is
    // reaped by the header timeout, then is served.
    let mut first = tokio::net::TcpStream::connect(gw.proxy_addr).await.unwrap();
    first.write_all(b"GET / HTTP/1.1\r\n").await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let started = std::time::Instant::now();
    let b = send(gw.proxy_addr, Method::GET, "/", &[], "").await;
    assert_eq!(b.status, StatusCode::OK);
    assert!(
        started.elapsed() >= Duration::from_millis(500),
        "the connection cap did not hold the second client"
    );
    assert!(up.seen().len() == 1, "only the GET reached the upstream");
    gw.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn host_is_kept_or_rewritten_and_forwarding_headers_are_added() {
    let up = Upstream::start().await;
    let dir = TempDir::new();
    let gw = gateway(config(&up.url(), dir.path())).await;
    send(
        gw.proxy_addr,
        Method::GET,
        "/a",
        &[("x-forwarded-for", "10.1.2.3")],
        "",
    )
    .await;
    let seen = up.seen();
    assert_eq!(
        seen[0].headers["host"],
        gw.proxy_addr.to_string().as_str(),
        "Host kept"
    );
    assert_eq!(
        seen[0].headers["x-forwarded-for"], "10.1.2.3, 127.0.0.1",
        "chain appended"
    );
    assert_eq!(seen[0].headers["x-forwarded-proto"], "http");
    assert_eq!(
        seen[0].headers["x-forwarded-host"],
        gw.proxy_addr.to_string().as_str()
    );
    gw.shutdown().await;

    let dir = TempDir::new();
    let mut c = config(&up.url(), dir.path());
    c.host = pubgate::serve::config::HostHeader::Upstream;
    let gw = gateway(c).await;
    send(
        gw.proxy_addr,
        Method::GET,
        "/b",
        &[("connection", "x-drop-me"), ("x-drop-me", "1")],
        "",
    )
    .await;
    let seen = up.seen();
    assert_eq!(
        seen[1].headers["host"],
        up.addr.to_string().as_str(),
        "Host rewritten"
    );
    assert_eq!(
        seen[1].headers["x-forwarded-host"],
        gw.proxy_addr.to_string().as_str()
    );
    assert!(
        seen[1].headers.get("x-drop-me").is_none(),
        "a header named in Connection is hop-by-hop"
    );
    gw.shutdown().await;
}

/// SQLite serves one gateway: a second `pubgate serve` on the same file
/// would take the first one's deliveries in flight for its own orphans.
/// It is refused with a message that says what to do; once the first
/// stops, the file is free again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_gateway_on_one_sqlite_file_is_refused() {
    let up = Upstream::start().await;
    let dir = TempDir::new();
    let first = gateway(config(&up.url(), dir.path())).await;
    let second = pubgate::serve::start(config(&up.url(), dir.path()), None).await;
    let message = match second {
        Ok(_) => panic!("a second gateway started on the same SQLite store"),
        Err(e) => e.to_string(),
    };
    assert!(message.contains("PostgreSQL"), "{message}");
    first.shutdown().await;
    let again = gateway(config(&up.url(), dir.path())).await;
    again.shutdown().await;
}

/// An XML-RPC client (`wp.uploadFile` with a DOCX as a `<base64>` member)
/// gets its answer as an XML-RPC fault, and the file inside is read.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn xml_rpc_uploads_are_read_and_answered_with_a_fault() {
    use base64::Engine as _;
    let up = Upstream::start().await;
    let dir = TempDir::new();
    let gw = gateway(config(&up.url(), dir.path())).await;
    let mut docx = crate::util::docx::Docx::default();
    docx.paragraph(&format!("经办人身份证号：{ID}"));
    let call = format!(
        "<?xml version=\"1.0\"?>\n<methodCall><methodName>wp.uploadFile</methodName><params>\
         <param><value><struct>\
         <member><name>name</name><value><string>附件.docx</string></value></member>\
         <member><name>bits</name><value><base64>{}</base64></value></member>\
         </struct></value></param></params></methodCall>",
        base64::engine::general_purpose::STANDARD.encode(docx.build())
    );
    let a = send(
        gw.proxy_addr,
        Method::POST,
        "/xmlrpc.php",
        &[("content-type", "text/xml")],
        call,
    )
    .await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.headers["content-type"], "text/xml; charset=UTF-8");
    assert_eq!(a.headers["x-pubgate-verdict"], "hold");
    let body = String::from_utf8_lossy(&a.body);
    assert!(body.contains("<methodResponse><fault>"), "{body}");
    assert!(body.contains("<int>202</int>"), "{body}");
    assert!(body.contains("370102********1237"), "{body}");
    masked_only(&a.body);
    assert!(up.seen().is_empty());
    // A JSON client still gets JSON.
    let j = publish(
        &gw,
        &[("content-type", "text/plain; charset=utf-8")],
        text_with_id(),
    )
    .await;
    assert_eq!(j.status, StatusCode::ACCEPTED);
    assert_eq!(j.json()["status"], "held");
    gw.shutdown().await;
}

/// A browser that posted a form gets a page it can show, not raw JSON;
/// the values in it are masked and escaped.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_browser_form_post_gets_a_page() {
    let up = Upstream::start().await;
    let dir = TempDir::new();
    let gw = gateway(config(&up.url(), dir.path())).await;
    let form: String = form_urlencoded::Serializer::new(String::new())
        .append_pair("title", "<script>x</script>")
        .append_pair("content", &text_with_id())
        .finish();
    let a = send(
        gw.proxy_addr,
        Method::POST,
        "/api/notices",
        &[
            ("content-type", "application/x-www-form-urlencoded"),
            ("accept", "text/html,application/xhtml+xml"),
        ],
        form.clone(),
    )
    .await;
    assert_eq!(a.status, StatusCode::ACCEPTED);
    assert_eq!(a.headers["content-type"], "text/html; charset=utf-8");
    let page = String::from_utf8_lossy(&a.body);
    assert!(page.contains("已暂缓发布"), "{page}");
    assert!(page.contains("370102********1237"), "{page}");
    assert!(!page.contains("<script>"), "{page}");
    masked_only(&a.body);
    // The same form from a script (no HTML accepted) gets JSON.
    let j = send(
        gw.proxy_addr,
        Method::POST,
        "/api/notices",
        &[("content-type", "application/x-www-form-urlencoded")],
        form,
    )
    .await;
    assert_eq!(j.json()["status"], "held");
    gw.shutdown().await;
}
