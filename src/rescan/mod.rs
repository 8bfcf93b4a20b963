//! `pubgate scan`: sweep an archive with the engine, in parallel,
//! streaming results to a renderer and, optionally, to the shared store.
//!
//! Walking ([`walk`]) lists and shards the inputs — folders, list files,
//! and through [`remote`] addresses, S3 buckets and PostgreSQL tables; [`run()`] scans them on a
//! rayon pool and sends each result through a bounded channel to the one
//! writer thread, so memory stays flat however large the archive;
//! [`baseline`] keeps findings a reviewer already accepted out of the report;
//! [`record`] writes results to the review store, where documents with
//! findings become takedown candidates, and makes the next rescan skip
//! what did not change.

pub mod baseline;
pub mod error;
pub mod record;
pub mod remote;
pub mod run;
pub mod walk;

pub use error::RescanError;
pub use run::{Options, Scanned, Sink, run};
pub use walk::{Input, Shard};
