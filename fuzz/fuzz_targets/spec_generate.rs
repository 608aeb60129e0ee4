//! Fuzz target `spec_generate`: the checks are in `../checks/spec_generate.rs` (see there),
//! shared with `tests/fuzz_regressions.rs`, which replays saved crash inputs.
#![no_main]

#[path = "../checks/spec_generate.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::run(data));
