//! Publish transitions: requests that make stored content public without
//! carrying it.
//!
//! A CMS publishes a saved draft with a request that holds no text at all —
//! WordPress's block editor sends `{"status":"publish"}`, Quick Edit a form
//! with `_status=publish`, Bulk Edit a GET on `edit.php?…&post[]=12`. A
//! gate that scans only what a request carries would wave these through
//! and the draft's text would go public unread. A rule here recognises such
//! a request (its route and a condition on a body field, form field or
//! query parameter), names where the platform keeps the content (request
//! templates filled from the request: `GET
//! /wp-json/wp/v2/posts/{path:5}?context=edit`), and the gateway reads that
//! content from the upstream and scans it before the transition is
//! forwarded. Content that cannot be fetched is unread, and unread is never
//! clean: the request is held.

use std::collections::BTreeMap;

use http::Method;
use serde::Deserialize;

use crate::gateway::routes::InspectRoute;
use crate::gateway::routes::{Matched, Routes, normalize_path};

/// One configured publish transition (`[[publish]]`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublishRule {
    /// A name for metrics and the queue (default: `publish METHOD path`).
    #[serde(default)]
    pub name: Option<String>,
    /// HTTP method, or `*` for any (the claimed method: overrides count).
    #[serde(default = "any_method")]
    pub method: String,
    /// Path pattern, as for `[[inspect]]` routes.
    pub path: String,
    /// Query parameters the request must carry, as for `[[inspect]]`.
    #[serde(default)]
    pub query: BTreeMap<String, String>,
    /// What makes the request a publish: any one of these holds. Keys are
    /// `json:FIELD` (a top-level or dotted field of a JSON body; a number
    /// is an array index, `status.0.value`),
    /// `form:FIELD` (a urlencoded body field) or `query:PARAM`; values are
    /// alternatives separated by `|`, compared without case
    /// (`"json:status" = "publish|future|private"`), `*` for any value.
    /// Empty: every request on the route publishes.
    #[serde(default)]
    pub when: BTreeMap<String, String>,
    /// Where the stored content is read: request templates (`GET
    /// /path?x={form:post_ID}`) with placeholders `{path:N}` (the Nth path
    /// segment, from 1), `{query:P}`, `{form:F}` and `{json:F}`. A
    /// placeholder with several values (`post[]=1&post[]=2`) gives one
    /// fetch per value; a template whose placeholder has no value gives
    /// none. No fetch at all → the request is held. An empty list: the
    /// request carries what it publishes (a post created as published),
    /// and it is inspected only when the condition holds.
    #[serde(default)]
    pub fetch: Vec<String>,
    /// Headers sent with the fetches besides the request's own
    /// credentials (`Authorization`, `Cookie`, `X-WP-Nonce`): a value
    /// `env:NAME` is read from the environment (a service account's
    /// application password, kept out of the file).
    #[serde(default)]
    pub fetch_headers: BTreeMap<String, String>,
    /// What is published is announcements (as for `[[inspect]]`).
    #[serde(default = "yes")]
    pub announcement: bool,
}

fn any_method() -> String {
    "*".into()
}

fn yes() -> bool {
    true
}

/// The compiled rules.
#[derive(Debug, Clone)]
pub struct PublishRules {
    /// One route per rule, in the rules' order: a request's path is
    /// normalized and matched once, not once per rule.
    routes: Routes,
    rules: Vec<PublishRule>,
}

/// The most fetches one request may cause (a bulk edit of many posts).
pub const MAX_FETCHES: usize = 50;

impl PublishRules {
    /// Compiles the configured rules.
    pub fn new(rules: &[PublishRule]) -> PublishRules {
        let routes: Vec<InspectRoute> = rules
            .iter()
            .map(|r| InspectRoute {
                name: Some(
                    r.name
                        .clone()
                        .unwrap_or_else(|| format!("publish {} {}", r.method, r.path)),
                ),
                method: r.method.clone(),
                path: r.path.clone(),
                query: r.query.clone(),
                monitor: false,
                announcement: r.announcement,
            })
            .collect();
        PublishRules {
            routes: Routes::new(&routes),
            rules: rules.to_vec(),
        }
    }

    /// The rule whose route this request is on, if any.
    pub fn route(
        &self,
        method: &Method,
        path: &str,
        query: Option<&str>,
        has_body: bool,
    ) -> Option<(Matched, &PublishRule)> {
        let index = self.routes.position(method, path, query, has_body)?;
        Some((self.routes.matched(index), &self.rules[index]))
    }
}

