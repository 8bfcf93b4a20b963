//! MIME containers: MHT web archives (Word's and IE's "single file web
//! page", also saved with a `.doc` name) and `.eml` messages, parsed by
//! `mail-parser` (base64 and quoted-printable transfer encodings, RFC 2047
//! headers, every charset encoding_rs knows).
//!
//! Plain-text parts become pieces; every other part — HTML, pictures,
//! attached documents, nested messages — is handed over as an embedded
//! file, so the extractor that owns its format reads it (or reports it
//! unread). Header values (subject, names, file names) are scanned too.

use mail_parser::{Address, HeaderValue, MessageParser, MimeHeaders, PartType};

use crate::model::{Document, Format, PartKind};

/// Whether `bytes` starts like a MIME message or MHT archive: a header
/// block with `MIME-Version` or a multipart `Content-Type` before the
/// first blank line.
pub fn looks_like_mime(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    let end = find(head, b"\r\n\r\n")
        .or_else(|| find(head, b"\n\n"))
        .unwrap_or(head.len());
    let headers = String::from_utf8_lossy(&head[..end]).to_ascii_lowercase();
    let first = headers.lines().next().unwrap_or("");
    // The block must start like a header line, not like prose.
    let header_like = first.split_once(':').is_some_and(|(name, _)| {
        !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    });
    header_like
        && (headers.contains("mime-version:")
            || headers.contains("content-type: multipart/")
            || headers.contains("content-type:multipart/"))
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Extracts a MIME message or MHT archive.
pub fn extract(bytes: &[u8]) -> Document {
    let mut doc = Document::new(Format::Mime);
    let Some(message) = MessageParser::default().parse(bytes) else {
        doc.unreadable("mime", "MIME 格式无法解析 / unreadable MIME message");
        return doc;
    };
    let mut headers = String::new();
    for header in message.headers() {
        header_text(header.value(), &mut headers);
    }
    for (i, part) in message.parts.iter().enumerate() {
        let name = part
            .attachment_name()
            .or_else(|| part.content_location())
            .map(str::to_string);
        if let Some(n) = &name {
            headers.push_str(n);
            headers.push('\n');
        }
        let label = match &name {
            Some(n) => format!("mime:part {} ({})", i, short(n)),
            None => format!("mime:part {i}"),
        };
        if part.is_encoding_problem {
            doc.unreadable(
                label.clone(),
                "MIME 部分编码损坏，无法完整解码 / MIME part could not be decoded",
            );
        }
        match &part.body {
            PartType::Text(text) => doc.push(label, PartKind::Content, text.to_string()),
            PartType::Html(html) => {
                doc.embed(label, "part.html", html.as_bytes().to_vec());
            }
            PartType::Binary(data) | PartType::InlineBinary(data) => {
                let hint = name
                    .clone()
                    .unwrap_or_else(|| hint_for(part.content_type()));
                doc.embed(label, hint, data.to_vec());
            }
            PartType::Message(inner) => {
                doc.embed(label, "message.eml", inner.raw_message.to_vec());
            }
            PartType::Multipart(_) => {}
        }
    }
    doc.push("mime:headers", PartKind::Metadata, headers);
    doc
}

fn hint_for(ct: Option<&mail_parser::ContentType<'_>>) -> String {
    let Some(ct) = ct else {
        return "part".into();
    };
    let sub = ct.subtype().unwrap_or("").to_ascii_lowercase();
    let ext = match (ct.ctype().to_ascii_lowercase().as_str(), sub.as_str()) {
        ("application", "pdf") => "pdf",
        ("application", s) if s.contains("wordprocessingml") => "docx",
        ("application", "json") => "json",
        ("application", "rtf") | ("text", "rtf") => "rtf",
        ("text", "html") => "html",
        ("text", "xml") | ("application", "xml") => "xml",
        ("text", _) => "txt",
        _ => "bin",
    };
    format!("part.{ext}")
}

/// A file name fit for a part label: at most 40 characters, long digit
/// runs masked (a name like `张三身份证370102….pdf` must not put the number
/// in a finding's part).
fn short(name: &str) -> String {
    let head: String = name.chars().take(40).collect();
    crate::model::mask_digit_runs(&head, 6)
}

fn header_text(value: &HeaderValue<'_>, out: &mut String) {
    match value {
        HeaderValue::Text(t) => {
            out.push_str(t);
            out.push('\n');
        }
        HeaderValue::TextList(list) => {
            for t in list {
                out.push_str(t);
                out.push('\n');
            }
        }
        HeaderValue::Address(address) => {
            let addrs: Vec<&mail_parser::Addr<'_>> = match address {
                Address::List(list) => list.iter().collect(),
                Address::Group(groups) => groups.iter().flat_map(|g| g.addresses.iter()).collect(),
            };
            for a in addrs {
                if let Some(n) = &a.name {
                    out.push_str(n);
                    out.push(' ');
                }
                if let Some(e) = &a.address {
                    out.push_str(e);
                }
                out.push('\n');
            }
        }
        HeaderValue::ContentType(ct) => {
            for attribute in ct.attributes().unwrap_or(&[]) {
                out.push_str(&attribute.value);
                out.push('\n');
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MHT: &str = "MIME-Version: 1.0\r\nSubject: =?utf-8?B?5Lit5qCH5YWs5ZGK?=\r\nContent-Type: multipart/related; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/html; charset=\"gbk\"\r\nContent-Transfer-Encoding: quoted-printable\r\nContent-Location: file:///C:/a.htm\r\n\r\n<p>=C9=ED=B7=DD=D6=A4 370102</p>\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n6IGU57O75Lq6\r\n--b1\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\nContent-Location: file:///C:/image001.png\r\n\r\niVBORw0KGgo=\r\n--b1--\r\n";

    #[test]
    fn parts_are_decoded_and_handed_over() {
        assert!(looks_like_mime(MHT.as_bytes()));
        assert!(!looks_like_mime("招标公告\n\nMIME-Version: 1.0".as_bytes()));
        let doc = extract(MHT.as_bytes());
        let html = doc
            .embedded
            .iter()
            .find(|e| e.hint.ends_with(".html"))
            .expect("html part");
        assert!(String::from_utf8_lossy(&html.bytes).contains("身份证 370102"));
        assert!(
            doc.pieces.iter().any(|p| p.text.contains("联系人")),
            "{:?}",
            doc.pieces
        );
        assert!(
            doc.pieces
                .iter()
                .any(|p| p.part == "mime:headers" && p.text.contains("中标公告"))
        );
        let png = doc
            .embedded
            .iter()
            .find(|e| e.hint.contains("image001.png"))
            .expect("picture");
        assert!(png.bytes.starts_with(b"\x89PNG"));
    }
}
