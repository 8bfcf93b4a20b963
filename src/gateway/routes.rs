//! Which requests are publish requests.
//!
//! The match is made on a normalized path (percent-decoded unreserved
//! characters, dot segments resolved, repeated slashes collapsed, case
//! folded, `;params` dropped), so `/API/notices/../notices//%6eew` cannot
//! route a publish request around inspection. A path that cannot be
//! normalized safely (an encoded slash or NUL, `..` above the root,
//! invalid percent escapes) is treated as inspected when the method can
//! carry a body: when in doubt, inspect.

use http::Method;
use serde::Deserialize;

/// The compiled route table.
#[derive(Debug, Clone)]
pub struct Routes {
    routes: Vec<Compiled>,
}

#[derive(Debug, Clone)]
struct Compiled {
    name: String,
    method: Option<Method>,
    /// One wildcard pattern per path segment (`*` inside a segment never
    /// crosses a `/`).
    segments: Vec<String>,
    /// Query parameters the request must carry, each with a wildcard
    /// pattern for its value (`*` here may cross `/`: `rest_route` values
    /// are paths).
    query: Vec<(String, String)>,
    /// The pattern ends in `**`.
    rest: bool,
    monitor: bool,
    announcement: bool,
}

/// A matched route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matched {
    /// Route name for metrics and the queue.
    pub name: String,
    /// Monitor only (scan, record, forward).
    pub monitor: bool,
    /// The route publishes announcements (see `InspectRoute::announcement`).
    pub announcement: bool,
}

impl Routes {
    /// Compiles the configured routes; none = every POST, PUT and PATCH.
    pub fn new(routes: &[InspectRoute]) -> Routes {
        let routes = routes
            .iter()
            .map(|r| {
                let mut segments: Vec<String> = split(&r.path.to_lowercase());
                let rest = segments.last().is_some_and(|s| s == "**");
                if rest {
                    segments.pop();
                }
                Compiled {
                    name: r
                        .name
                        .clone()
                        .unwrap_or_else(|| format!("{} {}", r.method, r.path)),
                    method: (r.method != "*")
                        .then(|| Method::from_bytes(r.method.to_uppercase().as_bytes()).ok())
                        .flatten(),
                    segments,
                    query: r
                        .query
                        .iter()
                        .map(|(k, v)| (k.clone(), v.to_lowercase()))
                        .collect(),
                    rest,
                    monitor: r.monitor,
                    announcement: r.announcement,
                }
            })
            .collect();
        Routes { routes }
    }

    /// The route that makes this request a publish request, if any.
    ///
    /// `method` is the method the request claims (see [`effective_method`]);
    /// `query` the raw query string; `has_body` whether it carries a body. A body on any method of an
    /// inspected path is inspected: a platform may read a body on GET,
    /// DELETE or a method of its own, so a route's method list never lets
    /// a body through unread.
    pub fn classify(
        &self,
        method: &Method,
        raw_path: &str,
        query: Option<&str>,
        has_body: bool,
    ) -> Option<Matched> {
        let carries_body = carries_body(method, has_body);
        // Most traffic is GET: no route for the method, nothing to normalize.
        if !carries_body && !self.method_routed(method) {
            return None;
        }
        let Some(path) = normalize_path(raw_path) else {
            return carries_body.then(|| Matched {
                name: "unnormalizable-path".into(),
                monitor: false,
                announcement: true,
            });
        };
        if self.routes.is_empty() {
            return carries_body.then(|| Matched {
                name: "default".into(),
                monitor: false,
                announcement: true,
            });
        }
        self.position_on(&path, method, query, has_body)
            .map(|i| self.matched(i))
    }

    /// The configured route at `index` (from [`Routes::position`]).
    pub fn matched(&self, index: usize) -> Matched {
        let r = &self.routes[index];
        Matched {
            name: r.name.clone(),
            monitor: r.monitor,
            announcement: r.announcement,
        }
    }

