//! Fuzz target `policy_lint_evaluate`: the checks are in `../checks/policy_lint_evaluate.rs` (see there),
//! shared with `tests/fuzz_regressions.rs`, which replays saved crash inputs.
#![no_main]

#[path = "../checks/policy_lint_evaluate.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::run(data));
