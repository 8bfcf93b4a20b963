//! The review web UI: session cookie and CSRF rules over plain HTTP, and
//! the whole reviewer loop in headless Chromium through chromedriver
//! (Debian packages `chromium` and `chromium-driver`; `.ci/run` installs
//! them and sets `PUBGATE_REQUIRE_BROWSER=1`, so CI cannot skip it).

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use ::http::{Method, StatusCode};

use crate::util::TempDir;
use crate::util::http::{
    Upstream, config, gateway, item, login, publish, send, ui_get, wait_status,
};

const ID: &str = "370102198001011237";

/// The CSRF token of a signed-in page's forms.
fn csrf_in(html: &str) -> String {
    html.split("name=\"csrf\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string()
}

fn held_notice() -> String {
    format!(
        "{}\n经办人身份证号：{ID}\n",
        std::fs::read_to_string("tests/corpus/05-tender-liaoning-clean.txt").unwrap()
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_are_strict_cookies_and_forms_need_the_csrf_token() {
    let up = Upstream::start().await;
    let dir = TempDir::new();
    let gw = gateway(config(&up.url(), dir.path())).await;
    let a = publish(&gw, &[], held_notice()).await;
    let id = a.json()["id"].as_str().unwrap().to_string();

    let page = send(gw.admin_addr, Method::GET, "/ui", &[], "").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(page.headers["location"], "/ui/login");
    let bad = send(
        gw.admin_addr,
        Method::POST,
        "/ui/login",
        &[("content-type", "application/x-www-form-urlencoded")],
        "name=alice&token=wrong",
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNAUTHORIZED);

    let (cookie, set) = login(gw.admin_addr, "alice").await;
    for attr in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(set.contains(attr), "{set}");
    }
    assert!(
        !set.contains("Secure"),
        "Secure is only set when configured (TLS in front)"
    );
    let item = ui_get(gw.admin_addr, &format!("/ui/holds/{id}"), &cookie).await;
    assert_eq!(item.status, StatusCode::OK);
    let html = String::from_utf8(item.body.to_vec()).unwrap();
    assert!(html.contains("<mark id=\"f0\""), "finding not highlighted");
    let csrf = csrf_in(&html);

    let form = |csrf: &str| format!("csrf={csrf}&comment=ok");
    let ct = ("content-type", "application/x-www-form-urlencoded");
    let no_token = send(
        gw.admin_addr,
        Method::POST,
        &format!("/ui/holds/{id}/approve"),
        &[ct, ("cookie", &cookie)],
        form(""),
    )
    .await;
    assert_eq!(no_token.status, StatusCode::FORBIDDEN);
    let (other_cookie, _) = login(gw.admin_addr, "admin").await;
    let other = send(
        gw.admin_addr,
        Method::POST,
        &format!("/ui/holds/{id}/approve"),
        &[ct, ("cookie", &other_cookie)],
        form(&csrf),
    )
    .await;
    assert_eq!(
        other.status,
        StatusCode::FORBIDDEN,
        "another session's CSRF token was accepted"
    );
    let foreign = send(
        gw.admin_addr,
        Method::POST,
        &format!("/ui/holds/{id}/approve"),
        &[ct, ("cookie", &cookie), ("origin", "http://evil.example")],
        form(&csrf),
    )
    .await;
    assert_eq!(foreign.status, StatusCode::FORBIDDEN);
    assert!(up.seen().is_empty());
    // 按原文发布 of an item with a value to mask asks first, listing what
    // would go out unmasked (shown masked); only the confirmed form approves.
    let ask = send(
        gw.admin_addr,
        Method::POST,
        &format!("/ui/holds/{id}/approve"),
        &[ct, ("cookie", &cookie)],
        form(&csrf),
    )
    .await;
    assert_eq!(ask.status, StatusCode::OK);
    let html = String::from_utf8(ask.body.to_vec()).unwrap();
    assert!(
        html.contains("确认按原文发布") && html.contains("370102********1237"),
        "{html}"
    );
    assert!(!html.contains(ID));
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(up.seen().is_empty(), "approved before the confirmation");
    let ok = send(
        gw.admin_addr,
        Method::POST,
        &format!("/ui/holds/{id}/approve"),
        &[ct, ("cookie", &cookie)],
        format!("{}&confirmed=true", form(&csrf)),
    )
    .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    wait_status(gw.admin_addr, &id, "delivered").await;
    assert_eq!(up.seen().len(), 1);

    // Logging out ends the session.
    let out = send(
        gw.admin_addr,
        Method::POST,
        "/ui/logout",
        &[ct, ("cookie", &cookie)],
        format!("csrf={csrf}"),
    )
    .await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    let after = ui_get(gw.admin_addr, "/ui", &cookie).await;
    assert_eq!(after.status, StatusCode::SEE_OTHER);
    gw.shutdown().await;
}

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn find_program(name: &str) -> Option<std::path::PathBuf> {
    std::env::var_os("PATH")?
        .to_str()?
        .split(':')
        .map(|d| std::path::Path::new(d).join(name))
        .find(|p| p.is_file())
}

/// Saves a screenshot of the browser's page as `NAME.png` under
/// `target/screenshots/`, and also under `$PUBGATE_SCREENSHOTS` when set
/// (the reviewer guide's pictures: `PUBGATE_SCREENSHOTS=docs/images`).
async fn screenshot(client: &fantoccini::Client, name: &str) {
    let png = client.screenshot().await.expect("screenshot");
    assert!(png.starts_with(b"\x89PNG"), "not a PNG");
    let mut dirs = vec![std::path::PathBuf::from("target/screenshots")];
    if let Some(extra) = std::env::var_os("PUBGATE_SCREENSHOTS") {
        dirs.push(extra.into());
    }
    for dir in dirs {
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(format!("{name}.png")), &png).unwrap();
    }
}

/// Reads `#status` until it says `want`, reloading the page (a click
/// starts a navigation, so an element can go stale under us).
async fn wait_for_status(
    client: &fantoccini::Client,
    want: &str,
) -> Result<(), fantoccini::error::CmdError> {
    use fantoccini::Locator;
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let status = match client.find(Locator::Id("status")).await {
            Ok(element) => element.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        };
        if status == want {
            return Ok(());
        }
        assert!(
            Instant::now() < deadline,
            "status stayed {status:?}, wanted {want:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
        let _ = client.refresh().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reviewer_works_the_queue_in_a_real_browser() {
    let required = std::env::var_os("PUBGATE_REQUIRE_BROWSER").is_some();
    let (Some(driver_bin), Some(chromium)) =
        (find_program("chromedriver"), find_program("chromium"))
    else {
        assert!(
            !required,
            "PUBGATE_REQUIRE_BROWSER is set but chromium/chromedriver are not installed"
        );
        eprintln!(
            "SKIP a_reviewer_works_the_queue_in_a_real_browser: chromium and chromedriver not installed (apt install chromium chromium-driver)"
        );
        return;
    };
    let up = Upstream::start().await;
    let dir = TempDir::new();
    let gw = gateway(config(&up.url(), dir.path())).await;
    let mut ids = Vec::new();
    for _ in 0..2 {
        let a = publish(&gw, &[("x-submitter", "bob")], held_notice()).await;
        assert_eq!(a.status, StatusCode::ACCEPTED);
        ids.push(a.json()["id"].as_str().unwrap().to_string());
    }
    let (masked_id, original_id) = (ids[0].clone(), ids[1].clone());

    let port = crate::util::http::free_addr().port();
    let _driver = Driver(
        Command::new(driver_bin)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    while tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .is_err()
    {
        assert!(Instant::now() < deadline, "chromedriver did not start");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": chromium,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1280,1000", "--lang=zh-CN",
                     "--user-data-dir=".to_string() + &dir.path().join("chrome").display().to_string()]
        }),
    );
    let client =
        fantoccini::ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .expect("chromedriver session");
    let result = async {
        use fantoccini::Locator;
        let base = format!("http://{}", gw.admin_addr);
        client.goto(&format!("{base}/ui")).await?;
        assert!(client.current_url().await?.path().ends_with("/ui/login"));
        client
            .find(Locator::Css("input[name=name]"))
            .await?
            .send_keys("alice")
            .await?;
        client
            .find(Locator::Css("input[name=token]"))
            .await?
            .send_keys("alice-token")
            .await?;
        client
            .find(Locator::Css("button[type=submit]"))
            .await?
            .click()
            .await?;
        // The queue: what each notice is, how much was found, how long it
        // has waited, and the count per queue.
        client
            .wait()
            .for_element(Locator::Css(&format!("a[href='/ui/holds/{masked_id}']")))
            .await?;
        let counts = client.find(Locator::Id("counts")).await?.text().await?;
        assert!(counts.contains("个人信息 · 待复核：2"), "{counts}");
        let row = client.find(Locator::Css("tr.item")).await?.text().await?;
        assert!(
            row.contains("医疗设备采购项目招标公告") && row.contains("JH24-210100-00123"),
            "{row}"
        );
        assert!(
            row.contains("1 处：个人信息") && row.contains("分钟"),
            "{row}"
        );
        screenshot(&client, "queue").await;

        // 打码后发布, the first choice for a privacy hold.
        client
            .find(Locator::Css(&format!("a[href='/ui/holds/{masked_id}']")))
            .await?
            .click()
            .await?;
        let mark = client.wait().for_element(Locator::Css("mark#f0")).await?;
        assert_eq!(
            mark.text().await?,
            ID,
            "the reviewer sees the flagged value highlighted"
        );
        let title = mark.attr("title").await?.unwrap_or_default();
        assert!(
            title.contains("personal.id_card") && title.contains("个人信息保护法"),
            "{title}"
        );
        let status = client.find(Locator::Id("status")).await?.text().await?;
        assert_eq!(status, "待复核");
        let part = client.find(Locator::Css("div.part")).await?.text().await?;
        assert!(part.starts_with("正文"), "{part}");
        let to_mask = client.find(Locator::Id("to_mask")).await?.text().await?;
        assert!(to_mask.contains("370102********1237"), "{to_mask}");
        screenshot(&client, "item").await;
        client
            .execute(
                "document.getElementById('to_mask').scrollIntoView()",
                Vec::new(),
            )
            .await?;
        screenshot(&client, "item-decision").await;
        client
            .find(Locator::Css("form[action$='/approve_masked'] textarea"))
            .await?
            .send_keys("已核实，打码后公开")
            .await?;
        client
            .find(Locator::Id("approve_masked"))
            .await?
            .click()
            .await?;
        wait_for_status(&client, "已发布").await?;
        let page = client.source().await?;
        assert!(
            page.contains("批准打码后发布"),
            "the audit trail reads in Chinese"
        );
        assert!(
            page.contains("打码 1 处：370102********1237"),
            "and says what was masked"
        );
        client
            .execute(
                "document.getElementById('audit').scrollIntoView()",
                Vec::new(),
            )
            .await?;
        screenshot(&client, "masked-published").await;
        assert!(
            page.contains("已核实，打码后公开"),
            "the comment is in the trail"
        );

        // 按原文发布 asks first, showing what goes out unmasked.
        client
            .goto(&format!("{base}/ui/holds/{original_id}"))
            .await?;
        client
            .wait()
            .for_element(Locator::Id("approve"))
            .await?
            .click()
            .await?;
        let unmasked = client
            .wait()
            .for_element(Locator::Id("unmasked"))
            .await?
            .text()
            .await?;
        assert!(unmasked.contains("370102********1237"), "{unmasked}");
        screenshot(&client, "confirm-original").await;
        client
            .find(Locator::Id("approve_confirm"))
            .await?
            .click()
            .await?;
        wait_for_status(&client, "已发布").await?;
        Ok::<_, fantoccini::error::CmdError>(())
    }
    .await;
    let _ = client.close().await;
    result.unwrap();
    let seen = up.seen();
    assert_eq!(seen.len(), 2);
    let body = |id: &str| {
        let s = seen
            .iter()
            .find(|s| s.headers["idempotency-key"] == id)
            .unwrap();
        String::from_utf8(s.body.to_vec()).unwrap()
    };
    assert!(!body(&masked_id).contains(ID) && body(&masked_id).contains("370102********1237"));
    assert!(
        body(&original_id).contains(ID),
        "the confirmed original went out as is"
    );
    gw.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_resolves_an_interrupted_delivery_in_the_ui() {
    let up = Upstream::start().await;
    let dir = TempDir::new();
    let gw = gateway(config(&up.url(), dir.path())).await;
    let a = publish(&gw, &[], held_notice()).await;
    let id = a.json()["id"].as_str().unwrap().to_string();
    gw.shutdown().await;
    crate::util::http::interrupt_delivery(dir.path(), &id).await;
    let gw = gateway(config(&up.url(), dir.path())).await;

    let (alice, _) = login(gw.admin_addr, "alice").await;
    let page = ui_get(gw.admin_addr, &format!("/ui/holds/{id}"), &alice).await;
    let html = String::from_utf8(page.body.to_vec()).unwrap();
    assert!(html.contains("需人工核对"));
    assert!(
        !html.contains("/reconcile"),
        "a reviewer was offered the admin's reconcile form"
    );

    let (admin, _) = login(gw.admin_addr, "admin").await;
    let page = ui_get(gw.admin_addr, &format!("/ui/holds/{id}"), &admin).await;
    let html = String::from_utf8(page.body.to_vec()).unwrap();
    let csrf = csrf_in(&html);
    let ct = ("content-type", "application/x-www-form-urlencoded");
    let r = send(
        gw.admin_addr,
        Method::POST,
        &format!("/ui/holds/{id}/reconcile"),
        &[ct, ("cookie", &admin)],
        format!("csrf={csrf}&outcome=delivered&comment=%E5%B7%B2%E6%A0%B8%E5%AF%B9"),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let d = item(&gw, "admin", &id).await.json();
    assert_eq!(d["item"]["status"], "delivered");
    let last = d["audit"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["action"], "reconciled");
    assert_eq!(last["actor"], "admin");
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(up.seen().is_empty(), "marked delivered, so nothing is sent");
    gw.shutdown().await;
}

/// Takedown candidates from an archive rescan (`pubgate scan --store` on
/// the gateway's own store): listed masked in the API, whole on the
/// signed-in page, judged in the UI (CSRF, a reason for "fine") and the
/// API, audited, counted in /metrics; a reviewer not granted the
/// `takedown` queue sees none of it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn takedown_candidates_are_judged_in_the_ui_and_the_api() {
    use crate::util::http::api;
    let up = Upstream::start().await;
    let dir = TempDir::new();
    let gw = gateway(config(&up.url(), dir.path())).await;
    let archive = dir.path().join("published");
    std::fs::create_dir_all(&archive).unwrap();
    // A file named after the person: the key itself carries the number.
    std::fs::write(archive.join(format!("张三{ID}.txt")), held_notice()).unwrap();
    std::fs::write(
        archive.join("clean.txt"),
        std::fs::read_to_string("tests/corpus/05-tender-liaoning-clean.txt").unwrap(),
    )
    .unwrap();
    let store = format!("sqlite://{}", dir.path().join("pubgate.db").display());
    let out = crate::util::run(
        &[
            "scan",
            archive.to_str().unwrap(),
            "--store",
            &store,
            "--exit-zero",
            "--format",
            "jsonl",
        ],
        None,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let list = api(gw.admin_addr, Method::GET, "/api/takedown", "admin", "").await;
    assert_eq!(list.status, StatusCode::OK);
    let items = list.json()["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 1, "only the document with findings: {items:?}");
    let id = items[0]["id"].as_str().unwrap().to_string();
    assert_eq!(items[0]["status"], "candidate");
    assert!(
        !list.body.windows(ID.len()).any(|w| w == ID.as_bytes()),
        "API shows the key masked"
    );

    // alice is granted privacy and procurement only.
    let hidden = api(gw.admin_addr, Method::GET, "/api/takedown", "alice", "").await;
    assert_eq!(hidden.json()["items"].as_array().unwrap().len(), 0);
    let denied = api(
        gw.admin_addr,
        Method::POST,
        &format!("/api/takedown/{id}/decide"),
        "alice",
        r#"{"decision":"take_down"}"#,
    )
    .await;
    assert_eq!(denied.status, StatusCode::NOT_FOUND);

    let (cookie, _) = login(gw.admin_addr, "admin").await;
    let listing = ui_get(gw.admin_addr, "/ui/takedown", &cookie).await;
    let html = String::from_utf8(listing.body.to_vec()).unwrap();
    assert!(html.contains(&format!("/ui/takedown/{id}")), "{html}");
    let page = ui_get(gw.admin_addr, &format!("/ui/takedown/{id}"), &cookie).await;
    let html = String::from_utf8(page.body.to_vec()).unwrap();
    assert!(
        html.contains(ID),
        "the signed-in page shows the document's key whole"
    );
    assert!(
        html.contains("personal"),
        "the findings table names the rule"
    );
    assert!(html.contains("待判定是否撤下"));
    assert!(
        html.contains("只记录决定") && html.contains("请在发布平台上撤下该页面"),
        "应撤下 says what it does and does not do"
    );
    assert!(html.contains("暂无记录"), "an empty trail says so");
    let csrf = csrf_in(&html);
    let ct = ("content-type", "application/x-www-form-urlencoded");
    let path = format!("/ui/takedown/{id}/decide");
    let forged = send(
        gw.admin_addr,
        Method::POST,
        &path,
        &[ct, ("cookie", &cookie)],
        "csrf=x&decision=fine&comment=ok",
    )
    .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let no_reason = send(
        gw.admin_addr,
        Method::POST,
        &path,
        &[ct, ("cookie", &cookie)],
        format!("csrf={csrf}&decision=fine&comment="),
    )
    .await;
    assert_eq!(no_reason.status, StatusCode::BAD_REQUEST);
    let fine = send(
        gw.admin_addr,
        Method::POST,
        &path,
        &[ct, ("cookie", &cookie)],
        format!("csrf={csrf}&decision=fine&comment=%E5%B7%B2%E8%84%B1%E6%95%8F"),
    )
    .await;
    assert_eq!(fine.status, StatusCode::SEE_OTHER);
    let page = ui_get(gw.admin_addr, &format!("/ui/takedown/{id}"), &cookie).await;
    assert!(
        String::from_utf8(page.body.to_vec())
            .unwrap()
            .contains("无需处理")
    );

    // Changed their mind: take it down, through the API.
    let down = api(
        gw.admin_addr,
        Method::POST,
        &format!("/api/takedown/{id}/decide"),
        "admin",
        r#"{"decision":"take_down","comment":"contains an ID"}"#,
    )
    .await;
    assert_eq!(
        down.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&down.body)
    );
    let detail = api(
        gw.admin_addr,
        Method::GET,
        &format!("/api/takedown/{id}"),
        "admin",
        "",
    )
    .await;
    let v = detail.json();
    assert_eq!(v["item"]["status"], "take_down");
    let actions: Vec<&str> = v["audit"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, vec!["fine", "take_down"]);
    let metrics = send(gw.admin_addr, Method::GET, "/metrics", &[], "").await;
    let text = String::from_utf8(metrics.body.to_vec()).unwrap();
    assert!(
        text.contains("pubgate_published_documents{status=\"take_down\"} 1"),
        "{text}"
    );
    gw.shutdown().await;
}

/// The item page reads the held request through the same intake door as
/// the gateway, so a value found in the query string is highlighted there
/// too (it used to be listed but not marked).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_value_in_the_query_string_is_highlighted_on_the_item_page() {
    let up = Upstream::start().await;
    let dir = TempDir::new();
    let gw = gateway(config(&up.url(), dir.path())).await;
    let clean = std::fs::read_to_string("tests/corpus/05-tender-liaoning-clean.txt").unwrap();
    let a = send(
        gw.proxy_addr,
        Method::POST,
        &format!("/api/notices?idno={ID}"),
        &[],
        clean,
    )
    .await;
    assert_eq!(a.status, StatusCode::ACCEPTED);
    let id = a.json()["id"].as_str().unwrap().to_string();
    let (cookie, _) = login(gw.admin_addr, "alice").await;
    let page = ui_get(gw.admin_addr, &format!("/ui/holds/{id}"), &cookie).await;
    let html = String::from_utf8(page.body.to_vec()).unwrap();
    assert!(
        html.contains(&format!("{ID}</mark>")),
        "the query's ID is not marked"
    );
    gw.shutdown().await;
}

/// A decision the workflow refuses comes back as a page in the reviewer's
/// words, with the status the API would give.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_decision_is_explained_in_chinese() {
    let up = Upstream::start().await;
    let dir = TempDir::new();
    let gw = gateway(config(&up.url(), dir.path())).await;
    let a = publish(&gw, &[("x-submitter", "alice")], held_notice()).await;
    let id = a.json()["id"].as_str().unwrap().to_string();
    let (cookie, _) = login(gw.admin_addr, "alice").await;
    let page = ui_get(gw.admin_addr, &format!("/ui/holds/{id}"), &cookie).await;
    let html = String::from_utf8(page.body.to_vec()).unwrap();
    let csrf = csrf_in(&html);
    let post = |action: &'static str, form: String| {
        let cookie = cookie.clone();
        let path = format!("/ui/holds/{id}/{action}");
        async move {
            send(
                gw.admin_addr,
                Method::POST,
                &path,
                &[
                    ("cookie", cookie.as_str()),
                    ("content-type", "application/x-www-form-urlencoded"),
                ],
                form,
            )
            .await
        }
    };
    let own = post("approve", format!("csrf={csrf}&comment=ok")).await;
    assert_eq!(own.status, StatusCode::FORBIDDEN);
    let text = String::from_utf8_lossy(&own.body);
    assert!(text.contains("提交人不能批准"), "{text}");
    let own = post("approve_masked", format!("csrf={csrf}&comment=ok")).await;
    assert_eq!(own.status, StatusCode::FORBIDDEN);
    let no_reason = post("reject", format!("csrf={csrf}&comment=")).await;
    assert_eq!(no_reason.status, StatusCode::BAD_REQUEST);
    let text = String::from_utf8_lossy(&no_reason.body);
    assert!(text.contains("请填写理由"), "{text}");
    assert_eq!(
        item(&gw, "admin", &id).await.json()["item"]["status"],
        "held"
    );
    gw.shutdown().await;
}
