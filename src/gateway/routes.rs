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

use crate::serve::config::InspectRoute;

/// The compiled route table.
#[derive(Debug, Clone)]
pub struct Routes {
    routes: Vec<Compiled>,
}

#[derive(Debug, Clone)]
struct Compiled {
    name: String,
    method: Option<Method>,
    segments: Vec<String>,
    /// The pattern ends in `**`.
    rest: bool,
    monitor: bool,
}

/// A matched route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matched {
    /// Route name for metrics and the queue.
    pub name: String,
    /// Monitor only (scan, record, forward).
    pub monitor: bool,
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
                    rest,
                    monitor: r.monitor,
                }
            })
            .collect();
        Routes { routes }
    }

    /// The route that makes this request a publish request, if any.
    pub fn classify(&self, method: &Method, raw_path: &str) -> Option<Matched> {
        let carries_body = matches!(*method, Method::POST | Method::PUT | Method::PATCH);
        // Most traffic is GET: no route for the method, nothing to normalize.
        let method_routed = self
            .routes
            .iter()
            .any(|r| r.method.as_ref().is_none_or(|m| m == method));
        if !carries_body && !method_routed {
            return None;
        }
        let Some(path) = normalize_path(raw_path) else {
            return carries_body.then(|| Matched {
                name: "unnormalizable-path".into(),
                monitor: false,
            });
        };
        if self.routes.is_empty() {
            return carries_body.then(|| Matched {
                name: "default".into(),
                monitor: false,
            });
        }
        let segments = split(&path);
        self.routes
            .iter()
            .find(|r| {
                r.method.as_ref().is_none_or(|m| m == method)
                    && segment_match(&r.segments, r.rest, &segments)
            })
            .map(|r| Matched {
                name: r.name.clone(),
                monitor: r.monitor,
            })
    }
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
    pattern.iter().zip(path).all(|(p, s)| p == "*" || p == s)
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
            monitor: false,
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
                routes.classify(&Method::POST, path).is_some(),
                "{path} escaped inspection"
            );
        }
        assert!(routes.classify(&Method::PUT, "/cms/article/42").is_some());
        assert!(routes.classify(&Method::PUT, "/cms/article/42/x").is_none());
        assert!(routes.classify(&Method::GET, "/api/notices").is_none());
        assert!(routes.classify(&Method::POST, "/api/other").is_none());
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
            assert!(routes.classify(&Method::POST, path).is_some(), "{path}");
            assert!(routes.classify(&Method::GET, path).is_none(), "{path}");
        }
    }

    #[test]
    fn no_routes_means_every_write_is_inspected() {
        let routes = Routes::new(&[]);
        for m in [Method::POST, Method::PUT, Method::PATCH] {
            assert!(routes.classify(&m, "/anything").is_some());
        }
        assert!(routes.classify(&Method::GET, "/anything").is_none());
        assert!(routes.classify(&Method::DELETE, "/anything").is_none());
    }

    #[test]
    fn double_star_matches_the_rest() {
        let routes = Routes::new(&[route("*", "/upload/**")]);
        assert!(routes.classify(&Method::POST, "/upload/a/b/c").is_some());
        assert!(routes.classify(&Method::PATCH, "/upload").is_some());
        assert!(routes.classify(&Method::POST, "/uploads").is_none());
    }
}
