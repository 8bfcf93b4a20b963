//! The worker side of PDF extraction: `pubgate extract-worker` reads a PDF
//! on stdin and writes a [`WorkerReply`] as JSON on stdout.
//!
//! It runs with resource limits set by the parent ([`super::pdf`]). Unwinding
//! panics are caught here so the common failure gives a clean reason; aborts
//! (allocation failure, stack overflow) end this process only.

use std::io::{Read, Write};
use std::panic::{AssertUnwindSafe, catch_unwind};

use super::pdf::WorkerReply;

/// Runs the worker on stdin/stdout. Returns the process exit code.
pub fn run(max_pages: usize) -> i32 {
    // Panic messages can quote document content: print nothing.
    std::panic::set_hook(Box::new(|_| {}));
    let mut input = Vec::new();
    if std::io::stdin().read_to_end(&mut input).is_err() {
        return 3;
    }
    let reply = match catch_unwind(AssertUnwindSafe(|| extract_in_process(&input, max_pages))) {
        Ok(reply) => reply,
        Err(_) => failed("PDF 解析器无法处理此文件（内部错误）/ PDF parser panicked"),
    };
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
        pages: Vec::new(),
        info: Vec::new(),
        error: Some(reason.to_string()),
        pages_skipped: 0,
    }
}

/// Parses a PDF in this process. Only ever call this inside the worker.
pub fn extract_in_process(bytes: &[u8], max_pages: usize) -> WorkerReply {
    let mut doc = match pdf_extract::Document::load_mem(bytes) {
        Ok(d) => d,
        // Parser messages can quote the file's content; reasons are shown
        // unmasked, so they name the failure only.
        Err(_) => return failed("PDF 文件损坏、被截断或格式不支持 / unreadable PDF"),
    };
    if doc.is_encrypted() && doc.decrypt("").is_err() {
        return failed("PDF 已加密，无法检查 / encrypted PDF");
    }
    let mut info = Vec::new();
    if let Ok(reference) = doc.trailer.get(b"Info").and_then(|o| o.as_reference())
        && let Ok(dict) = doc.get_dictionary(reference)
    {
        for key in [
            "Title", "Author", "Subject", "Keywords", "Creator", "Producer",
        ] {
            if let Ok(value) = dict.get(key.as_bytes())
                && let Ok(text) = pdf_extract::decode_text_string(value)
            {
                info.push((key.to_string(), text));
            }
        }
    }
    let page_count = doc.get_pages().len();
    let mut pages = Vec::new();
    for page in 1..=page_count.min(max_pages) {
        let mut text = String::new();
        {
            let mut output = pdf_extract::PlainTextOutput::new(&mut text);
            if pdf_extract::output_doc_page(&doc, &mut output, page as u32).is_err() {
                return failed(&format!(
                    "PDF 第 {page} 页无法解析 / page could not be parsed"
                ));
            }
        }
        pages.push(text);
    }
    WorkerReply {
        pages,
        info,
        error: None,
        pages_skipped: page_count.saturating_sub(max_pages),
    }
}
