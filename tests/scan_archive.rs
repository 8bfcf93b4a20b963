//! `pubgate scan` over archives that are not just a folder, and into the
//! shared store:
//! - `--store`: documents with findings become takedown candidates; a
//!   rescan skips what did not change, rescans everything when the policy
//!   version changes, and keeps a reviewer's decision while the findings
//!   stay the same (SQLite and PostgreSQL);
//! - `--shard K/N` and `JOB_COMPLETION_INDEX` fill one store without
//!   overlap;
//! - `--list` with local paths and http addresses (a real local server);
//! - `--table` on the machine's PostgreSQL (skipped without
//!   `PUBGATE_PG_URL`);
//! - `--s3` on a real S3-compatible server (moto, started here; skipped
//!   when `moto_server` is not installed, unless `PUBGATE_REQUIRE_S3=1`).

use std::collections::HashSet;
use std::net::SocketAddr;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use pubgate::store::{PublishedFilter, Store, TakedownStatus};

use crate::store::pg_url;
use crate::util::TempDir;
use crate::util::http::free_addr;

const ID: &str = "370102198001011237";

fn notice(extra: &str) -> String {
    let base = std::fs::read_to_string("tests/corpus/05-tender-liaoning-clean.txt").unwrap();
    format!("{base}\n{extra}\n")
}

/// Runs `pubgate scan ARGS` with extra environment variables.
fn scan(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(crate::util::bin());
    cmd.arg("scan")
        .args(["--format", "jsonl", "--no-progress"])
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run pubgate scan")
}

/// The documents reported, by path.
fn reported(out: &Output) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Every store the machine offers: SQLite, and PostgreSQL when set.
async fn store_urls(dir: &TempDir) -> Vec<String> {
    let mut urls = vec![format!(
        "sqlite://{}",
        dir.path().join("published.db").display()
    )];
    match pg_url().await {
        Some(url) => urls.push(url),
        None => eprintln!("SKIP PostgreSQL half: PUBGATE_PG_URL is not set"),
    }
    urls
}

