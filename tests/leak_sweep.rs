//! The scanner must never become the leak. Canary values (ID numbers, bank
//! cards, a passport number) go through every way into pubgate — each body
//! format, file names, form field names, blocked and held notices,
//! malformed requests, the batch scanner in every output format — and then
//! everything pubgate said is searched for them: the gateway's log, every
//! answer on the proxy port, API listings and errors, metrics, webhook
//! calls and CLI output. Only the authenticated item page may show them.

use std::io::Write as _;

use ::http::{Method, StatusCode};

use crate::generator::{card_number, id_number};
use crate::util::http::Upstream;
use crate::util::process::{start_logged, try_send, wait_ready, write_config_with};
use crate::util::{Rng, TempDir};

fn canaries() -> Vec<String> {
    let mut rng = Rng::new(0x1EAC);
    let mut out: Vec<String> = (0..5).map(|_| id_number(&mut rng)).collect();
    out.push(card_number(&mut rng));
    out.push(card_number(&mut rng));
    out.push("E83172645".into());
    out
}

/// A canary, or its first 12 digits, anywhere in `text`.
fn leaks<'a>(text: &str, canaries: &'a [String]) -> Vec<&'a str> {
    canaries
        .iter()
        .filter(|c| text.contains(c.as_str()) || (c.len() >= 16 && text.contains(&c[..12])))
        .map(String::as_str)
        .collect()
}

