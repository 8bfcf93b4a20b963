//! The worker side of PDF extraction: `pubgate extract-worker` reads a PDF
//! on stdin and writes a [`WorkerReply`] as JSON on stdout.
//!
//! It runs with resource limits set by the parent ([`super`]). Unwinding
//! panics are caught here — around the whole file and around each page,
//! so one page pdf-extract cannot read costs that page only (reported),
//! not the document; aborts (allocation failure, stack overflow) end this
//! process only.
//!
//! Steps: load and decrypt; give fonts with a predefined Chinese CMap an
//! embedded one ([`super::fonts`]); put page objects the page tree does not
//! reach back into it (an unreferenced page is still in the file); read
//! each page's text by position ([`super::layout`]); walk everything else
//! ([`super::objects`]); and read the earlier revisions an incremental
//! update leaves in the file, keeping their page text where it differs
//! from the final one.

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::panic::{AssertUnwindSafe, catch_unwind};

use pdf_extract::{Document, Object, ObjectId};

use super::layout::Positional;
use super::{TextPart, UnreadPart, WorkerReply};
use crate::model::{PartKind, UnreadKind};

/// Earlier revisions read at most (the latest ones).
const MAX_REVISIONS: usize = 3;

/// Runs the worker on stdin/stdout. Returns the process exit code.
pub fn run(max_pages: usize) -> i32 {
    // Panic messages can quote document content: print nothing.
    std::panic::set_hook(Box::new(|_| {}));
    let mut input = Vec::new();
    if std::io::stdin().read_to_end(&mut input).is_err() {
        return 3;
    }
    let reply = extract_in_process(&input, max_pages);
    let mut out = std::io::stdout().lock();
    match serde_json::to_writer(&mut out, &reply) {
        Ok(()) => {
            let _ = out.flush();
            0
        }
        Err(_) => 3,
    }
}

fn failed(reason: &str) -> WorkerReply {
    WorkerReply {
        error: Some(reason.to_string()),
        ..WorkerReply::default()
    }
}

/// Parses a PDF in this process. Only ever call this inside the worker
/// (or a fuzzer): the parser may abort the process.
pub fn extract_in_process(bytes: &[u8], max_pages: usize) -> WorkerReply {
    match catch_unwind(AssertUnwindSafe(|| extract(bytes, max_pages))) {
        Ok(reply) => reply,
        Err(_) => failed("PDF 解析器无法处理此文件（内部错误）/ PDF parser panicked"),
    }
}

/// Loads and decrypts a PDF; the error is the reason to report.
fn load(bytes: &[u8]) -> Result<Document, &'static str> {
    let mut doc = match Document::load_mem(bytes) {
        Ok(d) => d,
        // Parser messages can quote the file's content; reasons are shown
        // unmasked, so they name the failure only.
        Err(_) => return Err("PDF 文件损坏、被截断或格式不支持 / unreadable PDF"),
    };
    if doc.is_encrypted() && doc.decrypt("").is_err() {
        return Err("PDF 已加密，无法检查 / encrypted PDF");
    }
    super::fonts::rewrite_predefined_cmaps(&mut doc);
    Ok(doc)
}

fn extract(bytes: &[u8], max_pages: usize) -> WorkerReply {
    let mut doc = match load(bytes) {
        Ok(d) => d,
        Err(reason) => return failed(reason),
    };
    let mut reply = WorkerReply {
        info: info(&doc),
        ..WorkerReply::default()
    };
    let referenced = doc.get_pages().len();
    let orphans = adopt_orphan_pages(&mut doc);
    let pages: Vec<(u32, ObjectId)> = doc.get_pages().into_iter().collect();
    reply.pages_skipped = pages.len().saturating_sub(max_pages);
    let pages: Vec<(u32, ObjectId)> = pages.into_iter().take(max_pages).collect();
    let mut texts = Vec::with_capacity(pages.len());
    for (number, _) in &pages {
        let (text, rotated) = match page_text(&doc, *number) {
            Some(t) => t,
            None => {
                reply.unread.push(UnreadPart {
                    part: format!("page {number}"),
                    kind: UnreadKind::Failed,
                    reason: format!("PDF 第 {number} 页无法解析 / page could not be parsed"),
                    sha256: None,
                });
                (String::new(), String::new())
            }
        };
        if !rotated.trim().is_empty() {
            reply.parts.push(TextPart {
                part: format!("page {number} rotated text"),
                kind: PartKind::Attribute,
                text: rotated,
            });
        }
        texts.push(text);
    }
    // Pages the page tree did not reach: named as such.
    for (i, (number, _)) in pages.iter().enumerate() {
        if (*number as usize) > referenced && orphans > 0 {
            let text = std::mem::take(&mut texts[i]);
            reply.parts.push(TextPart {
                part: format!("page {number} (not in the page tree)"),
                kind: PartKind::Hidden,
                text,
            });
        }
    }
    let found = super::objects::find(&doc, &pages, &texts);
    reply.parts.extend(found.parts);
    reply.files.extend(found.files);
    reply.unread.extend(found.unread);
    reply
        .parts
        .extend(earlier_revisions(bytes, &texts, max_pages));
    reply.pages = texts;
    reply
}

