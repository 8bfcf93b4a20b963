//! Intake: from a publish request's body to one [`Document`]. The body is
//! decoded ([`decode`]), split by its content type (form fields, multipart
//! parts, attachments), each part is extracted by the engine's extractors,
//! and the pieces are merged with the part's name in front, so a finding
//! says "attachment 附件.pdf › page 2".
//!
//! The gateway runs it to inspect a request; the review page runs it again
//! on the stored request to show the text, so both see the same pieces.
//! Splitting is async (multer); extraction is blocking and runs on the
//! blocking pool.

pub mod decode;
mod public;

pub use public::public_page;

use bytes::Bytes;

use crate::engine::Engine;
use crate::model::{Document, Format};

/// One part of a request body.
#[derive(Debug, Clone)]
pub struct Upload {
    /// Label in findings: `body`, `form:content`, `attachment 附件.pdf`.
    pub label: String,
    /// A file name for format sniffing (extension hint); magic bytes win.
    pub hint: String,
    /// The part's bytes.
    pub bytes: Bytes,
}

/// A body that cannot be split.
#[derive(Debug, thiserror::Error)]
pub enum SplitError {
    /// Malformed multipart data.
    #[error("malformed multipart body: {0}")]
    Multipart(String),
    /// Too many parts or fields.
    #[error("more than {0} parts or fields")]
    TooManyParts(usize),
}

/// What intake reads of a request besides its body: method, target and
/// headers, as sent (or as stored for a held request).
#[derive(Debug, Clone)]
pub struct Head {
    /// The method.
    pub method: String,
    /// Path and query, as sent.
    pub target: String,
    /// Headers, in order, repeated ones repeated.
    pub headers: Vec<(String, Vec<u8>)>,
}

impl Head {
    /// A header's value; repeated headers joined with `, ` (RFC 9110).
    pub fn header(&self, name: &str) -> Option<String> {
        let values: Vec<String> = self
            .headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| String::from_utf8_lossy(v).into_owned())
            .collect();
        (!values.is_empty()).then(|| values.join(", "))
    }
}

/// Bounds for reading a request body.
#[derive(Debug, Clone, Copy)]
pub struct IntakeLimits {
    /// Largest decoded body.
    pub max_body_bytes: usize,
    /// Largest decoded / encoded size ratio.
    pub max_decode_ratio: usize,
    /// Most parts or fields.
    pub max_parts: usize,
}

/// Why a request could not be read.
#[derive(Debug, thiserror::Error)]
pub enum IntakeError {
    /// `Content-Encoding` could not be undone.
    #[error(transparent)]
    Decode(#[from] decode::DecodeError),
    /// The body could not be split into its parts.
    #[error(transparent)]
    Split(#[from] SplitError),
}

/// A request read for scanning.
#[derive(Debug, Clone)]
pub struct Intake {
    /// Everything to scan: body parts, query, path, headers.
    pub uploads: Vec<Upload>,
    /// Bytes of the decoded body.
    pub body_bytes: usize,
}

/// The one door into intake, for the gateway, its re-check of a redacted
/// body and the review page alike: undoes the content and transfer
/// encodings, splits the body by its type, and adds the query string, the
/// path and the request's own headers as parts of their own — a value can
/// be published through any of them.
pub async fn read(head: &Head, raw: Bytes, limits: &IntakeLimits) -> Result<Intake, IntakeError> {
    let decoded = decode::decode(
        head.header("content-encoding").as_deref(),
        raw,
        limits.max_body_bytes,
        limits.max_decode_ratio,
    )?;
    let decoded = match head
        .header("content-transfer-encoding")
        .and_then(|cte| decode::transfer_decode(&cte, &decoded))
    {
        Some(undone) => Bytes::from(undone),
        None => decoded,
    };
    let body_bytes = decoded.len();
    let mut uploads = if decoded.is_empty() {
        Vec::new()
    } else {
        split(
            head.header("content-type").as_deref(),
            decoded,
            limits.max_parts,
        )
        .await?
    };
    let uri: Option<http::Uri> = head.target.parse().ok();
    if let Some(uri) = &uri {
        uploads.extend(query_upload(uri));
        uploads.extend(path_upload(uri));
    }
    uploads.extend(headers_upload(&head.headers));
    Ok(Intake {
        uploads,
        body_bytes,
    })
}

/// The `charset` parameter of a content type, as an encoding.
fn charset_of(content_type: Option<&str>) -> Option<&'static encoding_rs::Encoding> {
    let ct = content_type?;
    ct.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        (k.trim().eq_ignore_ascii_case("charset"))
            .then(|| encoding_rs::Encoding::for_label(v.trim().trim_matches('"').as_bytes()))
            .flatten()
    })
}

