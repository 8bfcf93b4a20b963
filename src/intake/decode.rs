//! `Content-Encoding`: gzip, deflate and br, undone under two caps — the
//! inspection limit and a ratio to the encoded size — so a small bomb
//! cannot expand into memory. Only the bytes actually produced count;
//! nothing the archive declares about itself is trusted.

use std::io::Read;

use bytes::Bytes;

/// Why a body could not be decoded.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    /// The decoded body is larger than the inspection limit.
    #[error("decoded body exceeds the inspection limit of {limit} bytes")]
    TooLarge {
        /// The limit.
        limit: usize,
    },
    /// A `Content-Encoding` we cannot decode. The value is kept for the
    /// caller but not shown: a header is whatever the client wrote.
    #[error("unsupported Content-Encoding (gzip, deflate and br are decoded)")]
    Unsupported(String),
    /// Corrupt data, too many layers, or expansion past the ratio.
    #[error("compressed body is corrupt or expands too much")]
    Corrupt,
}

/// Decodes `Content-Encoding` (possibly a list, applied in order), with the
/// decoded size bounded by `limit` and by `ratio` × the encoded size.
pub fn decode(
    encoding: Option<&str>,
    body: Bytes,
    limit: usize,
    ratio: usize,
) -> Result<Bytes, DecodeError> {
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
        return Err(DecodeError::Corrupt);
    }
    for coding in codings.iter().rev() {
        let cap = limit.min(data.len().saturating_mul(ratio).max(4096));
        let reader: Box<dyn Read + '_> = match coding.as_str() {
            "gzip" | "x-gzip" => Box::new(flate2::read::MultiGzDecoder::new(&data[..])),
            "deflate" => Box::new(flate2::read::ZlibDecoder::new(&data[..])),
            "br" => Box::new(brotli::Decompressor::new(&data[..], 8192)),
            other => return Err(DecodeError::Unsupported(other.to_string())),
        };
        let mut out = Vec::new();
        reader
            .take(cap as u64 + 1)
            .read_to_end(&mut out)
            .map_err(|_| DecodeError::Corrupt)?;
        if out.len() > cap {
            return Err(if out.len() > limit {
                DecodeError::TooLarge { limit }
            } else {
                DecodeError::Corrupt
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
            Err(DecodeError::Corrupt)
        ));
        assert!(matches!(
            decode(Some("gzip"), bomb, 1 << 20, 100_000),
            Err(DecodeError::TooLarge { .. })
        ));
    }

    #[test]
    fn unknown_and_corrupt_encodings_are_errors() {
        assert!(matches!(
            decode(Some("zstd"), Bytes::from_static(b"x"), 100, 100),
            Err(DecodeError::Unsupported(_))
        ));
        assert!(matches!(
            decode(Some("gzip"), Bytes::from_static(b"not gzip"), 100, 100),
            Err(DecodeError::Corrupt)
        ));
        assert_eq!(
            decode(Some("identity"), Bytes::from_static(b"x"), 100, 100).unwrap(),
            Bytes::from_static(b"x")
        );
    }
}
