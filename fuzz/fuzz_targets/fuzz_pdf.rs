//! PDF parsing as the worker process runs it (pdf-extract + lopdf, page
//! cap). pdf-extract panics on purpose on files it does not understand and
//! the worker catches those, so caught panics are not findings here; what
//! the fuzzer reports is what the worker cannot catch: aborts, stack
//! overflows, runaway memory (`-rss_limit_mb`) and hangs (`-timeout`). The
//! gateway contains those by killing the worker (see `extract::pdf`); each
//! one found is kept in `tests/regressions/pdf/` with a test that it is
//! contained.
#![no_main]
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Once;

use libfuzzer_sys::fuzz_target;
use pubgate::extract::worker;

static QUIET: Once = Once::new();

fuzz_target!(|data: &[u8]| {
    QUIET.call_once(|| std::panic::set_hook(Box::new(|_| {})));
    let _ = catch_unwind(AssertUnwindSafe(|| worker::extract_in_process(data, 50)));
});
