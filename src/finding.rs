//! The one result shape every capability returns: a [`Finding`] is data about
//! the input (an expired token, a risky policy), never an error.

use serde::{Deserialize, Serialize};

/// How much a finding matters to the person reading it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// AWS will reject this, or it is unsafe.
    Error,
    /// Probably a mistake, or about to become one.
    Warning,
    /// Worth knowing; nothing is wrong.
    Info,
}

/// A stable, documented observation about the input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    /// Stable code, never renumbered (e.g. `TOK002`).
    pub code: &'static str,
    /// Short kebab-case name of the rule behind the code.
    pub name: &'static str,
    pub severity: Severity,
    pub message: String,
    /// Why the rule matters, in plain words (the same for every finding of a code).
    pub why: &'static str,
    /// The claim (or header field) the finding is about, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claim: Option<String>,
    /// Where in a policy the finding points, as a JSON path (`$.Statement[0].Condition…`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The whole policy with this finding fixed, when there is one safe fix.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
}

// The builders are never inlined: each inlined copy moved the whole `Finding` at
// one of about 50 call sites, 1.7 KB of the WebAssembly module gzipped.
impl Finding {
    #[must_use]
    #[inline(never)]
    pub fn new(rule: &Rule, message: impl Into<String>) -> Self {
        Self {
            code: rule.code,
            name: rule.name,
            severity: rule.severity,
            message: message.into(),
            why: rule.why,
            claim: None,
            path: None,
            fix: None,
        }
    }

    #[must_use]
    #[inline(never)]
    pub fn about(mut self, claim: impl Into<String>) -> Self {
        self.claim = Some(claim.into());
        self
    }

    #[must_use]
    #[inline(never)]
    pub fn at(mut self, path: impl Into<String>) -> Self {
        self.path = Some(path.into());
        self
    }

    #[must_use]
    #[inline(never)]
    pub fn with_fix(mut self, policy: String) -> Self {
        self.fix = Some(policy);
        self
    }
}

/// Orders findings most severe first, keeping the order within a severity.
/// A three-way partition rather than a sort: with three severities it is O(n)
/// and leaves the standard library's stable sort (3 KB) out of the module.
pub fn sort_by_severity(findings: &mut Vec<Finding>) {
    let mut warnings = Vec::new();
    let mut infos = Vec::new();
    let mut errors = Vec::with_capacity(findings.len());
    for finding in findings.drain(..) {
        match finding.severity {
            Severity::Error => errors.push(finding),
            Severity::Warning => warnings.push(finding),
            Severity::Info => infos.push(finding),
        }
    }
    errors.append(&mut warnings);
    errors.append(&mut infos);
    *findings = errors;
}

/// A finding's identity and documentation, kept as data so that codes, names
/// and explanations are listed in one place per area.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Rule {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    /// One plain-words sentence: why this matters.
    pub why: &'static str,
}

/// A rule's page (`docs/rules/<CODE>.md`, and the page's rule view), in the shape every rule
/// follows whatever its area. Each area keeps these in a `DOCUMENTED` table apart from its
/// [`Rule`]s: only tests read the tables (which render the pages and run the examples), so the
/// WebAssembly modules leave the documentation out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Docs {
    /// What the rule looks for, in a few sentences (Markdown: `code` spans only).
    pub what_it_does: &'static str,
    /// Why that is a problem: what AWS or GitLab does with such input.
    pub why_is_this_bad: &'static str,
    /// An input that raises this finding, in the area's own language: a trust policy (`POL`),
    /// a `ciSnippet` spec (`CI`), a token's header and payload as `{"header":…,"payload":…}`
    /// with an optional `"signature":""` for an empty one (`TOK`), or `diagnose`'s arguments as
    /// `{"errorText":…,"context":…}` (`DIA`). The tests check it raises the code.
    pub example: &'static str,
    /// The example, fixed: it raises no finding of the area (a token: none but TOK017, which
    /// every token gets; a diagnosis: not this code). Empty when no input can avoid the finding.
    pub use_instead: &'static str,
    /// What both are checked with, as JSON (`{}` for nothing): the lint context (`POL`, where
    /// `"@name"` stands for the fixture token `tests/fixtures/tokens/<name>.jwt`) or
    /// `{"nowSeconds":…}` (`TOK`).
    pub context: &'static str,
    /// How to fix it, in a few sentences.
    pub fix: &'static str,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorting_by_severity_keeps_the_order_within_a_severity() {
        let rule = |code, severity| Rule {
            code,
            name: "n",
            severity,
            why: "w",
        };
        let rules = [
            rule("I1", Severity::Info),
            rule("W1", Severity::Warning),
            rule("E1", Severity::Error),
            rule("I2", Severity::Info),
            rule("E2", Severity::Error),
            rule("W2", Severity::Warning),
        ];
        let mut findings: Vec<Finding> = rules.iter().map(|r| Finding::new(r, "m")).collect();
        sort_by_severity(&mut findings);
        let codes: Vec<&str> = findings.iter().map(|f| f.code).collect();
        assert_eq!(codes, ["E1", "E2", "W1", "W2", "I1", "I2"]);
    }
}