async fn candidates(url: &str) -> Vec<pubgate::store::PublishedItem> {
    let store = Store::open(url).await.unwrap();
    store
        .list_published(&PublishedFilter {
            limit: 500,
            ..PublishedFilter::default()
        })
        .await
        .unwrap()
        .0
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rescan_into_the_store_skips_what_did_not_change() {
    let dir = TempDir::new();
    for url in store_urls(&dir).await {
        let archive = dir.path().join(format!("archive-{}", url.len()));
        std::fs::create_dir_all(&archive).unwrap();
        std::fs::write(archive.join("a.txt"), notice(&format!("联系人身份证 {ID}"))).unwrap();
        std::fs::write(archive.join("b.txt"), notice("")).unwrap();
        std::fs::write(archive.join("c.txt"), notice("本项目属于涉密项目。")).unwrap();
        let root = archive.to_str().unwrap();

        let first = scan(&[root, "--store", &url], &[]);
        assert_eq!(first.status.code(), Some(1), "{}", stderr(&first));
        assert_eq!(reported(&first).len(), 3);
        assert!(
            !String::from_utf8_lossy(&first.stdout).contains(ID),
            "the ID is masked in the report"
        );
        let listed = candidates(&url).await;
        let keys: HashSet<String> = listed.iter().map(|c| c.doc_key.clone()).collect();
        let want: HashSet<String> = ["a.txt", "c.txt"]
            .iter()
            .map(|f| archive.join(f).display().to_string())
            .collect();
        assert_eq!(keys, want, "the two documents with findings are candidates");
        let stored =
            serde_json::to_string(&listed.iter().map(|c| &c.findings_json).collect::<Vec<_>>())
                .unwrap();
        assert!(!stored.contains(ID), "the store keeps findings masked");

        // Nothing changed: nothing is scanned again.
        let second = scan(&[root, "--store", &url], &[]);
        assert_eq!(reported(&second).len(), 0, "{}", stderr(&second));
        assert!(
            stderr(&second).contains("3 unchanged"),
            "{}",
            stderr(&second)
        );
        assert_eq!(second.status.code(), Some(0));

        // One document changed: only it is scanned.
        std::fs::write(archive.join("b.txt"), notice(&format!("身份证号码：{ID}"))).unwrap();
        let third = scan(&[root, "--store", &url], &[]);
        let docs = reported(&third);
        assert_eq!(docs.len(), 1, "{}", stderr(&third));
        assert!(docs[0]["path"].as_str().unwrap().ends_with("b.txt"));

        // A reviewer judges a.txt fine; a new dictionary changes the policy
        // version, so every document is scanned again, and a.txt, whose
        // findings did not change, stays fine.
        let a = listed
            .iter()
            .find(|c| c.doc_key.ends_with("a.txt"))
            .unwrap();
        let store = Store::open(&url).await.unwrap();
        store
            .decide_takedown(
                &a.id,
                TakedownStatus::Fine,
                "alice",
                "already redacted upstream",
            )
            .await
            .unwrap();
        let dicts = dir.path().join(format!("dicts-{}", url.len()));
        std::fs::create_dir_all(&dicts).unwrap();
        for entry in std::fs::read_dir("dictionaries").unwrap() {
            let entry = entry.unwrap();
            std::fs::copy(entry.path(), dicts.join(entry.file_name())).unwrap();
        }
        let mut terms = std::fs::read_to_string(dicts.join("secret_terms.txt")).unwrap();
        terms.push_str("\n青松七号\n");
        std::fs::write(dicts.join("secret_terms.txt"), terms).unwrap();
        let fourth = scan(
            &[
                root,
                "--store",
                &url,
                "--dictionaries",
                dicts.to_str().unwrap(),
            ],
            &[],
        );
        assert_eq!(reported(&fourth).len(), 3, "{}", stderr(&fourth));
        let a_now = store.get_published(&a.id).await.unwrap();
        assert_eq!(a_now.status, TakedownStatus::Fine);
        assert_ne!(a_now.engine_version, a.engine_version);
        // `--full` scans everything regardless.
        let full = scan(
            &[
                root,
                "--store",
                &url,
                "--dictionaries",
                dicts.to_str().unwrap(),
                "--full",
            ],
            &[],
        );
        assert_eq!(reported(&full).len(), 3);
        let rescans = store
            .audit_log(1, 1000)
            .await
            .unwrap()
            .into_iter()
            .filter(|e| e.action == "rescan")
            .count();
        assert_eq!(rescans, 5, "{url}: every run is audited");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shards_fill_one_store_without_overlap() {
    let dir = TempDir::new();
    let archive = dir.path().join("archive");
    std::fs::create_dir_all(archive.join("2025")).unwrap();
    for i in 0..40 {
        let body = if i % 3 == 0 {
            notice(&format!("联系人身份证 {ID}"))
        } else {
            notice("")
        };
        std::fs::write(archive.join(format!("2025/n{i}.txt")), body).unwrap();
    }
    let url = format!("sqlite://{}", dir.path().join("s.db").display());
    let root = archive.to_str().unwrap();
    let one = scan(&[root, "--store", &url, "--shard", "1/2"], &[]);
    let two = scan(
        &[root, "--store", &url, "--shard-count", "2"],
        &[("JOB_COMPLETION_INDEX", "1")],
    );
    let paths = |o: &Output| -> HashSet<String> {
        reported(o)
            .iter()
            .map(|d| d["path"].as_str().unwrap().to_string())
            .collect()
    };
    let (p1, p2) = (paths(&one), paths(&two));
    assert!(p1.is_disjoint(&p2), "a document in both shards");
    assert_eq!(p1.len() + p2.len(), 40);
    assert!(!p1.is_empty() && !p2.is_empty());
    let store = Store::open(&url).await.unwrap();
    assert_eq!(store.known_published(root).await.unwrap().len(), 40);
    assert_eq!(candidates(&url).await.len(), 14);
}

/// A small web server with a few published notices.
async fn notice_site() -> SocketAddr {
    use axum::Router;
    use axum::routing::get;
    let html = format!(
        "<html><body><p>{}</p><p>联系人：张三，身份证号：<span>370102</span><b>19800101</b>1237</p></body></html>",
        notice("").replace('\n', "<br>")
    );
    let app = Router::new()
        .route(
            "/notices/1.html",
            get(move || async move { axum::response::Html(html) }),
        )
        .route("/notices/2.txt", get(|| async { notice("") }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    addr
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_list_file_names_local_paths_and_addresses() {
    let dir = TempDir::new();
    let site = notice_site().await;
    let local = dir.write("local.txt", notice(&format!("身份证 {ID}")).as_bytes());
    let list = dir.write(
        "list.txt",
        format!(
            "# published notices\n{}\n\nhttp://{site}/notices/1.html\nhttp://{site}/notices/2.txt\nhttp://{site}/notices/gone.html\n",
            local.display()
        )
        .as_bytes(),
    );
    let out = tokio::task::spawn_blocking(move || scan(&["--list", list.to_str().unwrap()], &[]))
        .await
        .unwrap();
    let docs = reported(&out);
    assert_eq!(docs.len(), 4, "{}", stderr(&out));
    let by_path = |end: &str| {
        docs.iter()
            .find(|d| d["path"].as_str().unwrap().ends_with(end))
            .unwrap_or_else(|| panic!("{end} not reported"))
            .clone()
    };
    let categories = |d: &serde_json::Value| -> Vec<String> {
        d["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["category"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(categories(&by_path("local.txt")).contains(&"personal_data".into()));
    assert!(
        categories(&by_path("1.html")).contains(&"personal_data".into()),
        "the ID split across tags on the web page is found"
    );
    assert_eq!(by_path("2.txt")["verdict"], "pass");
    let gone = by_path("gone.html");
    assert!(categories(&gone).contains(&"unscannable".into()), "{gone}");
    assert!(gone.to_string().contains("404"), "{gone}");
    assert!(!String::from_utf8_lossy(&out.stdout).contains(ID));

    // A bucket address in a list is refused with the line number.
    let bad = dir.write("bad.txt", b"s3://bucket/key\n");
    let out = scan(&["--list", bad.to_str().unwrap()], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("bad.txt:1"), "{}", stderr(&out));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_postgresql_table_is_an_archive() {
    let Some(url) = pg_url().await else {
        eprintln!("SKIP table archive: PUBGATE_PG_URL is not set");
        return;
    };
    let pool = sqlx::AnyPool::connect(&url).await.unwrap();
    let schema: String = sqlx::query_scalar("SELECT current_schema()::text")
        .fetch_one(&pool)
        .await
        .unwrap();
    sqlx::query("CREATE TABLE notices (id BIGINT PRIMARY KEY, body TEXT, raw BYTEA)")
        .execute(&pool)
        .await
        .unwrap();
    for (id, extra) in [
        (1i64, String::new()),
        (42, format!("身份证 {ID}")),
        (7, String::new()),
    ] {
        sqlx::query("INSERT INTO notices (id, body, raw) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(notice(&extra))
            .bind(notice(&extra).into_bytes())
            .execute(&pool)
            .await
            .unwrap();
    }
    let table = format!("{schema}.notices");
    let store_url = url.clone();
    for column in ["body", "raw"] {
        let (name, url) = (table.clone(), url.clone());
        let out = tokio::task::spawn_blocking(move || {
            scan(
                &[
                    "--table",
                    &name,
                    "--table-url",
                    &url,
                    "--content-column",
                    column,
                    "--store",
                    &url,
                ],
                &[],
            )
        })
        .await
        .unwrap();
        let docs = reported(&out);
        assert_eq!(
            docs.len(),
            if column == "body" { 3 } else { 0 },
            "{}",
            stderr(&out)
        );
        if column == "body" {
            let flagged: Vec<&str> = docs
                .iter()
                .filter(|d| d["verdict"] != "pass")
                .map(|d| d["path"].as_str().unwrap())
                .collect();
            assert_eq!(flagged, vec![format!("pg:{table}/42").as_str()]);
        } else {
            // Same bytes, same policy: the bytea column is unchanged content.
            assert!(stderr(&out).contains("3 unchanged"), "{}", stderr(&out));
        }
    }
    assert_eq!(candidates(&store_url).await.len(), 1);
    // Table and column names are identifiers, never SQL.
    let out = scan(
        &[
            "--table",
            "notices; DROP TABLE notices",
            "--table-url",
            &url,
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("not a plain table"),
        "{}",
        stderr(&out)
    );
}

/// An S3-compatible server (moto) on a free port, or None if it is not
/// installed (a failure when `PUBGATE_REQUIRE_S3=1`).
fn moto() -> Option<(std::process::Child, SocketAddr)> {
    let addr = free_addr();
    let child = Command::new("moto_server")
        .args(["-H", "127.0.0.1", "-p", &addr.port().to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    match child {
        Ok(c) => Some((c, addr)),
        Err(e) => {
            assert!(
                std::env::var_os("PUBGATE_REQUIRE_S3").is_none(),
                "PUBGATE_REQUIRE_S3 is set but moto_server cannot start: {e}"
            );
            eprintln!("SKIP S3 archive: moto_server is not installed (pip install 'moto[server]')");
            None
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_s3_bucket_is_an_archive() {
    let Some((mut server, addr)) = moto() else {
        return;
    };
    let endpoint = format!("http://{addr}");
    let http = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    // Create the bucket and upload (moto accepts these unsigned).
    loop {
        match http.put(format!("{endpoint}/archive")).send().await {
            Ok(r) if r.status().is_success() => break,
            _ if Instant::now() < deadline => tokio::time::sleep(Duration::from_millis(200)).await,
            other => panic!("moto did not start: {other:?}"),
        }
    }
    let objects = [
        ("2025/a.txt", notice(&format!("身份证 {ID}"))),
        ("2025/b.txt", notice("")),
        ("2024/c.txt", notice("")),
    ];
    for (key, body) in &objects {
        let r = http
            .put(format!("{endpoint}/archive/{key}"))
            .body(body.clone())
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "{key}: {}", r.status());
    }
    let env = [
        ("AWS_ACCESS_KEY_ID", "test"),
        ("AWS_SECRET_ACCESS_KEY", "test"),
        ("AWS_REGION", "us-east-1"),
        ("AWS_ENDPOINT", endpoint.as_str()),
        ("AWS_ALLOW_HTTP", "true"),
    ];
    let out = scan(&["--s3", "s3://archive/2025"], &env);
    let docs = reported(&out);
    let _ = server.kill();
    let _ = server.wait();
    let paths: HashSet<&str> = docs.iter().map(|d| d["path"].as_str().unwrap()).collect();
    assert_eq!(
        paths,
        HashSet::from(["s3://archive/2025/a.txt", "s3://archive/2025/b.txt"]),
        "{}",
        stderr(&out)
    );
    let a = docs
        .iter()
        .find(|d| d["path"] == "s3://archive/2025/a.txt")
        .unwrap();
    assert_ne!(a["verdict"], "pass");
    assert!(!String::from_utf8_lossy(&out.stdout).contains(ID));
}
