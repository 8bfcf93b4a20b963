//! PDF: page text by position, the info dictionary, and everything else a
//! PDF can carry (annotations, form values, outlines, attachments,
//! JavaScript, XMP, earlier revisions, pictures), extracted in an isolated
//! worker process.
//!
//! pdf-extract panics on purpose on PDFs it does not understand, and lopdf
//! underneath has known unbounded allocations and stack overflows that abort
//! the process. So the parsing runs in `pubgate extract-worker` ([`worker`]),
//! a child process with an address-space limit, a CPU limit and a wall-clock
//! deadline. Whatever happens there (panic, abort, OOM, hang) comes back as an
//! `unscannable` part, never as a crash of the scanner or the gateway.
//!
//! The worker's files (attachments, JPEG pictures) come back as embedded
//! files and are extracted here, in the parent, by their own extractors.

pub mod fonts;
pub mod layout;
pub mod objects;
pub mod worker;

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::Instant;

use serde::{Deserialize, Serialize};

use super::{Limits, WorkerCommand};
use crate::model::{Document, Format, PartKind, UnreadKind};

/// What the worker sends back on stdout (one JSON object).
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct WorkerReply {
    /// Page texts, in order.
    pub pages: Vec<String>,
    /// Info dictionary entries: (key, value).
    pub info: Vec<(String, String)>,
    /// Why extraction failed, if it did.
    pub error: Option<String>,
    /// Pages present beyond the page cap (not extracted).
    pub pages_skipped: usize,
    /// Text besides the pages (annotations, form values, outlines…).
    #[serde(default)]
    pub parts: Vec<TextPart>,
    /// Files inside the PDF, to be extracted by the parent.
    #[serde(default)]
    pub files: Vec<FilePart>,
    /// Parts the worker could not read.
    #[serde(default)]
    pub unread: Vec<UnreadPart>,
}

/// A text part of a PDF other than a page's text.
#[derive(Debug, Serialize, Deserialize)]
pub struct TextPart {
    /// Part name (`page 2 annotation Text`).
    pub part: String,
    /// What kind of part.
    pub kind: PartKind,
    /// The text.
    pub text: String,
}

/// A file inside a PDF.
#[derive(Debug, Serialize, Deserialize)]
pub struct FilePart {
    /// Part name.
    pub part: String,
    /// File name hint.
    pub hint: String,
    /// The bytes, base64.
    pub data: String,
}

/// A part of a PDF the worker could not read.
#[derive(Debug, Serialize, Deserialize)]
pub struct UnreadPart {
    /// Part name.
    pub part: String,
    /// What kind of content.
    pub kind: UnreadKind,
    /// Why (no document text in it).
    pub reason: String,
    /// SHA-256 of its bytes, when they are one blob.
    pub sha256: Option<String>,
}

/// Extracts a PDF through the worker.
pub fn extract(bytes: &[u8], worker: Option<&WorkerCommand>, limits: &Limits) -> Document {
    let mut doc = Document::new(Format::Pdf);
    let Some(worker) = worker else {
        doc.unreadable("pdf", "PDF 解析进程不可用，未检查 / PDF worker unavailable");
        return doc;
    };
    let reply = match run(worker, bytes, limits) {
        Ok(r) => r,
        Err(reason) => {
            doc.unreadable("pdf", reason);
            return doc;
        }
    };
    if let Some(e) = reply.error {
        doc.unreadable("pdf", e);
        return doc;
    }
    for (key, value) in reply.info {
        let kind = if key == "Title" {
            PartKind::Title
        } else {
            PartKind::Metadata
        };
        doc.push(format!("pdf:info/{key}"), kind, value);
    }
    let mut any_text = false;
    for (i, page) in reply.pages.into_iter().enumerate() {
        if page.chars().any(|c| c.is_alphanumeric()) {
            any_text = true;
        }
        doc.push(format!("page {}", i + 1), PartKind::Content, page);
    }
    for part in reply.parts {
        doc.push(part.part, part.kind, part.text);
    }
    for file in reply.files {
        use base64::Engine as _;
        match base64::engine::general_purpose::STANDARD.decode(&file.data) {
            Ok(bytes) => doc.embed(file.part, file.hint, bytes),
            Err(_) => doc.unreadable(file.part, "PDF worker returned an unreadable file"),
        }
    }
    for u in reply.unread {
        doc.unreadable.push(crate::model::Unreadable {
            part: u.part,
            reason: u.reason,
            kind: u.kind,
            sha256: u.sha256,
        });
    }
    if !any_text && doc.unreadable.is_empty() {
        doc.unreadable(
            "pdf",
            "PDF 无可提取文字（可能为扫描件），无法检查 / no extractable text (scanned image?)",
        );
    }
    if reply.pages_skipped > 0 {
        doc.unreadable(
            "pdf",
            format!(
                "PDF 页数超过上限，{} 页未检查 / page limit reached",
                reply.pages_skipped
            ),
        );
    }
    doc
}

