use crate::finding::{Finding, Rule, Severity};
use crate::lint::{sub_conditions, trusts_oidc, Context, Docs, LintRule};
use crate::policy::Document;
use crate::policy::Operator;

pub static RULE: LintRule = LintRule {
    rule: Rule {
        code: "POL001",
        name: "no-sub-condition",
        severity: Severity::Error,
        why: "Without a sub condition, every project on the GitLab instance can assume the role; on gitlab.com that is anyone.",
    },
    check,
};

/// Kept apart from [`RULE`] so that the WebAssembly module, which never shows them, leaves them out.
pub static DOCS: Docs = Docs {
    what_it_does: "Flags an Allow statement trusting an OIDC provider with no condition that restricts `<host>:sub`: `StringEquals`, `StringLike` or their `IgnoreCase` forms (`Null` only asks whether the key is present).",
    why_is_this_bad: "The provider and audience say only which GitLab issued the token. `sub` is what names your project and ref; without it any project's pipeline gets the role.",
    example: gitlab_com_policy!(r#"{"StringEquals":{"gitlab.com:aud":"sts.amazonaws.com","gitlab.com:project_id":"42"}}"#),
    use_instead: gitlab_com_policy!(r#"{"StringEquals":{"gitlab.com:aud":"sts.amazonaws.com","gitlab.com:project_id":"42","gitlab.com:sub":"project_path:acme/app:ref_type:branch:ref:main"}}"#),
    context: "{}",
};

fn check(document: &Document, _context: &Context) -> Vec<Finding> {
    document
        .statements
        .iter()
        .enumerate()
        .filter(|(index, statement)| {
            trusts_oidc(statement) && !sub_conditions(*index, statement).any(|(c, _)| Operator::parse(&c.operator).positive())
        })
        .map(|(index, _)| {
            Finding::new(
                &RULE.rule,
                "no condition restricts sub: any project on the instance can assume this role; add StringEquals <host>:sub project_path:group/project:ref_type:branch:ref:main",
            )
            .about("sub")
            .at(format!("$.Statement[{index}]"))
        })
        .collect()
}
