//! `pubgate serve` in front of a real WordPress (Debian's package, PHP's
//! own server, the machine's MariaDB), configured with the shipped profile
//! `deploy/profiles/wordpress.toml`: the editor's everyday ways of making a
//! saved draft public — the block editor's Publish (a status change with no
//! content), PUT, PATCH, method overrides, `?rest_route=`, Quick Edit, Bulk
//! Edit — each read the draft back and are held when it carries an ID
//! number; the paths that carry content (the batch endpoint, a media
//! caption, XML-RPC posts and uploads) are inspected and held; drafts
//! themselves pass; an approved publish reaches WordPress once.
//!
//! Needs `/usr/share/wordpress`, `php` and `mariadb` (CI installs them; see
//! `.ci/run`). Without them the test prints SKIP, unless
//! `PUBGATE_REQUIRE_WORDPRESS` is set.

use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use ::http::{Method, StatusCode};
use base64::Engine as _;

use crate::util::TempDir;
use crate::util::http::{Answer, api, config, gateway, send, wait_status};

const ID: &str = "370102198001011237";

type Headers = Vec<(&'static str, String)>;
const WP_ROOT: &str = "/usr/share/wordpress";

/// A WordPress site on loopback with its own database, torn down on drop.
struct WordPress {
    addr: SocketAddr,
    php: Child,
    database: String,
    config_file: std::path::PathBuf,
    /// `Authorization` for the REST API (an application password).
    auth: String,
    _dir: TempDir,
}

impl Drop for WordPress {
    fn drop(&mut self) {
        let _ = self.php.kill();
        let _ = self.php.wait();
        let _ = mariadb(&format!("DROP DATABASE IF EXISTS {}", self.database));
        let _ = std::fs::remove_file(&self.config_file);
    }
}

fn mariadb(sql: &str) -> std::io::Result<std::process::Output> {
    Command::new("mariadb")
        .args(["-uroot", "-h127.0.0.1", "-e", sql])
        .output()
}

fn available() -> bool {
    let have = |cmd: &str| {
        Command::new(cmd)
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    std::path::Path::new(WP_ROOT).join("wp-login.php").is_file()
        && std::path::Path::new("/etc/wordpress").is_dir()
        && have("php")
        && have("mariadb")
}

/// The session cookies a response sets, as one `Cookie` header.
fn cookies(answer: &Answer) -> String {
    answer
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|c| c.split(';').next())
        .filter(|c| !c.ends_with('=') && !c.contains("=deleted"))
        .collect::<Vec<_>>()
        .join("; ")
}

impl WordPress {
    async fn start() -> Option<WordPress> {
        if !available() {
            assert!(
                std::env::var_os("PUBGATE_REQUIRE_WORDPRESS").is_none(),
                "WordPress, php or mariadb is missing"
            );
            eprintln!("SKIP wordpress: needs Debian's wordpress, php-cli, php-mysql and mariadb");
            return None;
        }
        let dir = TempDir::new();
        let tag = format!("pubgatewp{}x{}", std::process::id(), rand_suffix());
        let database = tag.clone();
        let made = mariadb(&format!("CREATE DATABASE {database}")).unwrap();
        assert!(made.status.success(), "{made:?}");
        // Debian's wp-config.php reads /etc/wordpress/config-NAME.php, NAME
        // from $_SERVER['WORDPRESS_CONFIG'], which the router sets.
        let config_file = std::path::PathBuf::from(format!("/etc/wordpress/config-{tag}.php"));
        std::fs::write(
            &config_file,
            format!(
                "<?php\ndefine('DB_NAME', '{database}');\ndefine('DB_USER', 'root');\n\
                 define('DB_PASSWORD', '');\ndefine('DB_HOST', '127.0.0.1');\n\
                 define('WP_ENVIRONMENT_TYPE', 'local');\n\
                 define('WP_CONTENT_DIR', '/var/lib/wordpress/wp-content');\n\
                 $table_prefix = 'wp_';\n"
            ),
        )
        .unwrap();
        let router = dir.path().join("router.php");
        std::fs::write(&router, ROUTER).unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
        let php = Command::new("php")
            .args(["-S", &addr.to_string(), "-t", WP_ROOT])
            .arg(&router)
            .env("WORDPRESS_CONFIG", &tag)
            .env("PHP_CLI_SERVER_WORKERS", "2")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut wp = WordPress {
            addr,
            php,
            database,
            config_file,
            auth: String::new(),
            _dir: dir,
        };
        wp.install().await;
        Some(wp)
    }

    async fn install(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while tokio::net::TcpStream::connect(self.addr).await.is_err() {
            assert!(Instant::now() < deadline, "php -S did not start");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let form = &[("content-type", "application/x-www-form-urlencoded")];
        let installed = send(
            self.addr,
            Method::POST,
            "/wp-admin/install.php?step=2",
            form,
            "weblog_title=pubgate&user_name=admin&admin_password=Secret-12345-x&\
             admin_password2=Secret-12345-x&pw_weak=1&admin_email=a%40example.com&blog_public=0",
        )
        .await;
        assert!(
            String::from_utf8_lossy(&installed.body).contains("Success"),
            "install: {}",
            String::from_utf8_lossy(&installed.body)
        );
        // Pretty permalinks, so /wp-json/ is routed (the rules are rebuilt
        // on the next request).
        let set = mariadb(&format!(
            "UPDATE {}.wp_options SET option_value = CASE option_name \
             WHEN 'permalink_structure' THEN '/%postname%/' ELSE '' END \
             WHERE option_name IN ('permalink_structure', 'rewrite_rules')",
            self.database
        ))
        .unwrap();
        assert!(set.status.success(), "{set:?}");
        // Log in, take the REST nonce, make an application password.
        let login = send(
            self.addr,
            Method::POST,
            "/wp-login.php",
            &[
                form[0],
                ("cookie", "wordpress_test_cookie=WP%20Cookie%20check"),
            ],
            "log=admin&pwd=Secret-12345-x&wp-submit=Log+In&testcookie=1",
        )
        .await;
        let cookie = cookies(&login);
        assert!(cookie.contains("wordpress_logged_in"), "login: {cookie}");
        let nonce = send(
            self.addr,
            Method::GET,
            "/wp-admin/admin-ajax.php?action=rest-nonce",
            &[("cookie", cookie.as_str())],
            "",
        )
        .await;
        let nonce = String::from_utf8_lossy(&nonce.body).to_string();
        let made = send(
            self.addr,
            Method::POST,
            "/wp-json/wp/v2/users/me/application-passwords",
            &[
                ("cookie", cookie.as_str()),
                ("x-wp-nonce", nonce.as_str()),
                ("content-type", "application/json"),
            ],
            r#"{"name":"pubgate"}"#,
        )
        .await;
        assert_eq!(made.status, StatusCode::CREATED, "{:?}", made.body);
        let password = made.json()["password"].as_str().unwrap().to_string();
        self.auth = format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!("admin:{password}"))
        );
    }

    /// A REST call straight to WordPress, past the gateway.
    async fn rest(&self, method: Method, path: &str, body: &str) -> Answer {
        send(
            self.addr,
            method,
            path,
            &[
                ("authorization", self.auth.as_str()),
                ("content-type", "application/json"),
            ],
            body.to_string(),
        )
        .await
    }

    async fn status_of(&self, post: u64) -> String {
        let a = self
            .rest(
                Method::GET,
                &format!("/wp-json/wp/v2/posts/{post}?context=edit"),
                "",
            )
            .await;
        a.json()["status"].as_str().unwrap_or("").to_string()
    }
}