/// What a rule reads of a request: its path, query and (decoded) body.
pub struct RequestView<'a> {
    /// The path as sent.
    pub path: &'a str,
    /// The raw query string.
    pub query: Option<&'a str>,
    /// The body's content type.
    pub content_type: Option<&'a str>,
    /// The body as sent, or `None` when it is content-encoded (the
    /// conditions cannot be read, so the request counts as a publish).
    pub body: Option<&'a [u8]>,
}

impl RequestView<'_> {
    /// Every value of `source:name` in the request.
    fn values(&self, key: &str) -> Vec<String> {
        let Some((source, name)) = key.split_once(':') else {
            return Vec::new();
        };
        match source {
            "query" => pairs(self.query.unwrap_or("")).get_all(name),
            "form" if self.is_form() => {
                pairs(&String::from_utf8_lossy(self.body.unwrap_or_default())).get_all(name)
            }
            "json" => self.json_values(name),
            "path" => name
                .parse::<usize>()
                .ok()
                .and_then(|n| {
                    normalize_path(self.path)?
                        .split('/')
                        .filter(|s| !s.is_empty())
                        .nth(n.checked_sub(1)?)
                        .map(str::to_string)
                })
                .into_iter()
                .collect(),
            _ => Vec::new(),
        }
    }

    fn is_form(&self) -> bool {
        self.content_type
            .is_some_and(|ct| ct.to_ascii_lowercase().contains("x-www-form-urlencoded"))
    }

    fn json_values(&self, dotted: &str) -> Vec<String> {
        let Some(body) = self.body else {
            return Vec::new();
        };
        let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) else {
            return Vec::new();
        };
        let mut at = &value;
        for step in dotted.split('.') {
            // A number steps into an array (`status.0.value`: Drupal's
            // `{"status":[{"value":true}]}`).
            let next = match (at, step.parse::<usize>()) {
                (serde_json::Value::Array(items), Ok(i)) => items.get(i),
                _ => at.get(step),
            };
            match next {
                Some(next) => at = next,
                None => return Vec::new(),
            }
        }
        match at {
            serde_json::Value::String(s) => vec![s.clone()],
            serde_json::Value::Number(n) => vec![n.to_string()],
            serde_json::Value::Bool(b) => vec![b.to_string()],
            serde_json::Value::Array(items) => items
                .iter()
                .filter_map(|v| match v {
                    serde_json::Value::String(s) => Some(s.clone()),
                    serde_json::Value::Number(n) => Some(n.to_string()),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        }
    }
}

struct Pairs(Vec<(String, String)>);

fn pairs(s: &str) -> Pairs {
    Pairs(form_urlencoded::parse(s.as_bytes()).into_owned().collect())
}

impl Pairs {
    fn get_all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }
}

impl PublishRule {
    /// Whether this request publishes. A body whose conditions cannot be
    /// read (content-encoded) counts as publishing: when in doubt, fetch
    /// and scan.
    pub fn publishes(&self, request: &RequestView<'_>) -> bool {
        if self.when.is_empty() {
            return true;
        }
        let body_unread = request.body.is_none();
        self.when.iter().any(|(key, wanted)| {
            if body_unread && (key.starts_with("json:") || key.starts_with("form:")) {
                return true;
            }
            let alternatives: Vec<String> =
                wanted.split('|').map(|w| w.trim().to_lowercase()).collect();
            // `*`: present with any value (a form's `publish` button).
            request.values(key).iter().any(|v| {
                alternatives.iter().any(|a| a == "*")
                    || alternatives.contains(&v.trim().to_lowercase())
            })
        })
    }

    /// The fetches for this request: `(method, path and query)` pairs, at
    /// most [`MAX_FETCHES`]. Empty when no template can be filled.
    pub fn fetches(&self, request: &RequestView<'_>) -> Vec<(Method, String)> {
        let mut out = Vec::new();
        for template in &self.fetch {
            let (method, target) = match template.trim().split_once(' ') {
                Some((m, t)) => (m.trim(), t.trim()),
                None => ("GET", template.trim()),
            };
            let Ok(method) = Method::from_bytes(method.to_ascii_uppercase().as_bytes()) else {
                continue;
            };
            for filled in fill(target, request) {
                if out.len() >= MAX_FETCHES {
                    return out;
                }
                if !out.iter().any(|(m, t)| m == method && *t == filled) {
                    out.push((method.clone(), filled));
                }
            }
        }
        out
    }
}

