//! Answering a reader from a representation already in hand.
//!
//! On a public route the upstream is asked for the whole representation,
//! without the reader's `Range` or validators: every byte the reader could
//! ask for must be scanned first, and a `304` from the upstream would say
//! nothing about content the gateway has not seen. The reader's own
//! conditional and range headers are then answered here, against the
//! upstream's `ETag` and `Last-Modified` (RFC 9110 §13 and §14): a cached
//! copy is revalidated with a `304`, a download resumes with a `206`.

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Method, Response, StatusCode, header};

use crate::upstream::{ProxyBody, full};

/// A whole response, read and scanned.
pub struct Representation {
    /// The upstream's status.
    pub status: StatusCode,
    /// The upstream's headers (hop-by-hop ones already removed).
    pub headers: HeaderMap,
    /// The body as the upstream sent it (still content-encoded).
    pub body: Bytes,
}

/// The reader's answer: `304` when its copy is current, `206` or `416` for
/// a range of a `200`, else the representation itself. A `HEAD` gets the
/// same status and headers with no body.
pub fn answer(method: &Method, request: &HeaderMap, rep: Representation) -> Response<ProxyBody> {
    let Representation {
        status,
        mut headers,
        body,
    } = rep;
    headers.remove(header::TRANSFER_ENCODING);
    if status == StatusCode::OK {
        if not_modified(request, &headers) {
            return not_modified_response(&headers);
        }
        headers.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
        if *method == Method::GET
            && let Some(range) = wanted_range(request, &headers, body.len() as u64)
        {
            return match range {
                Ok(range) => {
                    let (start, end) = (*range.start(), *range.end());
                    let part = body.slice(start as usize..=end as usize);
                    let content_range = format!("bytes {start}-{end}/{}", body.len());
                    headers.insert(header::CONTENT_RANGE, value(&content_range));
                    respond(StatusCode::PARTIAL_CONTENT, headers, part, method)
                }
                Err(()) => {
                    let mut headers = HeaderMap::new();
                    let content_range = format!("bytes */{}", body.len());
                    headers.insert(header::CONTENT_RANGE, value(&content_range));
                    respond(
                        StatusCode::RANGE_NOT_SATISFIABLE,
                        headers,
                        Bytes::new(),
                        method,
                    )
                }
            };
        }
    }
    respond(status, headers, body, method)
}

/// A response with its `Content-Length`; a `HEAD` gets no body.
pub(super) fn respond(
    status: StatusCode,
    mut headers: HeaderMap,
    body: Bytes,
    method: &Method,
) -> Response<ProxyBody> {
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(body.len()));
    let body = if *method == Method::HEAD {
        Bytes::new()
    } else {
        body
    };
    let mut response = Response::new(full(body));
    *response.status_mut() = status;
    *response.headers_mut() = headers;
    response
}

fn value(text: &str) -> HeaderValue {
    // Only digits, spaces, `-`, `/` and `*` are formatted in.
    HeaderValue::from_str(text).unwrap_or(HeaderValue::from_static("bytes */0"))
}

/// Whether the reader's copy is current: `If-None-Match` against the
/// `ETag` (weak comparison), else `If-Modified-Since` against
/// `Last-Modified`, as RFC 9110 §13.2.2 orders them.
fn not_modified(request: &HeaderMap, response: &HeaderMap) -> bool {
    let etag = response.get(header::ETAG).and_then(|v| v.to_str().ok());
    let listed: Vec<&str> = request
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .collect();
    if !listed.is_empty() {
        return listed
            .iter()
            .any(|t| *t == "*" || etag.is_some_and(|e| weak_eq(t, e)));
    }
    let since = request
        .get(header::IF_MODIFIED_SINCE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| httpdate::parse_http_date(v).ok());
    let modified = response
        .get(header::LAST_MODIFIED)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| httpdate::parse_http_date(v).ok());
    matches!((since, modified), (Some(since), Some(modified)) if modified <= since)
}

/// Two entity tags equal when their opaque parts do (`W/` ignored).
fn weak_eq(a: &str, b: &str) -> bool {
    a.trim_start_matches("W/") == b.trim_start_matches("W/")
}

/// A `304`: the validators and caching headers of the `200` it stands for
/// (RFC 9110 §15.4.5), no body.
fn not_modified_response(headers: &HeaderMap) -> Response<ProxyBody> {
    let mut kept = HeaderMap::new();
    for name in [
        header::ETAG,
        header::LAST_MODIFIED,
        header::CACHE_CONTROL,
        header::EXPIRES,
        header::VARY,
        header::CONTENT_LOCATION,
        header::DATE,
    ] {
        for v in headers.get_all(&name) {
            kept.append(name.clone(), v.clone());
        }
    }
    let mut response = Response::new(full(Bytes::new()));
    *response.status_mut() = StatusCode::NOT_MODIFIED;
    *response.headers_mut() = kept;
    response
}

