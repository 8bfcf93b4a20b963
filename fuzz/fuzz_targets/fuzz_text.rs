//! Text decoding (BOMs, UTF-8/GBK/GB18030/UTF-16 guessing) and format
//! sniffing on arbitrary bytes.
#![no_main]
use libfuzzer_sys::fuzz_target;
use pubgate::extract::{sniff, text};

fuzz_target!(|data: &[u8]| {
    let _ = sniff::sniff("input", data);
    let _ = text::extract(data);
});
