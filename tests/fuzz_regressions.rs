//! Replays every saved fuzz input through the same checks as its fuzz target.
//!
//! A crash found by `cargo fuzz` (see `fuzz/README.md`) is minimized and saved as
//! `tests/fixtures/fuzz/<target>/<name>`, the file's bytes being the input exactly
//! as libFuzzer wrote it. This test feeds each file to `fuzz/checks/<target>.rs`,
//! the code the fuzz target runs, so the crash stays fixed in plain `cargo test`,
//! on stable, without cargo-fuzz. A test that asserts the intended result (a coded
//! error, not a panic) goes in `tests/robustness.rs` next to it.
#![cfg(not(target_arch = "wasm32"))]

use std::fs;
use std::panic;
use std::path::{Path, PathBuf};

#[path = "../fuzz/checks/diagnose_compare.rs"]
mod diagnose_compare;
#[path = "../fuzz/checks/lint_files.rs"]
mod lint_files;
#[path = "../fuzz/checks/policy_lint_evaluate.rs"]
mod policy_lint_evaluate;
#[path = "../fuzz/checks/spec_generate.rs"]
mod spec_generate;
#[path = "../fuzz/checks/token_decode.rs"]
mod token_decode;
#[path = "../fuzz/checks/verify_keys.rs"]
mod verify_keys;

/// A fuzz target's name (its directory under `tests/fixtures/fuzz/`) and checks.
type Target = (&'static str, fn(&[u8]));

const TARGETS: [Target; 6] = [
    ("token_decode", token_decode::run),
    ("verify_keys", verify_keys::run),
    ("policy_lint_evaluate", policy_lint_evaluate::run),
    ("spec_generate", spec_generate::run),
    ("diagnose_compare", diagnose_compare::run),
    ("lint_files", lint_files::run),
];

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz")
}

/// The saved inputs of one target (none yet is fine), sorted; README.md files are notes.
fn inputs(target: &str) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(fixtures().join(target)) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .map(|entry| entry.expect("readable directory entry").path())
        .filter(|path| path.is_file() && path.file_name().is_some_and(|name| name != "README.md"))
        .collect();
    files.sort();
    files
}

#[test]
fn saved_fuzz_inputs_pass_their_targets_checks() {
    let mut failed = Vec::new();
    let mut replayed = 0;
    for (target, run) in TARGETS {
        for path in inputs(target) {
            let data = fs::read(&path).expect("readable fuzz input");
            replayed += 1;
            if panic::catch_unwind(|| run(&data)).is_err() {
                failed.push(path.display().to_string());
            }
        }
    }
    println!("replayed {replayed} saved fuzz inputs");
    assert!(
        failed.is_empty(),
        "these saved fuzz inputs still fail (the panic is printed above):\n{}",
        failed.join("\n")
    );
}

#[test]
fn every_saved_input_belongs_to_a_target() {
    let Ok(entries) = fs::read_dir(fixtures()) else {
        return;
    };
    for entry in entries {
        let path = entry.expect("readable directory entry").path();
        let name = path
            .file_name()
            .and_then(|name| name.to_str())
            .unwrap_or_default()
            .to_owned();
        if path.is_file() {
            assert_eq!(name, "README.md", "{}: put it in a target's directory", path.display());
        } else {
            assert!(
                TARGETS.iter().any(|(target, _)| *target == name),
                "{}: not the name of a fuzz target ({:?})",
                path.display(),
                TARGETS.map(|(target, _)| target)
            );
        }
    }
}

/// The checks themselves run: a fixture of each kind goes through its target cleanly.
#[test]
fn the_checks_accept_the_fixtures() {
    let fixture =
        |path: &str| fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(path)).unwrap();
    token_decode::run(&fixture("tokens/gitlab-com-main.jwt"));
    token_decode::run(&fixture("malformed/payload-not-json.txt"));
    verify_keys::run(&fixture("keys/jwks.json"));
    verify_keys::run(&fixture("keys/test-rsa-2048.pub.pem"));
    policy_lint_evaluate::run(&fixture("lint/self-managed-mixed.json"));
    policy_lint_evaluate::run(&fixture("tokens/gitlab-com-main.claims.json"));
    spec_generate::run(&fixture("policy/release-tags.spec.json"));
    spec_generate::run(&fixture("ci/policy-mismatch.spec.json"));
    diagnose_compare::run(&fixture("diagnose/aws-cli-access-denied.txt"));
    diagnose_compare::run(&fixture("lint/blog-recipe.json"));
    lint_files::run(&fixture("sources/cloudformation.yaml"));
    lint_files::run(&fixture("sources/terraform-plan.json"));
}
