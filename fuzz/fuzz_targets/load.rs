//! Fuzz target: `runbook::fuzz::load` (see its documentation for what it checks).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| runbook::fuzz::load(data));