/// Text in a declared legacy charset, made UTF-8 (the extractors then read
/// it whatever its format); UTF-8 or undeclared bytes are left alone.
fn to_utf8(bytes: Bytes, charset: Option<&'static encoding_rs::Encoding>) -> Bytes {
    match charset {
        Some(enc) if enc != encoding_rs::UTF_8 && std::str::from_utf8(&bytes).is_err() => {
            let (text, _, _) = enc.decode(&bytes);
            Bytes::from(text.into_owned().into_bytes())
        }
        _ => bytes,
    }
}

/// Splits a decoded body into uploads by its `Content-Type`.
pub async fn split(
    content_type: Option<&str>,
    body: Bytes,
    max_parts: usize,
) -> Result<Vec<Upload>, SplitError> {
    let mime = content_type
        .and_then(|c| c.split(';').next())
        .map(|m| m.trim().to_ascii_lowercase())
        .unwrap_or_default();
    let charset = charset_of(content_type);
    match mime.as_str() {
        "multipart/form-data" => {
            let boundary = content_type
                .and_then(|c| multer::parse_boundary(c).ok())
                .ok_or_else(|| SplitError::Multipart("no boundary".into()))?;
            let mut uploads = outside_parts(&body, &boundary);
            uploads.extend(split_multipart(body, boundary, max_parts).await?);
            Ok(uploads)
        }
        "application/x-www-form-urlencoded" => split_form(&body, charset, max_parts),
        // Other multipart types (related, mixed…) and messages: one MIME
        // document, read by the MIME extractor with its transfer encodings.
        m if m.starts_with("multipart/") || m == "message/rfc822" => {
            let mut message = format!(
                "MIME-Version: 1.0\r\nContent-Type: {}\r\n\r\n",
                content_type.unwrap_or_default()
            )
            .into_bytes();
            message.extend_from_slice(&body);
            Ok(vec![Upload {
                label: "body".into(),
                hint: "body.eml".into(),
                bytes: Bytes::from(message),
            }])
        }
        _ => Ok(vec![Upload {
            label: "body".into(),
            hint: hint_for(&mime, None, "body"),
            bytes: to_utf8(body, charset),
        }]),
    }
}

