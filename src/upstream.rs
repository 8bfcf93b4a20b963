//! Talking to the publishing platform: one pooled HTTP/1.1 client, the
//! header rules of a correct proxy, and timeouts that map to 502/504.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::header::{self, HeaderMap, HeaderName, HeaderValue};
use http::{Method, Request, Response, Uri};
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

/// Body type sent to the upstream and to clients.
pub type ProxyBody = BoxBody<Bytes, BoxError>;
/// Error type of [`ProxyBody`].
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A buffered body.
pub fn full(bytes: impl Into<Bytes>) -> ProxyBody {
    Full::new(bytes.into()).map_err(|e| match e {}).boxed()
}

/// A streamed request or response body, passed through untouched.
pub fn stream(body: Incoming) -> ProxyBody {
    body.map_err(|e| Box::new(e) as BoxError).boxed()
}

/// Why the upstream gave no answer.
#[derive(Debug, thiserror::Error)]
pub enum UpstreamError {
    /// Could not connect: nothing was sent.
    #[error("cannot connect to the publishing platform at {at}: {cause}")]
    Connect {
        /// `HOST:PORT`.
        at: String,
        /// Why, in words (`connection refused`).
        cause: String,
    },
    /// No answer in time; the request may have arrived.
    #[error("the publishing platform did not answer within {} s", .0.as_secs_f64())]
    Timeout(Duration),
    /// The connection failed after sending started.
    #[error("the connection to the publishing platform broke: {0}")]
    Broken(String),
}

impl UpstreamError {
    /// True when the upstream certainly did not receive the request.
    pub fn nothing_sent(&self) -> bool {
        matches!(self, UpstreamError::Connect { .. })
    }

    /// The metric label: `connect`, `timeout` or `broken`.
    pub fn kind(&self) -> &'static str {
        match self {
            UpstreamError::Connect { .. } => "connect",
            UpstreamError::Timeout(_) => "timeout",
            UpstreamError::Broken(_) => "broken",
        }
    }
}

/// The innermost cause of a client error, in words: the OS error's kind
/// (`connection refused`) where there is one, else the deepest message.
fn cause_of(e: &(dyn std::error::Error + 'static)) -> String {
    let mut deepest = e.to_string();
    let mut next = e.source();
    while let Some(inner) = next {
        if let Some(io) = inner.downcast_ref::<std::io::Error>() {
            return io.kind().to_string();
        }
        deepest = inner.to_string();
        next = inner.source();
    }
    deepest
}

/// The upstream and its client.
#[derive(Clone)]
pub struct Upstream {
    client: Client<HttpConnector, ProxyBody>,
    scheme: http::uri::Scheme,
    authority: http::uri::Authority,
    rewrite_host: bool,
    connect_timeout: Duration,
    timeout: Duration,
}

/// Headers that describe one connection, not the message (RFC 9110 §7.6.1),
/// plus `Expect`, which our own server already answered.
const HOP_BY_HOP: [&str; 9] = [
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
];

fn client(connect_timeout: Duration) -> Client<HttpConnector, ProxyBody> {
    pooled_client(connect_timeout, 256)
}

/// The HTTP client pubgate sends with: to the platform (forward, replay,
/// fetches) and to the operator's webhook alike — one stack, one set of
/// timeouts and pool rules.
pub fn pooled_client(connect_timeout: Duration, idle: usize) -> Client<HttpConnector, ProxyBody> {
    let mut connector = HttpConnector::new();
    connector.set_connect_timeout(Some(connect_timeout));
    connector.set_nodelay(true);
    Client::builder(TokioExecutor::new())
        .pool_idle_timeout(Duration::from_secs(30))
        .pool_max_idle_per_host(idle)
        .build(connector)
}

/// Removes hop-by-hop headers, including those named in `Connection`.
pub fn strip_hop_by_hop(headers: &mut HeaderMap) {
    let named: Vec<HeaderName> = headers
        .get_all(header::CONNECTION)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|n| HeaderName::from_bytes(n.trim().as_bytes()).ok())
        .collect();
    for name in named {
        headers.remove(name);
    }
    for name in HOP_BY_HOP {
        headers.remove(name);
    }
    headers.remove(header::EXPECT);
}

/// An upstream URL that cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("upstream URL `{0}` must look like http://HOST:PORT")]
pub struct InvalidUpstream(pub String);

