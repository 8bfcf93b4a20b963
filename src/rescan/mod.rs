//! `pubgate scan`: sweep files and directories with the engine, in
//! parallel, streaming results to a renderer.
//!
//! Walking ([`walk`]) lists and shards the inputs; [`run()`] scans them on a
//! rayon pool and sends each result through a bounded channel to the one
//! writer thread, so memory stays flat however large the archive;
//! [`baseline`] keeps findings a reviewer already accepted out of the report.

pub mod baseline;
pub mod run;
pub mod walk;

pub use run::{Options, run};
pub use walk::{Input, Shard};
