//! DOCX (Office Open XML): body, tables, headers/footers, footnotes,
//! comments, tracked deletions and document properties.
//!
//! These are where real leaks hide: a name deleted with change tracking on is
//! still in `word/document.xml` as `<w:delText>`; the author's name is in
//! `docProps/core.xml`. Each goes to its own piece so the finding says where.
//!
//! Zip sizes in headers can lie, so every entry is read through a running
//! byte cap (`Read::take`), with a total budget over the archive. XML is read
//! with quick-xml, which does not expand custom entities; a DOCTYPE that
//! declares entities is refused (billion-laughs).

use std::borrow::Cow;
use std::io::{Cursor, Read};

use quick_xml::Reader;
use quick_xml::events::Event;

use super::Limits;
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
    if !names.iter().any(|n| n == "word/document.xml") {
        doc.unreadable(
            "docx",
            "缺少 word/document.xml / not a word-processing document",
        );
        return doc;
    }
    let mut budget = limits.max_docx_total_bytes;
    let mut parts: Vec<(String, PartRole)> = names
        .iter()
        .filter_map(|n| role(n).map(|r| (n.clone(), r)))
        .collect();
    // Body first, so pieces come out in reading order.
    parts.sort_by_key(|(n, r)| (r.order(), n.clone()));
    for (name, role) in parts {
        let xml = match read_entry(&mut archive, &name, limits, &mut budget) {
            Ok(xml) => xml,
            Err(reason) => {
                doc.unreadable(name.clone(), reason);
                continue;
            }
        };
        match role {
            PartRole::Metadata => read_properties(&name, &xml, limits, &mut doc),
            PartRole::Embedded => {}
            role => read_wordprocessing(&name, &xml, role, limits, &mut doc),
        }
    }
    for name in names.iter().filter(|n| n.starts_with("word/embeddings/")) {
        doc.unreadable(
            name.clone(),
            "DOCX 内嵌对象未能检查（附件中的附件）/ embedded object not inspected",
        );
    }
    doc
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum PartRole {
    Body,
    HeaderFooter,
    Footnote,
    Comment,
    Metadata,
    Embedded,
}

impl PartRole {
    fn order(self) -> u8 {
        match self {
            PartRole::Body => 0,
            PartRole::HeaderFooter => 1,
            PartRole::Footnote => 2,
            PartRole::Comment => 3,
            PartRole::Metadata => 4,
            PartRole::Embedded => 5,
        }
    }
}

fn role(name: &str) -> Option<PartRole> {
    let xml = name.ends_with(".xml");
    match name {
        "word/document.xml" => Some(PartRole::Body),
        "docProps/core.xml" | "docProps/app.xml" | "docProps/custom.xml" => {
            Some(PartRole::Metadata)
        }
        "word/comments.xml" | "word/commentsExtended.xml" => Some(PartRole::Comment),
        "word/footnotes.xml" | "word/endnotes.xml" => Some(PartRole::Footnote),
        _ if xml && (name.starts_with("word/header") || name.starts_with("word/footer")) => {
            Some(PartRole::HeaderFooter)
        }
        _ if name.starts_with("word/embeddings/") => Some(PartRole::Embedded),
        _ => None,
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

/// Reads `word/document.xml`-like parts: `w:t` text, `w:delText` tracked
/// deletions, paragraphs and table cells as line and tab breaks.
fn read_wordprocessing(
    name: &str,
    xml: &[u8],
    role: PartRole,
    limits: &Limits,
    doc: &mut Document,
) {
    let mut reader = Reader::from_reader(xml);
    reader.config_mut().check_end_names = false;
    let mut buf = Vec::new();
    let mut content = String::new();
    let mut deleted = String::new();
    let mut stack: Vec<String> = Vec::new();
    // Depth of w:del / w:moveFrom ancestors: text there was removed with
    // change tracking on but is still in the file.
    let mut in_deletion = 0usize;
    loop {
        let event = match reader.read_event_into(&mut buf) {
            Ok(e) => e,
            Err(_) => {
                doc.unreadable(name, malformed(reader.buffer_position()));
                break;
            }
        };
        match event {
            Event::Start(e) => {
                let local = e.local_name().as_ref().to_string();
                if local == "del" || local == "moveFrom" {
                    in_deletion += 1;
                }
                stack.push(local);
                if stack.len() > limits.max_xml_depth {
                    doc.unreadable(name, "XML 嵌套过深 / XML nested too deeply");
                    break;
                }
            }
            Event::Empty(e) => match e.local_name().as_ref() {
                "tab" => target(&mut content, &mut deleted, in_deletion).push('\t'),
                "br" | "cr" => target(&mut content, &mut deleted, in_deletion).push('\n'),
                _ => {}
            },
            Event::End(e) => {
                let local = e.local_name().as_ref().to_string();
                stack.pop();
                match local.as_str() {
                    "del" | "moveFrom" => in_deletion = in_deletion.saturating_sub(1),
                    "p" => {
                        let t = target(&mut content, &mut deleted, in_deletion);
                        if !t.ends_with('\n') {
                            t.push('\n');
                        }
                    }
                    "tc" => {
                        let t = target(&mut content, &mut deleted, in_deletion);
                        if t.ends_with('\n') {
                            t.pop();
                        }
                        t.push('\t');
                    }
                    "tr" => {
                        let t = target(&mut content, &mut deleted, in_deletion);
                        if t.ends_with('\t') {
                            t.pop();
                        }
                        t.push('\n');
                    }
                    _ => {}
                }
            }
            Event::Text(t) => {
                if let Some(top) = stack.last()
                    && (top == "t" || top == "delText")
                {
                    let text = t.xml10_content();
                    target(&mut content, &mut deleted, in_deletion).push_str(&text);
                }
            }
            Event::GeneralRef(r) => {
                if let Some(top) = stack.last()
                    && (top == "t" || top == "delText")
                {
                    match resolve_ref(&r) {
                        Some(s) => target(&mut content, &mut deleted, in_deletion).push_str(&s),
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
        buf.clear();
    }
    let kind = match role {
        PartRole::HeaderFooter => PartKind::HeaderFooter,
        PartRole::Footnote => PartKind::Footnote,
        PartRole::Comment => PartKind::Comment,
        _ => PartKind::Content,
    };
    doc.push(name, kind, content);
    doc.push(
        format!("{name}#tracked-deletions"),
        PartKind::TrackedDeletion,
        deleted,
    );
}

/// The reason for malformed XML: the byte position only. quick-xml's
/// messages quote tag names from the document, and reasons are shown
/// unmasked.
fn malformed(position: u64) -> String {
    format!("XML 格式错误（第 {position} 字节附近），文件可能损坏 / malformed XML")
}

fn target<'a>(
    content: &'a mut String,
    deleted: &'a mut String,
    in_deletion: usize,
) -> &'a mut String {
    if in_deletion > 0 { deleted } else { content }
}

fn resolve_ref(r: &quick_xml::events::BytesRef<'_>) -> Option<Cow<'static, str>> {
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