/// The one byte range to send, if the reader asked for one that applies:
/// `None` to send the whole body (no `Range`, an `If-Range` that no longer
/// matches, several ranges, or a header that does not parse — a server may
/// always ignore `Range`), `Some(Err)` when it lies wholly past the end.
fn wanted_range(
    request: &HeaderMap,
    response: &HeaderMap,
    len: u64,
) -> Option<Result<std::ops::RangeInclusive<u64>, ()>> {
    let range = request.get(header::RANGE)?.to_str().ok()?;
    if let Some(validator) = request.get(header::IF_RANGE) {
        // If-Range needs a strong match: the exact ETag (not weak), or the
        // exact Last-Modified date.
        let matches = |name: header::HeaderName| {
            response
                .get(name)
                .is_some_and(|v| v.as_bytes() == validator.as_bytes())
        };
        let strong_etag = !validator.as_bytes().starts_with(b"W/") && matches(header::ETAG);
        if !strong_etag && !matches(header::LAST_MODIFIED) {
            return None;
        }
    }
    use http_range_header::RangeUnsatisfiableError as Unsatisfiable;
    match http_range_header::parse_range_header(range).and_then(|p| p.validate(len)) {
        Ok(ranges) if ranges.len() == 1 => Some(Ok(ranges[0].clone())),
        Ok(_) => None,
        Err(Unsatisfiable::Unsatisfiable) => Some(Err(())),
        Err(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::BodyExt;

    fn rep() -> Representation {
        let mut headers = HeaderMap::new();
        headers.insert(header::ETAG, HeaderValue::from_static("\"v1\""));
        headers.insert(
            header::LAST_MODIFIED,
            HeaderValue::from_static("Mon, 30 Nov 2026 10:00:00 GMT"),
        );
        Representation {
            status: StatusCode::OK,
            headers,
            body: Bytes::from_static(b"0123456789"),
        }
    }

    fn ask(
        method: Method,
        pairs: &[(header::HeaderName, &'static str)],
    ) -> (u16, HeaderMap, Vec<u8>) {
        let mut request = HeaderMap::new();
        for (n, v) in pairs {
            request.insert(n.clone(), HeaderValue::from_static(v));
        }
        let response = answer(&method, &request, rep());
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = futures_util::FutureExt::now_or_never(response.into_body().collect())
            .and_then(Result::ok)
            .map(|c| c.to_bytes().to_vec())
            .unwrap_or_default();
        (status, headers, body)
    }

    #[test]
    fn a_current_copy_is_revalidated_with_304() {
        let (status, headers, body) = ask(Method::GET, &[(header::IF_NONE_MATCH, "W/\"v1\"")]);
        assert_eq!(status, 304);
        assert_eq!(headers[header::ETAG], "\"v1\"");
        assert!(body.is_empty());
        let (status, ..) = ask(Method::GET, &[(header::IF_NONE_MATCH, "\"v0\", \"v2\"")]);
        assert_eq!(status, 200);
        let (status, ..) = ask(
            Method::GET,
            &[(header::IF_MODIFIED_SINCE, "Mon, 30 Nov 2026 11:00:00 GMT")],
        );
        assert_eq!(status, 304);
        let (status, ..) = ask(
            Method::GET,
            &[(header::IF_MODIFIED_SINCE, "Mon, 30 Nov 2026 09:00:00 GMT")],
        );
        assert_eq!(status, 200);
    }

    #[test]
    fn one_range_is_sent_as_206_and_a_range_past_the_end_is_416() {
        let (status, headers, body) = ask(Method::GET, &[(header::RANGE, "bytes=2-4")]);
        assert_eq!((status, body.as_slice()), (206, &b"234"[..]));
        assert_eq!(headers[header::CONTENT_RANGE], "bytes 2-4/10");
        assert_eq!(headers[header::CONTENT_LENGTH], "3");
        let (status, _, body) = ask(Method::GET, &[(header::RANGE, "bytes=-3")]);
        assert_eq!((status, body.as_slice()), (206, &b"789"[..]));
        let (status, headers, _) = ask(Method::GET, &[(header::RANGE, "bytes=20-")]);
        assert_eq!(status, 416);
        assert_eq!(headers[header::CONTENT_RANGE], "bytes */10");
    }

    #[test]
    fn a_stale_if_range_or_several_ranges_get_the_whole_body() {
        let (status, _, body) = ask(
            Method::GET,
            &[(header::RANGE, "bytes=2-4"), (header::IF_RANGE, "\"v0\"")],
        );
        assert_eq!((status, body.len()), (200, 10));
        let (status, _, body) = ask(
            Method::GET,
            &[(header::RANGE, "bytes=2-4"), (header::IF_RANGE, "\"v1\"")],
        );
        assert_eq!((status, body.len()), (206, 3));
        let (status, _, body) = ask(Method::GET, &[(header::RANGE, "bytes=0-1, 5-6")]);
        assert_eq!((status, body.len()), (200, 10));
    }

    #[test]
    fn head_gets_the_headers_of_get_and_no_body() {
        let (status, headers, body) = ask(Method::HEAD, &[]);
        assert_eq!(status, 200);
        assert_eq!(headers[header::CONTENT_LENGTH], "10");
        assert_eq!(headers[header::ACCEPT_RANGES], "bytes");
        assert!(body.is_empty());
    }
}
