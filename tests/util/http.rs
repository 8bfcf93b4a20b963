//! Real HTTP on loopback for the gateway tests: an upstream server that
//! records every request it receives, a plain client, and a gateway
//! started in-process on free ports with a fresh store.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{HeaderMap, Method, Request, Response, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};

use pubgate::review::auth::{Account, Role};
use pubgate::serve::config::ServeConfig;

/// One request as the upstream saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub uri: String,
    pub headers: HeaderMap,
    pub body: Bytes,
}

/// A publishing platform stand-in: answers `status` (200 by default) and
/// keeps every request.
#[derive(Clone)]
pub struct Upstream {
    pub addr: SocketAddr,
    pub seen: Arc<Mutex<Vec<Seen>>>,
    pub status: Arc<AtomicU16>,
}

impl Upstream {
    pub async fn start() -> Upstream {
        Upstream::start_on("127.0.0.1:0".parse().unwrap()).await
    }

    pub async fn start_on(addr: SocketAddr) -> Upstream {
        let listener = TcpListener::bind(addr).await.unwrap();
        let up = Upstream {
            addr: listener.local_addr().unwrap(),
            seen: Arc::default(),
            status: Arc::new(AtomicU16::new(200)),
        };
        let state = up.clone();
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    break;
                };
                let state = state.clone();
                tokio::spawn(async move {
                    let service = service_fn(move |req: Request<Incoming>| {
                        let state = state.clone();
                        async move {
                            let (parts, body) = req.into_parts();
                            let body = body
                                .collect()
                                .await
                                .map(|c| c.to_bytes())
                                .unwrap_or_default();
                            let len = body.len();
                            state.seen.lock().unwrap().push(Seen {
                                method: parts.method.to_string(),
                                uri: parts.uri.to_string(),
                                headers: parts.headers,
                                body,
                            });
                            let status =
                                StatusCode::from_u16(state.status.load(Ordering::SeqCst)).unwrap();
                            let mut resp = Response::new(Full::new(Bytes::from(format!(
                                "{{\"received\":{len}}}"
                            ))));
                            *resp.status_mut() = status;
                            Ok::<_, std::convert::Infallible>(resp)
                        }
                    });
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        up
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

/// A response read whole.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Answer {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|_| panic!("not JSON: {}", String::from_utf8_lossy(&self.body)))
    }
}

/// Sends one request on a fresh connection.
pub async fn send(
    addr: SocketAddr,
    method: Method,
    path: &str,
    headers: &[(&str, &str)],
    body: impl Into<Bytes>,
) -> Answer {
    let stream = TcpStream::connect(addr).await.unwrap();
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .unwrap();
    tokio::spawn(conn);
    let mut req = Request::builder()
        .method(method)
        .uri(path)
        .header("host", addr.to_string());
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let req = req.body(Full::new(body.into())).unwrap();
    let resp = sender.send_request(req).await.unwrap();
    let (parts, body) = resp.into_parts();
    Answer {
        status: parts.status,
        headers: parts.headers,
        body: body.collect().await.unwrap().to_bytes(),
    }
}

/// Submits a notice to the gateway's publish route.
pub async fn publish(
    gw: &pubgate::serve::Running,
    headers: &[(&str, &str)],
    body: impl Into<Bytes>,
) -> Answer {
    send(gw.proxy_addr, Method::POST, "/api/notices", headers, body).await
}

/// The reviewer accounts every test gateway has. Tokens are the names
/// with `-token` appended.
pub fn accounts() -> Vec<Account> {
    let account = |name: &str, role, queues: &[&str]| Account {
        name: name.into(),
        role,
        queues: queues.iter().map(|s| s.to_string()).collect(),
        token_sha256: hex::encode(pubgate::review::auth::hash_token(&format!("{name}-token"))),
    };
    vec![
        account("admin", Role::Admin, &["*"]),
        account("alice", Role::Reviewer, &["privacy", "procurement"]),
        account("sam", Role::Reviewer, &["secrecy"]),
    ]
}

/// A gateway config on free ports with a fresh SQLite store in `dir`.
pub fn config(upstream: &str, dir: &std::path::Path) -> ServeConfig {
    let mut c = ServeConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        admin_listen: "127.0.0.1:0".parse().unwrap(),
        upstream: Some(upstream.to_string()),
        store: format!("sqlite://{}", dir.join("pubgate.db").display()),
        accounts: accounts(),
        ..ServeConfig::default()
    };
    c.delivery.poll_ms = 50;
    c.delivery.backoff_initial_ms = 100;
    c.delivery.backoff_max_ms = 500;
    c
}

