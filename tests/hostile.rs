//! Hostile requests on the proxy port: request smuggling, header tricks,
//! paths that try to route a publish request around inspection, and the
//! known parser traps (bombs, deep nesting, huge parts). Each must get a
//! clear answer — a 4xx, or a hold — with nothing reaching the upstream,
//! and the gateway must keep serving.
//!
//! Requests are written as raw bytes, because a well-behaved client library
//! refuses to send most of them.

use std::io::Write as _;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use ::http::{Method, StatusCode};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use pubgate::gateway::routes::InspectRoute;

use crate::util::TempDir;
use crate::util::http::{Upstream, config, gateway, publish};

/// An ID number with a valid check digit: any request carrying it that
/// reaches the upstream is a bypass.
const ID: &str = "370102198001011237";

/// Writes `bytes` on a fresh connection and reads until the gateway closes
/// it, or nothing more arrives for 500 ms after an answer began, or 10 s
/// pass; returns everything read.
async fn raw(addr: SocketAddr, bytes: &[u8]) -> String {
    let mut s = TcpStream::connect(addr).await.unwrap();
    // The peer may close early (e.g. after a 431); that is an answer too.
    let _ = s.write_all(bytes).await;
    let mut out = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut buf = [0u8; 65536];
    while Instant::now() < deadline {
        let wait = if out.is_empty() {
            deadline - Instant::now()
        } else {
            Duration::from_millis(500)
        };
        match tokio::time::timeout(wait, s.read(&mut buf)).await {
            Ok(Ok(n)) if n > 0 => out.extend_from_slice(&buf[..n]),
            _ => break,
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The status codes of every response in `text` (pipelined answers).
fn statuses(text: &str) -> Vec<u16> {
    text.match_indices("HTTP/1.")
        .filter_map(|(i, _)| text.get(i + 9..i + 12)?.parse().ok())
        .filter(|c| (100..600).contains(c))
        .collect()
}

/// Nothing the upstream received carries the ID number.
fn assert_no_leak(up: &Upstream, what: &str) {
    for seen in up.seen() {
        let body = String::from_utf8_lossy(&seen.body);
        assert!(
            !body.contains(ID) && !seen.uri.contains(ID),
            "{what}: the upstream received {} {} with the ID",
            seen.uri,
            body.len()
        );
    }
}

/// A clean notice still goes through (the gateway is up and serving).
async fn assert_still_serving(gw: &pubgate::serve::Running, up: &Upstream, what: &str) {
    let before = up.seen().len();
    let clean = std::fs::read("tests/corpus/05-tender-liaoning-clean.txt").unwrap();
    let a = publish(gw, &[("content-type", "text/plain")], clean).await;
    assert_eq!(a.status, StatusCode::OK, "{what}: clean request after it");
    assert_eq!(up.seen().len(), before + 1, "{what}");
}

fn post(path: &str, extra_headers: &str, body: &str) -> Vec<u8> {
    format!(
        "POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n{extra_headers}Content-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

fn leaky_body() -> String {
    format!("招标公告\n联系人身份证：{ID}\n")
}

/// Only `POST /api/notices` is a publish route here, so every other path
/// is streamed through uninspected: exactly the setting in which a path
/// trick would be a bypass.
fn one_route(upstream: &str, dir: &std::path::Path) -> pubgate::serve::config::ServeConfig {
    let mut c = config(upstream, dir);
    c.inspect = vec![InspectRoute {
        name: Some("notices".into()),
        method: "POST".into(),
        path: "/api/notices".into(),
        query: Default::default(),
        monitor: false,
        announcement: true,
    }];
    c
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn path_tricks_cannot_route_a_publish_request_around_inspection() {
    let up = Upstream::start().await;
    let dir = TempDir::new();
    let gw = gateway(one_route(&up.url(), dir.path())).await;
    let body = leaky_body();
    let tricks = [
        "/api/notices",
        "/api/x/../notices",
        "/api/./notices",
        "/api//notices",
        "//api/notices",
        "/API/Notices",
        "/api/notices/",
        "/api/notices.",
        "/api/notices;jsessionid=1",
        "/api/%6eotices",
        "/api/%2e%2e/api/notices",
        "/api/x/%2E%2E/notices",
        "/api%2Fnotices",
        "/api%5Cnotices",
        "/api/notices%00",
        "/api/notices%zz",
        "/api/notices?x=/../other",
        "/api/x/..%2Fnotices",
        "http://evil.example/api/notices",
        "/api/notices#frag",
    ];
    for path in tricks {
        let answer = raw(gw.proxy_addr, &post(path, "", &body)).await;
        let codes = statuses(&answer);
        assert!(
            codes
                .first()
                .is_some_and(|c| *c == 202 || (400..500).contains(c)),
            "{path}: {answer}"
        );
        assert_no_leak(&up, path);
    }
    // Uninspected paths really do stream through (the test can fail).
    let a = raw(gw.proxy_addr, &post("/api/other", "", &body)).await;
    assert_eq!(statuses(&a), [200], "{a}");
    assert_eq!(up.seen().len(), 1);
    gw.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn smuggling_and_framing_tricks_are_refused_or_inspected() {
    let up = Upstream::start().await;
    let dir = TempDir::new();
    let gw = gateway(one_route(&up.url(), dir.path())).await;
    let body = leaky_body();
    let smuggled = post("/api/notices", "", &body);
    let smuggled = String::from_utf8(smuggled).unwrap();
    let chunked = |b: &str| format!("{:x}\r\n{b}\r\n0\r\n\r\n", b.len());
    let cases: Vec<(&str, String)> = vec![
        (
            "CL + TE (a second request hidden in the body)",
            format!(
                "POST /api/other HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n{smuggled}"
            ),
        ),
        (
            "TE + CL on the publish route",
            format!(
                "POST /api/notices HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n{}",
                chunked(&body)
            ),
        ),
        (
            "two different Content-Length",
            format!(
                "POST /api/notices HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            ),
        ),
        (
            "Content-Length list",
            format!(
                "POST /api/notices HTTP/1.1\r\nHost: x\r\nContent-Length: 3, {}\r\n\r\n{body}",
                body.len()
            ),
        ),
        (
            "Transfer-Encoding: chunked, identity",
            format!(
                "POST /api/notices HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, identity\r\n\r\n{}",
                chunked(&body)
            ),
        ),
        (
            "Transfer-Encoding: xchunked",
            format!(
                "POST /api/notices HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\n\r\n{}",
                chunked(&body)
            ),
        ),
        (
            "obs-fold header",
            format!(
                "POST /api/notices HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n folded\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            ),
        ),
        (
            "space before colon",
            format!(
                "POST /api/notices HTTP/1.1\r\nHost: x\r\nContent-Length : {}\r\n\r\n{body}",
                body.len()
            ),
        ),
        (
            "bare LF line endings",
            format!(
                "POST /api/notices HTTP/1.1\nHost: x\nContent-Length: {}\n\n{body}",
                body.len()
            ),
        ),
        (
            "pipelined: clean then publish",
            format!("GET /api/other HTTP/1.1\r\nHost: x\r\n\r\n{smuggled}"),
        ),
        (
            "HTTP/1.0 without length",
            format!("POST /api/notices HTTP/1.0\r\nHost: x\r\n\r\n{body}"),
        ),
        (
            "chunk extension and trailer",
            format!(
                "POST /api/notices HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n{:x};ext=1\r\n{body}\r\n0\r\nX-Trailer: {ID}\r\n\r\n",
                body.len()
            ),
        ),
    ];
    for (name, request) in cases {
        let answer = raw(gw.proxy_addr, request.as_bytes()).await;
        let codes = statuses(&answer);
        assert!(!codes.is_empty() || answer.is_empty(), "{name}: {answer}");
        for code in &codes {
            assert!(
                *code == 202 || *code == 200 || (400..500).contains(code),
                "{name}: {answer}"
            );
        }
        assert_no_leak(&up, name);
    }
    assert_still_serving(&gw, &up, "after the smuggling cases").await;
    gw.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn header_floods_and_huge_uris_are_refused_before_any_body_is_read() {
    let up = Upstream::start().await;
    let dir = TempDir::new();
    let gw = gateway(config(&up.url(), dir.path())).await;
    let body = leaky_body();
    let many: String = (0..10_000).map(|i| format!("X-H{i}: v\r\n")).collect();
    let big = format!("X-Big: {}\r\n", "a".repeat(1 << 20));
    let long_uri = format!("/api/notices?q={}", "a".repeat(64 << 10));
    for (name, request) in [
        ("10,000 headers", post("/api/notices", &many, &body)),
        ("a 1 MiB header", post("/api/notices", &big, &body)),
        ("a 64 KiB URI", post(&long_uri, "", &body)),
    ] {
        let started = Instant::now();
        let answer = raw(gw.proxy_addr, &request).await;
        let codes = statuses(&answer);
        assert!(
            codes.len() == 1 && [400, 413, 414, 431].contains(&codes[0]),
            "{name}: {}",
            answer
                .lines()
                .next()
                .unwrap_or("(closed without an answer)")
        );
        assert!(started.elapsed() < Duration::from_secs(3), "{name}");
    }
    assert!(up.seen().is_empty());
    assert_still_serving(&gw, &up, "after the header floods").await;
    gw.shutdown().await;
}

/// A multipart body of `n` small text parts.
fn many_parts(n: usize) -> Vec<u8> {
    let mut out = Vec::new();
    for i in 0..n {
        write!(
            out,
            "--B\r\nContent-Disposition: form-data; name=\"f{i}\"\r\n\r\nv{i}\r\n"
        )
        .unwrap();
    }
    out.extend_from_slice(b"--B--\r\n");
    out
}

fn attachment(name: &str, bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    write!(
        out,
        "--B\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\n招标公告\r\n--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
    )
    .unwrap();
    out.extend_from_slice(bytes);
    out.extend_from_slice(b"\r\n--B--\r\n");
    out
}

fn zip_with(entries: &[(&str, &[u8])], method: zip::CompressionMethod) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(method)
        .large_file(true);
    for (name, data) in entries {
        zip.start_file(*name, opts).unwrap();
        zip.write_all(data).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// A DOCX whose document.xml inflates to 1 GiB (about 1 MiB compressed).
fn docx_gigabyte_bomb() -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(9))
        .large_file(true);
    zip.start_file("word/document.xml", opts).unwrap();
    let block = vec![b'a'; 1 << 20];
    for _ in 0..1024 {
        zip.write_all(&block).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

fn billion_laughs() -> Vec<u8> {
    let mut dtd = String::from("<!ENTITY l0 \"lol\">");
    for i in 1..10 {
        dtd.push_str(&format!(
            "<!ENTITY l{i} \"{}\">",
            format!("&l{};", i - 1).repeat(10)
        ));
    }
    format!(
        "<?xml version=\"1.0\"?><!DOCTYPE d [{dtd}<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\
         <w:document xmlns:w=\"x\"><w:body><w:p><w:r><w:t>&l9;&x;</w:t></w:r></w:p></w:body></w:document>"
    )
    .into_bytes()
}

/// Parser traps as publish requests: each is answered (4xx, or held with
/// an `unscannable` finding) within its time bound, nothing reaches the
/// upstream, and a clean notice passes right after.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parser_traps_are_answered_in_time_and_forward_nothing() {
    let up = Upstream::start().await;
    let dir = TempDir::new();
    let mut c = config(&up.url(), dir.path());
    c.limits.max_body_bytes = 16 << 20;
    let gw = gateway(c).await;
    let multipart = "multipart/form-data; boundary=B";
    let mut gzip_1000x = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gzip_1000x
        .write_all(format!("{}{ID}", " ".repeat(8 << 20)).as_bytes())
        .unwrap();
    let gzip_1000x = gzip_1000x.finish().unwrap();
    assert!(gzip_1000x.len() * 900 < 8 << 20, "expands ~1000x");
    let twice = {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        e.write_all(&gzip_1000x).unwrap();
        e.finish().unwrap()
    };
    let deep_html = format!(
        "<html><body>{}招标公告 联系人身份证：{ID}{}</body></html>",
        "<div>".repeat(100_000),
        "</div>".repeat(100_000)
    );
    let one_line = format!("{}联系人身份证：{ID}", "公告内容".repeat(90_000));
    let mut invalid_utf8 = b"\xff\xfe\xfd\x80 ".to_vec();
    invalid_utf8.extend_from_slice("招标公告 联系人身份证：".as_bytes());
    invalid_utf8.extend_from_slice(ID.as_bytes());
    invalid_utf8.extend_from_slice(b" \xc3\x28 \xe2\x82");
    let gbk = encoding_rs::GBK.encode(&leaky_body()).0.into_owned();
    let entries_100k: Vec<(String, Vec<u8>)> = (0..100_000)
        .map(|i| (format!("f{i}.xml"), Vec::new()))
        .collect();
    let entries_100k: Vec<(&str, &[u8])> = entries_100k
        .iter()
        .map(|(n, d)| (n.as_str(), d.as_slice()))
        .collect();
    let gigabyte = docx_gigabyte_bomb();
    let nested_zip = zip_with(
        &[
            ("word/document.xml", b"<w:document/>".as_slice()),
            ("word/embeddings/inner.docx", &gigabyte),
        ],
        zip::CompressionMethod::Stored,
    );
    let xml_bomb = zip_with(
        &[("word/document.xml", &billion_laughs())],
        zip::CompressionMethod::Deflated,
    );
    let core_bomb = zip_with(
        &[
            ("word/document.xml", b"<w:document xmlns:w=\"x\"><w:body><w:p><w:r><w:t>text</w:t></w:r></w:p></w:body></w:document>".as_slice()),
            ("docProps/core.xml", &billion_laughs()),
        ],
        zip::CompressionMethod::Deflated,
    );
    let pdf_named_html = attachment("notice.pdf", leaky_body().as_bytes());

    // A document with an attachment that cannot be read is held, or blocked
    // when the policy also finds fields missing from the rest: either way
    // it is refused with the `unscannable` finding listed.
    const HELD: &[u16] = &[202, 422];
    // (name, headers, body, accepted statuses, time bound)
    type Case<'a> = (&'a str, Vec<(&'a str, &'a str)>, Vec<u8>, &'a [u16], u64);
    let cases: Vec<Case> = vec![
        (
            "10,000-part multipart",
            vec![("content-type", multipart)],
            many_parts(10_000),
            &[413, 400],
            2,
        ),
        (
            "gzip expanding 1000x",
            vec![("content-encoding", "gzip")],
            gzip_1000x,
            &[413, 400],
            2,
        ),
        (
            "gzip, gzip",
            vec![("content-encoding", "gzip, gzip")],
            twice,
            &[413, 400],
            2,
        ),
        (
            "1 GiB document.xml in a DOCX",
            vec![("content-type", multipart)],
            attachment("a.docx", &gigabyte),
            HELD,
            3,
        ),
        (
            "100,000 zip entries",
            vec![("content-type", multipart)],
            attachment(
                "a.docx",
                &zip_with(&entries_100k, zip::CompressionMethod::Stored),
            ),
            HELD,
            3,
        ),
        (
            "nested archive",
            vec![("content-type", multipart)],
            attachment("a.docx", &nested_zip),
            HELD,
            3,
        ),
        (
            "billion laughs in document.xml",
            vec![("content-type", multipart)],
            attachment("a.docx", &xml_bomb),
            HELD,
            1,
        ),
        (
            "billion laughs in core.xml",
            vec![("content-type", multipart)],
            attachment("a.docx", &core_bomb),
            HELD,
            1,
        ),
        (
            "100,000 nested divs",
            vec![("content-type", "text/html")],
            deep_html.into_bytes(),
            HELD,
            2,
        ),
        (
            "a 1 MB single line",
            vec![("content-type", "text/plain")],
            one_line.into_bytes(),
            HELD,
            2,
        ),
        (
            "invalid UTF-8",
            vec![("content-type", "text/plain; charset=utf-8")],
            invalid_utf8,
            HELD,
            2,
        ),
        (
            "GBK body declared as UTF-8",
            vec![("content-type", "text/plain; charset=utf-8")],
            gbk,
            HELD,
            2,
        ),
        (
            "HTML named notice.pdf",
            vec![("content-type", multipart)],
            pdf_named_html,
            HELD,
            2,
        ),
        (
            "truncated PDF",
            vec![("content-type", multipart)],
            attachment(
                "a.pdf",
                b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R",
            ),
            HELD,
            12,
        ),
    ];
    for (name, headers, body, accepted, secs) in cases {
        let started = Instant::now();
        let a = publish(&gw, &headers, body).await;
        let took = started.elapsed();
        assert!(
            accepted.contains(&a.status.as_u16()),
            "{name}: {} {}",
            a.status,
            String::from_utf8_lossy(&a.body)
        );
        assert!(took < Duration::from_secs(secs), "{name}: took {took:?}");
        if a.status == StatusCode::ACCEPTED || a.status == StatusCode::UNPROCESSABLE_ENTITY {
            let findings = a.json()["findings"].to_string();
            assert!(
                findings.contains("unscannable") || findings.contains("personal.id_card"),
                "{name}: held without saying why: {findings}"
            );
            assert!(!findings.contains(ID), "{name}: the answer quotes the ID");
        }
        assert!(up.seen().is_empty(), "{name}: reached the upstream");
    }
    assert_still_serving(&gw, &up, "after the parser traps").await;
    gw.shutdown().await;
}

/// A GET on the admin listener from a chosen loopback address (127.0.0.x
/// are all local), so two "clients" can be told apart.
async fn admin_get(admin: SocketAddr, from: [u8; 4], path: &str, token: &str) -> (u16, bool) {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind(SocketAddr::from((from, 0))).unwrap();
    let mut s = socket.connect(admin).await.unwrap();
    let req = format!(
        "GET {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n"
    );
    s.write_all(req.as_bytes()).await.unwrap();
    let mut out = Vec::new();
    s.read_to_end(&mut out).await.unwrap();
    let text = String::from_utf8_lossy(&out);
    let code = statuses(&text).first().copied().unwrap_or(0);
    (code, text.to_ascii_lowercase().contains("retry-after"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_admin_api_limits_each_client_and_token_guessing() {
    let up = Upstream::start().await;
    let dir = TempDir::new();
    let mut c = config(&up.url(), dir.path());
    c.limits.admin_rate_per_sec = 5;
    c.limits.admin_rate_burst = 10;
    let gw = gateway(c).await;
    let busy = [127, 0, 0, 1];
    let mut codes = Vec::new();
    for _ in 0..30 {
        codes.push(admin_get(gw.admin_addr, busy, "/api/holds", "admin-token").await);
    }
    let ok = codes.iter().filter(|(c, _)| *c == 200).count();
    assert!((10..=13).contains(&ok), "burst of 10 then ~5/s: {codes:?}");
    assert!(
        codes.iter().any(|&(c, retry)| c == 429 && retry),
        "{codes:?}"
    );
    // Probes are exempt, and another client is unaffected.
    assert_eq!(admin_get(gw.admin_addr, busy, "/healthz", "").await.0, 200);
    assert_eq!(
        admin_get(gw.admin_addr, [127, 0, 0, 2], "/api/holds", "admin-token")
            .await
            .0,
        200
    );
    // Token guessing from one address: 401s, then 429 even for a valid
    // token from there; other addresses still get in.
    let guesser = [127, 0, 0, 3];
    tokio::time::sleep(Duration::from_secs(2)).await;
    let mut guesses = Vec::new();
    for i in 0..11 {
        guesses.push(
            admin_get(gw.admin_addr, guesser, "/api/holds", &format!("guess{i}"))
                .await
                .0,
        );
        tokio::time::sleep(Duration::from_millis(210)).await;
    }
    assert_eq!(&guesses[..10], &[401; 10], "{guesses:?}");
    assert_eq!(guesses[10], 429, "{guesses:?}");
    assert_eq!(
        admin_get(gw.admin_addr, guesser, "/api/holds", "admin-token")
            .await
            .0,
        429
    );
    assert_eq!(
        admin_get(gw.admin_addr, [127, 0, 0, 4], "/api/holds", "admin-token")
            .await
            .0,
        200
    );
    gw.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_value_in_the_query_string_is_scanned_too() {
    let up = Upstream::start().await;
    let dir = TempDir::new();
    let gw = gateway(config(&up.url(), dir.path())).await;
    let clean = std::fs::read("tests/corpus/05-tender-liaoning-clean.txt").unwrap();
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("remark", &format!("联系人身份证{ID}"))
        .finish();
    for body in [clean.clone(), Vec::new()] {
        let a = crate::util::http::send(
            gw.proxy_addr,
            Method::POST,
            &format!("/api/notices?{query}"),
            &[("content-type", "text/plain")],
            body,
        )
        .await;
        assert_eq!(
            a.status,
            StatusCode::ACCEPTED,
            "{}",
            String::from_utf8_lossy(&a.body)
        );
        assert!(a.json()["findings"].to_string().contains("url:query"));
    }
    assert!(up.seen().is_empty());
    assert_still_serving(&gw, &up, "after query leaks").await;
    gw.shutdown().await;
}
