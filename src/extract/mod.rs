//! Extract: bytes (+ a name hint) → [`Document`].
//!
//! Each format has one file. `extract()` picks the format ([`sniff`]), runs
//! the extractor inside [`guard`] (panics become `unscannable`, never a crash)
//! and returns a document. PDF parsing runs in a worker subprocess
//! ([`worker`]) because pdf-extract panics on purpose and lopdf can abort the
//! process (unbounded allocation, stack overflow), which no in-process guard
//! can catch.
//!
//! Extractors never normalize or detect: they only turn bytes into pieces.

pub mod docx;
pub mod guard;
pub mod html;
pub mod image;
pub mod json;
pub mod mime;
pub mod pdf;
pub mod rtf;
pub mod sniff;
pub mod text;
pub mod xml;

/// The PDF worker's entry point (`pubgate extract-worker`).
pub use pdf::worker;

use std::path::PathBuf;
use std::time::Duration;

use crate::model::{Document, Format, UnreadKind};

/// Size, time and memory bounds for the extractors. Every bound exists
/// because a hostile or broken file can otherwise take the process down.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Largest input accepted at all.
    pub max_input_bytes: usize,
    /// DOCX: largest total of decompressed bytes over all entries read.
    pub max_docx_total_bytes: u64,
    /// DOCX: largest decompressed size of one entry.
    pub max_docx_entry_bytes: u64,
    /// DOCX: most entries in the archive.
    pub max_docx_entries: usize,
    /// XML: deepest element nesting accepted.
    pub max_xml_depth: usize,
    /// HTML: lol_html's memory cap for its internal buffers.
    pub max_html_memory_bytes: usize,
    /// JSON: deepest nesting accepted (serde_json's own limit is 128).
    pub max_json_depth: usize,
    /// PDF: the worker is killed after this long.
    pub pdf_timeout: Duration,
    /// PDF: address-space limit of the worker process.
    pub pdf_memory_bytes: u64,
    /// PDF: most pages extracted.
    pub max_pdf_pages: usize,
    /// Files inside files (an attachment in a PDF inside a DOCX…): how
    /// deep extraction follows them. Deeper ones are reported unread.
    pub max_nesting: usize,
    /// Files inside files: most bytes extracted over all nested files of
    /// one input, so a container of many large files cannot multiply the
    /// per-file limits.
    pub max_nested_bytes: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_input_bytes: 100 << 20,
            max_docx_total_bytes: 200 << 20,
            max_docx_entry_bytes: 50 << 20,
            max_docx_entries: 10_000,
            max_xml_depth: 256,
            max_html_memory_bytes: 64 << 20,
            max_json_depth: 128,
            pdf_timeout: Duration::from_secs(10),
            pdf_memory_bytes: 1 << 30,
            max_pdf_pages: 500,
            max_nesting: 4,
            max_nested_bytes: 200 << 20,
        }
    }
}

/// How to start the isolated PDF worker: a program (normally the `pubgate`
/// binary itself) and the arguments that put it in worker mode.
#[derive(Debug, Clone)]
pub struct WorkerCommand {
    /// Path of the executable.
    pub program: PathBuf,
    /// Arguments, normally `["extract-worker"]`.
    pub args: Vec<String>,
}

impl WorkerCommand {
    /// The worker of the running `pubgate` binary, or the one named by the
    /// `PUBGATE_WORKER` environment variable (used by tests and embedders
    /// whose own executable is not pubgate).
    pub fn current() -> Option<WorkerCommand> {
        let program = match std::env::var_os("PUBGATE_WORKER") {
            Some(p) => PathBuf::from(p),
            None => std::env::current_exe().ok()?,
        };
        Some(WorkerCommand {
            program,
            args: vec!["extract-worker".to_string()],
        })
    }
}

/// Everything the extractors need besides the bytes.
#[derive(Debug, Clone)]
pub struct Extractors {
    /// Bounds.
    pub limits: Limits,
    /// The PDF worker; `None` makes every PDF `unscannable` (fail closed).
    pub worker: Option<WorkerCommand>,
}

