//! AWS accounts, partitions and the ARNs a trust policy names.

use serde::Serialize;

use crate::issuer::ProviderHost;

/// The AWS partitions IAM roles for GitLab can live in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub enum Partition {
    #[default]
    #[serde(rename = "aws")]
    Aws,
    #[serde(rename = "aws-us-gov")]
    AwsUsGov,
    #[serde(rename = "aws-cn")]
    AwsCn,
}

impl Partition {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Aws => "aws",
            Self::AwsUsGov => "aws-us-gov",
            Self::AwsCn => "aws-cn",
        }
    }

    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        [Self::Aws, Self::AwsUsGov, Self::AwsCn]
            .into_iter()
            .find(|p| p.as_str() == name)
    }
}

/// True for an AWS account id: exactly 12 digits.
#[must_use]
pub fn is_account_id(text: &str) -> bool {
    text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit())
}

/// `arn:<partition>:iam::<account>:oidc-provider/<host>`.
#[must_use]
pub fn provider_arn(partition: Partition, account_id: &str, host: &ProviderHost) -> String {
    format!("arn:{}:iam::{account_id}:oidc-provider/{host}", partition.as_str())
}

/// `arn:<partition>:iam::<account>:role/<name>`.
#[must_use]
pub fn role_arn(partition: Partition, account_id: &str, role_name: &str) -> String {
    format!("arn:{}:iam::{account_id}:role/{role_name}", partition.as_str())
}

/// IAM role names: 1–64 characters of letters, digits and `+=,.@_-`.
#[must_use]
pub fn is_role_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'=' | b',' | b'.' | b'@' | b'_' | b'-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arns() {
        let host = ProviderHost::from_issuer("https://example.com/gitlab").unwrap();
        assert_eq!(
            provider_arn(Partition::AwsUsGov, "123456789012", &host),
            "arn:aws-us-gov:iam::123456789012:oidc-provider/example.com/gitlab"
        );
        assert_eq!(
            role_arn(Partition::AwsCn, "123456789012", "deploy"),
            "arn:aws-cn:iam::123456789012:role/deploy"
        );
        assert!(is_account_id("012345678901"));
        assert!(!is_account_id("12345678901") && !is_account_id("12345678901a"));
        assert!(is_role_name("GitLab+CI=deploy,x.y@z_w-1"));
        assert!(!is_role_name("") && !is_role_name("a b") && !is_role_name(&"a".repeat(65)));
    }
}
