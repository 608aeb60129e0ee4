//! AWS accounts, partitions and the ARNs a trust policy names.

use serde::Serialize;

use crate::issuer::ProviderHost;

/// The AWS partitions botocore's `partitions.json` lists: where an IAM role can live.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub enum Partition {
    #[default]
    #[serde(rename = "aws")]
    Aws,
    #[serde(rename = "aws-us-gov")]
    AwsUsGov,
    #[serde(rename = "aws-cn")]
    AwsCn,
    #[serde(rename = "aws-iso")]
    AwsIso,
    #[serde(rename = "aws-iso-b")]
    AwsIsoB,
    #[serde(rename = "aws-iso-e")]
    AwsIsoE,
    #[serde(rename = "aws-iso-f")]
    AwsIsoF,
    #[serde(rename = "aws-eusc")]
    AwsEusc,
}

/// Every partition's name, for messages.
pub const PARTITION_NAMES: &str = "aws, aws-us-gov, aws-cn, aws-iso, aws-iso-b, aws-iso-e, aws-iso-f or aws-eusc";

impl Partition {
    pub const ALL: [Self; 8] = [
        Self::Aws,
        Self::AwsUsGov,
        Self::AwsCn,
        Self::AwsIso,
        Self::AwsIsoB,
        Self::AwsIsoE,
        Self::AwsIsoF,
        Self::AwsEusc,
    ];

    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Aws => "aws",
            Self::AwsUsGov => "aws-us-gov",
            Self::AwsCn => "aws-cn",
            Self::AwsIso => "aws-iso",
            Self::AwsIsoB => "aws-iso-b",
            Self::AwsIsoE => "aws-iso-e",
            Self::AwsIsoF => "aws-iso-f",
            Self::AwsEusc => "aws-eusc",
        }
    }

    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == name)
    }

    /// The DNS suffix of the partition's service endpoints, where the facts this tool is built
    /// on document it (`amazonaws.com.cn`, `amazonaws.eu`); `None` for the isolated (ISO)
    /// partitions, whose endpoints the output must not guess.
    #[must_use]
    pub fn dns_suffix(self) -> Option<&'static str> {
        match self {
            Self::Aws | Self::AwsUsGov => Some("amazonaws.com"),
            Self::AwsCn => Some("amazonaws.com.cn"),
            Self::AwsEusc => Some("amazonaws.eu"),
            Self::AwsIso | Self::AwsIsoB | Self::AwsIsoE | Self::AwsIsoF => None,
        }
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

/// The host an IAM OIDC provider's ARN names, when the value is one as IAM matches it:
/// `arn:<partition>:iam::<12-digit account>:oidc-provider/<host>`, exactly, since IAM allows
/// no wildcard in a principal ARN. A partition or account known only when a template is
/// deployed (`${AWS::AccountId}`) is taken as the role's own.
#[must_use]
pub fn provider_host(arn: &str) -> Option<&str> {
    let unknown = super::unknown::has_unknown;
    match crate::text::splitn_ascii(arn, 6, b':')[..] {
        ["arn", partition, "iam", "", account, resource]
            if (unknown(partition) || Partition::from_name(partition).is_some())
                && (unknown(account) || is_account_id(account)) =>
        {
            resource.strip_prefix("oidc-provider/")
        }
        _ => None,
    }
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
        assert_eq!(
            role_arn(Partition::AwsIsoB, "123456789012", "deploy"),
            "arn:aws-iso-b:iam::123456789012:role/deploy"
        );
        for partition in Partition::ALL {
            assert_eq!(Partition::from_name(partition.as_str()), Some(partition));
        }
        // PARTITION_NAMES is written out (no runtime join); it must be exactly ALL's names.
        let names = Partition::ALL.map(Partition::as_str);
        let (last, rest) = names.split_last().unwrap();
        assert_eq!(PARTITION_NAMES, format!("{} or {last}", rest.join(", ")));
        assert!(is_account_id("012345678901"));
        assert!(!is_account_id("12345678901") && !is_account_id("12345678901a"));
        assert!(is_role_name("GitLab+CI=deploy,x.y@z_w-1"));
        assert!(!is_role_name("") && !is_role_name("a b") && !is_role_name(&"a".repeat(65)));
    }
}
