//! pubgate library (work in progress)
pub mod cli;
pub mod config;
pub mod detect;
pub mod engine;
pub mod extract;
pub mod model;
pub mod normalize;
pub mod policy;
pub mod report;
pub mod rescan;
