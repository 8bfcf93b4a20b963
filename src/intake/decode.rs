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
            // RFC 9110 says zlib; many clients send raw deflate (no zlib
            // header), as browsers accept. A zlib header's first two bytes
            // are a multiple of 31 with method 8; anything else is raw.
            "deflate" if has_zlib_header(&data) => {
                Box::new(flate2::read::ZlibDecoder::new(&data[..]))
            }
            "deflate" => Box::new(flate2::read::DeflateDecoder::new(&data[..])),
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

/// Whether deflate data starts with a zlib header (RFC 1950).
fn has_zlib_header(data: &[u8]) -> bool {
    data.len() >= 2
        && data[0] & 0x0F == 8
        && (u16::from(data[0]) << 8 | u16::from(data[1])) % 31 == 0
}

/// A request's `Content-Transfer-Encoding` (a MIME header some clients
/// send on the request itself): base64 and quoted-printable are undone;
/// `None` when there is nothing to undo or it does not decode (the body is
/// then read as it is).
pub fn transfer_decode(encoding: &str, body: &[u8]) -> Option<Vec<u8>> {
    match encoding.trim().to_ascii_lowercase().as_str() {
        "base64" => {
            use base64::Engine as _;
            let clean: Vec<u8> = body
                .iter()
                .copied()
                .filter(|b| !b.is_ascii_whitespace())
                .collect();
            base64::engine::general_purpose::STANDARD
                .decode(&clean)
                .or_else(|_| base64::engine::general_purpose::STANDARD_NO_PAD.decode(&clean))
                .ok()
        }
        "quoted-printable" => Some(quoted_printable(body)),
        _ => None,
    }
}

/// Quoted-printable (RFC 2045): `=XX` bytes and `=` soft line breaks.
pub fn quoted_printable(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len());
    let mut i = 0;
    while i < body.len() {
        if body[i] == b'=' {
            if body.get(i + 1) == Some(&b'\r') && body.get(i + 2) == Some(&b'\n') {
                i += 3;
                continue;
            }
            if body.get(i + 1) == Some(&b'\n') {
                i += 2;
                continue;
            }
            let hex = body
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok());
            if let Some(b) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(body[i]);
        i += 1;
    }
    out
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
    fn raw_deflate_and_transfer_encodings() {
        let text = "采购公告 370102198001011237";
        let mut raw =
            flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
        raw.write_all(text.as_bytes()).unwrap();
        let raw = Bytes::from(raw.finish().unwrap());
        assert_eq!(
            decode(Some("deflate"), raw, 1 << 20, 100).unwrap(),
            text.as_bytes()
        );
        let mut zlib = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        zlib.write_all(text.as_bytes()).unwrap();
        let zlib = Bytes::from(zlib.finish().unwrap());
        assert_eq!(
            decode(Some("deflate"), zlib, 1 << 20, 100).unwrap(),
            text.as_bytes()
        );
        assert_eq!(
            transfer_decode("base64", b"MzcwMTAy\r\n").unwrap(),
            b"370102"
        );
        assert_eq!(
            quoted_printable(b"=E8=BA=AB=\r\n=E4=BB=BD 37=\n0102"),
            "身份 370102".as_bytes()
        );
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
