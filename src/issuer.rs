//! Issuer URL → IAM OIDC provider host.
//!
//! IAM names an OIDC provider by its URL without `https://`, path included
//! (`https://example.com/gitlab` → `example.com/gitlab`). That host is both the
//! tail of the provider ARN and the prefix of every condition key
//! (`example.com/gitlab:sub`), so one function computes it for everyone.

use thiserror::Error;

use crate::error::Coded;

/// IAM's limit on an OIDC provider URL (`CreateOpenIDConnectProvider.Url`).
const MAX_PROVIDER_URL_LEN: usize = 255;

/// Why an issuer URL cannot name an IAM OIDC provider.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum IssuerError {
    #[error("issuer is empty; expected a URL such as https://gitlab.com")]
    Empty,
    #[error(
        "issuer {0:?} has no scheme; expected https://{0} (a scheme-less issuer is the legacy CI_JOB_JWT v1 form)"
    )]
    NoScheme(String),
    #[error("issuer {0:?} does not use https://; IAM accepts only https:// provider URLs")]
    NotHttps(String),
    #[error("issuer {0:?} has no host after https://")]
    NoHost(String),
    #[error("issuer {0:?} contains user information before the host; expected https://host[/path]")]
    UserInfo(String),
    #[error("issuer {0:?} has a port; IAM provider URLs must not contain a port")]
    Port(String),
    #[error("issuer {0:?} has a query or fragment; IAM provider URLs allow a path but no query or fragment")]
    QueryOrFragment(String),
    #[error("issuer {0:?} ends with '/'; GitLab's issuer has no trailing slash, so AWS would never match it")]
    TrailingSlash(String),
    #[error("issuer {url:?} has an invalid host {host:?}; expected letters, digits, '-' and '.'")]
    InvalidHost { url: String, host: String },
    #[error("issuer {0:?} has an empty or invalid path segment; expected letters, digits, '-', '.', '_' or '~' between slashes")]
    InvalidPath(String),
    #[error("issuer is {0} characters long; IAM provider URLs are at most 255")]
    TooLong(usize),
}

impl Coded for IssuerError {
    /// Stable error code, e.g. for a spec field that failed.
    fn code(&self) -> &'static str {
        match self {
            Self::Empty => "issuer.empty",
            Self::NoScheme(_) => "issuer.no_scheme",
            Self::NotHttps(_) => "issuer.not_https",
            Self::NoHost(_) => "issuer.no_host",
            Self::UserInfo(_) => "issuer.user_info",
            Self::Port(_) => "issuer.port",
            Self::QueryOrFragment(_) => "issuer.query_or_fragment",
            Self::TrailingSlash(_) => "issuer.trailing_slash",
            Self::InvalidHost { .. } => "issuer.invalid_host",
            Self::InvalidPath(_) => "issuer.invalid_path",
            Self::TooLong(_) => "issuer.too_long",
        }
    }
}

/// The IAM OIDC provider host of an issuer: `gitlab.com`, `example.com/gitlab`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderHost(String);

impl ProviderHost {
    /// Derives the provider host from an issuer URL (`iss`).
    ///
    /// # Errors
    /// When the URL is not a valid IAM provider URL: see [`IssuerError`].
    pub fn from_issuer(issuer: &str) -> Result<Self, IssuerError> {
        if issuer.is_empty() {
            return Err(IssuerError::Empty);
        }
        if issuer.len() > MAX_PROVIDER_URL_LEN {
            return Err(IssuerError::TooLong(issuer.len()));
        }
        let Some((scheme, rest)) = crate::text::split_once(issuer, "://") else {
            return Err(IssuerError::NoScheme(issuer.to_owned()));
        };
        if scheme != "https" {
            return Err(IssuerError::NotHttps(issuer.to_owned()));
        }
        if rest.bytes().any(|b| matches!(b, b'?' | b'#')) {
            return Err(IssuerError::QueryOrFragment(issuer.to_owned()));
        }
        if rest.ends_with('/') && rest.len() > 1 {
            return Err(IssuerError::TrailingSlash(issuer.to_owned()));
        }
        let (host, path) = crate::text::split_once_ascii(rest, b'/').unwrap_or((rest, ""));
        if host.is_empty() {
            return Err(IssuerError::NoHost(issuer.to_owned()));
        }
        if host.bytes().any(|b| b == b'@') {
            return Err(IssuerError::UserInfo(issuer.to_owned()));
        }
        if host.bytes().any(|b| b == b':') {
            return Err(IssuerError::Port(issuer.to_owned()));
        }
        let host_ok = crate::text::split_ascii(host, b'.')
            .all(|label| !label.is_empty() && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'));
        if !host_ok {
            return Err(IssuerError::InvalidHost {
                url: issuer.to_owned(),
                host: host.to_owned(),
            });
        }
        let path_ok = path.is_empty()
            || crate::text::split_ascii(path, b'/').all(|segment| {
                !segment.is_empty()
                    && segment
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
            });
        if !path_ok {
            return Err(IssuerError::InvalidPath(issuer.to_owned()));
        }
        Ok(Self(rest.to_owned()))
    }

    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The IAM condition key for a claim under this provider: `gitlab.com:sub`.
    #[must_use]
    pub fn condition_key(&self, claim: &str) -> String {
        format!("{}:{claim}", self.0)
    }

    /// gitlab.com is the only issuer for which AWS evaluates claims beyond `sub` and `aud`.
    #[must_use]
    pub fn is_gitlab_com(&self) -> bool {
        self.0 == "gitlab.com"
    }
}

impl std::fmt::Display for ProviderHost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gitlab_com_and_relative_root() {
        let host = ProviderHost::from_issuer("https://gitlab.com").unwrap();
        assert_eq!(host.as_str(), "gitlab.com");
        assert!(host.is_gitlab_com());
        assert_eq!(host.condition_key("sub"), "gitlab.com:sub");

        let host = ProviderHost::from_issuer("https://example.com/gitlab").unwrap();
        assert_eq!(host.as_str(), "example.com/gitlab");
        assert!(!host.is_gitlab_com());
        assert_eq!(host.condition_key("aud"), "example.com/gitlab:aud");
    }

    #[test]
    fn rejects_what_iam_cannot_use() {
        let cases = [
            ("", "issuer.empty"),
            ("gitlab.com", "issuer.no_scheme"),
            ("http://gitlab.com", "issuer.not_https"),
            ("https://", "issuer.no_host"),
            ("https:///x", "issuer.no_host"),
            ("https://user@gitlab.com", "issuer.user_info"),
            ("https://gitlab.example.com:8443", "issuer.port"),
            ("https://gitlab.com?x=1", "issuer.query_or_fragment"),
            ("https://gitlab.com#x", "issuer.query_or_fragment"),
            ("https://gitlab.com/", "issuer.trailing_slash"),
            ("https://git lab.com", "issuer.invalid_host"),
            ("https://gitlab..com", "issuer.invalid_host"),
            ("https://example.com//gitlab", "issuer.invalid_path"),
            ("https://example.com/git lab", "issuer.invalid_path"),
        ];
        for (input, code) in cases {
            let err = ProviderHost::from_issuer(input).unwrap_err();
            assert_eq!(err.code(), code, "{input:?}: {err}");
        }
        let long = format!("https://{}.com", "a".repeat(300));
        assert_eq!(ProviderHost::from_issuer(&long).unwrap_err().code(), "issuer.too_long");
    }
}