fn notice() -> String {
    std::fs::read_to_string("tests/corpus/05-tender-liaoning-clean.txt").unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_log_metric_error_webhook_or_cli_output_carries_a_value_in_clear() {
    let c = canaries();
    let up = Upstream::start().await;
    let hook = Upstream::start().await;
    let dir = TempDir::new();
    let setup = write_config_with(
        &dir,
        &format!("sqlite://{}", dir.path().join("q.db").display()),
        &up.url(),
        "[limits]\nmax_parts = 5\n",
    );
    // The webhook is a top-level key: put it first.
    let config = std::fs::read_to_string(&setup.config).unwrap();
    std::fs::write(
        &setup.config,
        format!("webhook = \"{}/hook\"\n{config}", hook.url()),
    )
    .unwrap();
    let log = dir.path().join("gateway.log");
    let mut child = start_logged(&setup, &log);
    wait_ready(&setup).await;

    let mut said: Vec<(String, String)> = Vec::new();
    let leaky = format!(
        "{}\n联系人身份证：{}\n收款人银行卡号：{}\n护照号码：{}\n",
        notice(),
        c[0],
        c[5],
        c[7]
    );
    let incomplete = format!("招标公告\n联系人身份证：{}\n", c[1]);
    let json = serde_json::json!({"title": "招标公告", "content": leaky}).to_string();
    let form = format!("content={}&{}=1", urlencode(&leaky), c[2]);
    let multipart = format!(
        "--B\r\nContent-Disposition: form-data; name=\"f{}\"; filename=\"身份证{}.txt\"\r\nContent-Type: text/plain\r\n\r\n{leaky}\r\n--B--\r\n",
        c[3], c[3]
    );
    let broken_multipart = format!(
        "--B\r\nContent-Disposition: form-data; name=\"{}\"\r\n\r\nx",
        c[4]
    );
    let too_many: String = (0..8)
        .map(|i| {
            format!(
                "--B\r\nContent-Disposition: form-data; name=\"{}{i}\"\r\n\r\nv\r\n",
                c[4]
            )
        })
        .collect::<String>()
        + "--B--\r\n";
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(leaky.as_bytes()).unwrap();
    let gz = gz.finish().unwrap();
    type Case<'a> = (&'a str, Vec<(&'a str, &'a str)>, Vec<u8>);
    let requests: Vec<Case> = vec![
        (
            "text",
            vec![("content-type", "text/plain")],
            leaky.clone().into_bytes(),
        ),
        (
            "blocked",
            vec![("content-type", "text/plain")],
            incomplete.into_bytes(),
        ),
        (
            "json",
            vec![("content-type", "application/json")],
            json.into_bytes(),
        ),
        (
            "form",
            vec![("content-type", "application/x-www-form-urlencoded")],
            form.into_bytes(),
        ),
        (
            "multipart",
            vec![("content-type", "multipart/form-data; boundary=B")],
            multipart.into_bytes(),
        ),
        (
            "broken multipart",
            vec![("content-type", "multipart/form-data; boundary=B")],
            broken_multipart.into_bytes(),
        ),
        (
            "too many parts",
            vec![("content-type", "multipart/form-data; boundary=B")],
            too_many.into_bytes(),
        ),
        (
            "gzip",
            vec![("content-type", "text/plain"), ("content-encoding", "gzip")],
            gz,
        ),
        (
            "bad gzip",
            vec![("content-type", "text/plain"), ("content-encoding", "gzip")],
            leaky.clone().into_bytes(),
        ),
        (
            "unknown encoding",
            vec![
                ("content-type", "text/plain"),
                ("content-encoding", c[6].as_str()),
            ],
            leaky.clone().into_bytes(),
        ),
    ];
    let mut held = Vec::new();
    for (name, headers, body) in requests {
        let path = format!("/api/notices?ref={}", c[6]);
        let (code, answer) = try_send(setup.proxy, Method::POST, &path, &headers, body)
            .await
            .expect("answered");
        if code == StatusCode::ACCEPTED {
            let v: serde_json::Value = serde_json::from_slice(&answer).unwrap();
            held.push(v["id"].as_str().unwrap().to_string());
        }
        said.push((
            format!("proxy answer to {name} ({code})"),
            String::from_utf8_lossy(&answer).into_owned(),
        ));
    }
    assert!(held.len() >= 4, "the canaries were held: {held:?}");

    let auth = [("authorization", "Bearer admin-token")];
    for path in [
        "/api/holds",
        "/api/holds?status=held",
        "/metrics",
        "/api/holds/nope",
        "/ui",
    ] {
        let (code, body) = try_send(setup.admin, Method::GET, path, &auth, "")
            .await
            .unwrap();
        said.push((
            format!("admin {path} ({code})"),
            String::from_utf8_lossy(&body).into_owned(),
        ));
    }
    // The item page may show the values to its reviewer: check it does (so
    // the sweep is not vacuous) and leave it out of the sweep.
    let (_, detail) = try_send(
        setup.admin,
        Method::GET,
        &format!("/api/holds/{}", held[0]),
        &auth,
        "",
    )
    .await
    .unwrap();
    assert!(
        !leaks(&String::from_utf8_lossy(&detail), &c).is_empty(),
        "the item page shows the text"
    );
    let reject = format!("/api/holds/{}/reject", held[1]);
    let (_, body) = try_send(
        setup.admin,
        Method::POST,
        &reject,
        &[auth[0], ("content-type", "application/json")],
        "{}",
    )
    .await
    .unwrap();
    said.push((
        "reject without a reason".into(),
        String::from_utf8_lossy(&body).into_owned(),
    ));
    let approve = format!("/api/holds/{}/approve", held[0]);
    try_send(
        setup.admin,
        Method::POST,
        &approve,
        &[auth[0], ("content-type", "application/json")],
        "{}",
    )
    .await
    .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    let (_, metrics) = try_send(setup.admin, Method::GET, "/metrics", &[], "")
        .await
        .unwrap();
    said.push((
        "metrics".into(),
        String::from_utf8_lossy(&metrics).into_owned(),
    ));

    let _ = nix_term(&child);
    let _ = child.wait();
    said.push(("gateway log".into(), std::fs::read_to_string(&log).unwrap()));
    for seen in hook.seen() {
        said.push((
            "webhook".into(),
            String::from_utf8_lossy(&seen.body).into_owned(),
        ));
    }
    assert!(!hook.seen().is_empty(), "the webhook was called");

    // The batch scanner, every output format, with the canary in a file
    // name too.
    let files = TempDir::new();
    files.write(&format!("身份证{}.txt", c[3]), leaky.as_bytes());
    files.write(
        "b.html",
        format!("<p>{}</p><!-- {} -->", leaky, c[4]).as_bytes(),
    );
    for format in ["text", "jsonl", "csv", "sarif"] {
        let out = crate::util::run(
            &["scan", "--format", format, files.path().to_str().unwrap()],
            None,
        );
        said.push((
            format!("pubgate scan --format {format} stdout"),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        ));
        said.push((
            format!("pubgate scan --format {format} stderr"),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        ));
    }
    let out = crate::util::run(&["scan", "-"], Some(leaky.as_bytes()));
    said.push((
        "pubgate scan - (stdin)".into(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    ));

    let mut found = Vec::new();
    for (what, text) in &said {
        let l = leaks(text, &c);
        if !l.is_empty() {
            found.push(format!("{what}: {} value(s)", l.len()));
        }
    }
    assert!(found.is_empty(), "values in clear: {found:?}");
    let total: usize = said.iter().map(|(_, t)| t.len()).sum();
    eprintln!(
        "leak sweep: {} outputs, {total} bytes, {} canaries: none in clear",
        said.len(),
        c.len()
    );
    // Masked forms are there: the sweep looked at real findings.
    assert!(said.iter().any(|(_, t)| t.contains(&format!(
        "{}********{}",
        &c[0][..6],
        &c[0][14..]
    ))));
}

fn urlencode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// SIGTERM, so the log gets its shutdown lines.
fn nix_term(child: &std::process::Child) -> std::io::Result<()> {
    let status = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()?;
    assert!(status.success());
    Ok(())
}
