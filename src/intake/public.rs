//! A page a reader asked for on the public side, as parts to scan. The
//! gateway runs it on the page it fetched; the takedown page runs it
//! again on the stored copy, so a finding's part name (`公开页面 site ›
//! 正文`) is the same in both and the reviewer sees it highlighted.

use bytes::Bytes;

use super::{Head, IntakeError, IntakeLimits, Upload, read};

/// The parts of a public page: its content (already freed of any
/// `Content-Encoding`) split by its type, each named after the route.
/// The page's address is not a part: it is the reader's request, not what
/// the site publishes.
pub async fn public_page(
    route: &str,
    target: &str,
    content_type: Option<&str>,
    content: Bytes,
    limits: &IntakeLimits,
) -> Result<Vec<Upload>, IntakeError> {
    let head = Head {
        method: "GET".into(),
        target: String::new(),
        headers: content_type
            .map(|t| vec![("content-type".to_string(), t.as_bytes().to_vec())])
            .unwrap_or_default(),
    };
    let read = read(&head, content, limits).await?;
    // A file name in the path helps format sniffing (an attachment served
    // as application/octet-stream); magic bytes still win.
    let hint = file_name(target);
    Ok(read
        .uploads
        .into_iter()
        .map(|mut u| {
            u.label = format!("公开页面 {route} › {}", u.label);
            if u.hint.is_empty() {
                u.hint = hint.clone();
            }
            u
        })
        .collect())
}

/// The last path segment, if it names a file (`通知.pdf`).
fn file_name(target: &str) -> String {
    let path = target.split('?').next().unwrap_or("");
    let last = path.rsplit('/').next().unwrap_or("");
    let decoded = percent_encoding::percent_decode_str(last).decode_utf8_lossy();
    if decoded.contains('.') {
        decoded.into_owned()
    } else {
        String::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_name_is_taken_from_the_last_segment() {
        assert_eq!(file_name("/files/%E9%80%9A%E7%9F%A5.pdf?x=1"), "通知.pdf");
        assert_eq!(file_name("/?p=42"), "");
    }
}