/// One page's text by position, and its rotated text; `None` if
/// pdf-extract cannot read the page.
fn page_text(doc: &Document, number: u32) -> Option<(String, String)> {
    catch_unwind(AssertUnwindSafe(|| {
        let mut output = Positional::new();
        pdf_extract::output_doc_page(doc, &mut output, number).ok()?;
        Some((output.text, output.rotated))
    }))
    .ok()
    .flatten()
}

fn info(doc: &Document) -> Vec<(String, String)> {
    let mut info = Vec::new();
    if let Ok(reference) = doc.trailer.get(b"Info").and_then(|o| o.as_reference())
        && let Ok(dict) = doc.get_dictionary(reference)
    {
        for (key, value) in dict.iter() {
            let key = String::from_utf8_lossy(key).into_owned();
            let value = doc.dereference(value).map(|(_, v)| v).unwrap_or(value);
            let text = match value {
                Object::Name(n) => Some(String::from_utf8_lossy(n).into_owned()),
                Object::String(..) => pdf_extract::decode_text_string(value).ok(),
                _ => None,
            };
            if let Some(text) = text {
                info.push((key, text));
            }
        }
    }
    info
}

/// Page objects in the file that the page tree does not reach are put
/// back into it (at the end), so their text is read. Returns how many.
fn adopt_orphan_pages(doc: &mut Document) -> usize {
    let in_tree: BTreeSet<ObjectId> = doc.get_pages().values().copied().collect();
    let orphans: Vec<ObjectId> = doc
        .objects
        .iter()
        .filter(|(id, o)| {
            !in_tree.contains(id)
                && o.as_dict()
                    .ok()
                    .and_then(|d| d.get(b"Type").ok())
                    .and_then(|t| t.as_name().ok())
                    .is_some_and(|n| n == b"Page")
        })
        .map(|(id, _)| *id)
        .take(1000)
        .collect();
    if orphans.is_empty() {
        return 0;
    }
    let Some(root) = doc
        .catalog()
        .ok()
        .and_then(|c| c.get(b"Pages").ok())
        .and_then(|p| p.as_reference().ok())
    else {
        return 0;
    };
    // Only under a real page-tree root with no parent of its own, and never
    // the root itself: a page whose parent chain loops would send
    // pdf-extract's inherited-attribute lookup round forever.
    let root_is_tree = doc.get_dictionary(root).is_ok_and(|d| {
        d.get(b"Type")
            .and_then(Object::as_name)
            .is_ok_and(|n| n == b"Pages")
            && d.get(b"Parent").is_err()
    });
    let orphans: Vec<ObjectId> = orphans.into_iter().filter(|id| *id != root).collect();
    if !root_is_tree || orphans.is_empty() {
        return 0;
    }
    for id in &orphans {
        if let Ok(Object::Dictionary(page)) = doc.get_object_mut(*id) {
            page.set("Parent", Object::Reference(root));
        }
    }
    if let Ok(Object::Dictionary(pages)) = doc.get_object_mut(root) {
        let mut kids = pages
            .get(b"Kids")
            .ok()
            .and_then(|k| k.as_array().ok())
            .cloned()
            .unwrap_or_default();
        kids.extend(orphans.iter().map(|id| Object::Reference(*id)));
        let count = pages
            .get(b"Count")
            .ok()
            .and_then(|c| c.as_i64().ok())
            .unwrap_or(0);
        pages.set("Kids", Object::Array(kids));
        pages.set("Count", Object::Integer(count + orphans.len() as i64));
    }
    orphans.len()
}

/// The page text of the revisions before the last incremental updates
/// (each revision ends with `%%EOF`), where it differs from the final text
/// of the same page: text replaced or removed by an update is still in
/// the file.
fn earlier_revisions(bytes: &[u8], final_texts: &[String], max_pages: usize) -> Vec<TextPart> {
    let mut ends: Vec<usize> = Vec::new();
    let mut from = 0;
    while let Some(at) = bytes[from..].windows(5).position(|w| w == b"%%EOF") {
        ends.push(from + at + 5);
        from += at + 5;
    }
    // The last %%EOF closes the final revision.
    if ends.len() < 2 {
        return Vec::new();
    }
    ends.pop();
    let squash = |s: &str| s.split_whitespace().collect::<String>();
    let mut out = Vec::new();
    for (k, end) in ends.iter().rev().take(MAX_REVISIONS).enumerate() {
        let Ok(doc) = load(&bytes[..*end]) else {
            continue;
        };
        let revision = ends.len() - k;
        for (number, _) in doc.get_pages().into_iter().take(max_pages) {
            let Some((text, _)) = page_text(&doc, number) else {
                continue;
            };
            let same = final_texts
                .get(number as usize - 1)
                .is_some_and(|f| squash(f) == squash(&text));
            if !same && !text.trim().is_empty() {
                out.push(TextPart {
                    part: format!("revision {revision} page {number}"),
                    kind: PartKind::TrackedDeletion,
                    text,
                });
            }
        }
    }
    out
}
