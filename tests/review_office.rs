//! The review office's daily work against the real gateway: 打码后发布,
//! what a rejected submitter is told, the queue a person works through.

use std::io::Write as _;
use std::time::Duration;

use ::http::{Method, StatusCode};

use crate::util::TempDir;
use crate::util::http::{Upstream, api, config, gateway, item, publish, wait_status};

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
