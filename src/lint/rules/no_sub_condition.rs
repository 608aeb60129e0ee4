use crate::text::Gather as _;
use crate::lint::sub_scope;
use crate::text::Joined as _;
use crate::finding::{Finding, Rule, Severity};
use crate::issuer::ProviderHost;
use crate::lint::{deny_guardrails, provider_claim, sub_conditions, trusted_host, trusts_oidc, Context, Docs, LintRule};
use crate::policy::{Condition, Document, Operator};

use super::path_sub_without_project_id::project_pinned;
use super::sub_any_ref::protected_only;

pub static RULE: LintRule = LintRule {
    rule: Rule {
        code: "POL001",
        name: "no-sub-condition",
        severity: Severity::Error,
        why: "Without a sub condition, every project on the GitLab instance can assume the role; on gitlab.com that is anyone.",
    },
};

/// Kept apart from [`RULE`] so that the WebAssembly module, which never shows them, leaves them out.
pub static DOCS: Docs = Docs {
    what_it_does: "Flags an Allow statement trusting an OIDC provider with no condition that restricts `<host>:sub` (the provider's own key): `StringEquals`, `StringLike` or their `IgnoreCase` forms (`Null` only asks whether the key is present). When a Deny refuses every sub but a few (negated `<host>:sub` conditions only), the role is restricted: the finding is then information naming them, or a warning naming the problem if what is left admits a whole group, any ref (unless `ref_protected` is pinned) or, on gitlab.com, a project by path with no `project_id` pin.",
    why_is_this_bad: "The provider and audience say only which GitLab issued the token. `sub` is what names your project and ref; without it any project's pipeline gets the role.",
    example: gitlab_com_policy!(r#"{"StringEquals":{"gitlab.com:aud":"sts.amazonaws.com","gitlab.com:project_id":"42"}}"#),
    use_instead: gitlab_com_policy!(r#"{"StringEquals":{"gitlab.com:aud":"sts.amazonaws.com","gitlab.com:project_id":"42","gitlab.com:sub":"project_path:acme/app:ref_type:branch:ref:main"}}"#),
    context: "{}",
    fix: "Add a condition on `<host>:sub` naming the project and ref the role is for: `StringEquals` with the exact value (`project_path:acme/app:ref_type:branch:ref:main`), or `StringLike` with a pattern that starts with your literal top-level group. `trustPolicy` and `trustPolicyForToken` (step 2 of the page) write one. A Deny that refuses other subjects is a guardrail, not a substitute: say in the Allow who is admitted.",
};

pub(super) fn check(document: &Document, _context: &Context) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (index, statement) in document.statements.iter().enumerate() {
        if !trusts_oidc(statement) {
            continue;
        }
        let host = trusted_host(statement);
        let positive = |c: &Condition| Operator::parse(&c.operator).positive();
        // A key under another prefix is never in this provider's requests (POL010 says so).
        let ours = |c: &Condition| host.is_none() || provider_claim(statement, c).is_some();
        if sub_conditions(index, statement).any(|(c, _)| positive(c) && ours(c)) {
            continue;
        }
        // A Deny refusing every sub but a few restricts the role, unless what it leaves is any project.
        let guardrail = deny_guardrails(document, statement, "sub")
            .find(|(_, subs)| !subs.iter().any(|sub| sub_scope(document, sub).any_project));
        if let Some((deny, subs)) = guardrail {
            // What POL006, POL007 and POL014 would say of these subs in the Allow.
            let scopes: Vec<_> = subs.iter().map(|sub| sub_scope(document, sub)).gather();
            let mut problems = Vec::new();
            if scopes.iter().any(|s| s.project_wildcard) {
                problems.push("every project of a group");
            }
            if scopes.iter().any(|s| s.any_ref || s.any_ref_type) && !protected_only(document, statement) {
                problems.push("any ref, protected or not");
            }
            if host.as_ref().is_some_and(ProviderHost::is_gitlab_com)
                && scopes.iter().any(|s| s.by_path)
                && !project_pinned(document, statement)
            {
                problems.push("a project by path with nothing pinning gitlab.com:project_id, which a reclaimed path would inherit");
            }
            let mut message = format!(
                "no condition of this Allow statement restricts sub, but the Deny in statement {deny} refuses every sub that matches none of {}, so only those can assume the role; name them here too, so the role does not rest on the Deny alone",
                subs.joined(" or ")
            );
            if !problems.is_empty() {
                message = format!("{message}; they admit {}", problems.joined(", and "));
            }
            let mut finding = Finding::new(&RULE.rule, message);
            // Only named subjects are left, pinned by id or path and ref: nothing is wrong.
            finding.severity = if problems.is_empty() {
                Severity::Info
            } else {
                Severity::Warning
            };
            findings.push(finding.about("sub").at(format!("$.Statement[{index}]")));
            continue;
        }
        let stray = sub_conditions(index, statement).find(|(c, _)| positive(c));
        let message = match (&host, stray) {
            (Some(host), Some((stray, _))) => {
                let key = host.condition_key("sub");
                format!("no condition restricts {key}: {} is another key, which this provider's tokens never carry; use StringEquals {key} project_path:group/project:ref_type:branch:ref:main", stray.key)
            }
            _ => "no condition restricts sub: any project on the instance can assume this role; add StringEquals <host>:sub project_path:group/project:ref_type:branch:ref:main".to_owned(),
        };
        findings.push(
            Finding::new(&RULE.rule, message)
                .about("sub")
                .at(format!("$.Statement[{index}]")),
        );
    }
    findings
}