impl Default for Extractors {
    fn default() -> Extractors {
        Extractors {
            limits: Limits::default(),
            worker: WorkerCommand::current(),
        }
    }
}

impl Extractors {
    /// Extracts `bytes`, named `name` (a path or a file name; used for the
    /// extension hint). Never panics and never fails: what cannot be read is
    /// recorded in [`Document::unreadable`]. Files found inside (see
    /// [`Document::embedded`]) are extracted too, and their pieces merged
    /// in under the part that holds them.
    pub fn extract(&self, name: &str, bytes: &[u8]) -> Document {
        let mut budget = self.limits.max_nested_bytes;
        self.extract_nested(name, bytes, 0, &mut budget)
    }

    fn extract_nested(
        &self,
        name: &str,
        bytes: &[u8],
        depth: usize,
        budget: &mut usize,
    ) -> Document {
        let mut doc = self.extract_one(name, bytes);
        for inner in std::mem::take(&mut doc.embedded) {
            if depth >= self.limits.max_nesting {
                doc.skipped(
                    inner.part,
                    UnreadKind::Failed,
                    format!(
                        "嵌套文件超过 {} 层，未检查 / nested too deep",
                        self.limits.max_nesting
                    ),
                    &inner.bytes,
                );
                continue;
            }
            if inner.bytes.len() > *budget {
                doc.skipped(
                    inner.part,
                    UnreadKind::Failed,
                    "嵌套文件总量超过上限，未检查 / nested files over the size budget",
                    &inner.bytes,
                );
                continue;
            }
            *budget -= inner.bytes.len();
            let nested = self.extract_nested(&inner.hint, &inner.bytes, depth + 1, budget);
            merge_into(&mut doc, &inner.part, nested);
        }
        doc
    }

    /// One file, without following what it embeds.
    fn extract_one(&self, name: &str, bytes: &[u8]) -> Document {
        let sniffed = sniff::sniff(name, bytes);
        if bytes.len() > self.limits.max_input_bytes {
            let mut doc = Document::new(sniffed.format);
            doc.unreadable(
                "file",
                format!(
                    "文件过大（{} 字节，上限 {} 字节），未检查 / input too large",
                    bytes.len(),
                    self.limits.max_input_bytes
                ),
            );
            return doc;
        }
        self.extract_as(sniffed.format, bytes, sniffed.reason)
    }

    /// Extracts `bytes` as a known format.
    pub fn extract_as(
        &self,
        format: Format,
        bytes: &[u8],
        unknown_reason: Option<String>,
    ) -> Document {
        let limits = &self.limits;
        match format {
            Format::Text => guard::run(format, || text::extract(bytes)),
            Format::Html => guard::run(format, || html::extract(bytes, limits)),
            Format::Json => guard::run(format, || json::extract(bytes, limits)),
            Format::Docx | Format::Zip => guard::run(format, || docx::extract(bytes, limits)),
            Format::Gzip => guard::run(format, || gunzip(bytes, limits)),
            Format::Pdf => pdf::extract(bytes, self.worker.as_ref(), limits),
            Format::Xml => guard::run(format, || xml::extract(bytes, limits)),
            Format::Rtf => guard::run(format, || rtf::extract(bytes)),
            Format::Mime => guard::run(format, || mime::extract(bytes)),
            Format::Image => image::extract(bytes),
            Format::Unknown => {
                let mut doc = Document::new(Format::Unknown);
                doc.skipped(
                    "file",
                    UnreadKind::Binary,
                    unknown_reason
                        .unwrap_or_else(|| "无法识别的文件类型 / unknown file type".into()),
                    bytes,
                );
                doc
            }
        }
    }
}

