//! Replays the fuzzers' saved corpus (`fuzz/corpus.tar.gz`, entries
//! `corpus/<target>/<input>`, read in memory) and every
//! input kept after a fuzzing finding (`tests/regressions/<target>/`)
//! through the same public functions the fuzz targets call, on every plain
//! `cargo test` (Envoy's pattern): a fix that regresses fails here without
//! a fuzzer installed.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use bytes::Bytes;
use pubgate::extract::{Limits, docx, html, json, sniff, text, worker};
use pubgate::intake::{self, decode};

/// The saved corpus, read once: (target, input name, bytes).
fn saved_corpus() -> &'static [(String, String, Vec<u8>)] {
    static CORPUS: std::sync::OnceLock<Vec<(String, String, Vec<u8>)>> = std::sync::OnceLock::new();
    CORPUS.get_or_init(|| {
        let file = std::fs::File::open("fuzz/corpus.tar.gz").unwrap();
        let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(file));
        let mut out = Vec::new();
        for entry in archive.entries().unwrap() {
            let mut entry = entry.unwrap();
            if !entry.header().entry_type().is_file() {
                continue;
            }
            let path = entry.path().unwrap().to_string_lossy().into_owned();
            let mut parts = path.splitn(3, '/');
            let (Some("corpus"), Some(target), Some(name)) =
                (parts.next(), parts.next(), parts.next())
            else {
                panic!("unexpected entry {path} in fuzz/corpus.tar.gz");
            };
            let (target, name) = (target.to_string(), name.to_string());
            let mut bytes = Vec::new();
            std::io::Read::read_to_end(&mut entry, &mut bytes).unwrap();
            out.push((target, name, bytes));
        }
        out
    })
}

fn inputs(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out: Vec<(PathBuf, Vec<u8>)> = saved_corpus()
        .iter()
        .filter(|(t, _, _)| t == target)
        .map(|(t, name, bytes)| {
            (
                Path::new("fuzz/corpus.tar.gz").join(t).join(name),
                bytes.clone(),
            )
        })
        .collect();
    let dir = Path::new("tests/regressions").join(target);
    if let Ok(entries) = std::fs::read_dir(&dir) {
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_file() {
                let bytes = std::fs::read(&path).unwrap();
                out.push((path, bytes));
            }
        }
    }
    out.sort();
    out
}

/// Runs `f` on every input of `target`; a panic names the file.
fn replay(target: &str, f: impl Fn(&[u8])) -> usize {
    let all = inputs(target);
    for (path, bytes) in &all {
        if catch_unwind(AssertUnwindSafe(|| f(bytes))).is_err() {
            panic!("{target}: {} panics", path.display());
        }
    }
    all.len()
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
}

#[test]
fn the_saved_fuzz_inputs_replay_without_a_panic() {
    let limits = Limits::default();
    let rt = runtime();
    let engine = crate::util::engine();
    let mut counts = Vec::new();
    counts.push(replay("fuzz_html", |b| drop(html::extract(b, &limits))));
    counts.push(replay("fuzz_docx", |b| drop(docx::extract(b, &limits))));
    counts.push(replay("fuzz_json", |b| drop(json::extract(b, &limits))));
    counts.push(replay("fuzz_text", |b| {
        sniff::sniff("input", b);
        drop(text::extract(b));
    }));
    counts.push(replay("fuzz_decode", |b| {
        let Some((&first, rest)) = b.split_first() else {
            return;
        };
        let encodings = [
            "gzip",
            "deflate",
            "br",
            "gzip, gzip",
            "deflate, br",
            "x-gzip",
            "identity",
            "gzip, deflate, br",
        ];
        let enc = encodings[first as usize % encodings.len()];
        if let Ok(out) = decode::decode(Some(enc), Bytes::copy_from_slice(rest), 1 << 20, 100) {
            assert!(out.len() <= 1 << 20);
        }
    }));
    counts.push(replay("fuzz_multipart", |b| {
        let split = b.iter().position(|&c| c == b'\n').unwrap_or(b.len());
        let boundary = String::from_utf8_lossy(&b[..split]);
        let body = Bytes::copy_from_slice(b.get(split + 1..).unwrap_or_default());
        let ct = format!("multipart/form-data; boundary={boundary}");
        let _ = rt.block_on(intake::split(Some(&ct), body, 100));
    }));
    counts.push(replay("fuzz_form", |b| {
        let _ = rt.block_on(intake::split(
            Some("application/x-www-form-urlencoded"),
            Bytes::copy_from_slice(b),
            100,
        ));
    }));
    counts.push(replay("fuzz_engine", |b| {
        drop(engine.scan("notice.txt", b))
    }));
    // An archive that failed to unpack would make this test vacuous.
    assert!(
        counts.iter().all(|&n| n > 0),
        "a target has no saved inputs: {counts:?}"
    );
    eprintln!(
        "replayed {} saved fuzz inputs",
        counts.iter().sum::<usize>()
    );
}

/// PDF inputs: the corpus in this process (the fuzzer ran every one of
/// them without an abort), the kept findings through the real worker
/// process, where a crash must come back as `unscannable`.
#[test]
fn saved_pdf_inputs_are_parsed_or_contained() {
    // pdf-extract's own panics are caught here as in the worker; libtest
    // captures their messages.
    let mut n = 0;
    for (target, _, bytes) in saved_corpus() {
        if target == "fuzz_pdf" {
            let _ = catch_unwind(AssertUnwindSafe(|| worker::extract_in_process(bytes, 50)));
            n += 1;
        }
    }
    assert!(n > 0, "the archive holds no PDF inputs");
    let extractors = crate::util::engine_extractors();
    let mut kept = 0;
    if let Ok(entries) = std::fs::read_dir("tests/regressions/fuzz_pdf") {
        for entry in entries {
            let path = entry.unwrap().path();
            let started = std::time::Instant::now();
            let doc = extractors.extract("a.pdf", &std::fs::read(&path).unwrap());
            // The known traps (a hang on an xref stream, a 66 TB length,
            // 200,000 nested arrays, circular /Prev, unknown encryption):
            // contained by the worker and reported, within the deadline.
            assert!(
                !doc.unreadable.is_empty(),
                "{}: a trap read without complaint",
                path.display()
            );
            assert!(
                started.elapsed() < std::time::Duration::from_secs(12),
                "{}: took {:?}",
                path.display(),
                started.elapsed()
            );
            kept += 1;
        }
    }
    eprintln!("replayed {n} PDF corpus inputs, {kept} kept findings");
}
