//! The real `pubgate serve` binary as a child process, configured by a
//! TOML file on free ports, and requests that may fail because the process
//! may be killed at any moment.

use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{Method, Request, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

use super::TempDir;
use super::http::{accounts, free_addr};

/// A request that may fail (the gateway can die at any moment).
pub async fn try_send(
    addr: SocketAddr,
    method: Method,
    path: &str,
    headers: &[(&str, &str)],
    body: impl Into<Bytes>,
) -> Option<(StatusCode, Bytes)> {
    let body: Bytes = body.into();
    let attempt = async {
        let stream = TcpStream::connect(addr).await.ok()?;
        let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .ok()?;
        tokio::spawn(conn);
        let mut req = Request::builder()
            .method(method)
            .uri(path)
            .header("host", addr.to_string());
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let resp = sender
            .send_request(req.body(Full::new(body)).ok()?)
            .await
            .ok()?;
        let status = resp.status();
        let body = resp.into_body().collect().await.ok()?.to_bytes();
        Some((status, body))
    };
    tokio::time::timeout(Duration::from_secs(10), attempt)
        .await
        .ok()
        .flatten()
}

pub struct Setup {
    pub config: std::path::PathBuf,
    pub proxy: SocketAddr,
    pub admin: SocketAddr,
}

/// Writes a config for `store` and `upstream`; `extra` is appended to the
/// top-level keys (e.g. a `[limits]` table).
pub fn write_config_with(dir: &TempDir, store: &str, upstream: &str, extra: &str) -> Setup {
    let proxy = free_addr();
    let admin = free_addr();
    // Short upstream timeouts allow a short lease (the lease must outlast
    // the longest send), so a replica's orphan is taken over in seconds.
    let timeouts = "[limits]\nconnect_timeout_secs = 1\nupstream_timeout_secs = 4\n";
    let extra = if extra.contains("[limits]\n") {
        extra.replacen("[limits]\n", timeouts, 1)
    } else {
        format!("{extra}\n{timeouts}")
    };
    let mut text = format!(
        "listen = \"{proxy}\"\nadmin_listen = \"{admin}\"\nupstream = \"{upstream}\"\n\
         store = \"{store}\"\nproxy_threads = 1\n\
         [delivery]\npoll_ms = 20\nbackoff_initial_ms = 50\nbackoff_max_ms = 200\nlease_secs = 16\n{extra}\n"
    );
    for a in accounts() {
        text.push_str(&format!(
            "[[accounts]]\nname = \"{}\"\nrole = \"{}\"\nqueues = [\"*\"]\ntoken_sha256 = \"{}\"\n",
            a.name,
            if a.name == "admin" {
                "admin"
            } else {
                "reviewer"
            },
            a.token_sha256
        ));
    }
    Setup {
        config: dir.write("serve.toml", text.as_bytes()),
        proxy,
        admin,
    }
}

/// Starts the gateway, logs discarded.
pub fn start(setup: &Setup) -> Child {
    Command::new(crate::util::bin())
        .args(["serve", "--config"])
        .arg(&setup.config)
        .env("PUBGATE_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// Starts the gateway with its info log (JSON lines) written to `log`.
pub fn start_logged(setup: &Setup, log: &std::path::Path) -> Child {
    Command::new(crate::util::bin())
        .args(["serve", "--config"])
        .arg(&setup.config)
        .env("PUBGATE_LOG", "info")
        .env("PUBGATE_LOG_FORMAT", "json")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(log).unwrap())
        .spawn()
        .unwrap()
}

/// Resident and peak resident memory of a process, in KiB.
pub fn memory_kib(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

pub async fn wait_ready(setup: &Setup) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if let Some((StatusCode::OK, _)) =
            try_send(setup.admin, Method::GET, "/readyz", &[], String::new()).await
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("gateway did not become ready");
}
