//! DOCX extraction (zip caps, quick-xml, tracked changes, metadata) on
//! arbitrary bytes, without the panic guard.
#![no_main]
use libfuzzer_sys::fuzz_target;
use pubgate::extract::{Limits, docx};

fuzz_target!(|data: &[u8]| {
    let _ = docx::extract(data, &Limits::default());
});