fn run(worker: &WorkerCommand, bytes: &[u8], limits: &Limits) -> Result<WorkerReply, String> {
    let mut cmd = Command::new(&worker.program);
    cmd.args(&worker.args)
        .arg("--max-pages")
        .arg(limits.max_pdf_pages.to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    limit_resources(&mut cmd, limits);
    let mut child = cmd
        .spawn()
        .map_err(|e| format!("无法启动 PDF 解析进程：{e} / cannot start PDF worker"))?;
    let mut stdin = child.stdin.take().ok_or("PDF worker has no stdin")?;
    let mut stdout = child.stdout.take().ok_or("PDF worker has no stdout")?;
    let input = bytes.to_vec();
    let writer = std::thread::spawn(move || {
        // A worker that dies early closes the pipe; that error is reported
        // through its exit status instead.
        let _ = stdin.write_all(&input);
    });
    let reader = std::thread::spawn(move || {
        let mut out = Vec::new();
        let _ = (&mut stdout).take(512 << 20).read_to_end(&mut out);
        out
    });
    let deadline = Instant::now() + limits.pdf_timeout;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() >= deadline => {
                // Kill the worker's whole process group (anything it started
                // would keep the pipes open), and do not wait for the pipe
                // threads: they end when the pipes close.
                kill_group(&child);
                let _ = child.kill();
                let _ = child.wait();
                drop((writer, reader));
                return Err(format!(
                    "PDF 解析超时（{:.1} 秒），无法检查 / PDF extraction timed out",
                    limits.pdf_timeout.as_secs_f64()
                ));
            }
            Ok(None) => std::thread::sleep(std::time::Duration::from_millis(5)),
            Err(e) => return Err(format!("PDF worker wait failed: {e}")),
        }
    };
    let _ = writer.join();
    let out = reader
        .join()
        .map_err(|_| "PDF worker output lost".to_string())?;
    if !status.success() {
        return Err(format!(
            "PDF 解析进程异常退出（{status}），文件可能损坏或含恶意构造 / PDF parser crashed"
        ));
    }
    serde_json::from_slice(&out)
        .map_err(|_| "PDF 解析进程输出无效 / invalid worker output".to_string())
}

#[cfg(unix)]
fn kill_group(child: &std::process::Child) {
    if let Ok(pid) = libc::pid_t::try_from(child.id()) {
        // SAFETY: kill(2) with a negative pid signals the process group the
        // worker leads (it was started with its own group); no memory is
        // touched.
        unsafe {
            libc::kill(-pid, libc::SIGKILL);
        }
    }
}

#[cfg(not(unix))]
fn kill_group(_child: &std::process::Child) {}

#[cfg(unix)]
fn limit_resources(cmd: &mut Command, limits: &Limits) {
    use std::os::unix::process::CommandExt;
    // Its own process group, so a timeout can kill everything it started.
    cmd.process_group(0);
    let memory = limits.pdf_memory_bytes as libc::rlim_t;
    let cpu = limits.pdf_timeout.as_secs().max(1) as libc::rlim_t + 1;
    // SAFETY: only async-signal-safe calls (setrlimit) between fork and exec.
    unsafe {
        cmd.pre_exec(move || {
            let mem = libc::rlimit {
                rlim_cur: memory,
                rlim_max: memory,
            };
            libc::setrlimit(libc::RLIMIT_AS, &mem);
            let cpu = libc::rlimit {
                rlim_cur: cpu,
                rlim_max: cpu,
            };
            libc::setrlimit(libc::RLIMIT_CPU, &cpu);
            Ok(())
        });
    }
}

#[cfg(not(unix))]
fn limit_resources(_cmd: &mut Command, _limits: &Limits) {}
