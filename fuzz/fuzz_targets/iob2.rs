//! IOB2 entity reader. Must never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = claimtrace_ml::iob2::read(data);
});
