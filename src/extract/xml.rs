//! Generic XML: every text node and every attribute value that can carry
//! text. Used for XML bodies and files, and by the DOCX extractor for every
//! part it has no special reader for (settings and document variables,
//! custom XML, charts, relationships with their link targets…), so no XML
//! part of a document is left unread.
//!
//! Attribute values are kept when they can carry something a detector
//! looks for — any non-ASCII character, six or more digits, an `@`, or a
//! percent escape (a URL query, decoded here) — which leaves out the
//! thousands of style names, sizes and revision ids an office file holds.
//! Character and predefined entity references are resolved; a DOCTYPE
//! that declares entities is refused (billion laughs), like in DOCX.
//!
//! Files travel inside XML as base64 text: XML-RPC's `<base64>` member
//! (`wp.uploadFile` sends a whole DOCX that way), SOAP attachments, images
//! in custom XML. Such a text node is decoded and handed over as a nested
//! file (as the JSON reader does with long base64 values), not read as a
//! run of letters that hides what it carries.

use std::borrow::Cow;

use quick_xml::Reader;
use quick_xml::events::Event;

use super::Limits;
use crate::model::{Document, Format, PartKind};

/// What the reader found in one XML document or part.
#[derive(Debug, Default)]
pub struct XmlText {
    /// Text nodes (and CDATA), a line per element that holds text.
    pub text: String,
    /// Text-bearing attribute values, a line each.
    pub attributes: String,
    /// Why reading stopped early, if it did.
    pub error: Option<String>,
    /// Files carried as base64 text, decoded (their text is in `text`
    /// as well).
    pub files: Vec<Vec<u8>>,
}

/// Reads the text of an XML document (already decoded to UTF-8).
pub fn read(xml: &str, limits: &Limits) -> XmlText {
    let mut out = XmlText::default();
    let mut reader = Reader::from_str(xml);
    reader.config_mut().check_end_names = false;
    let mut depth = 0usize;
    // The element the text belongs to: an XML-RPC `<base64>` is a file
    // whatever its length.
    let mut in_base64 = false;
    loop {
        let event = match reader.read_event() {
            Ok(e) => e,
            Err(_) => {
                out.error = Some(malformed(reader.buffer_position()));
                break;
            }
        };
        match event {
            Event::Start(e) => {
                depth += 1;
                in_base64 = e.local_name().as_ref() == "base64";
                read_attributes(&e, &mut out.attributes);
                if depth > limits.max_xml_depth {
                    out.error = Some("XML 嵌套过深 / XML nested too deeply".into());
                    break;
                }
            }
            Event::Empty(e) => read_attributes(&e, &mut out.attributes),
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                in_base64 = false;
                if !out.text.is_empty() && !out.text.ends_with('\n') {
                    out.text.push('\n');
                }
            }
            Event::Text(t) => {
                let text = t.xml10_content();
                // The text stays too: a caller that does not read nested
                // files (PDF metadata) loses nothing it read before.
                let file = if in_base64 {
                    super::json::base64_file(&text, 1, true)
                } else {
                    super::json::long_base64(&text)
                };
                match file {
                    Some(bytes) => out.files.push(bytes),
                    None if in_base64 && !text.trim().is_empty() => {
                        out.error =
                            Some("XML 中的 base64 内容无法解码 / undecodable base64 value".into());
                    }
                    None => {}
                }
                out.text.push_str(&text);
            }
            Event::CData(t) => out.text.push_str(&t),
            Event::GeneralRef(r) => match resolve_ref(&r) {
                Some(s) => out.text.push_str(&s),
                None => {
                    out.error = Some("XML 含未定义实体 / undefined XML entity".into());
                }
            },
            Event::Comment(c) => {
                // Comments are in the file as published.
                out.text.push_str(&c.xml10_content());
                out.text.push('\n');
            }
            Event::DocType(d) if d.xml10_content().contains("ENTITY") => {
                out.error =
                    Some("XML 声明了实体（疑似实体炸弹）/ XML entity declarations refused".into());
                break;
            }
            Event::Eof => break,
            _ => {}
        }
    }
    out
}

/// Keeps an element's text-bearing attribute values.
pub fn read_attributes(e: &quick_xml::events::BytesStart<'_>, to: &mut String) {
    for attr in e.attributes().with_checks(false).flatten() {
        if is_id_attribute(attr.key.local_name().as_ref()) {
            continue;
        }
        let value = attr
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .unwrap_or_else(|_| attr.value.clone());
        push_attribute(to, &value);
    }
}

/// Attributes that are identifiers by the file format's own definition
/// (revision ids, paragraph ids): hex numbers, never text.
fn is_id_attribute(local: &str) -> bool {
    local.starts_with("rsid") || local == "paraId" || local == "textId"
}

