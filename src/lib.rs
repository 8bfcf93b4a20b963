//! pubgate library (work in progress)
pub mod extract;
pub mod normalize;
pub mod model;
