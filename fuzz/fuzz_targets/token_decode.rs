//! Fuzz target `token_decode`: the checks are in `../checks/token_decode.rs` (see there),
//! shared with `tests/fuzz_regressions.rs`, which replays saved crash inputs.
#![no_main]

#[path = "../checks/token_decode.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::run(data));
