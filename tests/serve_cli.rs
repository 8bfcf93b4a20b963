//! `pubgate serve` as a newcomer runs it: no config file, no upstream (the
//! demo publishing site starts), the store under `./data`, a generated
//! admin token; SIGHUP reloads and SIGTERM stops cleanly.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ::http::{Method, StatusCode};

use crate::util::TempDir;
use crate::util::http::send;

fn wait_for(lines: &Arc<Mutex<Vec<String>>>, prefix: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(l) = lines.lock().unwrap().iter().find(|l| l.contains(prefix)) {
            return l.clone();
        }
        assert!(
            Instant::now() < deadline,
            "no `{prefix}` line in {:?}",
            lines.lock().unwrap()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn addr_after(line: &str, marker: &str) -> std::net::SocketAddr {
    let rest = &line[line.find(marker).unwrap() + marker.len()..];
    rest.trim_start_matches("http://")
        .split(['/', ' '])
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

/// `pubgate serve` on free ports in `dir` with `args` (and the admin token
/// `token`, or none: it generates one): the child, its stderr lines as
/// they come, and the thread reading them.
fn spawn_serve(
    dir: &TempDir,
    args: &[&str],
    token: Option<&str>,
) -> (
    std::process::Child,
    Arc<Mutex<Vec<String>>>,
    std::thread::JoinHandle<()>,
) {
    let mut command = Command::new(crate::util::bin());
    command
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--admin-listen",
            "127.0.0.1:0",
        ])
        .args(args)
        .current_dir(dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    match token {
        Some(t) => command.env("PUBGATE_ADMIN_TOKEN", t),
        None => command.env_remove("PUBGATE_ADMIN_TOKEN"),
    };
    let mut child = command.spawn().unwrap();
    let lines: Arc<Mutex<Vec<String>>> = Arc::default();
    let sink = lines.clone();
    let stderr = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            sink.lock().unwrap().push(line);
        }
    });
    (child, lines, reader)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_readme_loop_works_with_no_config_and_no_upstream() {
    let dir = TempDir::new();
    let (mut child, lines, reader) = spawn_serve(&dir, &["--demo-listen", "127.0.0.1:0"], None);
    let proxy = addr_after(&wait_for(&lines, "proxy on "), "proxy on ");
    let admin = addr_after(&wait_for(&lines, "review UI on "), "review UI on ");
    let demo = addr_after(
        &wait_for(&lines, "demo publishing site (DEMO) on "),
        "(DEMO) on ",
    );
    let token_line = wait_for(&lines, "admin token for this run");
    let token = token_line.rsplit(' ').next().unwrap().to_string();
    assert_eq!(token.len(), 64);
    assert!(
        dir.path().join("data/pubgate.db").exists(),
        "store not under ./data"
    );

    let clean = std::fs::read("tests/corpus/02-award-clean.html").unwrap();
    let a = send(
        proxy,
        Method::POST,
        "/api/notices",
        &[("content-type", "text/html")],
        clean,
    )
    .await;
    assert_eq!(a.status, StatusCode::CREATED, "clean notice not published");
    let id_number = "370102198001011237";
    let leaky = format!(
        "{}\n经办人身份证号：{id_number}\n",
        std::fs::read_to_string("tests/corpus/05-tender-liaoning-clean.txt").unwrap()
    );
    let a = send(proxy, Method::POST, "/api/notices", &[], leaky).await;
    assert_eq!(a.status, StatusCode::ACCEPTED);
    let id = a.json()["id"].as_str().unwrap().to_string();
    let site = send(demo, Method::GET, "/", &[], "").await;
    assert!(String::from_utf8_lossy(&site.body).contains("已发布 1 篇"));

    let auth = format!("Bearer {token}");
    let ok = send(
        admin,
        Method::POST,
        &format!("/api/holds/{id}/approve"),
        &[("authorization", &auth)],
        "",
    )
    .await;
    assert_eq!(ok.status, StatusCode::OK);
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let site = send(demo, Method::GET, "/", &[], "").await;
        if String::from_utf8_lossy(&site.body).contains("已发布 2 篇") {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "approved notice never reached the demo site"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    let pid = child.id() as i32;
    unsafe { libc::kill(pid, libc::SIGHUP) };
    wait_for(&lines, "policies and dictionaries reloaded");
    assert!(
        child.try_wait().unwrap().is_none(),
        "SIGHUP stopped the gateway"
    );
    unsafe { libc::kill(pid, libc::SIGTERM) };
    let deadline = Instant::now() + Duration::from_secs(15);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(
            Instant::now() < deadline,
            "SIGTERM did not stop the gateway"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}");
    reader.join().unwrap();
    let log = lines.lock().unwrap().join("\n");
    assert!(
        !log.contains(id_number),
        "the log leaked a raw ID number:\n{log}"
    );
    assert!(
        log.contains("370102") || log.contains("personal.id_card"),
        "inspection not logged:\n{log}"
    );
    assert!(
        !log.contains('\x1b'),
        "colour codes in a log that is not a terminal:\n{log}"
    );
}

/// Runs `pubgate serve ARGS` expecting it to refuse to start: its exit
/// status and what it printed. Killed (and the test failed) if it starts.
fn refused_start(dir: &TempDir, args: &[&str]) -> (std::process::ExitStatus, String) {
    let mut child = Command::new(crate::util::bin())
        .arg("serve")
        .args(args)
        .current_dir(dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("`pubgate serve {args:?}` started instead of refusing");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
    (status, err)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_serve_on_a_taken_address_refuses_naming_the_flag() {
    let up = crate::util::http::Upstream::start().await;
    let first_dir = TempDir::new();
    let first =
        crate::util::http::gateway(crate::util::http::config(&up.url(), first_dir.path())).await;
    let dir = TempDir::new();
    let upstream = up.url();
    for (flag, taken) in [
        ("--listen", first.proxy_addr),
        ("--admin-listen", first.admin_addr),
    ] {
        let taken = taken.to_string();
        let (other, free) = if flag == "--listen" {
            ("--admin-listen", "127.0.0.1:0")
        } else {
            ("--listen", "127.0.0.1:0")
        };
        let (status, err) =
            refused_start(&dir, &[flag, &taken, other, free, "--upstream", &upstream]);
        assert_eq!(status.code(), Some(2), "{err}");
        assert!(
            err.contains(&format!("{flag} {taken}")) && err.contains("already in use"),
            "{err}"
        );
        assert_eq!(
            err.matches("already in use").count(),
            1,
            "said more than once: {err}"
        );
    }
    // The first gateway still holds its port alone and still answers.
    let a = send(first.proxy_addr, Method::GET, "/", &[], "").await;
    assert_eq!(a.status, StatusCode::OK);
    first.shutdown().await;
}

#[test]
fn a_config_without_upstream_or_demo_refuses_and_store_errors_name_the_flag() {
    let dir = TempDir::new();
    let free = ["--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0"];
    let bare = dir.write("bare.toml", b"monitor = false\n");
    let bare = bare.to_str().unwrap();
    let (status, err) = refused_start(&dir, &[&free[..], &["--config", bare]].concat());
    assert!(!status.success());
    assert!(
        err.contains("no upstream") && err.contains("demo = true"),
        "{err}"
    );
    let both = dir.write(
        "both.toml",
        b"demo = true\nupstream = \"http://127.0.0.1:1\"\n",
    );
    let (status, err) = refused_start(
        &dir,
        &[&free[..], &["--config", both.to_str().unwrap()]].concat(),
    );
    assert!(!status.success());
    assert!(err.contains("remove one"), "{err}");

    let up = ["--upstream", "http://127.0.0.1:1"];
    let (status, err) = refused_start(
        &dir,
        &[&free[..], &up[..], &["--store", "sqlite:"]].concat(),
    );
    assert!(!status.success());
    assert!(
        err.contains("--store `sqlite:`: expected sqlite://PATH"),
        "{err}"
    );
    assert_eq!(
        err.matches("sqlite:").count(),
        2,
        "said more than once: {err}"
    );

    let closed = crate::util::http::free_addr();
    let url = format!("postgres://pubgate:secret@{closed}/pubgate");
    let (status, err) = refused_start(&dir, &[&free[..], &up[..], &["--store", &url]].concat());
    assert!(!status.success());
    assert!(
        err.contains(&format!("connection refused at {closed}")),
        "{err}"
    );
    assert!(!err.contains("secret"), "the password was shown: {err}");
}

#[test]
fn the_example_config_is_valid() {
    let c = pubgate::serve::config::ServeConfig::load(std::path::Path::new(
        "deploy/pubgate.example.toml",
    ))
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c.inspect.len(), 2);
    assert_eq!(c.accounts.len(), 2);
    assert_eq!(c.limits.max_body_bytes, 50 << 20);
    let defaults = pubgate::serve::config::ServeConfig::default();
    assert_eq!(c.listen, defaults.listen);
    assert_eq!(c.delivery.max_attempts, defaults.delivery.max_attempts);
}

#[test]
fn config_errors_name_the_file_and_line() {
    let dir = TempDir::new();
    let path = dir.write(
        "bad.toml",
        b"listen = \"127.0.0.1:8080\"\n\n[limits]\nmax_body_byte = 5\n",
    );
    let e = pubgate::serve::config::ServeConfig::load(&path)
        .unwrap_err()
        .to_string();
    assert!(e.contains("bad.toml:4"), "{e}");
    let path = dir.write(
        "tok.toml",
        b"[[accounts]]\nname = \"a\"\nrole = \"admin\"\ntoken_sha256 = \"abc\"\n",
    );
    let e = pubgate::serve::config::ServeConfig::load(&path)
        .unwrap_err()
        .to_string();
    assert!(e.contains("pubgate token"), "{e}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_down_platform_is_logged_in_words_at_warn() {
    let dir = TempDir::new();
    let closed = crate::util::http::free_addr();
    let upstream = format!("http://{closed}");
    let (mut child, lines, reader) =
        spawn_serve(&dir, &["--upstream", &upstream], Some("operator-token"));
    let proxy = addr_after(&wait_for(&lines, "proxy on "), "proxy on ");
    let admin = addr_after(&wait_for(&lines, "review UI on "), "review UI on ");
    let clean = std::fs::read("tests/corpus/02-award-clean.html").unwrap();
    let a = send(
        proxy,
        Method::POST,
        "/x",
        &[("content-type", "text/html")],
        clean,
    )
    .await;
    assert_eq!(a.status, StatusCode::BAD_GATEWAY);
    let refused =
        format!("cannot connect to the publishing platform at {closed}: connection refused");
    let line = wait_for(&lines, &format!("forwarding: {refused}"));
    assert!(line.contains("WARN"), "{line}");

    let leaky = format!(
        "{}\n经办人身份证号：370102198001011237\n",
        std::fs::read_to_string("tests/corpus/05-tender-liaoning-clean.txt").unwrap()
    );
    let a = send(proxy, Method::POST, "/x", &[], leaky).await;
    let id = a.json()["id"].as_str().unwrap().to_string();
    let ok = send(
        admin,
        Method::POST,
        &format!("/api/holds/{id}/approve"),
        &[
            ("authorization", "Bearer operator-token"),
            ("content-type", "application/json"),
        ],
        "{}",
    )
    .await;
    assert_eq!(ok.status, StatusCode::OK);
    let retry = wait_for(&lines, "delivery attempt 1 failed: ");
    assert!(
        retry.contains("WARN") && retry.contains(&refused) && retry.contains("trying again in"),
        "{retry}"
    );
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let _ = child.wait();
    reader.join().unwrap();
    let log = lines.lock().unwrap().join("\n");
    assert!(
        !log.contains("Connect {") && !log.contains("Some("),
        "debug output in the log:\n{log}"
    );
}
