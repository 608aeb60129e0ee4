use crate::finding::{Finding, Rule, Severity};
use crate::lint::rules::sub_any_ref::protected_only;
use crate::lint::{as_pattern, granted_sub_conditions, trusted_host, Context, Docs, LintRule};
use crate::policy::{Document, Operator};
use crate::subject::pattern_scope;
use crate::text::Gather as _;

pub static RULE: LintRule = LintRule {
    rule: Rule {
        code: "POL025",
        name: "sub-ref-pattern",
        severity: Severity::Warning,
        why: "A ref pattern such as ref:v* or ref:release/* admits every branch or tag whose name matches, and AWS does not check that they are protected: anyone who can push a matching branch or tag can assume the role.",
    },
};

/// Kept apart from [`RULE`] so that the WebAssembly module, which never shows them, leaves them out.
pub static DOCS: Docs = Docs {
    what_it_does: "Flags a `StringLike` `sub` whose ref is a partial wildcard (`ref:v*`, `ref:release/*`, `ref:pr*`, `ref_type:tag:ref:*-prod`), naming a ref it also admits, unless on gitlab.com `ref_protected` is pinned to `\"true\"` (or a Deny refuses every other value).",
    why_is_this_bad: "Any developer can push a branch and, unless tags are protected, create a tag: `ref:v*` admits a tag `v-unreviewed` made from any commit, and `ref:pr*` admits `prod` and `preview` as well as `pr-42`. GitLab marks such refs protected only when a protected branch or tag rule covers them, and only gitlab.com lets AWS check that (`gitlab.com:ref_protected`). On self-managed, protect the same pattern in GitLab (protected branches and tags accept wildcards) and keep the pattern narrow.",
    example: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/gitlab.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"gitlab.com:aud":"sts.amazonaws.com","gitlab.com:project_id":"42"},"StringLike":{"gitlab.com:sub":"project_path:acme/app:ref_type:tag:ref:v*"}}}]}"#,
    use_instead: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/gitlab.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"gitlab.com:aud":"sts.amazonaws.com","gitlab.com:project_id":"42","gitlab.com:ref_protected":"true"},"StringLike":{"gitlab.com:sub":"project_path:acme/app:ref_type:tag:ref:v*"}}}]}"#,
    context: "{}",
    fix: r#"Name the refs exactly, or on gitlab.com pin `"StringEquals": {"gitlab.com:ref_protected": "true"}` and protect the pattern in GitLab (protected branches and tags accept wildcards). Off gitlab.com protect the pattern in GitLab and match `ref_protected:true` in `sub` (add `ref_protected` to the project's `ci_id_token_sub_claim_components`)."#,
};

/// The `ref` value of a `sub` pattern (up to the next `:`), when it names one.
fn ref_pattern(pattern: &str) -> Option<&str> {
    let (_, rest) = crate::text::split_once(pattern, ":ref:")?;
    Some(crate::text::split_ascii(rest, b':').next().unwrap_or_default())
}

/// Whether the pattern itself requires `ref_protected:true` in `sub` (a customised `sub` that
/// carries the component): the literal text after its last wildcard holds that whole pair.
fn requires_protected_in_sub(pattern: &str) -> bool {
    const PAIR: &str = ":ref_protected:true";
    let tail = pattern
        .bytes()
        .rposition(|b| matches!(b, b'*' | b'?'))
        .map_or(pattern, |last| &pattern[last + 1..]);
    crate::text::find(tail, PAIR).is_some_and(|at| matches!(tail.as_bytes().get(at + PAIR.len()), None | Some(b':')))
}

/// A ref name the pattern admits that nobody meant to: each `*` filled with `unreviewed`
/// (set off by `-` from letters and digits beside it), each `?` with `x`.
fn example_ref(pattern: &str) -> String {
    let chars: Vec<char> = pattern.chars().gather();
    let mut example = String::new();
    for (index, &c) in chars.iter().enumerate() {
        match c {
            '*' => {
                let before = index.checked_sub(1).and_then(|i| chars.get(i));
                let after = chars.get(index + 1);
                if before.is_some_and(char::is_ascii_alphanumeric) {
                    example.push('-');
                }
                example.push_str("unreviewed");
                if after.is_some_and(char::is_ascii_alphanumeric) {
                    example.push('-');
                }
            }
            '?' => example.push('x'),
            c => example.push(c),
        }
    }
    example
}

pub(super) fn check(document: &Document, _context: &Context) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (index, statement) in document.statements.iter().enumerate() {
        if protected_only(document, statement) {
            continue; // ref_protected = "true" already limits the refs to protected ones.
        }
        let gitlab_com = trusted_host(statement).is_some_and(|host| host.is_gitlab_com());
        for (condition, path) in granted_sub_conditions(index, statement) {
            if !crate::text::contains(Operator::parse(&condition.operator).base, "Like") {
                continue; // under StringEquals a * is a plain character (POL003)
            }
            for value in &condition.values {
                let pattern = as_pattern(document, value);
                let scope = pattern_scope(&pattern);
                if scope.any_project || scope.any_ref || scope.any_ref_type {
                    continue; // POL005 and POL007 say more
                }
                let Some(reference) = ref_pattern(&pattern).filter(|r| crate::text::has_wildcard(r)) else {
                    continue;
                };
                if requires_protected_in_sub(&pattern) {
                    continue; // GitLab puts ref_protected:true in sub only for protected refs
                }
                let example = example_ref(reference);
                let advice = if gitlab_com {
                    "pin gitlab.com:ref_protected to \"true\" with StringEquals, or name the refs"
                } else {
                    "AWS cannot check ref_protected for this provider: protect the same pattern in GitLab (protected branches and tags accept wildcards), or name the refs"
                };
                findings.push(
                    Finding::new(
                        &RULE.rule,
                        format!("sub {value:?} admits every ref matching {reference:?}, such as {example:?}, protected or not: anyone who can push a matching branch or tag can assume the role; {advice}"),
                    )
                    .about("sub")
                    .at(path.clone()),
                );
            }
        }
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn examples_are_refs_the_pattern_admits() {
        for (pattern, example) in [
            ("v*", "v-unreviewed"),
            ("release/*", "release/unreviewed"),
            ("pr*", "pr-unreviewed"),
            ("*-prod", "unreviewed-prod"),
            ("*prod", "unreviewed-prod"),
            ("v?.*", "vx.unreviewed"),
        ] {
            assert_eq!(example_ref(pattern), example);
            assert!(crate::policy::wildcard::matches(pattern, example), "{pattern}");
            assert_eq!(crate::subject::check_ref_name(example), Ok(()), "{example}");
        }
        assert_eq!(ref_pattern("project_path:g/p:ref_type:tag:ref:v*"), Some("v*"));
        assert_eq!(ref_pattern("project_path:g/p:ref:r*:ref_protected:true"), Some("r*"));
        assert_eq!(ref_pattern("project_path:g/p:ref_type:branch"), None);
        assert!(requires_protected_in_sub("project_id:4:ref_type:branch:ref:release/*:ref_protected:true"));
        assert!(!requires_protected_in_sub("project_id:4:ref_type:branch:ref:release/*:ref_protected:false"));
        assert!(!requires_protected_in_sub("project_id:4:ref:release/*:ref_protected:true*"));
        assert!(!requires_protected_in_sub("project_id:4:ref:release/*:ref_protected:truex"));
    }
}