/// Text before the first boundary and after the last (the preamble and
/// epilogue): parsers skip it, the platform may not.
fn outside_parts(body: &[u8], boundary: &str) -> Vec<Upload> {
    let delimiter = format!("--{boundary}");
    let mut out = Vec::new();
    let Some(first) = find(body, delimiter.as_bytes()) else {
        return out;
    };
    if body[..first].iter().any(|b| !b.is_ascii_whitespace()) {
        out.push(Upload {
            label: "multipart:preamble".into(),
            hint: "preamble".into(),
            bytes: Bytes::copy_from_slice(&body[..first]),
        });
    }
    let close = format!("--{boundary}--");
    if let Some(end) = rfind(body, close.as_bytes()) {
        let after = &body[end + close.len()..];
        if after.iter().any(|b| !b.is_ascii_whitespace()) {
            out.push(Upload {
                label: "multipart:epilogue".into(),
                hint: "epilogue".into(),
                bytes: Bytes::copy_from_slice(after),
            });
        }
    }
    out
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

async fn split_multipart(
    body: Bytes,
    boundary: String,
    max_parts: usize,
) -> Result<Vec<Upload>, SplitError> {
    let len = body.len() as u64;
    let stream = futures_once(body);
    let constraints =
        multer::Constraints::new().size_limit(multer::SizeLimit::new().whole_stream(len + 1));
    let mut multipart = multer::Multipart::with_constraints(stream, boundary, constraints);
    let mut uploads = Vec::new();
    let mut names = Vec::new();
    loop {
        let field = multipart.next_field().await.map_err(multipart_error)?;
        let Some(field) = field else { break };
        if uploads.len() >= max_parts {
            return Err(SplitError::TooManyParts(max_parts));
        }
        let name = field.name().unwrap_or("").to_string();
        let file_name = field.file_name().map(str::to_string);
        let mime = field
            .content_type()
            .map(|m| m.essence_str().to_ascii_lowercase())
            .unwrap_or_default();
        let charset = field
            .content_type()
            .and_then(|m| m.get_param("charset"))
            .and_then(|c| encoding_rs::Encoding::for_label(c.as_str().as_bytes()));
        let transfer = field
            .headers()
            .get("content-transfer-encoding")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        // The part's own headers as written: `filename*=UTF-8''…` (RFC
        // 5987) and any other parameter a platform may keep.
        let part_headers: Vec<(String, Vec<u8>)> = field
            .headers()
            .iter()
            .map(|(n, v)| (n.as_str().to_string(), v.as_bytes().to_vec()))
            .collect();
        let bytes = field.bytes().await.map_err(multipart_error)?;
        // A part's own transfer encoding (base64, quoted-printable) is
        // undone; multer leaves it.
        let bytes = match transfer.and_then(|t| decode::transfer_decode(&t, &bytes)) {
            Some(undone) => Bytes::from(undone),
            None => bytes,
        };
        let bytes = if mime.starts_with("text/") || mime.is_empty() {
            to_utf8(bytes, charset)
        } else {
            bytes
        };
        let label = match &file_name {
            Some(f) => format!("attachment {}", short(f)),
            None => format!("form:{}", short(&name)),
        };
        uploads.push(Upload {
            hint: hint_for(&mime, file_name.as_deref(), "field"),
            label,
            bytes,
        });
        names.push(name);
        names.extend(file_name);
        if let Some(headers) = headers_upload(&part_headers) {
            names.push(String::from_utf8_lossy(&headers.bytes).into_owned());
        }
    }
    uploads.extend(names_upload(names));
    Ok(uploads)
}

/// multer's messages can quote field names, which a submitter controls and
/// which may carry the very values we mask: say what kind of fault it is,
/// never what the part said.
fn multipart_error(e: multer::Error) -> SplitError {
    let what = match e {
        multer::Error::IncompleteStream | multer::Error::IncompleteFieldData { .. } => {
            "the body ends inside a part"
        }
        multer::Error::IncompleteHeaders | multer::Error::ReadHeaderFailed(_) => {
            "a part's headers cannot be read"
        }
        multer::Error::StreamSizeExceeded { .. } | multer::Error::FieldSizeExceeded { .. } => {
            "a part is too large"
        }
        _ => "the parts cannot be read",
    };
    SplitError::Multipart(what.into())
}

/// A one-chunk stream for multer, which reads bodies as streams.
fn futures_once(
    body: Bytes,
) -> impl futures_core::Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static {
    struct Once(Option<Bytes>);
    impl futures_core::Stream for Once {
        type Item = Result<Bytes, std::io::Error>;
        fn poll_next(
            mut self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<Self::Item>> {
            std::task::Poll::Ready(self.0.take().map(Ok))
        }
    }
    Once(Some(body))
}

fn split_form(
    body: &[u8],
    charset: Option<&'static encoding_rs::Encoding>,
    max_parts: usize,
) -> Result<Vec<Upload>, SplitError> {
    let mut uploads = Vec::new();
    let mut names = Vec::new();
    let mut boxes: Vec<String> = Vec::new();
    for pair in body.split(|b| *b == b'&').filter(|p| !p.is_empty()) {
        if uploads.len() >= max_parts {
            return Err(SplitError::TooManyParts(max_parts));
        }
        let (key, value) = match pair.iter().position(|b| *b == b'=') {
            Some(i) => (&pair[..i], &pair[i + 1..]),
            None => (pair, &b""[..]),
        };
        let key = form_text(key, charset);
        let value = form_text(value, charset);
        if value.chars().count() <= 12 {
            boxes.push(value.clone());
        }
        uploads.push(Upload {
            label: format!("form:{}", short(&key)),
            // No extension: a field is read by its content.
            hint: "field".into(),
            bytes: Bytes::from(value.into_bytes()),
        });
        names.push(key);
    }
    // A value typed into several boxes (`id1=3701&id2=0219…`) reads as one
    // row of cells: the short values again, side by side.
    if boxes.len() > 1 {
        uploads.push(Upload {
            label: "form:values".into(),
            hint: "values.txt".into(),
            bytes: Bytes::from(boxes.join("\t").into_bytes()),
        });
    }
    uploads.extend(names_upload(names));
    Ok(uploads)
}

/// One form name or value: `+` is a space, percent escapes are bytes, the
/// bytes are text in the declared charset (or detected: GBK forms are sent
/// without one). A value percent-encoded twice is decoded again, and both
/// readings are kept.
fn form_text(raw: &[u8], charset: Option<&'static encoding_rs::Encoding>) -> String {
    let plus: Vec<u8> = raw
        .iter()
        .map(|b| if *b == b'+' { b' ' } else { *b })
        .collect();
    let bytes: Vec<u8> = percent_encoding::percent_decode(&plus).collect();
    let text = crate::extract::text::decode(&bytes, charset).text;
    if has_percent_escape(&text) {
        let again: Vec<u8> = percent_encoding::percent_decode_str(&text).collect();
        let again = crate::extract::text::decode(&again, charset).text;
        return format!("{text}\n{again}");
    }
    text
}

fn has_percent_escape(s: &str) -> bool {
    let b = s.as_bytes();
    b.windows(3)
        .any(|w| w[0] == b'%' && w[1].is_ascii_hexdigit() && w[2].is_ascii_hexdigit())
}

/// Field names and file names are text a submitter chose, and a text body
/// sent with the wrong content type lands in them: they are scanned too.
fn names_upload(names: Vec<String>) -> Option<Upload> {
    let text = names.join("\n");
    (!text.trim().is_empty()).then(|| Upload {
        label: "form:names".into(),
        hint: "names.txt".into(),
        bytes: Bytes::from(text.into_bytes()),
    })
}

/// The query string of a publish request as one more part to scan
/// (`url:query`): percent-decoded, one `name：value` pair per line. None
/// when there is no query.
pub fn query_upload(uri: &http::Uri) -> Option<Upload> {
    let query = uri.query().filter(|q| !q.is_empty())?;
    let mut text = String::new();
    for (name, value) in form_urlencoded::parse(query.as_bytes()) {
        text.push_str(&name);
        if !value.is_empty() {
            text.push('：');
            text.push_str(&value);
        }
        text.push('\n');
    }
    Some(Upload {
        label: "url:query".into(),
        hint: "query.txt".into(),
        bytes: Bytes::from(text.into_bytes()),
    })
}

/// The request path as one more part to scan (`url:path`), percent-decoded,
/// when it can carry a value: six or more digits, non-ASCII text, an
/// escape, or `;` parameters (`/notices/370102…`, `/a;zj=…`).
pub fn path_upload(uri: &http::Uri) -> Option<Upload> {
    let path = uri.path();
    let digits = path.bytes().filter(u8::is_ascii_digit).count();
    if digits < 6 && path.is_ascii() && !path.contains(['%', ';']) {
        return None;
    }
    let bytes: Vec<u8> = percent_encoding::percent_decode_str(path).collect();
    let text = crate::extract::text::decode(&bytes, None).text;
    Some(Upload {
        label: "url:path".into(),
        hint: "path.txt".into(),
        bytes: Bytes::from(text.replace('/', "\n").into_bytes()),
    })
}

/// Headers that only frame or negotiate the exchange, and credentials
/// (never read). Every other header — custom ones (`X-Applicant-Id`),
/// `Content-Disposition` with its file name, cookies — is scanned.
const NOT_CONTENT_HEADERS: &[&str] = &[
    "host",
    "content-length",
    "content-type",
    "content-encoding",
    "content-transfer-encoding",
    "transfer-encoding",
    "connection",
    "keep-alive",
    "te",
    "trailer",
    "upgrade",
    "expect",
    "accept",
    "accept-encoding",
    "accept-language",
    "accept-charset",
    "authorization",
    "proxy-authorization",
    "cache-control",
    "pragma",
    "if-match",
    "if-none-match",
    "if-modified-since",
    "if-unmodified-since",
    "range",
    "x-forwarded-for",
    "x-forwarded-proto",
    "x-forwarded-host",
    "x-real-ip",
    "forwarded",
    "via",
];

/// The request's own headers as one more part (`request headers`): one
/// `name：value` line each, RFC 2047 words and percent escapes decoded.
/// None when no header can carry content.
pub fn headers_upload(headers: &[(String, Vec<u8>)]) -> Option<Upload> {
    let mut text = String::new();
    for (name, value) in headers {
        let lower = name.to_ascii_lowercase();
        if NOT_CONTENT_HEADERS.contains(&lower.as_str()) {
            continue;
        }
        let value = crate::extract::text::decode(value, None).text;
        let mut value = decode_encoded_words(&value);
        if has_percent_escape(&value) {
            let decoded: Vec<u8> = percent_encoding::percent_decode_str(&value).collect();
            value = crate::extract::text::decode(&decoded, None).text;
        }
        text.push_str(name);
        text.push('：');
        text.push_str(&value);
        text.push('\n');
    }
    (!text.is_empty()).then(|| Upload {
        label: "request headers".into(),
        hint: "headers.txt".into(),
        bytes: Bytes::from(text.into_bytes()),
    })
}

/// RFC 2047 encoded words (`=?UTF-8?B?…?=`, `=?GBK?Q?…?=`) decoded in place.
fn decode_encoded_words(value: &str) -> String {
    if !value.contains("=?") {
        return value.to_string();
    }
    let mut out = String::new();
    let mut rest = value;
    while let Some(start) = rest.find("=?") {
        out.push_str(&rest[..start]);
        let word = &rest[start + 2..];
        let mut fields = word.splitn(3, '?');
        let (Some(charset), Some(kind), Some(tail)) = (fields.next(), fields.next(), fields.next())
        else {
            out.push_str(&rest[start..]);
            return out;
        };
        let Some(end) = tail.find("?=") else {
            out.push_str(&rest[start..]);
            return out;
        };
        let data = &tail[..end];
        let bytes = match kind {
            "B" | "b" => {
                use base64::Engine as _;
                base64::engine::general_purpose::STANDARD.decode(data).ok()
            }
            "Q" | "q" => Some(decode::quoted_printable(data.replace('_', " ").as_bytes())),
            _ => None,
        };
        let encoding =
            encoding_rs::Encoding::for_label(charset.as_bytes()).unwrap_or(encoding_rs::UTF_8);
        match bytes {
            Some(b) => out.push_str(&encoding.decode(&b).0),
            None => out.push_str(&rest[start..start + 2 + charset.len() + kind.len() + end + 4]),
        }
        rest = &tail[end + 2..];
        // Whitespace between two encoded words is not part of the text.
        if rest.trim_start().starts_with("=?") {
            rest = rest.trim_start();
        }
    }
    out.push_str(rest);
    out
}

/// A field or file name fit for a part label: at most 40 characters, and
/// digit runs of 6 or more masked. Part labels appear in findings, and a
/// file name like `张三身份证370102….pdf` must not put the number there.
fn short(name: &str) -> String {
    let head: String = name.chars().take(40).collect();
    let mut out = crate::model::mask_digit_runs(&head, 6);
    if name.chars().nth(40).is_some() {
        out.push('…');
    }
    out
}

/// A sniffing hint from the declared type; a file name wins over it, and
/// magic bytes win over both (in the extractors).
fn hint_for(mime: &str, file_name: Option<&str>, fallback: &str) -> String {
    if let Some(f) = file_name {
        return f.to_string();
    }
    let ext = match mime {
        "text/html" | "application/xhtml+xml" => ".html",
        "application/json" => ".json",
        "application/xml" | "text/xml" => ".xml",
        "application/rtf" | "text/rtf" => ".rtf",
        "application/pdf" => ".pdf",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => ".docx",
        _ => "",
    };
    // Names without an extension are sniffed by content (HTML in a
    // text field is read as HTML).
    format!("{}{ext}", fallback.replace('.', "_"))
}

/// Extracts every upload and merges them into one document. Blocking.
pub fn to_document(engine: &Engine, uploads: &[Upload]) -> Document {
    if let [only] = uploads
        && only.label == "body"
    {
        return engine.extract(&only.hint, &only.bytes);
    }
    let mut merged = Document::new(Format::Unknown);
    for upload in uploads {
        let mut doc = engine.extract(&upload.hint, &upload.bytes);
        // A part with bytes but no text to read is unscannable on its own:
        // other parts (a title field, the query string) must not make the
        // request look readable. E.g. an HTML body whose text all sits in a
        // broken attribute (`<meta charset="utf-8>…`) is still published.
        let has_bytes = upload.bytes.iter().any(|b| !b.is_ascii_whitespace());
        if has_bytes && doc.pieces.is_empty() && doc.unreadable.is_empty() {
            doc.unreadable("file", "文件中没有可检查的文字 / no text to inspect");
        }
        if merged.format == Format::Unknown {
            merged.format = doc.format;
        }
        for mut piece in doc.pieces {
            piece.part = format!("{} › {}", upload.label, piece.part);
            merged.pieces.push(piece);
        }
        for mut u in doc.unreadable {
            u.part = format!("{} › {}", upload.label, u.part);
            merged.unreadable.push(u);
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::short;

    #[test]
    fn labels_are_short_and_masked() {
        assert_eq!(short("content"), "content");
        assert_eq!(
            short("身份证370102198001011237.pdf"),
            "身份证370102********1237.pdf"
        );
        assert_eq!(short("附件2024.pdf"), "附件2024.pdf");
        assert_eq!(short(&"长".repeat(50)).chars().count(), 41);
    }
}