/// Every filling of a template's placeholders; none when one has no
/// value. Values are percent-encoded: a value cannot add a path segment or
/// a query parameter of its own.
fn fill(template: &str, request: &RequestView<'_>) -> Vec<String> {
    let mut results = vec![String::new()];
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else {
            break;
        };
        let literal = &rest[..open];
        let values = request.values(&rest[open + 1..close]);
        if values.is_empty() {
            return Vec::new();
        }
        let mut next = Vec::new();
        for prefix in &results {
            for v in &values {
                let encoded: String =
                    form_urlencoded::byte_serialize(v.as_bytes()).collect::<String>();
                next.push(format!("{prefix}{literal}{}", encoded.replace('+', "%20")));
                if next.len() >= MAX_FETCHES {
                    break;
                }
            }
        }
        results = next;
        rest = &rest[close + 1..];
    }
    results.into_iter().map(|r| format!("{r}{rest}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(when: &[(&str, &str)], fetch: &[&str]) -> PublishRule {
        PublishRule {
            name: None,
            method: "*".into(),
            path: "/wp-json/wp/v2/posts/*".into(),
            query: BTreeMap::new(),
            when: when
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            fetch: fetch.iter().map(|f| f.to_string()).collect(),
            fetch_headers: BTreeMap::new(),
            announcement: true,
        }
    }

    fn view<'a>(
        path: &'a str,
        query: Option<&'a str>,
        ct: &'a str,
        body: &'a [u8],
    ) -> RequestView<'a> {
        RequestView {
            path,
            query,
            content_type: Some(ct),
            body: Some(body),
        }
    }

    #[test]
    fn a_status_change_is_a_publish_and_names_the_stored_post() {
        let r = rule(
            &[
                ("json:status", "publish|future"),
                ("form:_status", "publish"),
            ],
            &["GET /wp-json/wp/v2/posts/{path:5}?context=edit"],
        );
        let publish = view(
            "/wp-json/wp/v2/posts/12",
            None,
            "application/json",
            br#"{"status":"Publish"}"#,
        );
        assert!(r.publishes(&publish));
        assert_eq!(
            r.fetches(&publish),
            [(
                Method::GET,
                "/wp-json/wp/v2/posts/12?context=edit".to_string()
            )]
        );
        let draft = view(
            "/wp-json/wp/v2/posts/12",
            None,
            "application/json",
            br#"{"status":"draft","content":"x"}"#,
        );
        assert!(!r.publishes(&draft));
        // A form field counts only in a form body.
        let form = view(
            "/wp-json/wp/v2/posts/12",
            None,
            "application/x-www-form-urlencoded",
            b"_status=publish&post_ID=12",
        );
        assert!(r.publishes(&form));
        // An encoded body cannot be read: it counts as a publish.
        let encoded = RequestView {
            body: None,
            ..view("/wp-json/wp/v2/posts/12", None, "application/json", b"")
        };
        assert!(r.publishes(&encoded));
    }

    #[test]
    fn nested_json_fields_and_array_items_are_reachable() {
        // Drupal's REST module and JSON:API.
        let rest = rule(&[("json:status.0.value", "true|1")], &[]);
        let body = br#"{"title":[{"value":"x"}],"status":[{"value":true}]}"#;
        assert!(rest.publishes(&view("/node/7", None, "application/json", body)));
        let draft = br#"{"status":[{"value":false}]}"#;
        assert!(!rest.publishes(&view("/node/7", None, "application/json", draft)));
        let jsonapi = rule(&[("json:data.attributes.status", "true")], &[]);
        let body = br#"{"data":{"type":"node--article","attributes":{"status":true}}}"#;
        assert!(jsonapi.publishes(&view(
            "/jsonapi/node/article/u",
            None,
            "application/json",
            body
        )));
    }

    #[test]
    fn a_bulk_edit_fetches_every_post_and_values_cannot_reshape_the_url() {
        let r = rule(
            &[("query:_status", "publish")],
            &["GET /wp-json/wp/v2/posts/{query:post[]}?context=edit"],
        );
        let bulk = view(
            "/wp-admin/edit.php",
            Some("post%5B%5D=12&post%5B%5D=13&_status=publish&bulk_edit=1"),
            "",
            b"",
        );
        assert!(r.publishes(&bulk));
        assert_eq!(
            r.fetches(&bulk),
            [
                (
                    Method::GET,
                    "/wp-json/wp/v2/posts/12?context=edit".to_string()
                ),
                (
                    Method::GET,
                    "/wp-json/wp/v2/posts/13?context=edit".to_string()
                ),
            ]
        );
        let sneaky = view(
            "/wp-admin/edit.php",
            Some("post[]=..%2F..%2Fusers%3Fx%3D1&_status=publish"),
            "",
            b"",
        );
        assert_eq!(
            r.fetches(&sneaky),
            [(
                Method::GET,
                "/wp-json/wp/v2/posts/..%2F..%2Fusers%3Fx%3D1?context=edit".to_string()
            )]
        );
        // No post named: nothing to fetch (the gateway holds).
        let none = view("/wp-admin/edit.php", Some("_status=publish"), "", b"");
        assert!(r.fetches(&none).is_empty());
    }
}
