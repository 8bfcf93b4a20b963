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
    match mime.as_str() {
        "multipart/form-data" => {
            let boundary = content_type
                .and_then(|c| multer::parse_boundary(c).ok())
                .ok_or_else(|| SplitError::Multipart("no boundary".into()))?;
            split_multipart(body, boundary, max_parts).await
        }
        "application/x-www-form-urlencoded" => split_form(&body, max_parts),
        _ => Ok(vec![Upload {
            label: "body".into(),
            hint: hint_for(&mime, None, "body"),
            bytes: body,
        }]),
    }
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
        let bytes = field.bytes().await.map_err(multipart_error)?;
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

fn split_form(body: &[u8], max_parts: usize) -> Result<Vec<Upload>, SplitError> {
    let mut uploads = Vec::new();
    let mut names = Vec::new();
    for (key, value) in form_urlencoded::parse(body) {
        if uploads.len() >= max_parts {
            return Err(SplitError::TooManyParts(max_parts));
        }
        uploads.push(Upload {
            label: format!("form:{}", short(&key)),
            // No extension: a field is read by its content.
            hint: "field".into(),
            bytes: Bytes::from(value.into_owned().into_bytes()),
        });
        names.push(key.into_owned());
    }
    uploads.extend(names_upload(names));
    Ok(uploads)
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
