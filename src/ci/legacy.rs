//! Findings on a job someone pastes: the migration from `CI_JOB_JWT*`.

use super::rules;
use crate::finding::Finding;

/// The most of a pasted job the check reads: one job, or a whole `.gitlab-ci.yml`, fits.
pub const MAX_EXISTING_JOB_BYTES: usize = 64 * 1024;

/// Reads a pasted job (text) for the legacy patterns the generator replaces.
#[must_use]
pub fn check_existing_job(yaml: &str) -> Vec<Finding> {
    let mut findings = Vec::new();
    // A job needs one of these keys; without any, the text is not a job and no finding means nothing.
    let is_job = crate::text::lines(yaml).any(|line| {
        let key = line.trim_start();
        ["script:", "run:", "trigger:", "extends:"]
            .iter()
            .any(|k| key.starts_with(k))
    });
    if !is_job {
        findings.push(Finding::new(
            &rules::NOT_A_JOB,
            "the pasted text has no script:, run:, trigger: or extends: key, so it is not a GitLab CI job; paste the job that requests AWS credentials",
        ));
    }
    for variable in ["CI_JOB_JWT_V2", "CI_JOB_JWT_V1", "CI_JOB_JWT"] {
        // CI_JOB_JWT must not be reported again inside CI_JOB_JWT_V2.
        let mut rest = yaml;
        let mut used = false;
        while let Some(at) = crate::text::find(rest, variable) {
            rest = &rest[at + variable.len()..];
            if !rest.starts_with("_V") {
                used = true;
                break;
            }
        }
        if used {
            findings.push(Finding::new(
                &rules::LEGACY_CI_JOB_JWT,
                format!(
                    "the job uses ${variable}, removed in GitLab 17.0; add id_tokens: GITLAB_OIDC_TOKEN: aud: sts.amazonaws.com to the job and pass $GITLAB_OIDC_TOKEN instead (the generated job shows how)"
                ),
            ));
            break;
        }
    }
    if crate::text::contains(yaml, "export $(") && crate::text::contains(yaml, "sts") {
        findings.push(Finding::new(
            &rules::HIDDEN_STS_FAILURE,
            "export $(…) around the STS call hides its failure; assign the output first and fail the job when the call fails, as the generated job does",
        ));
    }
    let uses_only = crate::text::lines(yaml).any(|line| {
        let trimmed = line.trim_start();
        (trimmed.starts_with("only:") || trimmed.starts_with("except:")) && line.len() > trimmed.len()
    });
    if uses_only {
        findings.push(Finding::new(
            &rules::ONLY_EXCEPT,
            "only:/except: are deprecated; use rules: (e.g. - if: $CI_COMMIT_TAG)",
        ));
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::check_existing_job;

    #[test]
    fn finds_the_recipes_people_copy() {
        let job = "deploy:\n  only:\n    refs: [main]\n  script:\n    - export $(printf \"AWS_ACCESS_KEY_ID=%s\" $(aws sts assume-role-with-web-identity --web-identity-token $CI_JOB_JWT_V2))\n";
        let codes: Vec<&str> = check_existing_job(job).iter().map(|f| f.code).collect();
        assert_eq!(codes, ["CI006", "CI007", "CI008"]);
        let finding = &check_existing_job(job)[0];
        assert!(finding.message.contains("$CI_JOB_JWT_V2"), "{}", finding.message);
        assert!(check_existing_job("job:\n  script: [echo $CI_JOB_JWT]\n")[0]
            .message
            .contains("$CI_JOB_JWT,"));
        assert!(check_existing_job("job:\n  rules: [{if: $CI_COMMIT_TAG}]\n  script: [make]\n").is_empty());
    }

    #[test]
    fn says_when_the_text_is_not_a_job() {
        let codes = |text: &str| check_existing_job(text).iter().map(|f| f.code).collect::<Vec<_>>();
        assert_eq!(codes("[[[[[[]]]]]]"), ["CI009"]);
        assert_eq!(codes("deploy:\n  image: alpine\n"), ["CI009"]);
        assert!(codes("deploy:\n  extends: .aws\n").is_empty());
        assert!(codes("deploy:\n  trigger:\n    include: child.yml\n").is_empty());
    }
}
