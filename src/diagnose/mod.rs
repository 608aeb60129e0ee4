//! "Why did STS say no?": reads a pasted error (or a whole job log) and recognizes the STS or
//! IAM error in it, whatever client wrapped it. Every secret in the text is masked first.

pub mod job;
mod mask;
pub mod recognize;

pub use recognize::{Client, Kind};
