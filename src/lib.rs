//! pubgate checks Chinese government procurement announcements before they
//! are published: state secrets, personal data, procurement secrets,
//! missing mandatory fields and inconsistent figures.
//!
//! The pipeline is the module layout, in order:
//!
//! ```text
//! bytes ─ extract ─▶ Document ─ normalize ─▶ NormalizedDoc ─ detect ─▶ candidates
//!                   (pieces +               (NFKC, 繁→简,         │
//!                    part names)             offset maps)          ▼
//!                                                   policy ─▶ Verdict (action per finding,
//!                                                                  strictest per document)
//! ```
//!
//! * [`extract`] turns bytes into text pieces with part names (body, page,
//!   tracked deletion, comment, metadata…); PDF parsing runs in a worker
//!   process; anything unreadable becomes an `unscannable` part.
//! * [`normalize`] builds one normalized text for the whole document, with
//!   maps back to every piece's original offsets.
//! * [`detect`] runs every detector once over that text: one aho-corasick
//!   pass over a compact re-encoding serves the dictionaries and tells the
//!   other detectors where to look.
//! * [`policy`] maps findings to actions and review queues.
//! * [`engine`] is the only door into the core (`Engine::scan`), used by
//!   the batch rescan ([`rescan`]) and the gateway ([`gateway`]).
//! * [`report`] renders results (text, JSONL, SARIF, CSV); [`cli`] is the
//!   command line; [`operator_files`] finds the operator files (dictionaries, policies); [`model`] is the
//!   shared vocabulary.
//!
//! The gateway (`pubgate serve`) is the edge around the same engine:
//!
//! ```text
//!                          serve (composition root: config file, signals)
//!                 ┌──────────────┼───────────────────┐
//!                 ▼              ▼                   ▼
//!             gateway ──────▶ review ◀───────── cluster
//!  (proxy, public side)  (queue office: API, UI,  (reload here and on
//!            │ │          delivery, auth, notifier)  every replica, heartbeat)
//!            │ └──▶ redact      │  │                  │
//!            ▼                  ▼  ▼                  ▼
//!          intake ─────────▶ engine   upstream      store   metrics
//! ```
//!
//! * [`intake`] turns a publish request's body (or a public page) into one
//!   `Document`; the review page uses the same door to show the held text.
//! * [`redact`] rewrites a body with flagged values masked.
//! * [`upstream`] is the HTTP client to the publishing platform.
//! * [`store`] is the durable store (SQLite or PostgreSQL) of everything
//!   the edge keeps: holds, verdicts on published pages, the audit chain,
//!   replicas, sessions. [`metrics`] is the Prometheus registry.
//! * [`gateway`] is the proxy (inspect side and public side), with its own
//!   state ([`gateway::state::GatewayState`]); [`review`] the review office
//!   ([`review::state::ReviewState`]): queue API and UI, takedowns,
//!   delivery, auth, the state-change notifier; [`cluster`] reloads and the
//!   replica heartbeat. [`serve`] builds the three states, sharing the
//!   store, the live engine, the metrics and the notifier, and is the only
//!   module that knows them all.
//!
//! Dependency rule (checked by `tests/architecture.rs`, which reads
//! `src/`): `model` imports nothing from pubgate; `extract`, `normalize`,
//! `detect` and `policy` import only `model` (and `detect` reads
//! `normalize`'s output); only `engine` wires them together; nothing in the
//! core is async. `store`, `upstream` and `metrics` know nothing of the
//! components that use them; `review` never imports `gateway` (replay goes
//! through `upstream`); nothing under `gateway`, `review`, `cluster` or
//! `rescan` imports `serve`. Sensitive values never leave the core
//! unmasked ([`model::Sensitive`]).

#![warn(missing_docs)]
#![deny(rustdoc::broken_intra_doc_links)]

pub mod model;
pub mod operator_files;
pub mod extract;
pub mod normalize;
pub mod detect;
pub mod policy;
pub mod engine;
pub mod report;
pub mod rescan;
pub mod redact;
pub mod intake;
pub mod upstream;
pub mod metrics;
pub mod store;
pub mod review;
pub mod gateway;
pub mod cluster;
pub mod serve;
pub mod cli;
