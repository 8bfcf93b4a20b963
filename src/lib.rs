//! pubgate library (work in progress)
pub mod extract;
pub mod model;
