//! Splitting a multipart/form-data body (multer, part caps, sniffing, part
//! labels). The first line of the input is the boundary, the rest the body.
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
    let split = data.iter().position(|&b| b == b'\n').unwrap_or(data.len());
    let boundary = String::from_utf8_lossy(&data[..split]);
    let body = Bytes::copy_from_slice(data.get(split + 1..).unwrap_or_default());
    let content_type = format!("multipart/form-data; boundary={boundary}");
    let _ = runtime().block_on(intake::split(Some(&content_type), body, 100));
});