fn rand_suffix() -> u32 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos()
}

/// PHP's built-in server has no rewrite rules: this router names the
/// Debian config and sends every path that is not a file to WordPress's
/// front controller (pretty permalinks, `/wp-json/`).
const ROUTER: &str = r#"<?php
$_SERVER['WORDPRESS_CONFIG'] = getenv('WORDPRESS_CONFIG');
$root = realpath('/usr/share/wordpress');
$path = urldecode(parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH));
$file = realpath($root . $path);
if ($file !== false && is_dir($file)) {
    $file = rtrim($file, '/') . '/index.php';
}
if ($file === false || !is_file($file)) {
    $file = $root . '/index.php';
} elseif (substr($file, -4) !== '.php') {
    return false;
}
$_SERVER['SCRIPT_FILENAME'] = $file;
$_SERVER['SCRIPT_NAME'] = $_SERVER['PHP_SELF'] = substr($file, strlen($root));
chdir(dirname($file));
require $file;
"#;

/// The shipped profile's tables, with the fetch credential filled in (the
/// profile reads it from `PUBGATE_WP_AUTH`; a test cannot set the process
/// environment safely while other tests run).
fn profile(auth: &str) -> Profile {
    let text = std::fs::read_to_string("deploy/profiles/wordpress.toml").unwrap();
    let mut p: Profile = toml::from_str(&text).unwrap();
    for rule in &mut p.publish {
        for value in rule.fetch_headers.values_mut() {
            if value == "env:PUBGATE_WP_AUTH" {
                *value = auth.to_string();
            }
        }
    }
    p
}

