//! DOCX (Office Open XML) and every other zip package (XLSX, PPTX, ODT,
//! plain archives): every entry is read or handed over; none is skipped.
//!
//! * Word-processing parts (body, headers, footers, footnotes, endnotes,
//!   comments, the glossary document): text runs, tracked deletions, field
//!   codes (`w:instrText`), text Word hides (`w:vanish`), and every
//!   text-bearing attribute — drawing alt text, `w:fldSimple/@w:instr`,
//!   legacy form-field defaults, WordArt (`v:textpath/@string`, the usual
//!   `机密` watermark in a header). `<w:bdo w:val="rtl">` is marked with
//!   U+202E…U+202C, as Word displays it reversed.
//! * Document properties (`docProps/*.xml`): one metadata piece each.
//! * Every other XML part (settings with `w:docVars`, custom XML, charts,
//!   relationships with their link targets, styles…): the generic XML
//!   reader ([`super::xml`]).
//! * Everything else — pictures, embedded objects and packages, altChunk
//!   files (HTML, MHT, RTF), fonts — is handed over as an embedded file and
//!   read by its own extractor or reported unread (a picture always is).
//!
//! These are where real leaks hide: a name deleted with change tracking on
//! is still in `word/document.xml` as `<w:delText>`; the author's name is
//! in `docProps/core.xml`. Each goes to its own piece so the finding says
//! where.
//!
//! Zip sizes in headers can lie, so every entry is read through a running
//! byte cap (`Read::take`), with a total budget over the archive. XML is
//! read with quick-xml, which does not expand custom entities; a DOCTYPE
//! that declares entities is refused (billion-laughs).

use std::io::{Cursor, Read};

use quick_xml::Reader;
use quick_xml::events::Event;

use super::Limits;
use super::xml::malformed;
use crate::model::{Document, Format, PartKind};

/// Extracts a DOCX document.
pub fn extract(bytes: &[u8], limits: &Limits) -> Document {
    let mut doc = Document::new(Format::Docx);
    let mut archive = match zip::ZipArchive::new(Cursor::new(bytes)) {
        Ok(a) => a,
        Err(e) => {
            doc.unreadable(
                "docx",
                format!("DOCX 压缩包损坏或被截断：{e} / corrupt or truncated DOCX"),
            );
            return doc;
        }
    };
    if archive.len() > limits.max_docx_entries {
        doc.unreadable(
            "docx",
            format!(
                "DOCX 条目过多（{}）/ too many entries in archive",
                archive.len()
            ),
        );
        return doc;
    }
    let names: Vec<String> = archive
        .file_names()
        .filter_map(|n| n.ok())
        .map(|n| n.into_owned())
        .collect();
    // Any other zip (XLSX, PPTX, ODT, a plain archive) is read the same
    // way, without the word-processing roles: XML parts by the generic
    // reader, other entries as files of their own.
    let word = names.iter().any(|n| n == "word/document.xml");
    if !word {
        doc.format = Format::Zip;
    }
    let mut budget = limits.max_docx_total_bytes;
    let mut parts: Vec<(String, PartRole)> = names
        .iter()
        .filter(|n| !n.ends_with('/'))
        .map(|n| (n.clone(), if word { role(n) } else { generic_role(n) }))
        .collect();
    // Body first, so pieces come out in reading order.
    parts.sort_by_key(|(n, r)| (r.order(), n.clone()));
    for (name, role) in parts {
        let bytes = match read_entry(&mut archive, &name, limits, &mut budget) {
            Ok(bytes) => bytes,
            Err(reason) => {
                doc.unreadable(name.clone(), reason);
                continue;
            }
        };
        match role {
            PartRole::Metadata => read_properties(&name, &bytes, limits, &mut doc),
            PartRole::OtherXml => read_other_xml(&name, &bytes, limits, &mut doc),
            PartRole::File => {
                let hint = name.rsplit('/').next().unwrap_or(&name).to_string();
                doc.embed(name, hint, bytes);
            }
            role => read_wordprocessing(&name, &bytes, role, limits, &mut doc),
        }
    }
    doc
}