/// A gzip file: decompressed under the DOCX entry cap (a bomb stops at
/// it) and handed over as the file it holds.
fn gunzip(bytes: &[u8], limits: &Limits) -> Document {
    use std::io::Read;
    let mut doc = Document::new(Format::Gzip);
    let cap = limits.max_docx_entry_bytes;
    let mut out = Vec::new();
    let read = flate2::read::MultiGzDecoder::new(bytes)
        .take(cap + 1)
        .read_to_end(&mut out);
    match read {
        Err(_) => doc.unreadable("gzip", "gzip 数据损坏或被截断 / corrupt gzip data"),
        Ok(_) if out.len() as u64 > cap => doc.unreadable(
            "gzip",
            format!("解压后超过 {cap} 字节上限（疑似压缩炸弹）/ decompressed size over limit"),
        ),
        Ok(_) => doc.embed("gzip", "file", out),
    }
    doc
}

/// Merges a nested document into its container, its part names behind the
/// container's part (`word/embeddings/a.docx › word/document.xml`).
pub fn merge_into(doc: &mut Document, part: &str, nested: Document) {
    for mut piece in nested.pieces {
        piece.part = format!("{part} › {}", piece.part);
        doc.pieces.push(piece);
    }
    for mut u in nested.unreadable {
        u.part = format!("{part} › {}", u.part);
        doc.unreadable.push(u);
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn extractors() -> Extractors {
        Extractors {
            limits: Limits::default(),
            worker: None,
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        /// Arbitrary bytes under every extension: the in-process parsers
        /// must return (text or a reason), not panic into the guard.
        #[test]
        fn arbitrary_bytes_never_panic(
            bytes in proptest::collection::vec(any::<u8>(), 0..2048),
            ext in prop::sample::select(vec!["txt", "html", "json", "docx", "xml", "bin", ""]),
        ) {
            let doc = extractors().extract(&format!("input.{ext}"), &bytes);
            for u in &doc.unreadable {
                prop_assert!(!u.reason.contains("panicked"), "{}", u.reason);
            }
        }

        /// Mutated DOCX archives: corrupt zips and XML are reported, never
        /// a panic.
        #[test]
        fn mutated_docx_never_panics(flips in proptest::collection::vec((0usize..4096, any::<u8>()), 1..8)) {
            let mut bytes = sample_docx();
            for (at, b) in flips {
                let n = bytes.len();
                bytes[at % n] = b;
            }
            let doc = extractors().extract("a.docx", &bytes);
            for u in &doc.unreadable {
                prop_assert!(!u.reason.contains("panicked"), "{}", u.reason);
            }
        }
    }

    fn sample_docx() -> Vec<u8> {
        use std::io::Write;
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        zip.start_file("word/document.xml", opts).unwrap();
        zip.write_all(
            "<w:document xmlns:w=\"x\"><w:body><w:p><w:r><w:t>招标公告 身份证 110105194912310021</w:t></w:r></w:p><w:del><w:r><w:delText>删除</w:delText></w:r></w:del></w:body></w:document>".as_bytes(),
        )
        .unwrap();
        zip.finish().unwrap().into_inner()
    }

    #[test]
    fn deeply_nested_html_and_long_lines() {
        let nested = format!(
            "{}正文{}",
            "<div>".repeat(100_000),
            "</div>".repeat(100_000)
        );
        let doc = extractors().extract("a.html", nested.as_bytes());
        assert!(doc.pieces.iter().any(|p| p.text.contains("正文")));
        let line = "公告".repeat(500_000);
        let doc = extractors().extract("a.txt", line.as_bytes());
        assert_eq!(doc.text_len(), line.len());
    }

    #[test]
    fn oversized_input_is_refused() {
        let small = Extractors {
            limits: Limits {
                max_input_bytes: 10,
                ..Limits::default()
            },
            worker: None,
        };
        let doc = small.extract("a.txt", b"0123456789A");
        assert!(doc.pieces.is_empty());
        assert!(doc.unreadable[0].reason.contains("too large"));
        assert!(
            small.extract("a.txt", b"0123456789").unreadable.is_empty(),
            "exactly the limit is accepted"
        );
    }
}