/// Keeps an attribute value if it can carry something a detector looks
/// for; a URL's percent escapes are decoded first.
pub fn push_attribute(to: &mut String, value: &str) {
    let value = value.trim();
    if value.is_empty() || !may_carry_text(value) {
        return;
    }
    if value.contains('%') {
        let decoded = percent_encoding::percent_decode_str(value).decode_utf8_lossy();
        to.push_str(&decoded);
    } else {
        to.push_str(value);
    }
    to.push('\n');
}

/// Whether an attribute value can hold text a detector looks for.
pub fn may_carry_text(value: &str) -> bool {
    !value.is_ascii()
        || value.bytes().filter(u8::is_ascii_digit).count() >= 6
        || value.contains('@')
        || value.contains('%')
}

/// The five predefined entities and character references.
pub fn resolve_ref(r: &quick_xml::events::BytesRef<'_>) -> Option<Cow<'static, str>> {
    if let Ok(Some(c)) = r.resolve_char_ref() {
        return Some(Cow::Owned(c.to_string()));
    }
    let name: &str = r.as_ref();
    let s = match name {
        "lt" => "<",
        "gt" => ">",
        "amp" => "&",
        "apos" => "'",
        "quot" => "\"",
        _ => return None,
    };
    Some(Cow::Borrowed(s))
}

/// The reason for malformed XML: the byte position only (parser messages
/// quote the document, and reasons are shown unmasked).
pub fn malformed(position: u64) -> String {
    format!("XML 格式错误（第 {position} 字节附近），文件可能损坏 / malformed XML")
}

/// The encoding an XML declaration names (`<?xml version="1.0" encoding="GBK"?>`).
pub fn declared_encoding(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let head = &bytes[..bytes.len().min(200)];
    let head = String::from_utf8_lossy(head);
    let decl = head.trim_start_matches('\u{feff}').trim_start();
    if !decl.starts_with("<?xml") {
        return None;
    }
    let end = decl.find("?>")?;
    let decl = &decl[..end];
    let at = decl.find("encoding")? + "encoding".len();
    let rest = decl[at..].trim_start().strip_prefix('=')?.trim_start();
    let quote = rest.chars().next()?;
    let label = rest[1..].split(quote).next()?;
    encoding_rs::Encoding::for_label(label.trim().as_bytes())
}

/// Decodes an XML file by its BOM, its declaration, or by guessing.
pub fn decode(bytes: &[u8]) -> super::text::Decoded {
    super::text::decode(bytes, declared_encoding(bytes))
}

/// Extracts an XML document: text nodes as content, attributes apart.
pub fn extract(bytes: &[u8], limits: &Limits) -> Document {
    let mut doc = Document::new(Format::Xml);
    let decoded = decode(bytes);
    if super::text::mostly_garbage(&decoded) {
        doc.unreadable("xml", "XML 编码无法识别 / undecodable XML");
        return doc;
    }
    let found = read(&decoded.text, limits);
    if let Some(e) = found.error {
        doc.unreadable("xml", e);
    }
    doc.push("xml", PartKind::Content, found.text);
    doc.push("xml:attributes", PartKind::Attribute, found.attributes);
    for bytes in found.files {
        doc.embed("xml:base64", "base64", bytes);
    }
    doc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_references_and_attributes() {
        let xml = "<?xml version=\"1.0\"?><r a=\"x\" note=\"联系人\" href=\"http://x/?id=%33%37%30%31%30%32\" \
                   w:rsidR=\"00123456\"><p>身份证&#51;&#55;0102</p><![CDATA[附件]]></r>";
        let got = read(xml, &Limits::default());
        assert!(got.text.contains("身份证370102"), "{got:?}");
        assert!(got.text.contains("附件"));
        assert!(got.attributes.contains("联系人"));
        assert!(got.attributes.contains("?id=370102"), "{got:?}");
        assert!(
            !got.attributes.contains("00123456"),
            "revision ids are not text"
        );
        assert!(got.error.is_none());
    }

    #[test]
    fn entities_are_refused_and_gbk_is_decoded() {
        let bomb = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY a \"aaaa\">]><r>&a;</r>";
        assert!(read(bomb, &Limits::default()).error.is_some());
        let (gbk, _, _) =
            encoding_rs::GBK.encode("<?xml version=\"1.0\" encoding=\"GBK\"?><r>采购公告</r>");
        let doc = extract(&gbk, &Limits::default());
        assert!(doc.pieces[0].text.contains("采购公告"), "{:?}", doc.pieces);
    }
}
