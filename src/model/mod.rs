//! The shared vocabulary of the pipeline: documents, pieces, locations,
//! findings and masked values.
//!
//! This module owns data only. It must not import any other pubgate module,
//! so every stage (extract → normalize → detect → decide → report) can depend
//! on it without creating cycles.

mod document;
mod file_error;
mod finding;
mod masked;
mod zh;

pub use document::{Document, Embedded, Format, PartKind, Piece, UnreadKind, Unreadable};
pub use file_error::{FileError, FileErrors};
pub use finding::{Action, Category, Confidence, Finding, Location, Severity};
pub use masked::{Sensitive, mask_digit_runs, mask_digits, mask_email, mask_name};
pub use zh::part_zh;
