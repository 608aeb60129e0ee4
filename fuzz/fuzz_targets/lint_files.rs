//! Fuzz target `lint_files`: the checks are in `../checks/lint_files.rs` (see there),
//! shared with `tests/fuzz_regressions.rs`, which replays saved crash inputs.
#![no_main]

#[path = "../checks/lint_files.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::run(data));
