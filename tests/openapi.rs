//! `docs/openapi.json` against the routes the binary serves: every route
//! the source declares is documented, every documented operation exists
//! (answered by its handler, not the router's 404 or 405), and the list
//! answer has the documented fields.

use std::collections::BTreeSet;

use ::http::{Method, StatusCode};

use crate::util::TempDir;
use crate::util::http::{Upstream, api, config, gateway, send};

fn documented() -> (serde_json::Value, BTreeSet<(String, String)>) {
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string("docs/openapi.json").unwrap()).unwrap();
    let mut ops = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in ["get", "post", "put", "patch", "delete"] {
            if item.get(method).is_some() {
                ops.insert((method.to_uppercase(), path.clone()));
            }
        }
    }
    (doc, ops)
}

/// `.route("PATH", get(a).post(b))` in the admin listener's modules.
fn declared() -> BTreeSet<(String, String)> {
    let route = regex::Regex::new(r#"\.route\(\s*"([^"]+)",\s*([^\n]+)"#).unwrap();
    let method = regex::Regex::new(r"\b(get|post|put|patch|delete)\(").unwrap();
    let mut out = BTreeSet::new();
    for dir in ["src/review", "src/cluster"] {
        for file in std::fs::read_dir(dir).unwrap() {
            let text = std::fs::read_to_string(file.unwrap().path()).unwrap();
            for r in route.captures_iter(&text) {
                let path = &r[1];
                if path == "/" || path.starts_with("/ui") {
                    continue; // the web UI: pages, not the API
                }
                for m in method.captures_iter(&r[2]) {
                    out.insert((m[1].to_uppercase(), path.to_string()));
                }
            }
        }
    }
    out
}

#[test]
fn every_declared_route_is_documented_and_nothing_else() {
    let (_, documented) = documented();
    let admin: BTreeSet<_> = documented
        .iter()
        .filter(|(_, p)| !p.starts_with("/.pubgate/"))
        .cloned()
        .collect();
    let declared = declared();
    assert!(
        declared.len() >= 12,
        "routes not found in the source: {declared:?}"
    );
    let undocumented: Vec<_> = declared.difference(&admin).collect();
    let unserved: Vec<_> = admin.difference(&declared).collect();
    assert!(
        undocumented.is_empty(),
        "not in docs/openapi.json: {undocumented:?}"
    );
    assert!(
        unserved.is_empty(),
        "documented but not declared: {unserved:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_documented_operation_is_answered_by_its_handler() {
    let up = Upstream::start().await;
    let dir = TempDir::new();
    let gw = gateway(config(&up.url(), dir.path())).await;
    let (doc, ops) = documented();
    let unknown = "0".repeat(32);
    for (method, path) in &ops {
        let concrete = path
            .replace("{id}", &unknown)
            .replace("{token}", &"0".repeat(64));
        let m = Method::from_bytes(method.as_bytes()).unwrap();
        let a = if path.starts_with("/.pubgate/") {
            send(gw.proxy_addr, m, &concrete, &[], "").await
        } else {
            // A body the handler accepts, so that what is tested is the route.
            let body = match path.as_str() {
                "/api/holds/{id}/reconcile" => r#"{"outcome":"failed"}"#,
                "/api/takedown/{id}/decide" => r#"{"decision":"take_down"}"#,
                _ => "{}",
            };
            api(gw.admin_addr, m, &concrete, "admin", body).await
        };
        assert_ne!(a.status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
        assert!(
            a.status != StatusCode::NOT_FOUND || !a.body.is_empty(),
            "{method} {path}: the router has no such route"
        );
        let documented = doc["paths"][path][method.to_lowercase()]["responses"]
            .as_object()
            .unwrap();
        assert!(
            documented.contains_key(a.status.as_str()),
            "{method} {path} answered {}, not a documented status",
            a.status
        );
    }
    // The list answer carries the documented required fields.
    let list = api(gw.admin_addr, Method::GET, "/api/holds", "admin", "")
        .await
        .json();
    let required = &doc["paths"]["/api/holds"]["get"]["responses"]["200"]["content"]["application/json"]
        ["schema"]["required"];
    for field in required.as_array().unwrap() {
        assert!(
            list.get(field.as_str().unwrap()).is_some(),
            "{field} missing"
        );
    }
    gw.shutdown().await;
}