/// An XML part without a reader of its own: text and text-bearing
/// attributes, as hidden and attribute pieces named after the part.
fn read_other_xml(name: &str, bytes: &[u8], limits: &Limits, doc: &mut Document) {
    let decoded = super::xml::decode(bytes);
    let found = super::xml::read(&decoded.text, limits);
    if let Some(e) = found.error {
        doc.unreadable(name, e);
    }
    doc.push(name, PartKind::Hidden, found.text);
    doc.push(
        format!("{name}#attributes"),
        PartKind::Attribute,
        found.attributes,
    );
    for bytes in found.files {
        doc.embed(name, "base64", bytes);
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum PartRole {
    Body,
    HeaderFooter,
    Footnote,
    Comment,
    Metadata,
    OtherXml,
    /// Not XML: a picture, an embedded object, an altChunk file, a font.
    File,
}

impl PartRole {
    fn order(self) -> u8 {
        match self {
            PartRole::Body => 0,
            PartRole::HeaderFooter => 1,
            PartRole::Footnote => 2,
            PartRole::Comment => 3,
            PartRole::Metadata => 4,
            PartRole::OtherXml => 5,
            PartRole::File => 6,
        }
    }
}

/// Roles in a zip that is not a DOCX.
fn generic_role(name: &str) -> PartRole {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".xml") || lower.ends_with(".rels") {
        PartRole::OtherXml
    } else {
        PartRole::File
    }
}

fn role(name: &str) -> PartRole {
    let lower = name.to_ascii_lowercase();
    let xml = lower.ends_with(".xml") || lower.ends_with(".rels") || lower.ends_with(".vml");
    match name {
        "word/document.xml" | "word/glossary/document.xml" => PartRole::Body,
        "docProps/core.xml" | "docProps/app.xml" | "docProps/custom.xml" => PartRole::Metadata,
        "word/comments.xml" | "word/commentsExtended.xml" => PartRole::Comment,
        "word/footnotes.xml" | "word/endnotes.xml" => PartRole::Footnote,
        _ if xml && (name.starts_with("word/header") || name.starts_with("word/footer")) => {
            PartRole::HeaderFooter
        }
        _ if xml => PartRole::OtherXml,
        _ => PartRole::File,
    }
}

fn read_entry(
    archive: &mut zip::ZipArchive<Cursor<&[u8]>>,
    name: &str,
    limits: &Limits,
    budget: &mut u64,
) -> Result<Vec<u8>, String> {
    let file = archive
        .by_name(name)
        .map_err(|e| format!("无法读取（可能已加密）：{e} / unreadable or encrypted entry"))?;
    if file.encrypted() {
        return Err("条目已加密，无法检查 / encrypted entry".into());
    }
    let cap = limits.max_docx_entry_bytes.min(*budget);
    let mut out = Vec::new();
    // Declared sizes can lie: the cap is on bytes actually decompressed.
    file.take(cap + 1)
        .read_to_end(&mut out)
        .map_err(|e| format!("解压失败（文件损坏或被截断）：{e} / corrupt entry"))?;
    if out.len() as u64 > cap {
        return Err(format!(
            "解压后超过 {} 字节上限（疑似压缩炸弹）/ decompressed size over limit",
            cap
        ));
    }
    *budget -= out.len() as u64;
    Ok(out)
}

/// Where the text of a word-processing part goes.
#[derive(Default)]
struct Parts {
    content: String,
    deleted: String,
    /// Field codes and text Word hides (`w:vanish`).
    hidden: String,
    attributes: String,
}

impl Parts {
    fn target(&mut self, in_deletion: bool, hidden: bool) -> &mut String {
        if in_deletion {
            &mut self.deleted
        } else if hidden {
            &mut self.hidden
        } else {
            &mut self.content
        }
    }
}

/// Reads `word/document.xml`-like parts: `w:t` text, `w:delText` tracked
/// deletions, `w:instrText` field codes and `w:vanish` runs (hidden),
/// paragraphs and table cells as line and tab breaks, and every
/// text-bearing attribute.
fn read_wordprocessing(
    name: &str,
    xml: &[u8],
    role: PartRole,
    limits: &Limits,
    doc: &mut Document,
) {
    let decoded = super::xml::decode(xml);
    let mut reader = Reader::from_str(&decoded.text);
    reader.config_mut().check_end_names = false;
    let mut out = Parts::default();
    let mut stack: Vec<String> = Vec::new();
    // Depth of w:del / w:moveFrom ancestors: text there was removed with
    // change tracking on but is still in the file.
    let mut in_deletion = 0usize;
    // The current run is hidden (`<w:vanish/>` in its properties).
    let mut run_hidden = false;
    // Depth of `mc:Fallback` ancestors: the same content again, for old
    // readers. Read apart (hidden), so it neither doubles the body nor
    // glues a number to its own copy.
    let mut in_fallback = 0usize;
    loop {
        let event = match reader.read_event() {
            Ok(e) => e,
            Err(_) => {
                doc.unreadable(name, malformed(reader.buffer_position()));
                break;
            }
        };
        match event {
            Event::Start(e) => {
                let local = e.local_name().as_ref().to_string();
                super::xml::read_attributes(&e, &mut out.attributes);
                match local.as_str() {
                    "del" | "moveFrom" => in_deletion += 1,
                    "Fallback" => in_fallback += 1,
                    "r" => run_hidden = in_fallback > 0,
                    "bdo" if is_rtl(&e) => out.target(in_deletion > 0, run_hidden).push('\u{202E}'),
                    _ => {}
                }
                stack.push(local);
                if stack.len() > limits.max_xml_depth {
                    doc.unreadable(name, "XML 嵌套过深 / XML nested too deeply");
                    break;
                }
            }
            Event::Empty(e) => {
                super::xml::read_attributes(&e, &mut out.attributes);
                let t = out.target(in_deletion > 0, run_hidden);
                match e.local_name().as_ref() {
                    "tab" | "ptab" => t.push('\t'),
                    "br" | "cr" => t.push('\n'),
                    "noBreakHyphen" => t.push('-'),
                    "vanish" | "specVanish" | "webHidden" if is_on(&e) => run_hidden = true,
                    _ => {}
                }
            }
            Event::End(e) => {
                let local = e.local_name().as_ref().to_string();
                stack.pop();
                let deleted = in_deletion > 0;
                match local.as_str() {
                    "del" | "moveFrom" => in_deletion = in_deletion.saturating_sub(1),
                    "Fallback" => in_fallback = in_fallback.saturating_sub(1),
                    "bdo" => out.target(deleted, false).push('\u{202C}'),
                    "p" => {
                        for t in [&mut out.content, &mut out.deleted, &mut out.hidden] {
                            if !t.is_empty() && !t.ends_with('\n') {
                                t.push('\n');
                            }
                        }
                    }
                    "tc" => {
                        let t = out.target(deleted, false);
                        if t.ends_with('\n') {
                            t.pop();
                        }
                        t.push('\t');
                    }
                    "tr" => {
                        let t = out.target(deleted, false);
                        if t.ends_with('\t') {
                            t.pop();
                        }
                        t.push('\n');
                    }
                    _ => {}
                }
            }
            Event::Text(t) => {
                if let Some(top) = stack.last() {
                    let text = t.xml10_content();
                    match top.as_str() {
                        "t" | "delText" => out.target(in_deletion > 0, run_hidden).push_str(&text),
                        // Field codes: `HYPERLINK "…?id=…"`, `MERGEFIELD`…
                        "instrText" | "delInstrText" => {
                            super::xml::push_attribute(&mut out.hidden, &text);
                        }
                        _ => {}
                    }
                }
            }
            Event::GeneralRef(r) => {
                if let Some(top) = stack.last()
                    && matches!(top.as_str(), "t" | "delText" | "instrText" | "delInstrText")
                {
                    match super::xml::resolve_ref(&r) {
                        Some(s) => out.target(in_deletion > 0, run_hidden).push_str(&s),
                        None => {
                            doc.unreadable(name, "XML 含未定义实体 / undefined XML entity");
                        }
                    }
                }
            }
            Event::DocType(d) if d.xml10_content().contains("ENTITY") => {
                doc.unreadable(
                    name,
                    "XML 声明了实体（疑似实体炸弹）/ XML entity declarations refused",
                );
                break;
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let kind = match role {
        // AutoText building blocks are not displayed.
        _ if name.starts_with("word/glossary/") => PartKind::Hidden,
        PartRole::HeaderFooter => PartKind::HeaderFooter,
        PartRole::Footnote => PartKind::Footnote,
        PartRole::Comment => PartKind::Comment,
        _ => PartKind::Content,
    };
    doc.push(name, kind, out.content);
    doc.push(
        format!("{name}#tracked-deletions"),
        PartKind::TrackedDeletion,
        out.deleted,
    );
    doc.push(format!("{name}#hidden"), PartKind::Hidden, out.hidden);
    doc.push(
        format!("{name}#attributes"),
        PartKind::Attribute,
        out.attributes,
    );
}

/// `<w:vanish/>` is on unless `w:val` says `0`, `false` or `off`.
fn is_on(e: &quick_xml::events::BytesStart<'_>) -> bool {
    !e.attributes().flatten().any(|a| {
        a.key.local_name().as_ref() == "val" && matches!(a.value.as_ref(), "0" | "false" | "off")
    })
}

/// `<w:bdo w:val="rtl">`.
fn is_rtl(e: &quick_xml::events::BytesStart<'_>) -> bool {
    e.attributes()
        .flatten()
        .any(|a| a.key.local_name().as_ref() == "val" && a.value.eq_ignore_ascii_case("rtl"))
}

/// Reads `docProps/*.xml`: each leaf element's text becomes a metadata piece
/// named after the element (`docProps/core.xml#creator`).
fn read_properties(name: &str, xml: &[u8], limits: &Limits, doc: &mut Document) {
    let mut reader = Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut stack: Vec<String> = Vec::new();
    let mut property_name: Option<String> = None;
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) => {
                let local = e.local_name().as_ref().to_string();
                if local == "property" {
                    property_name = e
                        .attributes()
                        .filter_map(|a| a.ok())
                        .find(|a| a.key.local_name().as_ref() == "name")
                        .map(|a| a.value.to_string());
                }
                stack.push(local);
                if stack.len() > limits.max_xml_depth {
                    doc.unreadable(name, "XML 嵌套过深 / XML nested too deeply");
                    return;
                }
            }
            Ok(Event::End(_)) => {
                stack.pop();
            }
            Ok(Event::Text(t)) => {
                let text = t.xml10_content().trim().to_string();
                if let Some(element) = stack.last() {
                    let label = match &property_name {
                        Some(p) if name.ends_with("custom.xml") => p.clone(),
                        _ => element.clone(),
                    };
                    let kind = if element == "title" {
                        PartKind::Title
                    } else {
                        PartKind::Metadata
                    };
                    doc.push(format!("{name}#{label}"), kind, text);
                }
            }
            Ok(Event::DocType(d)) => {
                if d.xml10_content().contains("ENTITY") {
                    doc.unreadable(
                        name,
                        "XML 声明了实体（疑似实体炸弹）/ XML entity declarations refused",
                    );
                    return;
                }
            }
            Ok(Event::Eof) => return,
            Err(_) => {
                doc.unreadable(name, malformed(reader.buffer_position()));
                return;
            }
            Ok(_) => {}
        }
        buf.clear();
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;
    use crate::model::UnreadKind;

    const W: &str = "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" \
                     xmlns:v=\"urn:schemas-microsoft-com:vml\" xmlns:wp=\"x\"";

    fn package(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        for (name, bytes) in entries {
            zip.start_file(*name, opts).unwrap();
            zip.write_all(bytes).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    fn text_of(doc: &Document, part: &str) -> String {
        doc.pieces
            .iter()
            .filter(|p| p.part == part)
            .map(|p| p.text.clone())
            .collect()
    }

    #[test]
    fn every_part_is_read_or_handed_over() {
        let body = format!(
            "<w:document {W}><w:body>\
             <w:p><w:r><w:t>身份证号：3701</w:t></w:r><w:r><w:rPr><w:vanish/></w:rPr><w:t>9</w:t></w:r><w:r><w:t>02198001011237</w:t></w:r></w:p>\
             <w:p><w:r><w:fldChar/></w:r><w:r><w:instrText> HYPERLINK \"http://x/?id=%33%37%30%31%30%32\" </w:instrText></w:r>\
             <w:fldSimple w:instr=\"MERGEFIELD 张三\"/><wp:docPr id=\"1\" descr=\"证件照 110105194912310021\"/></w:p>\
             <w:p><w:bdo w:val=\"rtl\"><w:r><w:t>7321</w:t></w:r></w:bdo></w:p>\
             </w:body></w:document>"
        );
        let header = format!(
            "<w:hdr {W}><w:p><w:r><w:pict><v:shape><v:textpath string=\"机密\"/></v:shape></w:pict></w:r></w:p></w:hdr>"
        );
        let settings = format!(
            "<w:settings {W}><w:docVars><w:docVar w:name=\"a\" w:val=\"联系人身份证\"/></w:docVars></w:settings>"
        );
        let rels = "<Relationships><Relationship Id=\"r1\" Target=\"http://x/?card=6222020200112233445\"/></Relationships>";
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\0\x01\0\0\0\x01\0\x08\x06\0\0\0\0\0\0\0";
        let bytes = package(&[
            ("[Content_Types].xml", b"<Types/>"),
            ("word/document.xml", body.as_bytes()),
            ("word/header1.xml", header.as_bytes()),
            ("word/settings.xml", settings.as_bytes()),
            ("word/_rels/document.xml.rels", rels.as_bytes()),
            ("customXml/item1.xml", "<r><id>370102</id></r>".as_bytes()),
            ("word/afchunk.htm", "<p>替换块</p>".as_bytes()),
            ("word/media/image1.png", png),
        ]);
        let doc = extract(&bytes, &Limits::default());
        assert!(
            text_of(&doc, "word/document.xml").contains("身份证号：370102198001011237"),
            "{:?}",
            doc.pieces
        );
        assert_eq!(
            text_of(&doc, "word/document.xml#hidden")
                .trim_start()
                .chars()
                .next(),
            Some('9')
        );
        assert!(text_of(&doc, "word/document.xml#hidden").contains("?id=370102"));
        let attrs = text_of(&doc, "word/document.xml#attributes");
        assert!(
            attrs.contains("MERGEFIELD 张三") && attrs.contains("110105194912310021"),
            "{attrs}"
        );
        assert!(text_of(&doc, "word/document.xml").contains("\u{202E}7321\u{202C}"));
        assert!(text_of(&doc, "word/header1.xml#attributes").contains("机密"));
        assert!(text_of(&doc, "word/settings.xml#attributes").contains("联系人身份证"));
        assert!(
            text_of(&doc, "word/_rels/document.xml.rels#attributes")
                .contains("6222020200112233445")
        );
        assert!(text_of(&doc, "customXml/item1.xml").contains("370102"));
        let embedded: Vec<&str> = doc.embedded.iter().map(|e| e.part.as_str()).collect();
        assert_eq!(embedded, ["word/afchunk.htm", "word/media/image1.png"]);
        // Through the extractors: the chunk is read, the picture reported.
        let doc = crate::extract::Extractors {
            limits: Limits::default(),
            worker: None,
        }
        .extract("a.docx", &bytes);
        assert!(
            doc.pieces
                .iter()
                .any(|p| p.part.starts_with("word/afchunk.htm") && p.text.contains("替换块"))
        );
        assert!(
            doc.unreadable
                .iter()
                .any(|u| u.kind == UnreadKind::Image && u.part.contains("image1.png"))
        );
    }
}
