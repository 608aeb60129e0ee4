use crate::finding::{Finding, Rule, Severity};
use crate::issuer::ProviderHost;
use crate::lint::{Context, Docs, LintRule};
use crate::policy::arn::{is_account_id, Partition, PARTITION_NAMES};
use crate::policy::Document;

pub static RULE: LintRule = LintRule {
    rule: Rule {
        code: "POL019",
        name: "provider-arn",
        severity: Severity::Error,
        why: "A malformed provider ARN, or one in another account or partition, names a provider that does not exist: no job can assume the role.",
    },
};

/// Kept apart from [`RULE`] so that the WebAssembly module, which never shows them, leaves them out.
pub static DOCS: Docs = Docs {
    what_it_does: "Checks each `oidc-provider` ARN: partition, 12-digit account (not a placeholder), a host without `https://` or trailing slash; and, with a context, that account and partition are the expected ones.",
    why_is_this_bad: "IAM matches the provider ARN exactly. `oidc-provider/https://gitlab.com`, `AWS_ACCOUNT` left from a recipe, or the wrong account silently break every job.",
    example: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::AWS_ACCOUNT:oidc-provider/gitlab.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"gitlab.com:aud":"sts.amazonaws.com","gitlab.com:project_id":"42","gitlab.com:sub":"project_path:acme/app:ref_type:branch:ref:main"}}}]}"#,
    use_instead: gitlab_com_policy!(r#"{"StringEquals":{"gitlab.com:aud":"sts.amazonaws.com","gitlab.com:project_id":"42","gitlab.com:sub":"project_path:acme/app:ref_type:branch:ref:main"}}"#),
    context: "{}",
    fix: "Use the provider's ARN exactly as `aws iam list-open-id-connect-providers` prints it: `arn:<partition>:iam::<12-digit account>:oidc-provider/<host>`, in the role's own account and partition. Create the provider first if it does not exist (`trustPolicy`'s outputs can).",
};

/// What is wrong with a provider ARN, if anything.
fn problem(arn: &str, context: &Context) -> Option<String> {
    let parts: Vec<&str> = crate::text::splitn_ascii(arn, 6, b':');
    let [scheme, partition, service, region, account, resource] = parts[..] else {
        return Some("is not an ARN (arn:<partition>:iam::<account>:oidc-provider/<host>)".to_owned());
    };
    let unknown = crate::policy::unknown::has_unknown;
    if scheme != "arn" || service != "iam" || !region.is_empty() {
        return Some("is not an IAM ARN (arn:<partition>:iam::<account>:oidc-provider/<host>)".to_owned());
    }
    // Parts known only at deploy time (`${AWS::AccountId}`, `${AWS::Partition}`) are not checked.
    let partition = if unknown(partition) {
        None
    } else {
        Some(Partition::from_name(partition).ok_or(partition))
    };
    if let Some(Err(partition)) = partition {
        return Some(format!("has partition {partition:?}; expected {PARTITION_NAMES}"));
    }
    let partition = partition.and_then(Result::ok);
    if !unknown(account) && !is_account_id(account) {
        return Some(format!(
            "has account {account:?}; expected the 12-digit account id (a placeholder left from a recipe?)"
        ));
    }
    let host = resource.strip_prefix("oidc-provider/")?;
    if crate::text::contains(host, "://") {
        return Some("includes the URL scheme; the ARN ends with the host only (oidc-provider/gitlab.com)".to_owned());
    }
    // A host known only at deploy time is not checked.
    if !unknown(host) {
        if let Err(e) = ProviderHost::from_issuer(&format!("https://{host}")) {
            return Some(format!(
                "names the provider {host:?}, which is not a valid provider URL: {e}"
            ));
        }
    }
    if let Some(expected) = context.account_id.as_deref().filter(|a| *a != account && !unknown(account)) {
        return Some(format!("is in account {account}, but the role is in {expected}"));
    }
    if let (Some(expected), Some(partition)) = (context.partition, partition) {
        if expected != partition {
            return Some(format!(
                "is in partition {}, but the role is in {}",
                partition.as_str(),
                expected.as_str()
            ));
        }
    }
    None
}

pub(super) fn check(document: &Document, context: &Context) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (index, statement) in document.statements.iter().enumerate() {
        for arn in statement
            .federated
            .iter()
            .filter(|a| crate::text::contains(a, ":oidc-provider/") || a.starts_with("arn:"))
        {
            if let Some(why) = problem(arn, context) {
                findings.push(
                    Finding::new(&RULE.rule, format!("provider ARN {arn:?} {why}"))
                        .at(format!("$.Statement[{index}].Principal.Federated")),
                );
            }
        }
    }
    findings
}
