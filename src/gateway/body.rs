//! Reading an inspected body: whole, bounded, in time, and decoded.
//!
//! Over the limit is an error (413), never a partial scan: a WAF that
//! inspects the first megabyte and passes the rest is open by design.

use std::io::Read;
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
    /// A `Content-Encoding` we cannot decode.
    #[error("unsupported Content-Encoding `{0}`")]
    UnsupportedEncoding(String),
    /// Decoding failed or expanded past the ratio limit.
    #[error("compressed body is corrupt or expands too much")]
    BadEncoding,
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

/// Decodes `Content-Encoding` (possibly a list, applied in order), with the
/// decoded size bounded by `limit` and by `ratio` × the encoded size.
pub fn decode(
    encoding: Option<&str>,
    body: Bytes,
    limit: usize,
    ratio: usize,
) -> Result<Bytes, BodyError> {
    let Some(encoding) = encoding else {
        return Ok(body);
    };
    let mut data = body;
    // Encodings are listed in the order applied; undo them in reverse.
    let codings: Vec<String> = encoding
        .split(',')
        .map(|c| c.trim().to_ascii_lowercase())
        .filter(|c| !c.is_empty() && c != "identity")
        .collect();
    if codings.len() > 2 {
        return Err(BodyError::BadEncoding);
    }
    for coding in codings.iter().rev() {
        let cap = limit.min(data.len().saturating_mul(ratio).max(4096));
        let reader: Box<dyn Read + '_> = match coding.as_str() {
            "gzip" | "x-gzip" => Box::new(flate2::read::MultiGzDecoder::new(&data[..])),
            "deflate" => Box::new(flate2::read::ZlibDecoder::new(&data[..])),
            "br" => Box::new(brotli::Decompressor::new(&data[..], 8192)),
            other => return Err(BodyError::UnsupportedEncoding(other.to_string())),
        };
        let mut out = Vec::new();
        reader
            .take(cap as u64 + 1)
            .read_to_end(&mut out)
            .map_err(|_| BodyError::BadEncoding)?;
        if out.len() > cap {
            return Err(if out.len() > limit {
                BodyError::TooLarge { limit }
            } else {
                BodyError::BadEncoding
            });
        }
        data = Bytes::from(out);
    }
    Ok(data)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gzip(data: &[u8]) -> Bytes {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(data).unwrap();
        Bytes::from(e.finish().unwrap())
    }

    #[test]
    fn gzip_round_trips() {
        let text = "采购公告".repeat(100);
        let out = decode(Some("gzip"), gzip(text.as_bytes()), 1 << 20, 100).unwrap();
        assert_eq!(out, text.as_bytes());
    }

    #[test]
    fn bombs_stop_at_the_ratio() {
        let zeros = vec![0u8; 10 << 20];
        let bomb = gzip(&zeros);
        assert!(bomb.len() * 100 < zeros.len());
        assert!(matches!(
            decode(Some("gzip"), bomb.clone(), 50 << 20, 100),
            Err(BodyError::BadEncoding)
        ));
        assert!(matches!(
            decode(Some("gzip"), bomb, 1 << 20, 100_000),
            Err(BodyError::TooLarge { .. })
        ));
    }

    #[test]
    fn unknown_and_corrupt_encodings_are_errors() {
        assert!(matches!(
            decode(Some("zstd"), Bytes::from_static(b"x"), 100, 100),
            Err(BodyError::UnsupportedEncoding(_))
        ));
        assert!(matches!(
            decode(Some("gzip"), Bytes::from_static(b"not gzip"), 100, 100),
            Err(BodyError::BadEncoding)
        ));
        assert_eq!(
            decode(Some("identity"), Bytes::from_static(b"x"), 100, 100).unwrap(),
            Bytes::from_static(b"x")
        );
    }
}