/// Starts a gateway with the real PDF worker.
pub async fn gateway(config: ServeConfig) -> pubgate::serve::Running {
    pubgate::serve::start(config, Some(super::engine_extractors()))
        .await
        .unwrap()
}

/// Logs in over plain HTTP; returns the cookie pair and the Set-Cookie line.
pub async fn login(admin: std::net::SocketAddr, name: &str) -> (String, String) {
    let form = format!("name={name}&token={name}-token");
    let a = send(
        admin,
        Method::POST,
        "/ui/login",
        &[("content-type", "application/x-www-form-urlencoded")],
        form,
    )
    .await;
    assert_eq!(
        a.status,
        StatusCode::SEE_OTHER,
        "{}",
        String::from_utf8_lossy(&a.body)
    );
    let set = a.headers["set-cookie"].to_str().unwrap().to_string();
    (set.split(';').next().unwrap().to_string(), set)
}

/// A signed-in page of the review UI, with the session cookie from `login`.
pub async fn ui_get(admin: SocketAddr, path: &str, cookie: &str) -> Answer {
    send(admin, Method::GET, path, &[("cookie", cookie)], "").await
}

/// Calls the admin API as `who` (token `who-token`).
pub async fn api(admin: SocketAddr, method: Method, path: &str, who: &str, body: &str) -> Answer {
    let auth = format!("Bearer {who}-token");
    send(
        admin,
        method,
        path,
        &[
            ("authorization", &auth),
            ("content-type", "application/json"),
        ],
        body.to_string(),
    )
    .await
}

/// Approves item `id` as `who`, with no comment.
pub async fn approve(gw: &pubgate::serve::Running, who: &str, id: &str) -> Answer {
    api(
        gw.admin_addr,
        Method::POST,
        &format!("/api/holds/{id}/approve"),
        who,
        "{}",
    )
    .await
}

/// Reads item `id` through the API as `who`.
pub async fn item(gw: &pubgate::serve::Running, who: &str, id: &str) -> Answer {
    api(
        gw.admin_addr,
        Method::GET,
        &format!("/api/holds/{id}"),
        who,
        "",
    )
    .await
}

/// Polls the item until its status is `want` (or 10 s pass).
pub async fn wait_status(admin: SocketAddr, id: &str, want: &str) -> serde_json::Value {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let a = api(admin, Method::GET, &format!("/api/holds/{id}"), "admin", "").await;
        let v = a.json();
        if v["item"]["status"] == want || Instant::now() > deadline {
            return v;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A free loopback port with nothing listening on it.
pub fn free_addr() -> SocketAddr {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap()
}

/// Leaves item `id` as a gateway that died mid-delivery would: approved,
/// claimed (`delivering`), never finished. The gateway must be stopped.
pub async fn interrupt_delivery(dir: &std::path::Path, id: &str) {
    use pubgate::store::{HoldStatus, Store};
    let store = Store::open(&format!("sqlite://{}", dir.join("pubgate.db").display()))
        .await
        .unwrap();
    store
        .decide(id, HoldStatus::Approved, "admin", "")
        .await
        .unwrap();
    let claimed = store
        .claim_delivery(Duration::from_secs(60))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(claimed.id, id);
}
