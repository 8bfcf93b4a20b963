//! The one integration-test binary (ripgrep's layout: one link step for all
//! integration tests keeps the 2-core CI build short).

// Test helpers may unwrap: a failure there is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

// Shared helpers: real PDF/DOCX writers, the binary, a deterministic RNG.
mod util;

// The dependency rule of src/lib.rs, read off the source.
mod architecture;

// Labelled synthetic announcements of every type and format.
mod generator;

// Every extractor on real files: PDF, DOCX, HTML, GBK text, JSON, hostile input.
mod extract_formats;

// The fuzzers' saved corpus and kept findings, replayed on every `cargo test`.
mod fuzz_replay;

// Every carrier a value can hide in: leaky cases found, clean controls passed, and a property test.
mod carriers;

// Detector behaviour on hand-written positives and hard negatives.
mod detectors;

// Per-category precision and recall over the synthetic corpus.
mod corpus;

// Real published announcements labelled by hand (kept outside the repository; SKIP without them).
mod real_corpus;

// The `pubgate` command line: exit codes, output formats, masking, baselines, shards.
mod scan_cli;

// `pubgate scan` over list files, S3, PostgreSQL tables, and into the store (takedown candidates, incremental).
mod scan_archive;

// `pubgate serve`: real upstream, real store, the review API.
mod gateway;

// The public side: a real site behind `[[egress]]` routes; 451 until released; validators, ranges, encodings.
mod egress;

// Hostile requests on the proxy port: smuggling, path tricks, header floods, parser traps.
mod hostile;

// The review store on SQLite and PostgreSQL: pragmas, state machine, concurrency, audit chain.
mod store;

// Store secrets: the audit chain under tampering, encryption at rest.
mod store_secrets;

// Several gateway processes on one PostgreSQL: exactly-once delivery across a SIGKILL, shared reloads.
mod replicas;

// deploy/: manifests parse and carry probes, limits, non-root, PDB, HPA, an Indexed Job.
mod deploy;

// kill -9 during hold writes and deliveries, on SQLite and PostgreSQL.
mod crash;

// Faults injected between the gateway and its upstream or store.
mod faults;

// The bad-input battery and slowloris against the real gateway process.
mod battery;

// Canary values through every input; searched for in every output.
mod leak_sweep;

// The review office's daily work: 打码后发布, rejection reasons, the queue.
mod review_office;

// docs/openapi.json against the routes the binary serves.
mod openapi;

// The review web UI: cookies, CSRF, and a reviewer in headless Chromium.
mod review_ui;

// `pubgate serve` from the command line: demo site, generated token, signals.
mod serve_cli;

// A real WordPress behind the gateway: publishing saved drafts.
mod wordpress;