/// The tables of `deploy/profiles/wordpress.toml`.
#[derive(serde::Deserialize)]
struct Profile {
    publish: Vec<pubgate::gateway::publish::PublishRule>,
    inspect: Vec<pubgate::gateway::routes::InspectRoute>,
    egress: Vec<pubgate::gateway::egress::EgressRoute>,
}

fn notice(extra: &str) -> String {
    let text = std::fs::read_to_string("tests/corpus/05-tender-liaoning-clean.txt").unwrap();
    serde_json::json!({
        "title": "辽宁某某项目公开招标公告",
        "content": format!("{text}{extra}"),
        "status": "draft",
    })
    .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn publishing_a_saved_draft_reads_it_back_and_holds_an_id_number() {
    let Some(wp) = WordPress::start().await else {
        return;
    };
    let dir = TempDir::new();
    let mut c = config(&format!("http://{}", wp.addr), dir.path());
    let p = profile(&wp.auth);
    (c.publish, c.inspect) = (p.publish, p.inspect);
    c.host = pubgate::serve::config::HostHeader::Upstream;
    let gw = gateway(c).await;
    let through =
        |method: Method, path: String, headers: Vec<(&'static str, String)>, body: String| {
            let addr = gw.proxy_addr;
            async move {
                let headers: Vec<(&str, &str)> =
                    headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
                send(addr, method, &path, &headers, body).await
            }
        };
    let json = |auth: &str| {
        vec![
            ("authorization", auth.to_string()),
            ("content-type", "application/json".to_string()),
        ]
    };

    // A draft carrying an ID number is saved: drafts are not public.
    let saved = through(
        Method::POST,
        "/wp-json/wp/v2/posts".into(),
        json(&wp.auth),
        notice(&format!("\n经办人身份证号：{ID}\n")),
    )
    .await;
    assert_eq!(saved.status, StatusCode::CREATED, "{:?}", saved.body);
    assert_eq!(saved.headers["x-pubgate-verdict"], "not-publish");
    let leaky = saved.json()["id"].as_u64().unwrap();

    // Every way of publishing it carries no content and is held.
    type Way = (&'static str, Method, String, Headers, String);
    let ways: Vec<Way> = vec![
        (
            "block editor",
            Method::POST,
            format!("/wp-json/wp/v2/posts/{leaky}"),
            json(&wp.auth),
            r#"{"status":"publish"}"#.into(),
        ),
        (
            "PUT",
            Method::PUT,
            format!("/wp-json/wp/v2/posts/{leaky}"),
            json(&wp.auth),
            r#"{"status":"publish"}"#.into(),
        ),
        (
            "?rest_route=",
            Method::POST,
            format!("/?rest_route=/wp/v2/posts/{leaky}"),
            json(&wp.auth),
            r#"{"status":"future","date":"2030-01-01T00:00:00"}"#.into(),
        ),
        (
            "quick edit",
            Method::POST,
            "/wp-admin/admin-ajax.php".into(),
            vec![(
                "content-type",
                "application/x-www-form-urlencoded".to_string(),
            )],
            format!("action=inline-save&post_ID={leaky}&_status=publish&post_title=x"),
        ),
        (
            "bulk edit",
            Method::GET,
            format!("/wp-admin/edit.php?post%5B%5D={leaky}&_status=publish&bulk_edit=Update"),
            vec![],
            String::new(),
        ),
        (
            "PATCH",
            Method::PATCH,
            format!("/wp-json/wp/v2/posts/{leaky}"),
            json(&wp.auth),
            r#"{"status":"publish"}"#.into(),
        ),
        (
            "X-HTTP-Method-Override",
            Method::POST,
            format!("/wp-json/wp/v2/posts/{leaky}"),
            [
                json(&wp.auth),
                vec![("x-http-method-override", "PUT".into())],
            ]
            .concat(),
            r#"{"status":"publish"}"#.into(),
        ),
        (
            "?_method=",
            Method::POST,
            format!("/wp-json/wp/v2/posts/{leaky}?_method=PATCH"),
            json(&wp.auth),
            r#"{"status":"publish"}"#.into(),
        ),
    ];
    let mut held = Vec::new();
    for (way, method, path, headers, body) in ways {
        let a = through(method, path, headers, body).await;
        assert_eq!(
            a.status,
            StatusCode::ACCEPTED,
            "{way}: {}",
            String::from_utf8_lossy(&a.body)
        );
        let text = String::from_utf8_lossy(&a.body);
        assert!(!text.contains(ID), "{way}: the answer shows the ID: {text}");
        let v = a.json();
        assert!(
            v["findings"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["rule"] == "personal.id_card"),
            "{way}: {v}"
        );
        held.push(v["id"].as_str().unwrap().to_string());
        assert_eq!(wp.status_of(leaky).await, "draft", "{way} published it");
    }

    // The write paths that carry the ID themselves are inspected and held
    // before WordPress sees them: the batch endpoint, a media caption,
    // XML-RPC posts and uploads (answered with an XML-RPC fault).
    let leak = format!("经办人身份证号：{ID}");
    let docx = base64::engine::general_purpose::STANDARD.encode(docx_with(&leak));
    let xmlrpc = vec![("content-type", "text/xml".to_string())];
    let carried: Vec<Way> = vec![
        (
            "batch",
            Method::POST,
            "/wp-json/batch/v1".into(),
            json(&wp.auth),
            serde_json::json!({"requests": [{"method": "POST", "path": "/wp/v2/posts",
                "body": {"title": "通知", "content": leak, "status": "publish"}}]})
            .to_string(),
        ),
        (
            "media caption",
            Method::POST,
            "/wp-json/wp/v2/media/1".into(),
            json(&wp.auth),
            serde_json::json!({"caption": leak}).to_string(),
        ),
        (
            "XML-RPC wp.newPost",
            Method::POST,
            "/xmlrpc.php".into(),
            xmlrpc.clone(),
            format!(
                "<?xml version=\"1.0\"?><methodCall><methodName>wp.newPost</methodName><params>\
                 <param><value><int>1</int></value></param><param><value><string>admin</string></value></param>\
                 <param><value><string>x</string></value></param><param><value><struct>\
                 <member><name>post_status</name><value><string>publish</string></value></member>\
                 <member><name>post_content</name><value><string>{leak}</string></value></member>\
                 </struct></value></param></params></methodCall>"
            ),
        ),
        (
            "XML-RPC wp.uploadFile",
            Method::POST,
            "/xmlrpc.php".into(),
            xmlrpc,
            format!(
                "<?xml version=\"1.0\"?><methodCall><methodName>wp.uploadFile</methodName><params>\
                 <param><value><int>1</int></value></param><param><value><string>admin</string></value></param>\
                 <param><value><string>x</string></value></param><param><value><struct>\
                 <member><name>name</name><value><string>通知.docx</string></value></member>\
                 <member><name>type</name><value><string>application/vnd.openxmlformats-officedocument.wordprocessingml.document</string></value></member>\
                 <member><name>bits</name><value><base64>{docx}</base64></value></member>\
                 </struct></value></param></params></methodCall>"
            ),
        ),
    ];
    for (way, method, path, headers, body) in carried {
        let a = through(method, path, headers, body).await;
        let text = String::from_utf8_lossy(&a.body).into_owned();
        assert_eq!(a.headers["x-pubgate-verdict"], "hold", "{way}: {text}");
        assert!(!text.contains(ID), "{way}: the answer shows the ID: {text}");
        assert!(text.contains("personal.id_card"), "{way}: {text}");
        if way.starts_with("XML-RPC") {
            assert_eq!(a.status, StatusCode::OK, "{way}");
            assert!(text.contains("<fault>"), "{way}: {text}");
        } else {
            assert_eq!(a.status, StatusCode::ACCEPTED, "{way}: {text}");
        }
    }
    let everything = wp
        .rest(
            Method::GET,
            "/wp-json/wp/v2/posts?status=publish,draft,future,pending,private&context=edit&per_page=100",
            "",
        )
        .await;
    let public: Vec<_> = everything
        .json()
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["status"] != "draft")
        .filter(|p| p["content"]["raw"].as_str().unwrap_or("").contains(ID))
        .cloned()
        .collect();
    assert!(public.is_empty(), "an ID went public: {public:?}");

    // Stored content that cannot be read back is not clean: held.
    let missing = through(
        Method::POST,
        "/wp-json/wp/v2/posts/999999".into(),
        json(&wp.auth),
        r#"{"status":"publish"}"#.into(),
    )
    .await;
    assert_eq!(missing.status, StatusCode::ACCEPTED);
    assert!(
        String::from_utf8_lossy(&missing.body).contains("unscannable"),
        "{}",
        String::from_utf8_lossy(&missing.body)
    );

    // A clean draft is published through the gateway at once.
    let clean = wp
        .rest(Method::POST, "/wp-json/wp/v2/posts", &notice(""))
        .await;
    let clean = clean.json()["id"].as_u64().unwrap();
    let published = through(
        Method::POST,
        format!("/wp-json/wp/v2/posts/{clean}"),
        json(&wp.auth),
        r#"{"status":"publish"}"#.into(),
    )
    .await;
    assert_eq!(
        published.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&published.body)
    );
    assert_eq!(published.headers["x-pubgate-verdict"], "pass");
    assert_eq!(wp.status_of(clean).await, "publish");

    // Approving the held block-editor publish publishes the draft, once.
    let ok = api(
        gw.admin_addr,
        Method::POST,
        &format!("/api/holds/{}/approve", held[0]),
        "admin",
        r#"{"comment":"经办人同意公开"}"#,
    )
    .await;
    assert_eq!(ok.status, StatusCode::OK, "{:?}", ok.body);
    let done = wait_status(gw.admin_addr, &held[0], "delivered").await;
    assert_eq!(done["item"]["status"], "delivered", "{done}");
    assert_eq!(wp.status_of(leaky).await, "publish");
    gw.shutdown().await;
}

