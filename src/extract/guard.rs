//! Contain panics inside in-process extractors.
//!
//! `catch_unwind` catches only unwinding panics; it is enough for our own
//! code, quick-xml, zip and lol_html, whose memory is bounded by
//! [`super::Limits`]. Parsers that can abort the process (PDF) run in a
//! subprocess instead ([`super::worker`]).

use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::model::{Document, Format};

/// Runs `f`; a panic becomes a document with one unreadable part.
pub fn run(format: Format, f: impl FnOnce() -> Document) -> Document {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(doc) => doc,
        Err(_) => {
            let mut doc = Document::new(format);
            doc.unreadable(
                "file",
                format!(
                    "{} 解析器内部错误，无法检查 / parser panicked",
                    format.name()
                ),
            );
            doc
        }
    }
}
