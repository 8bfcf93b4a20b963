//! HTML extraction (lol_html, hidden content, attributes, encodings) on
//! arbitrary bytes. Called without the panic guard, so a panic is a finding.
#![no_main]
use libfuzzer_sys::fuzz_target;
use pubgate::extract::{Limits, html};

fuzz_target!(|data: &[u8]| {
    let _ = html::extract(data, &Limits::default());
});
