//! Fuzz target `verify_keys`: the checks are in `../checks/verify_keys.rs` (see there),
//! shared with `tests/fuzz_regressions.rs`, which replays saved crash inputs.
#![no_main]

#[path = "../checks/verify_keys.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::run(data));
