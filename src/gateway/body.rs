//! Reading an inspected body: whole, bounded and in time.
//!
//! Over the limit is an error (413), never a partial scan: a WAF that
//! inspects the first megabyte and passes the rest is open by design.

use std::time::Duration;

use bytes::Bytes;
use http_body_util::BodyExt;
use hyper::body::Incoming;

/// Why a body could not be read for inspection.
#[derive(Debug, thiserror::Error)]
pub enum BodyError {
    /// More than the limit, declared or received.
    #[error("request body exceeds the inspection limit of {limit} bytes")]
    TooLarge {
        /// The configured limit.
        limit: usize,
    },
    /// The client stopped sending.
    #[error("request body not received within {0:?}")]
    Timeout(Duration),
    /// The connection failed mid-body.
    #[error("request body could not be read")]
    Broken,
}

/// Reads the whole body, refusing more than `limit` bytes.
pub async fn collect(body: Incoming, limit: usize, timeout: Duration) -> Result<Bytes, BodyError> {
    let limited = http_body_util::Limited::new(body, limit);
    match tokio::time::timeout(timeout, limited.collect()).await {
        Err(_) => Err(BodyError::Timeout(timeout)),
        Ok(Err(e)) if e.is::<http_body_util::LengthLimitError>() => {
            Err(BodyError::TooLarge { limit })
        }
        Ok(Err(_)) => Err(BodyError::Broken),
        Ok(Ok(collected)) => Ok(collected.to_bytes()),
    }
}
