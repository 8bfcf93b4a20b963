//! The public side, end to end: a real HTTP site behind `pubgate serve`
//! with `[[egress]]` routes, readers on the proxy port, a reviewer on the
//! admin port. What readers get is scanned first; a withheld page is 451
//! until the takedown queue releases it; validators, ranges, HEAD and
//! content encodings keep working on what is served.

use std::collections::HashMap;
use std::io::Write;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http::{Method, Request, Response, StatusCode};
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

use crate::util::TempDir;
use crate::util::http::{api, config, gateway, login, send, ui_get};
use pubgate::gateway::egress::{Checks, EgressRoute};
use pubgate::serve::config::ServeConfig;
use pubgate::store::StoreKey;

/// A valid 身份证号 (checksum digit right).
const ID: &str = "370102198001011237";

/// One page the site serves.
#[derive(Clone)]
struct Page {
    content_type: &'static str,
    encoding: Option<&'static str>,
    etag: &'static str,
    body: Bytes,
}

/// A small public site: fixed pages with an `ETag`, every request kept.
#[derive(Clone)]
struct Site {
    addr: std::net::SocketAddr,
    pages: Arc<Mutex<HashMap<String, Page>>>,
    seen: Arc<Mutex<Vec<http::request::Parts>>>,
}

impl Site {
    async fn start() -> Site {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let site = Site {
            addr: listener.local_addr().unwrap(),
            pages: Arc::default(),
            seen: Arc::default(),
        };
        let state = site.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let state = state.clone();
                tokio::spawn(async move {
                    let service = service_fn(move |req: Request<Incoming>| {
                        let state = state.clone();
                        async move {
                            let (parts, _) = req.into_parts();
                            let page = state.pages.lock().unwrap().get(parts.uri.path()).cloned();
                            state.seen.lock().unwrap().push(parts);
                            let response = match page {
                                Some(p) => {
                                    let mut r = Response::builder()
                                        .header("content-type", p.content_type)
                                        .header("etag", p.etag)
                                        .header("cache-control", "max-age=60");
                                    if let Some(e) = p.encoding {
                                        r = r.header("content-encoding", e);
                                    }
                                    r.body(Full::new(p.body)).unwrap()
                                }
                                None => Response::builder()
                                    .status(404)
                                    .body(Full::new(Bytes::from_static(b"not found")))
                                    .unwrap(),
                            };
                            Ok::<_, std::convert::Infallible>(response)
                        }
                    });
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        site
    }

    fn put(&self, path: &str, page: Page) {
        self.pages.lock().unwrap().insert(path.to_string(), page);
    }

    fn last_request(&self) -> http::request::Parts {
        self.seen.lock().unwrap().last().cloned().unwrap()
    }
}

fn html(text: &str) -> Page {
    Page {
        content_type: "text/html; charset=utf-8",
        encoding: None,
        etag: "\"v1\"",
        body: Bytes::from(format!(
            "<!doctype html><html><body><nav>首页 | 通知公告</nav><article>{text}</article></body></html>"
        )),
    }
}

const NEWS: &str = "<h1>图书馆开放时间调整的通知</h1><p>自下周一起，图书馆开放时间调整为每日8:00至22:00，请读者相互转告。</p>";

fn leak() -> String {
    format!("<h1>关于表彰优秀志愿者的通知</h1><p>获奖人：张三，身份证号{ID}，特此通知。</p>")
}

async fn site_gateway(
    site: &Site,
    dir: &TempDir,
    content_types: &[&str],
) -> pubgate::serve::Running {
    gateway(site_config(site, dir, content_types)).await
}

fn site_config(site: &Site, dir: &TempDir, content_types: &[&str]) -> ServeConfig {
    let mut c = config(&format!("http://{}", site.addr), dir.path());
    c.egress = vec![EgressRoute {
        name: "site".into(),
        path: vec!["/news/**".into()],
        query: Default::default(),
        except: Vec::new(),
        content_types: content_types.iter().map(|t| t.to_string()).collect(),
        checks: Checks::Leaks,
    }];
    // Every request reads a verdict again: a reviewer's decision shows at once.
    c.egress_recheck_secs = 0;
    c
}

async fn get(
    gw: &pubgate::serve::Running,
    method: Method,
    path: &str,
    headers: &[(&str, &str)],
) -> crate::util::http::Answer {
    send(gw.proxy_addr, method, path, headers, Bytes::new()).await
}

async fn metric(gw: &pubgate::serve::Running, needle: &str) -> u64 {
    let m = send(gw.admin_addr, Method::GET, "/metrics", &[], "").await;
    let text = String::from_utf8_lossy(&m.body).into_owned();
    text.lines()
        .find(|l| l.starts_with("pubgate_egress_total") && l.contains(needle))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

#[tokio::test]
async fn a_clean_page_is_served_whole_scanned_once_and_revalidated_here() {
    let site = Site::start().await;
    site.put("/news/1.html", html(NEWS));
    let dir = TempDir::new();
    let gw = site_gateway(&site, &dir, &[]).await;

    let first = get(&gw, Method::GET, "/news/1.html", &[]).await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(first.body, html(NEWS).body, "served byte-identical");
    assert_eq!(first.headers["etag"], "\"v1\"");
    assert_eq!(first.headers["cache-control"], "max-age=60");

    // The reader's validators and range are answered by the gateway; the
    // site is asked for the whole page each time.
    let cached = get(
        &gw,
        Method::GET,
        "/news/1.html",
        &[("if-none-match", "\"v1\"")],
    )
    .await;
    assert_eq!(cached.status, StatusCode::NOT_MODIFIED);
    assert!(cached.body.is_empty());
    let asked = site.last_request();
    assert!(asked.headers.get("if-none-match").is_none());

    let part = get(&gw, Method::GET, "/news/1.html", &[("range", "bytes=0-14")]).await;
    assert_eq!(part.status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(&part.body[..], &html(NEWS).body[..15]);
    assert!(site.last_request().headers.get("range").is_none());

    let head = get(&gw, Method::HEAD, "/news/1.html", &[]).await;
    assert_eq!(head.status, StatusCode::OK);
    assert!(head.body.is_empty());
    assert_eq!(
        head.headers["content-length"],
        html(NEWS).body.len().to_string().as_str()
    );
    assert_eq!(site.last_request().method, Method::GET);

    // One scan; every later answer knew the content by its hash.
    assert_eq!(metric(&gw, "source=\"scan\"").await, 1);
    assert!(metric(&gw, "outcome=\"served\",route=\"site\",source=\"store\"").await >= 3);

    // Off the public routes nothing is inspected, even an ID number.
    site.put("/wp-admin/x.html", html(&leak()));
    let off = get(&gw, Method::GET, "/wp-admin/x.html", &[]).await;
    assert_eq!(off.status, StatusCode::OK);
    gw.shutdown().await;
}

#[tokio::test]
async fn a_page_carrying_an_id_number_is_withheld_until_a_reviewer_releases_it() {
    let site = Site::start().await;
    site.put("/news/2.html", html(&leak()));
    let dir = TempDir::new();
    // With a store key, as the docs recommend: the kept page is sealed.
    let mut c = site_config(&site, &dir, &[]);
    let key = dir.path().join("store.key");
    std::fs::write(&key, "11".repeat(32)).unwrap();
    c.secrets.store_keys = vec![StoreKey {
        id: "k1".into(),
        file: key,
    }];
    let gw = gateway(c).await;

    let answer = get(&gw, Method::GET, "/news/2.html", &[]).await;
    assert_eq!(answer.status, StatusCode::UNAVAILABLE_FOR_LEGAL_REASONS);
    let page = String::from_utf8_lossy(&answer.body).into_owned();
    assert!(page.contains("暂不可访问"), "{page}");
    assert!(!page.contains(ID));
    assert_eq!(answer.headers["cache-control"], "no-store");
    let head = get(&gw, Method::HEAD, "/news/2.html", &[]).await;
    assert_eq!(head.status, StatusCode::UNAVAILABLE_FOR_LEGAL_REASONS);
    assert!(head.body.is_empty());

    // The page waits in the takedown queue with masked findings.
    let list = api(gw.admin_addr, Method::GET, "/api/takedown", "admin", "").await;
    let items = list.json()["items"].as_array().cloned().unwrap();
    assert_eq!(items.len(), 1, "{:?}", list.json());
    assert_eq!(items[0]["source"], "egress:site");
    assert_eq!(items[0]["status"], "candidate");
    let id = items[0]["id"].as_str().unwrap().to_string();
    let detail = api(
        gw.admin_addr,
        Method::GET,
        &format!("/api/takedown/{id}"),
        "admin",
        "",
    )
    .await;
    let text = String::from_utf8_lossy(&detail.body).into_owned();
    assert!(text.contains("370102********1237"), "{text}");
    assert!(!text.contains(ID));

    // The page itself is kept for the reviewer, sealed at rest, and shown
    // on the signed-in item page with the number marked.
    for file in std::fs::read_dir(dir.path()).unwrap() {
        let bytes = std::fs::read(file.unwrap().path()).unwrap();
        assert!(!bytes.windows(ID.len()).any(|w| w == ID.as_bytes()));
    }
    let (cookie, _) = login(gw.admin_addr, "admin").await;
    let item = ui_get(gw.admin_addr, &format!("/ui/takedown/{id}"), &cookie).await;
    let item = String::from_utf8_lossy(&item.body).into_owned();
    assert!(item.contains("页面内容"), "{item}");
    let marked = item.split("<mark id=\"f0\"").nth(1).unwrap_or("");
    let marked = marked.split("</mark>").next().unwrap_or("");
    assert!(marked.ends_with(ID), "the number is marked: {item}");

    // 应撤下 keeps it withheld; 无需处理 releases it.
    let decide = |d: &'static str| {
        let path = format!("/api/takedown/{id}/decide");
        let body = format!("{{\"decision\":\"{d}\",\"comment\":\"已核实\"}}");
        async move { api(gw.admin_addr, Method::POST, &path, "admin", &body).await }
    };
    assert!(decide("take_down").await.status.is_success());
    let still = get(&gw, Method::GET, "/news/2.html", &[]).await;
    assert_eq!(still.status, StatusCode::UNAVAILABLE_FOR_LEGAL_REASONS);
    assert!(decide("fine").await.status.is_success());
    let released = get(&gw, Method::GET, "/news/2.html", &[]).await;
    assert_eq!(released.status, StatusCode::OK);
    assert_eq!(released.body, html(&leak()).body);
    gw.shutdown().await;
}

#[tokio::test]
async fn a_page_clean_of_leaks_is_not_clean_for_a_route_that_checks_everything() {
    // A tender notice with no budget, no deadline…: no leak, many gaps.
    let gaps = "<h1>某某中学食堂设备采购项目公开招标公告</h1><p>项目名称：某某中学食堂设备采购项目</p><p>采购人：某某中学</p>";
    let site = Site::start().await;
    site.put("/news/t.html", html(gaps));
    site.put("/notices/t.html", html(gaps));
    let dir = TempDir::new();
    let mut c = site_config(&site, &dir, &[]);
    c.egress.push(EgressRoute {
        name: "notices".into(),
        path: vec!["/notices/**".into()],
        query: Default::default(),
        except: Vec::new(),
        content_types: Vec::new(),
        checks: Checks::All,
    });
    let gw = gateway(c).await;
    // The leaks route judges it first and serves it; the same content on
    // the route that checks everything is withheld all the same.
    assert_eq!(
        get(&gw, Method::GET, "/news/t.html", &[]).await.status,
        StatusCode::OK
    );
    assert_eq!(
        get(&gw, Method::GET, "/notices/t.html", &[]).await.status,
        StatusCode::UNAVAILABLE_FOR_LEGAL_REASONS
    );
    // And the other way round: the full policy's missing fields do not
    // withhold it on the leaks route.
    assert_eq!(
        get(&gw, Method::GET, "/news/t.html", &[]).await.status,
        StatusCode::OK
    );
    gw.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readers_arriving_together_at_a_new_version_cause_one_scan() {
    let site = Site::start().await;
    site.put("/news/popular.html", html(NEWS));
    let dir = TempDir::new();
    let gw = Arc::new(site_gateway(&site, &dir, &[]).await);
    let readers: Vec<_> = (0..8)
        .map(|_| {
            let gw = gw.clone();
            tokio::spawn(async move {
                get(&gw, Method::GET, "/news/popular.html", &[])
                    .await
                    .status
            })
        })
        .collect();
    for r in readers {
        assert_eq!(r.await.unwrap(), StatusCode::OK);
    }
    assert_eq!(metric(&gw, "source=\"scan\"").await, 1);
    Arc::into_inner(gw).unwrap().shutdown().await;
}

fn gzip(bytes: &[u8]) -> Bytes {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(bytes).unwrap();
    Bytes::from(enc.finish().unwrap())
}

#[tokio::test]
async fn a_compressed_page_is_scanned_decoded_and_served_as_sent() {
    let site = Site::start().await;
    let clean = gzip(&html(NEWS).body);
    site.put(
        "/news/gz.html",
        Page {
            encoding: Some("gzip"),
            body: clean.clone(),
            ..html(NEWS)
        },
    );
    site.put(
        "/news/gz-leak.html",
        Page {
            encoding: Some("gzip"),
            body: gzip(&html(&leak()).body),
            ..html(NEWS)
        },
    );
    let dir = TempDir::new();
    let gw = site_gateway(&site, &dir, &[]).await;
    let leak = get(&gw, Method::GET, "/news/gz-leak.html", &[]).await;
    assert_eq!(leak.status, StatusCode::UNAVAILABLE_FOR_LEGAL_REASONS);
    let ok = get(&gw, Method::GET, "/news/gz.html", &[]).await;
    assert_eq!(ok.status, StatusCode::OK);
    assert_eq!(ok.headers["content-encoding"], "gzip");
    assert_eq!(ok.body, clean);
    gw.shutdown().await;
}

#[tokio::test]
async fn what_cannot_be_read_is_withheld_and_unlisted_types_stream_through() {
    let site = Site::start().await;
    // An image could carry a scanned ID card; pubgate does not read images.
    let png = Page {
        content_type: "image/png",
        encoding: None,
        etag: "\"p\"",
        body: Bytes::from_static(
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0",
        ),
    };
    site.put("/news/photo.png", png.clone());
    let dir = TempDir::new();
    let gw = site_gateway(&site, &dir, &[]).await;
    let answer = get(&gw, Method::GET, "/news/photo.png", &[]).await;
    assert_eq!(answer.status, StatusCode::UNAVAILABLE_FOR_LEGAL_REASONS);
    // A 404 is the platform's own answer, passed on.
    let missing = get(&gw, Method::GET, "/news/none.html", &[]).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    gw.shutdown().await;

    // A route that scans only pages lets the theme's images through.
    let dir = TempDir::new();
    let gw = site_gateway(&site, &dir, &["text/html"]).await;
    let answer = get(&gw, Method::GET, "/news/photo.png", &[]).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.body, png.body);
    gw.shutdown().await;
}

#[tokio::test]
async fn an_archive_rescan_warms_the_verdicts_so_known_files_are_not_scanned_again() {
    let dir = TempDir::new();
    let archive = dir.path().join("archive");
    std::fs::create_dir_all(&archive).unwrap();
    let leaky = html(&leak()).body;
    let clean = html(NEWS).body;
    std::fs::write(archive.join("leak.html"), &leaky).unwrap();
    std::fs::write(archive.join("clean.html"), &clean).unwrap();
    let store = format!("sqlite://{}", dir.path().join("pubgate.db").display());
    let out = crate::util::run(
        &["scan", archive.to_str().unwrap(), "--store", &store],
        None,
    );
    assert!(out.status.code().is_some(), "{out:?}");

    let site = Site::start().await;
    site.put(
        "/news/a.html",
        Page {
            body: leaky,
            ..html(NEWS)
        },
    );
    site.put(
        "/news/b.html",
        Page {
            body: clean,
            ..html(NEWS)
        },
    );
    let gw = site_gateway(&site, &dir, &[]).await;
    let a = get(&gw, Method::GET, "/news/a.html", &[]).await;
    assert_eq!(a.status, StatusCode::UNAVAILABLE_FOR_LEGAL_REASONS);
    let b = get(&gw, Method::GET, "/news/b.html", &[]).await;
    assert_eq!(b.status, StatusCode::OK);
    // Both verdicts came from the rescan's records: nothing was scanned.
    assert_eq!(metric(&gw, "source=\"scan\"").await, 0);
    assert_eq!(
        metric(&gw, "outcome=\"withheld\",route=\"site\",source=\"store\"").await,
        1
    );
    assert_eq!(
        metric(&gw, "outcome=\"served\",route=\"site\",source=\"store\"").await,
        1
    );
    gw.shutdown().await;
}
