//! Shared test helpers: a deterministic RNG, real PDF and DOCX writers,
//! running the real binary, and an engine wired to the real PDF worker.

pub mod docx;
pub mod faults;
pub mod http;
pub mod pdf;
pub mod process;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use pubgate::engine::Engine;
use pubgate::extract::{Extractors, WorkerCommand};

/// The `pubgate` binary built for this test run, or the one named by
/// `PUBGATE_TEST_BIN` (e.g. a release build, for the long measurements in
/// docs/reliability.md).
pub fn bin() -> PathBuf {
    std::env::var_os("PUBGATE_TEST_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_pubgate")))
}

/// An engine on the shipped defaults whose PDF worker is the real binary.
pub fn engine() -> Engine {
    let worker = WorkerCommand {
        program: bin(),
        args: vec!["extract-worker".into()],
    };
    Engine::embedded()
        .expect("shipped defaults build")
        .with_extractors(Extractors {
            worker: Some(worker),
            ..Extractors::default()
        })
        .with_today(chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap())
}

/// Runs `pubgate` with arguments, optional stdin.
pub fn run(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut cmd = Command::new(bin());
    cmd.args(args)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn pubgate");
    if let Some(input) = stdin {
        use std::io::Write;
        let mut s = child.stdin.take().unwrap();
        s.write_all(input).unwrap();
    }
    child.wait_with_output().expect("wait pubgate")
}

/// A temporary directory removed on drop.
pub struct TempDir(pub tempfile::TempDir);

impl TempDir {
    /// A new empty directory.
    pub fn new() -> TempDir {
        TempDir(tempfile::tempdir().expect("tempdir"))
    }

    /// The path.
    pub fn path(&self) -> &Path {
        self.0.path()
    }

    /// Writes a file (creating parent folders) and returns its path.
    pub fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let p = self.0.path().join(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(&p, bytes).unwrap();
        p
    }
}

/// SplitMix64: small, deterministic, good enough for test data.
pub struct Rng(u64);

impl Rng {
    /// Seeded generator.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// Next 64 random bits.
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in 0..n.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    /// True with probability p.
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next() % 10_000) as f64 / 10_000.0 < p
    }

    /// One string.
    pub fn one(&mut self, items: &[&'static str]) -> &'static str {
        items[self.below(items.len())]
    }

    /// One element.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// The extractors with the real PDF worker.
pub fn engine_extractors() -> Extractors {
    Extractors {
        worker: Some(WorkerCommand {
            program: bin(),
            args: vec!["extract-worker".into()],
        }),
        ..Extractors::default()
    }
}
