//! The exports in headless Chromium, through chromedriver.
#![cfg(target_arch = "wasm32")]

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

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

#[path = "wasm/support.rs"]
mod support;
