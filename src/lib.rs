//! `gitlab-aws-oidc`: wire GitLab CI to AWS with OpenID Connect, offline.
//!
//! The core is pure: it takes strings and plain values, does no I/O and never
//! reads the clock ("now" is a parameter). `wasm` is the only module that
//! knows about JavaScript, and it is compiled only for `wasm32`.

pub mod base64url;
pub mod ci;
pub mod command;
pub mod diagnose;
pub mod diff;
pub mod error;
pub mod finding;
pub mod input;
pub mod issuer;
pub mod json;
pub mod keys;
pub mod lint;
pub mod policy;
pub mod report;
pub mod sources;
pub mod subject;
pub mod text;
pub mod token;
pub mod verify;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use finding::{Finding, Rule, Severity};
pub use token::inspect::{inspect_token, Inspection};
pub use token::{decode_unverified, TokenError, UnverifiedToken};
