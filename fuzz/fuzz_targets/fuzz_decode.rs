//! `Content-Encoding` decoding (gzip, deflate, br, stacked) under the size
//! and ratio caps. The first byte picks the encoding list.
#![no_main]
use bytes::Bytes;
use libfuzzer_sys::fuzz_target;
use pubgate::intake::decode;

const ENCODINGS: [&str; 8] = [
    "gzip",
    "deflate",
    "br",
    "gzip, gzip",
    "deflate, br",
    "x-gzip",
    "identity",
    "gzip, deflate, br",
];

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let encoding = ENCODINGS[first as usize % ENCODINGS.len()];
    if let Ok(out) = decode::decode(Some(encoding), Bytes::copy_from_slice(rest), 1 << 20, 100) {
        assert!(out.len() <= 1 << 20, "decoded past the limit");
    }
});
