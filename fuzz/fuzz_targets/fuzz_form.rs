//! Splitting an application/x-www-form-urlencoded body (percent-decoding,
//! field caps, field names scanned as their own piece).
#![no_main]
use std::sync::OnceLock;

use bytes::Bytes;
use libfuzzer_sys::fuzz_target;
use pubgate::intake;

fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap_or_else(|_| std::process::abort())
    })
}

fuzz_target!(|data: &[u8]| {
    let body = Bytes::copy_from_slice(data);
    let _ = runtime().block_on(intake::split(
        Some("application/x-www-form-urlencoded"),
        body,
        100,
    ));
});
