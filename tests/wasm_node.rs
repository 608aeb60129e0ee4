//! The exports in Node (wasm-bindgen-test's default runtime).
#![cfg(target_arch = "wasm32")]

#[path = "wasm/exports.rs"]
mod exports;

#[path = "wasm/verify.rs"]
mod verify;

#[path = "wasm/policy.rs"]
mod policy;

#[path = "wasm/analysis.rs"]
mod analysis;

#[path = "wasm/ci.rs"]
mod ci;

#[path = "wasm/files.rs"]
mod files;

#[path = "wasm/support.rs"]
mod support;
