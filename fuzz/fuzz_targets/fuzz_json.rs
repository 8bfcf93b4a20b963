//! JSON extraction (depth cap, every string value and key) on arbitrary
//! bytes, without the panic guard.
#![no_main]
use libfuzzer_sys::fuzz_target;
use pubgate::extract::{Limits, json};

fuzz_target!(|data: &[u8]| {
    let _ = json::extract(data, &Limits::default());
});