    /// Which configured route (its index) this request is on: the first
    /// whose path, query and method match, else — when the request has a
    /// body — the first whose path and query do. A path that cannot be
    /// normalized is on none (`classify` decides what that means).
    pub fn position(
        &self,
        method: &Method,
        raw_path: &str,
        query: Option<&str>,
        has_body: bool,
    ) -> Option<usize> {
        if !carries_body(method, has_body) && !self.method_routed(method) {
            return None;
        }
        self.position_on(&normalize_path(raw_path)?, method, query, has_body)
    }

    /// Whether some route names this method (or any method).
    fn method_routed(&self, method: &Method) -> bool {
        self.routes
            .iter()
            .any(|r| r.method.as_ref().is_none_or(|m| m == method))
    }

    fn position_on(
        &self,
        path: &str,
        method: &Method,
        query: Option<&str>,
        has_body: bool,
    ) -> Option<usize> {
        let segments = split(path);
        let on_path = |r: &Compiled| {
            segment_match(&r.segments, r.rest, &segments) && query_match(&r.query, query)
        };
        let method_matches = |r: &Compiled| r.method.as_ref().is_none_or(|m| m == method);
        self.routes
            .iter()
            .position(|r| on_path(r) && method_matches(r))
            .or_else(|| {
                has_body
                    .then(|| self.routes.iter().position(on_path))
                    .flatten()
            })
    }
}

/// Whether a request carries content: a body, or a writing method.
fn carries_body(method: &Method, has_body: bool) -> bool {
    has_body || matches!(*method, Method::POST | Method::PUT | Method::PATCH)
}

/// The method a request claims: its own, upper-cased (`post` is POST to
/// most servers), or the one a method-override header or `_method`
/// parameter names (`X-HTTP-Method-Override: PUT` on a POST or GET) — a
/// platform that honours the override treats the request as that method.
pub fn effective_method(method: &Method, headers: &http::HeaderMap, query: Option<&str>) -> Method {
    let claimed = [
        "x-http-method-override",
        "x-http-method",
        "x-method-override",
    ]
    .iter()
    .find_map(|h| {
        headers
            .get(*h)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    })
    .or_else(|| {
        form_urlencoded::parse(query?.as_bytes())
            .find(|(k, _)| k == "_method")
            .map(|(_, v)| v.into_owned())
    });
    let name = claimed.unwrap_or_else(|| method.as_str().to_string());
    Method::from_bytes(name.trim().to_ascii_uppercase().as_bytes())
        .unwrap_or_else(|_| method.clone())
}

