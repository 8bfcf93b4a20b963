//! A clearly labelled demo publishing site, started when `pubgate serve`
//! has no upstream, so a newcomer can try the whole loop: submit → pass or
//! hold → approve → published. It keeps notices in memory and honours
//! `Idempotency-Key`, as a real platform behind pubgate should.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use tokio::net::TcpListener;
use tokio::sync::watch;

#[derive(Default)]
struct Published {
    notices: Vec<(String, String, String)>,
}

type Shared = Arc<Mutex<Published>>;

/// Starts the demo site; returns its address.
pub async fn start(
    addr: SocketAddr,
    mut shutdown: watch::Receiver<bool>,
) -> std::io::Result<SocketAddr> {
    let listener = TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    let state: Shared = Arc::default();
    let app = Router::new()
        .route("/", get(index))
        .fallback(publish)
        .with_state(state);
    tokio::spawn(async move {
        let _ = axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = shutdown.changed().await;
            })
            .await;
    });
    Ok(local)
}

async fn publish(
    State(state): State<Shared>,
    method: axum::http::Method,
    uri: axum::http::Uri,
    headers: HeaderMap,
    body: Bytes,
) -> impl IntoResponse {
    if method == axum::http::Method::GET {
        return (
            StatusCode::NOT_FOUND,
            "演示发布平台：没有这个页面".to_string(),
        );
    }
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let Ok(mut published) = state.lock() else {
        return (
            StatusCode::INTERNAL_SERVER_ERROR,
            "demo site error".to_string(),
        );
    };
    if !key.is_empty() && published.notices.iter().any(|(k, _, _)| *k == key) {
        return (
            StatusCode::OK,
            format!("{{\"published\":true,\"duplicate\":true,\"idempotency_key\":\"{key}\"}}"),
        );
    }
    let text = String::from_utf8_lossy(&body)
        .chars()
        .take(20_000)
        .collect();
    published.notices.push((key, uri.path().to_string(), text));
    let n = published.notices.len();
    (
        StatusCode::CREATED,
        format!("{{\"published\":true,\"number\":{n}}}"),
    )
}

async fn index(State(state): State<Shared>) -> maud::Markup {
    let published = match state.lock() {
        Ok(p) => p.notices.clone(),
        Err(_) => Vec::new(),
    };
    maud::html! {
        (maud::DOCTYPE)
        html lang="zh-CN" {
            head { meta charset="utf-8"; title { "演示发布平台（DEMO）" } }
            body {
                h1 { "演示发布平台（DEMO，非真实平台）" }
                p { "经 pubgate 放行或复核通过的公告出现在这里。" }
                p { "已发布 " (published.len()) " 篇。" }
                @for (i, (_, path, text)) in published.iter().enumerate().rev() {
                    article {
                        h2 { "#" (i + 1) " " (path) }
                        pre style="white-space:pre-wrap" { (text) }
                    }
                }
            }
        }
    }
}