impl Upstream {
    /// A client for `base` (`http://host:port`).
    pub fn new(
        base: &str,
        rewrite_host: bool,
        connect_timeout: Duration,
        timeout: Duration,
    ) -> Result<Upstream, InvalidUpstream> {
        let invalid = || InvalidUpstream(base.to_string());
        let uri: Uri = base.parse().map_err(|_| invalid())?;
        if uri.scheme_str() != Some("http") {
            return Err(invalid());
        }
        let scheme = uri.scheme().cloned().ok_or_else(invalid)?;
        let authority = uri.authority().cloned().ok_or_else(invalid)?;
        Ok(Upstream {
            client: client(connect_timeout),
            scheme,
            authority,
            rewrite_host,
            connect_timeout,
            timeout,
        })
    }

    /// The same upstream with a connection pool of its own (one per proxy
    /// thread).
    pub fn with_own_pool(&self) -> Upstream {
        Upstream {
            client: client(self.connect_timeout),
            ..self.clone()
        }
    }

    /// The same upstream without connection reuse, for replays of approved
    /// items. A kept-alive connection that the upstream closed while idle
    /// fails only once the request is written, which makes a replay that
    /// never arrived look interrupted (`needs_reconcile`). Replays are few;
    /// a fresh connection each makes "refused" mean "not sent".
    pub fn unpooled(&self) -> Upstream {
        Upstream {
            client: pooled_client(self.connect_timeout, 0),
            ..self.clone()
        }
    }

    /// Whether the platform accepts a connection now (for `/readyz`): a
    /// TCP connect within the connect timeout, nothing sent.
    pub async fn probe(&self) -> Result<(), UpstreamError> {
        let at = if self.authority.port().is_some() {
            self.authority.to_string()
        } else {
            format!("{}:80", self.authority.host())
        };
        let refused = |cause: String| UpstreamError::Connect {
            at: at.clone(),
            cause,
        };
        match tokio::time::timeout(self.connect_timeout, tokio::net::TcpStream::connect(&at)).await
        {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(e)) => Err(refused(e.kind().to_string())),
            Err(_) => Err(refused(format!(
                "no answer within {} s",
                self.connect_timeout.as_secs_f64()
            ))),
        }
    }

    /// The upstream's authority, for logs.
    pub fn authority(&self) -> &str {
        self.authority.as_str()
    }

    /// Sends one request. `path_and_query` is the client's, unchanged;
    /// `headers` are end-to-end headers (hop-by-hop already removed).
    pub async fn send(
        &self,
        method: Method,
        path_and_query: &str,
        mut headers: HeaderMap,
        body: ProxyBody,
        client: Option<SocketAddr>,
    ) -> Result<(Response<Incoming>, Duration), UpstreamError> {
        let uri = Uri::builder()
            .scheme(self.scheme.clone())
            .authority(self.authority.clone())
            .path_and_query(path_and_query)
            .build()
            // The target itself is not quoted: a query can carry a value.
            .map_err(|_| UpstreamError::Broken("the request target is not a valid URI".into()))?;
        if let Some(addr) = client {
            add_forwarded(&mut headers, addr);
        }
        if (self.rewrite_host || !headers.contains_key(header::HOST))
            && let Ok(v) = HeaderValue::from_str(self.authority.as_str())
        {
            headers.insert(header::HOST, v);
        }
        let mut request = Request::new(body);
        *request.method_mut() = method;
        *request.uri_mut() = uri;
        *request.headers_mut() = headers;
        let started = Instant::now();
        match tokio::time::timeout(self.timeout, self.client.request(request)).await {
            Err(_) => Err(UpstreamError::Timeout(self.timeout)),
            Ok(Err(e)) if e.is_connect() => Err(UpstreamError::Connect {
                at: self.authority.to_string(),
                cause: cause_of(&e),
            }),
            Ok(Err(e)) => Err(UpstreamError::Broken(cause_of(&e))),
            Ok(Ok(mut response)) => {
                strip_hop_by_hop(response.headers_mut());
                Ok((response, started.elapsed()))
            }
        }
    }
}

/// `X-Forwarded-For` (appended to any existing chain), `-Proto`, `-Host`.
fn add_forwarded(headers: &mut HeaderMap, addr: SocketAddr) {
    let ip = addr.ip().to_string();
    let chain = match headers.get("x-forwarded-for").and_then(|v| v.to_str().ok()) {
        Some(existing) => format!("{existing}, {ip}"),
        None => ip,
    };
    if let Ok(v) = HeaderValue::from_str(&chain) {
        headers.insert("x-forwarded-for", v);
    }
    if !headers.contains_key("x-forwarded-proto") {
        headers.insert("x-forwarded-proto", HeaderValue::from_static("http"));
    }
    if !headers.contains_key("x-forwarded-host")
        && let Some(host) = headers.get(header::HOST).cloned()
    {
        headers.insert("x-forwarded-host", host);
    }
}