fn split(path: &str) -> Vec<String> {
    path.split('/')
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn segment_match(pattern: &[String], rest: bool, path: &[String]) -> bool {
    if rest {
        if path.len() < pattern.len() {
            return false;
        }
    } else if path.len() != pattern.len() {
        return false;
    }
    pattern.iter().zip(path).all(|(p, s)| wildcard(p, s))
}

/// Every condition holds for some value of its parameter. A parameter
/// given twice matches when either value does: platforms disagree on
/// which one wins (PHP takes the last, others the first), so either may be
/// the one the platform acts on.
fn query_match(conditions: &[(String, String)], query: Option<&str>) -> bool {
    conditions.iter().all(|(name, pattern)| {
        form_urlencoded::parse(query.unwrap_or("").as_bytes())
            .filter(|(k, _)| k == name)
            .any(|(_, value)| {
                // A value that is a path is compared normalized, as the
                // request path is (`/wp/v2/../v2/posts`); one that cannot
                // be normalized safely matches: when in doubt, inspect.
                if value.starts_with('/') {
                    normalize_path(&value).is_none_or(|v| wildcard(pattern, &v))
                } else {
                    wildcard(pattern, &value.to_lowercase())
                }
            })
    })
}

/// `*` matches any run of characters (none included); everything else
/// matches itself.
fn wildcard(pattern: &str, text: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or("");
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    let tail: Vec<&str> = parts.collect();
    let Some((last, middle)) = tail.split_last() else {
        return rest.is_empty();
    };
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

/// Normalizes a request path for matching; `None` when it cannot be done
/// safely. The query is not part of the path.
pub fn normalize_path(raw: &str) -> Option<String> {
    let raw = raw.split(['?', '#']).next().unwrap_or("");
    let decoded = percent_decode_safely(raw)?;
    let mut out: Vec<&str> = Vec::new();
    for segment in decoded.split('/') {
        // `;jsessionid=…` style parameters do not change the resource.
        let segment = segment.split(';').next().unwrap_or("");
        match segment {
            "" | "." => {}
            ".." => {
                out.pop()?;
            }
            s => out.push(s),
        }
    }
    let mut path = String::from("/");
    path.push_str(&out.join("/"));
    // Trailing dots and case do not change the route on most platforms.
    Some(path.trim_end_matches('.').to_lowercase())
}

/// Decodes `%XX` escapes, refusing the ones that change the path's
/// structure (`%2F`, `%5C`, `%00`) and invalid escapes or UTF-8.
fn percent_decode_safely(raw: &str) -> Option<String> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = bytes.get(i + 1..i + 3)?;
                let value = u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?;
                if matches!(value, b'/' | b'\\' | 0) {
                    return None;
                }
                out.push(value);
                i += 3;
            }
            b'\\' => return None,
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn route(method: &str, path: &str) -> InspectRoute {
        InspectRoute {
            name: None,
            method: method.into(),
            path: path.into(),
            query: Default::default(),
            monitor: false,
            announcement: true,
        }
    }

    #[test]
    fn path_tricks_still_match_the_inspected_route() {
        let routes = Routes::new(&[
            route("POST", "/api/notices"),
            route("PUT", "/cms/article/*"),
        ]);
        for path in [
            "/api/notices",
            "/API/Notices",
            "//api//notices/",
            "/api/x/../notices",
            "/api/./notices",
            "/api/%6eotices",
            "/api/notices;jsessionid=1",
            "/api/notices.",
            "/api/notices?draft=1",
        ] {
            assert!(
                routes.classify(&Method::POST, path, None, true).is_some(),
                "{path} escaped inspection"
            );
        }
        assert!(
            routes
                .classify(&Method::PUT, "/cms/article/42", None, true)
                .is_some()
        );
        assert!(
            routes
                .classify(&Method::PUT, "/cms/article/42/x", None, true)
                .is_none()
        );
        assert!(
            routes
                .classify(&Method::GET, "/api/notices", None, false)
                .is_none()
        );
        // A body on another method of an inspected path is inspected.
        assert!(
            routes
                .classify(&Method::GET, "/api/notices", None, true)
                .is_some()
        );
        assert!(
            routes
                .classify(
                    &Method::from_bytes(b"PUBLISH").unwrap(),
                    "/api/notices",
                    None,
                    true
                )
                .is_some()
        );
        assert!(
            routes
                .classify(&Method::POST, "/api/other", None, true)
                .is_none()
        );
    }

    #[test]
    fn unnormalizable_paths_are_inspected_when_they_carry_a_body() {
        let routes = Routes::new(&[route("POST", "/api/notices")]);
        for path in [
            "/api%2fnotices",
            "/../api/notices",
            "/api/%zz",
            "/a\\b",
            "/%00",
        ] {
            assert!(
                routes.classify(&Method::POST, path, None, true).is_some(),
                "{path}"
            );
            assert!(
                routes.classify(&Method::GET, path, None, false).is_none(),
                "{path}"
            );
        }
    }

    #[test]
    fn no_routes_means_every_write_is_inspected() {
        let routes = Routes::new(&[]);
        for m in [Method::POST, Method::PUT, Method::PATCH] {
            assert!(routes.classify(&m, "/anything", None, true).is_some());
        }
        assert!(
            routes
                .classify(&Method::GET, "/anything", None, false)
                .is_none()
        );
        assert!(
            routes
                .classify(&Method::DELETE, "/anything", None, false)
                .is_none()
        );
        assert!(
            routes
                .classify(&Method::DELETE, "/anything", None, true)
                .is_some()
        );
    }

    #[test]
    fn double_star_matches_the_rest() {
        let routes = Routes::new(&[route("*", "/upload/**")]);
        assert!(
            routes
                .classify(&Method::POST, "/upload/a/b/c", None, true)
                .is_some()
        );
        assert!(
            routes
                .classify(&Method::PATCH, "/upload", None, true)
                .is_some()
        );
        assert!(
            routes
                .classify(&Method::POST, "/uploads", None, true)
                .is_none()
        );
    }

    #[test]
    fn a_star_inside_a_segment_matches_within_it() {
        let routes = Routes::new(&[route("POST", "/wp-json/wp/v2/pages*/**")]);
        for path in [
            "/wp-json/wp/v2/pages",
            "/wp-json/wp/v2/pages/12",
            "/wp-json/wp/v2/pages12/autosaves",
        ] {
            assert!(
                routes.classify(&Method::POST, path, None, true).is_some(),
                "{path}"
            );
        }
        // `*` stays inside its segment.
        assert!(
            routes
                .classify(&Method::POST, "/wp-json/wp/v2/media", None, true)
                .is_none()
        );
        assert!(wildcard("a*b*c", "aXbYc"));
        assert!(!wildcard("a*b*c", "aXbY"));
        assert!(!wildcard("a*bb", "ab"));
        assert!(wildcard("*", ""));
    }

    #[test]
    fn query_conditions_route_requests_whose_path_says_nothing() {
        let mut rest_route = route("*", "/");
        rest_route.query = [("rest_route".to_string(), "/wp/v2/*".to_string())].into();
        let routes = Routes::new(&[rest_route]);
        for query in [
            "rest_route=/wp/v2/posts/12",
            "rest_route=%2Fwp%2Fv2%2Fposts",
            "rest_route=/WP/v2/x/../posts",
            // Either copy of a repeated parameter may be the one obeyed.
            "rest_route=/other&rest_route=/wp/v2/posts",
            // A value that cannot be normalized is inspected.
            "rest_route=/../wp/v2/posts",
        ] {
            assert!(
                routes
                    .classify(&Method::POST, "/", Some(query), true)
                    .is_some(),
                "{query}"
            );
        }
        assert!(
            routes
                .classify(&Method::POST, "/", Some("rest_route=/oembed/1.0"), true)
                .is_none()
        );
        assert!(
            routes
                .classify(&Method::POST, "/", Some("p=1"), true)
                .is_none()
        );
        assert!(routes.classify(&Method::POST, "/", None, true).is_none());
    }

    #[test]
    fn claimed_methods() {
        let mut headers = http::HeaderMap::new();
        let post = effective_method(&Method::from_bytes(b"post").unwrap(), &headers, None);
        assert_eq!(post, Method::POST);
        headers.insert("x-http-method-override", "put".parse().unwrap());
        assert_eq!(effective_method(&Method::GET, &headers, None), Method::PUT);
        let plain = http::HeaderMap::new();
        assert_eq!(
            effective_method(&Method::GET, &plain, Some("a=1&_method=PATCH")),
            Method::PATCH
        );
    }
}

/// One inspected route.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InspectRoute {
    /// A name for metrics and the queue (default: `METHOD path`).
    #[serde(default)]
    pub name: Option<String>,
    /// HTTP method, or `*` for any.
    pub method: String,
    /// Path pattern: `*` matches within one segment (`pages*`, `*`), a
    /// trailing `**` the rest.
    pub path: String,
    /// Query parameters the request must carry, with a pattern for the
    /// value (`*` matches any run): `{ rest_route = "/wp/v2/*" }` routes
    /// WordPress's `/?rest_route=` requests, whose path is only `/`.
    #[serde(default)]
    pub query: std::collections::BTreeMap<String, String>,
    /// Monitor only this route.
    #[serde(default)]
    pub monitor: bool,
    /// What the route publishes is announcements (default): a document of
    /// no recognisable type is held for review. `false` for routes that
    /// publish other content (news, attachments only): only leaks count.
    #[serde(default = "announcement_default")]
    pub announcement: bool,
}

fn announcement_default() -> bool {
    true
}