/// A minimal DOCX whose one paragraph is `text`.
fn docx_with(text: &str) -> Vec<u8> {
    use std::io::Write as _;
    let document = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document \
         xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>\
         <w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>"
    );
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    for (name, bytes) in [
        (
            "[Content_Types].xml",
            b"<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>".to_vec(),
        ),
        ("word/document.xml", document.into_bytes()),
    ] {
        zip.start_file(name, opts).unwrap();
        zip.write_all(&bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// A post that went public without a request through the gateway (a
/// scheduled post, one published before pubgate was deployed) is caught
/// when a reader asks for it: page, public REST read and feed alike.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_post_published_past_the_gateway_is_withheld_from_readers() {
    let Some(wp) = WordPress::start().await else {
        return;
    };
    let dir = TempDir::new();
    let mut c = config(&format!("http://{}", wp.addr), dir.path());
    let p = profile(&wp.auth);
    (c.publish, c.inspect, c.egress) = (p.publish, p.inspect, p.egress);
    c.host = pubgate::serve::config::HostHeader::Upstream;
    c.egress_recheck_secs = 0;
    let gw = gateway(c).await;
    let published = |extra: String| {
        let body = notice(&extra).replace("\"draft\"", "\"publish\"");
        let wp = &wp;
        async move {
            let made = wp.rest(Method::POST, "/wp-json/wp/v2/posts", &body).await;
            assert_eq!(made.status, StatusCode::CREATED, "{:?}", made.body);
            made.json()["id"].as_u64().unwrap()
        }
    };
    let leaky = published(format!("\n经办人身份证号：{ID}\n")).await;
    let clean = published(String::new()).await;
    // A reader who follows WordPress's canonical redirects (`/?p=4` →
    // the permalink) on the gateway's address, as the public site's would.
    let read = |path: String| {
        let addr = gw.proxy_addr;
        async move {
            let mut path = path;
            for _ in 0..3 {
                let a = send(addr, Method::GET, &path, &[], "").await;
                let Some(to) = a
                    .headers
                    .get("location")
                    .filter(|_| a.status.is_redirection())
                else {
                    return a;
                };
                let to: http::Uri = to.to_str().unwrap().parse().unwrap();
                path = to.path_and_query().unwrap().to_string();
            }
            panic!("redirect loop at {path}");
        }
    };

    for path in [
        format!("/?p={leaky}"),
        format!("/?rest_route=/wp/v2/posts/{leaky}"),
        format!("/wp-json/wp/v2/posts/{leaky}"),
        "/?feed=rss2".to_string(),
    ] {
        let a = read(path.clone()).await;
        assert_eq!(
            a.status,
            StatusCode::UNAVAILABLE_FOR_LEGAL_REASONS,
            "{path}"
        );
        assert!(!String::from_utf8_lossy(&a.body).contains(ID), "{path}");
    }
    let a = read(format!("/?p={clean}")).await;
    assert_eq!(a.status, StatusCode::OK);
    assert!(String::from_utf8_lossy(&a.body).contains("公开招标公告"));
    // The editor's own screens are not public: not withheld.
    let admin = read("/wp-admin/".to_string()).await;
    assert_ne!(admin.status, StatusCode::UNAVAILABLE_FOR_LEGAL_REASONS);

    // The reviewer sees the page in the takedown queue and releases it.
    let list = api(
        gw.admin_addr,
        Method::GET,
        "/api/takedown?status=candidate",
        "admin",
        "",
    )
    .await;
    let items = list.json()["items"].as_array().cloned().unwrap();
    let page = items
        .iter()
        .find(|i| {
            i["doc_key"]
                .as_str()
                .is_some_and(|k| !k.contains("feed") && !k.contains("rest_route"))
        })
        .unwrap_or_else(|| panic!("{items:?}"));
    assert_eq!(page["source"], "egress:wp-public");
    let id = page["id"].as_str().unwrap();
    let fine = api(
        gw.admin_addr,
        Method::POST,
        &format!("/api/takedown/{id}/decide"),
        "admin",
        r#"{"decision":"fine","comment":"经办人同意公开"}"#,
    )
    .await;
    assert!(fine.status.is_success(), "{:?}", fine.body);
    let a = read(format!("/?p={leaky}")).await;
    assert_eq!(a.status, StatusCode::OK);
    // The feed and the REST answer are other content, judged on their own.
    let feed = read("/?feed=rss2".to_string()).await;
    assert_eq!(feed.status, StatusCode::UNAVAILABLE_FOR_LEGAL_REASONS);
    gw.shutdown().await;
}
