//! Decide the format from magic bytes first, then the file name, then the
//! content. Magic bytes win because a name can lie (`notice.txt` that is a
//! PDF); an unknown format is a value, not an error.

use crate::model::Format;

/// The sniffed format, and for `Unknown` the reason to show.
#[derive(Debug, Clone)]
pub struct Sniffed {
    /// The format to extract as.
    pub format: Format,
    /// Why the format is unknown, when it is.
    pub reason: Option<String>,
}

fn known(format: Format) -> Sniffed {
    Sniffed {
        format,
        reason: None,
    }
}

fn unknown(reason: &str) -> Sniffed {
    Sniffed {
        format: Format::Unknown,
        reason: Some(reason.to_string()),
    }
}

/// Sniffs `bytes` named `name`.
pub fn sniff(name: &str, bytes: &[u8]) -> Sniffed {
    let head = &bytes[..bytes.len().min(1024)];
    if find(head, b"%PDF-").is_some() {
        return known(Format::Pdf);
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        // A zip. DOCX has word/document.xml; its name is stored uncompressed
        // in the local and central headers.
        if find(bytes, b"word/document.xml").is_some()
            || find(bytes, b"[Content_Types].xml").is_some()
        {
            return known(Format::Docx);
        }
        return known(Format::Zip);
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return unknown(
            "旧版 Office 或加密的 Office 文件（OLE2），无法检查 / legacy .doc/.xls or encrypted Office file",
        );
    }
    if bytes.starts_with(&[0x1F, 0x8B]) {
        return known(Format::Gzip);
    }
    if super::image::is_image(bytes) {
        return known(Format::Image);
    }
    let trimmed = trim_start(head);
    if trimmed.starts_with(b"{\\rtf") {
        return known(Format::Rtf);
    }
    // An MHT archive saved as `.doc` or `.htm` is still MIME.
    if super::mime::looks_like_mime(bytes) {
        return known(Format::Mime);
    }
    let ext = extension(name);
    match ext.as_str() {
        "pdf" => return known(Format::Pdf),
        "docx" => return known(Format::Docx),
        "html" | "htm" | "xhtml" | "shtml" => return known(Format::Html),
        "json" => return known(Format::Json),
        "txt" | "text" | "csv" | "md" | "log" => return known(Format::Text),
        "png" | "jpg" | "jpeg" | "gif" | "bmp" | "tif" | "tiff" | "webp" => {
            return unknown("图片文件无法识别（文件头不符）/ unrecognised image");
        }
        _ => {}
    }
    // NUL bytes: UTF-16 or UTF-32 text without a BOM, or binary.
    if looks_binary(head) && !super::text::is_wide_text(bytes) {
        return unknown("二进制或未知格式文件 / binary or unknown file type");
    }
    if trimmed.first().is_some_and(|b| *b == b'{' || *b == b'[')
        && serde_json::from_slice::<serde::de::IgnoredAny>(bytes).is_ok()
    {
        return known(Format::Json);
    }
    if looks_html(head) {
        return known(Format::Html);
    }
    if trimmed.starts_with(b"<?xml") || ext == "xml" {
        return known(Format::Xml);
    }
    known(Format::Text)
}

fn extension(name: &str) -> String {
    let file = name.rsplit(['/', '\\']).next().unwrap_or(name);
    match file.rsplit_once('.') {
        Some((_, ext)) => ext.to_ascii_lowercase(),
        None => String::new(),
    }
}

fn trim_start(b: &[u8]) -> &[u8] {
    let b = b.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(b);
    let n = b.iter().take_while(|c| c.is_ascii_whitespace()).count();
    &b[n..]
}

/// NUL bytes do not occur in text, except UTF-16 and UTF-32 (checked
/// separately, with or without a BOM).
fn looks_binary(head: &[u8]) -> bool {
    if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
        return false;
    }
    head.contains(&0)
}

fn looks_html(head: &[u8]) -> bool {
    let lower: Vec<u8> = head.iter().map(|b| b.to_ascii_lowercase()).collect();
    [
        &b"<!doctype html"[..],
        b"<html",
        b"<head",
        b"<body",
        b"<div",
        b"<p>",
        b"<p ",
        b"<table",
        b"<meta",
        b"<span",
    ]
    .iter()
    .any(|tag| find(&lower, tag).is_some())
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magic_beats_extension() {
        assert_eq!(sniff("a.txt", b"%PDF-1.4\n").format, Format::Pdf);
        assert_eq!(
            sniff("a.bin", b"\xD0\xCF\x11\xE0rest").format,
            Format::Unknown
        );
    }

    #[test]
    fn content_sniffing() {
        assert_eq!(
            sniff("x", b"<html><body>hi</body></html>").format,
            Format::Html
        );
        assert_eq!(sniff("x", br#"{"a": "b"}"#).format, Format::Json);
        assert_eq!(sniff("x", "招标公告".as_bytes()).format, Format::Text);
        assert_eq!(sniff("x", b"\x00\x01\x02binary").format, Format::Unknown);
        assert_eq!(
            sniff(
                "x.doc",
                b"MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=a\r\n\r\n"
            )
            .format,
            Format::Mime
        );
        assert_eq!(sniff("x", b"{\\rtf1\\ansi hello}").format, Format::Rtf);
        assert_eq!(
            sniff("x", b"<?xml version=\"1.0\"?><r/>").format,
            Format::Xml
        );
        let utf16: Vec<u8> = "招标公告 ID 370102"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert_eq!(sniff("x", &utf16).format, Format::Text);
    }
}
