//! An open-loop load generator for `benches/gateway.sh`: sends one request
//! every 1/rate seconds whatever the previous ones are doing (so a slow
//! answer cannot hide the queue behind it — no coordinated omission), and
//! reports latency percentiles measured from each request's scheduled
//! time.
//!
//! `cargo bench --bench loadgen -- URL[,URL…] RATE SECONDS [BODY_FILE [CONTENT_TYPE]]`
//!
//! Several URLs are used in turn (replicas behind no load balancer). With
//! RATE written `max:N`, it runs closed-loop instead: N clients each send
//! the next request as soon as the last is answered, and it reports the
//! throughput (`rps=`) as well as the latencies.

// A benchmark tool: a bad argument or a broken setup should stop it at once.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    if args.len() < 3 {
        eprintln!("usage: loadgen URL[,URL…] RATE|max:N SECONDS [BODY_FILE [CONTENT_TYPE]]");
        std::process::exit(2);
    }
    let urls: Vec<hyper::Uri> = args[0]
        .split(',')
        .map(|u| u.parse().expect("URL"))
        .collect();
    let seconds: f64 = args[2].parse().expect("SECONDS");
    let body = args
        .get(3)
        .map(|f| Bytes::from(std::fs::read(f).expect("BODY_FILE")));
    let content_type = args
        .get(4)
        .cloned()
        .unwrap_or_else(|| "text/html; charset=utf-8".into());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    match args[1].strip_prefix("max:") {
        Some(n) => runtime.block_on(closed(
            urls,
            n.parse().expect("max:N"),
            seconds,
            body,
            content_type,
        )),
        None => runtime.block_on(run(
            urls,
            args[1].parse().expect("RATE"),
            seconds,
            body,
            content_type,
        )),
    }
}

fn request(
    url: &hyper::Uri,
    body: &Option<Bytes>,
    content_type: &str,
) -> hyper::Request<Full<Bytes>> {
    match body {
        Some(b) => hyper::Request::post(url.clone())
            .header("content-type", content_type)
            .body(Full::new(b.clone())),
        None => hyper::Request::get(url.clone()).body(Full::new(Bytes::new())),
    }
    .expect("request")
}

/// A pooled HTTP/1 client with room for every concurrent request.
fn client() -> Client<HttpConnector, Full<Bytes>> {
    Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(512)
        .build(HttpConnector::new())
}

/// Sends one request and reads the whole answer; true for a 2xx.
async fn send(
    client: &Client<HttpConnector, Full<Bytes>>,
    request: hyper::Request<Full<Bytes>>,
) -> bool {
    match client.request(request).await {
        Ok(resp) => {
            let status = resp.status();
            resp.into_body().collect().await.is_ok() && status.is_success()
        }
        Err(_) => false,
    }
}

/// Closed loop: `clients` clients, each sending its next request when the
/// last is answered, for `seconds` after a one-second warm-up.
async fn closed(
    urls: Vec<hyper::Uri>,
    clients: usize,
    seconds: f64,
    body: Option<Bytes>,
    content_type: String,
) {
    let client = client();
    let start = Instant::now() + Duration::from_secs(1);
    let end = start + Duration::from_secs_f64(seconds);
    let mut tasks = Vec::new();
    for c in 0..clients {
        let (client, urls, body, content_type) = (
            client.clone(),
            urls.clone(),
            body.clone(),
            content_type.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let (mut lat, mut errors, mut n) = (Vec::new(), 0usize, c);
            loop {
                let sent = Instant::now();
                if sent >= end {
                    break;
                }
                n += 1;
                let url = &urls[n % urls.len()];
                let ok = send(&client, request(url, &body, &content_type)).await;
                if sent >= start {
                    if ok {
                        lat.push(sent.elapsed());
                    } else {
                        errors += 1;
                    }
                }
            }
            (lat, errors)
        }));
    }
    let (mut lat, mut errors) = (Vec::new(), 0);
    for t in tasks {
        let (l, e) = t.await.expect("client");
        lat.extend(l);
        errors += e;
    }
    report(lat, errors, Some(seconds));
}

fn report(mut lat: Vec<Duration>, errors: usize, seconds: Option<f64>) {
    lat.sort();
    let pct = |p: f64| {
        lat.get(((lat.len() as f64 * p) as usize).min(lat.len().saturating_sub(1)))
            .map(|d| d.as_secs_f64() * 1000.0)
            .unwrap_or(f64::NAN)
    };
    let rps = seconds.map_or(String::new(), |s| {
        format!(" rps={:.1}", lat.len() as f64 / s)
    });
    println!(
        "requests={} errors={}{rps} p50_ms={:.3} p90_ms={:.3} p99_ms={:.3} max_ms={:.3}",
        lat.len(),
        errors,
        pct(0.50),
        pct(0.90),
        pct(0.99),
        pct(1.0)
    );
}

async fn run(
    urls: Vec<hyper::Uri>,
    rate: f64,
    seconds: f64,
    body: Option<Bytes>,
    content_type: String,
) {
    let client = client();
    let interval = Duration::from_secs_f64(1.0 / rate);
    let total = (rate * seconds) as usize;
    let warmup = (rate * 1.0) as usize;
    let results = Arc::new(std::sync::Mutex::new(Vec::with_capacity(total)));
    let errors = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let start = Instant::now() + Duration::from_millis(100);
    let mut tasks = Vec::with_capacity(total + warmup);
    for i in 0..(total + warmup) {
        let scheduled = start + interval * i as u32;
        tokio::time::sleep_until(scheduled.into()).await;
        let client = client.clone();
        let url = urls[i % urls.len()].clone();
        let body = body.clone();
        let content_type = content_type.clone();
        let results = results.clone();
        let errors = errors.clone();
        tasks.push(tokio::spawn(async move {
            let ok = send(&client, request(&url, &body, &content_type)).await;
            let took = scheduled.elapsed();
            if i >= warmup {
                if ok {
                    results.lock().expect("lock").push(took);
                } else {
                    errors.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                }
            }
        }));
    }
    for t in tasks {
        let _ = t.await;
    }
    let lat = results.lock().expect("lock").clone();
    report(lat, errors.load(std::sync::atomic::Ordering::Relaxed), None);
}
