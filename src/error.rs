//! What every error of the core tells its caller besides its message: a stable
//! code, and where in the input it went wrong when that is known. The wasm
//! boundary turns these into properties of the JS `Error` it throws.

/// An error a caller can act on without reading its message.
pub trait Coded: std::fmt::Display {
    /// A stable code (`spec.account_id`, `policy.json`) to branch on; messages may change.
    fn code(&self) -> &'static str;

    /// The field of the caller's spec, options or context the error is about, its path as
    /// JSON spells it (`accountId`, `subjects[1]`, `roles[0].roleArn`, `codebuild.bucket`).
    fn field(&self) -> Option<String> {
        None
    }

    /// Where in pasted text: 1-based line and column.
    fn position(&self) -> Option<(usize, usize)> {
        None
    }
}
