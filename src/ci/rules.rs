//! The snippet generator's findings, as data: codes are stable and never renumbered. Each rule
//! carries its documentation ([`Docs`]); only tests read [`DOCUMENTED`] (`tests/docs.rs` runs
//! the examples and renders `docs/rules/`), so the WebAssembly module leaves it out.

use crate::finding::{Docs, Rule, Severity};

macro_rules! rules {
    ($($ident:ident = $code:literal, $name:literal, $severity:ident, $why:literal, $docs:expr;)*) => {
        $(pub const $ident: Rule = Rule { code: $code, name: $name, severity: Severity::$severity, why: $why };)*
        /// Every snippet rule, in code order.
        pub const ALL: &[Rule] = &[$($ident),*];
        /// Every snippet rule with its documentation, in code order.
        pub static DOCUMENTED: &[(&Rule, &Docs)] = &[$((&$ident, &$docs)),*];
    };
}

/// A spec for the role of the recipe this project started from, checked against a trust policy
/// document with the given statement (the recipe's provider is moved into the role's account here).
macro_rules! recipe_spec {
    ($statement:expr) => {
        concat!(
            r#"{"kind":"assume-role","roleArn":"arn:aws:iam::123487226531:role/dev-web-console-identity","issuer":"https://gitlab.com","policy":{"Version":"2012-10-17","Statement":["#,
            $statement,
            "]}}"
        )
    };
}

/// The recipe's statement, with an `aud` condition: it admits a job on `main` of `mygroup/myproject`.
macro_rules! good_statement {
    () => {
        r#"{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123487226531:oidc-provider/gitlab.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"gitlab.com:aud":"sts.amazonaws.com","gitlab.com:sub":"project_path:mygroup/myproject:ref_type:branch:ref:main"}}}"#
    };
}

/// A spec reading a pasted job (`existingJob`), for the role above.
macro_rules! existing_job {
    ($job:expr) => {
        concat!(
            r#"{"kind":"assume-role","roleArn":"arn:aws:iam::123487226531:role/dev-web-console-identity","existingJob":"#,
            $job,
            "}"
        )
    };
}

rules! {
    STATIC_KEYS_TAKE_PRECEDENCE = "CI001", "static-keys-take-precedence", Warning,
        "The AWS SDKs and CLI use AWS_ACCESS_KEY_ID before a web identity token file, so leftover static keys in CI/CD variables silently win.",
        Docs {
            what_it_does: "Is reported with every `web-identity-file` job: the job hands the SDKs and the CLI a token file (`AWS_ROLE_ARN`, `AWS_WEB_IDENTITY_TOKEN_FILE`), and static keys set anywhere in the project's or group's CI/CD variables would win over it. The generated job unsets `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`, but the variables stay in GitLab.",
            why_is_this_bad: "The AWS credential chain reads environment keys before the web identity token file. A job that inherits an old `AWS_ACCESS_KEY_ID` then runs as that long-lived user, not as the role, and nothing says so; the keys stay in GitLab for any job that does not unset them.",
            example: r#"{"kind":"web-identity-file","roleArn":"arn:aws:iam::123487226531:role/dev-web-console-identity"}"#,
            use_instead: r#"{"kind":"assume-role","roleArn":"arn:aws:iam::123487226531:role/dev-web-console-identity"}"#,
            context: "{}",
            fix: "Delete `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN` from the project's and its groups' CI/CD variables once jobs assume the role (and deactivate the IAM user's keys). The `assume-role` kind exports the role's own credentials, which win over inherited ones.",
        };
    AUDIENCE_MISMATCH = "CI002", "audience-mismatch", Error,
        "The job's id_tokens aud must be the audience the trust policy expects, or STS refuses the token.",
        Docs {
            what_it_does: "Checks the job's audience (`audience`, the `aud` of its `id_tokens:` entry) against the trust policy's `aud` conditions, as the evaluator applies them (`StringLike` patterns, `…IgnoreCase`, negated operators, `ForAnyValue:`). It is reported only when no statement of the policy admits the job.",
            why_is_this_bad: "The job's token carries the audience the job asked for. A policy expecting another denies every run with `AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity`, and if the provider's client-ID list lacks it, STS answers `InvalidIdentityToken: Incorrect token audience` first.",
            example: recipe_spec!(r#"{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123487226531:oidc-provider/gitlab.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"gitlab.com:aud":"https://gitlab.com","gitlab.com:sub":"project_path:mygroup/myproject:ref_type:branch:ref:main"}}}"#),
            use_instead: recipe_spec!(good_statement!()),
            context: "{}",
            fix: "Make the two agree: set the job's `audience` to the policy's `aud`, or change the policy (and the provider's client-ID list) to the audience the job requests. `sts.amazonaws.com` is the usual choice for both.",
        };
    PROVIDER_MISMATCH = "CI003", "provider-mismatch", Error,
        "The trust policy must name the IAM OIDC provider of the GitLab instance that runs the job.",
        Docs {
            what_it_does: "With the job's instance (`issuer`), checks that the trust policy trusts that instance's IAM OIDC provider (`oidc-provider/<host>` in `Principal.Federated`). It is reported only when no statement of the policy admits the job.",
            why_is_this_bad: "A job on `gitlab.example.com` gets a token whose `iss` is that instance; STS looks for a provider of that URL and the role must trust it. A policy copied from a gitlab.com recipe trusts `oidc-provider/gitlab.com`, and every run of a self-managed job is denied.",
            example: r#"{"kind":"assume-role","roleArn":"arn:aws:iam::123487226531:role/dev-web-console-identity","issuer":"https://gitlab.example.com","policy":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123487226531:oidc-provider/gitlab.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"gitlab.com:aud":"sts.amazonaws.com","gitlab.com:sub":"project_path:mygroup/myproject:ref_type:branch:ref:main"}}}]}}"#,
            use_instead: r#"{"kind":"assume-role","roleArn":"arn:aws:iam::123487226531:role/dev-web-console-identity","issuer":"https://gitlab.example.com","policy":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123487226531:oidc-provider/gitlab.example.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"gitlab.example.com:aud":"sts.amazonaws.com","gitlab.example.com:sub":"project_path:mygroup/myproject:ref_type:branch:ref:main"}}}]}}"#,
            context: "{}",
            fix: "Trust the provider of the instance the job runs on: create the IAM OIDC provider for its issuer URL and name it in `Principal.Federated`, with condition keys under the same host (`gitlab.example.com:sub`). Step 2 of the page (`trustPolicy` with `issuer`) writes both.",
        };
    ACCOUNT_MISMATCH = "CI004", "account-mismatch", Error,
        "The role and the OIDC provider it trusts live in one account and partition; a mismatch means the policy is for another role.",
        Docs {
            what_it_does: "Checks that each provider the trust policy trusts is in the role's account and partition (`roleArn`, or each role of a `multi-role` job). It is reported only when no statement of the policy admits the job.",
            why_is_this_bad: "STS looks for the provider in the account of the role being assumed. A policy naming a provider in another account (a recipe's account number left in place, or the policy of another account's role) fails every run with `InvalidIdentityToken: No OpenIDConnect provider found in your account`.",
            example: recipe_spec!(r#"{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::676487226531:oidc-provider/gitlab.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"gitlab.com:aud":"sts.amazonaws.com","gitlab.com:sub":"project_path:mygroup/myproject:ref_type:branch:ref:main"}}}"#),
            use_instead: recipe_spec!(good_statement!()),
            context: "{}",
            fix: "Name the provider of the role's own account in `Principal.Federated` (`arn:aws:iam::<the role's account>:oidc-provider/<host>`), creating it there if needed; or check that `roleArn` names the role this policy belongs to.",
        };
    SUB_UNSATISFIABLE = "CI005", "sub-unsatisfiable", Error,
        "When the job's refs or environment can never produce a sub the policy admits, every run gets AccessDenied.",
        Docs {
            what_it_does: "Puts the refs the job runs on (its `branch`, or tags for `when: tags`) into the policy's `sub` values and checks that one still matches; and that a policy whose every `sub` has environment components (`environment_protected`, `deployment_tier`) meets a job with an `environment`. It is reported only when no statement of the policy admits the job.",
            why_is_this_bad: "GitLab writes the job's own ref and environment into `sub`. A job that runs only on `develop` against a policy for `ref:main`, or only for tags against a policy for branches, can never be admitted: every run fails with `AccessDenied`, after the pipeline has done its work.",
            example: r#"{"kind":"assume-role","roleArn":"arn:aws:iam::123487226531:role/dev-web-console-identity","issuer":"https://gitlab.com","branch":"develop","policy":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123487226531:oidc-provider/gitlab.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"gitlab.com:aud":"sts.amazonaws.com","gitlab.com:sub":"project_path:mygroup/myproject:ref_type:branch:ref:main"}}}]}}"#,
            use_instead: r#"{"kind":"assume-role","roleArn":"arn:aws:iam::123487226531:role/dev-web-console-identity","issuer":"https://gitlab.com","branch":"main","policy":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123487226531:oidc-provider/gitlab.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"gitlab.com:aud":"sts.amazonaws.com","gitlab.com:sub":"project_path:mygroup/myproject:ref_type:branch:ref:main"}}}]}}"#,
            context: "{}",
            fix: "Run the job where the policy admits it (the branch it names, or tags when it admits `ref_type:tag`), give it the `environment` the policy's `sub` expects, or add the job's ref to the policy.",
        };
    LEGACY_CI_JOB_JWT = "CI006", "legacy-ci-job-jwt", Error,
        "CI_JOB_JWT, CI_JOB_JWT_V1 and CI_JOB_JWT_V2 were removed in GitLab 17.0; jobs must request an ID token with id_tokens:.",
        Docs {
            what_it_does: "Reads a pasted job (`existingJob`) for `$CI_JOB_JWT`, `$CI_JOB_JWT_V1` or `$CI_JOB_JWT_V2`.",
            why_is_this_bad: "GitLab 17.0 removed the predefined JWT variables: on current GitLab they are empty, and `--web-identity-token` gets nothing. Jobs must declare an ID token with `id_tokens:`, which also sets the audience AWS checks.",
            example: existing_job!(r#""deploy:\n  script:\n    - aws sts assume-role-with-web-identity --role-arn \"$ROLE_ARN\" --role-session-name gitlab --web-identity-token \"$CI_JOB_JWT_V2\"\n""#),
            use_instead: existing_job!(r#""deploy:\n  id_tokens:\n    GITLAB_OIDC_TOKEN:\n      aud: sts.amazonaws.com\n  script:\n    - aws sts assume-role-with-web-identity --role-arn \"$ROLE_ARN\" --role-session-name gitlab --web-identity-token \"$GITLAB_OIDC_TOKEN\"\n""#),
            context: "{}",
            fix: "Add `id_tokens: GITLAB_OIDC_TOKEN: aud: sts.amazonaws.com` to the job and pass `$GITLAB_OIDC_TOKEN` where it passed `$CI_JOB_JWT_V2`. The generated job shows the whole migration.",
        };
    HIDDEN_STS_FAILURE = "CI007", "hidden-sts-failure", Warning,
        "export $(aws sts …) swallows a failed STS call: the job goes on without credentials and fails later with a confusing error.",
        Docs {
            what_it_does: "Reads a pasted job (`existingJob`) for `export $(…)` around an STS call, the shape of the widely copied recipe.",
            why_is_this_bad: "The shell ignores the exit status of a command substitution inside `export`, so when STS refuses the token the job carries on with no credentials (or with the CI/CD variables' static keys), and fails later with `Unable to locate credentials` or runs as the wrong identity. STS's own message, which says why, is lost.",
            example: existing_job!(r#""deploy:\n  id_tokens:\n    GITLAB_OIDC_TOKEN:\n      aud: sts.amazonaws.com\n  script:\n    - export $(printf \"AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY=%s AWS_SESSION_TOKEN=%s\" $(aws sts assume-role-with-web-identity --role-arn \"$ROLE_ARN\" --role-session-name gitlab --web-identity-token \"$GITLAB_OIDC_TOKEN\" --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]' --output text))\n""#),
            use_instead: existing_job!(r#""deploy:\n  id_tokens:\n    GITLAB_OIDC_TOKEN:\n      aud: sts.amazonaws.com\n  script:\n    - creds=$(aws sts assume-role-with-web-identity --role-arn \"$ROLE_ARN\" --role-session-name gitlab --web-identity-token \"$GITLAB_OIDC_TOKEN\" --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]' --output text)\n    - set -- $creds\n    - export AWS_ACCESS_KEY_ID=\"$1\" AWS_SECRET_ACCESS_KEY=\"$2\" AWS_SESSION_TOKEN=\"$3\"\n""#),
            context: "{}",
            fix: "Assign the call's output to a variable first (`creds=$(aws sts …)`): the assignment has the call's exit status, so a refused call fails the job on that line, right after STS's message. Then export the three values. The generated `assume-role` job does this, and checks it got three.",
        };
    ONLY_EXCEPT = "CI008", "only-except", Info,
        "only: and except: are deprecated in favour of rules:, which say when a job runs in one place.",
        Docs {
            what_it_does: "Reads a pasted job (`existingJob`) for `only:` or `except:`.",
            why_is_this_bad: "GitLab deprecated `only:` and `except:` for `rules:`, and they cannot be mixed with `rules:` in one job. When a job runs decides which refs it gets tokens for, so it should be written where a reader looks for it.",
            example: existing_job!(r#""deploy:\n  id_tokens:\n    GITLAB_OIDC_TOKEN:\n      aud: sts.amazonaws.com\n  only:\n    - main\n  script:\n    - ./deploy.sh\n""#),
            use_instead: existing_job!(r#""deploy:\n  id_tokens:\n    GITLAB_OIDC_TOKEN:\n      aud: sts.amazonaws.com\n  rules:\n    - if: $CI_COMMIT_BRANCH == \"main\"\n  script:\n    - ./deploy.sh\n""#),
            context: "{}",
            fix: "Write the condition with `rules:`: `only: [main]` is `rules: - if: $CI_COMMIT_BRANCH == \"main\"`, `only: [tags]` is `rules: - if: $CI_COMMIT_TAG`.",
        };
    NOT_A_JOB = "CI009", "not-a-job", Warning,
        "A GitLab CI job has a script:, run:, trigger: or extends: key; text without one was pasted by mistake, so finding nothing in it means nothing.",
        Docs {
            what_it_does: "Reports pasted text (`existingJob`) with none of the keys a GitLab CI job must have: `script:`, `run:`, `trigger:` or `extends:`.",
            why_is_this_bad: "The migration checks read the job's script. Without one there is nothing to check, and no other finding would read as \"this job is fine\".",
            example: existing_job!(r#""deploy:\n  image: amazon/aws-cli:latest\n  stage: deploy\n""#),
            use_instead: existing_job!(r#""deploy:\n  image: amazon/aws-cli:latest\n  stage: deploy\n  script:\n    - ./deploy.sh\n""#),
            context: "{}",
            fix: "Paste the whole job that requests AWS credentials, with its `script:` (or the job it `extends:`).",
        };
    NO_AUD_CONDITION = "CI010", "no-aud-condition", Warning,
        "Without an aud condition the role takes a token minted for any audience its OIDC provider lists, not only the one this job requests.",
        Docs {
            what_it_does: "Flags each Allow statement of a pasted trust policy that could admit the job but has no condition restricting `<host>:aud` (a `*` does not restrict it), and no Deny refusing every audience but literal ones: the test the linter's POL002 makes.",
            why_is_this_bad: "STS checks aud only against the OIDC provider's client-ID list, which may hold audiences of other services and roles. A condition ties this role to the audience its jobs request, so a token minted for something else cannot assume it.",
            example: recipe_spec!(
                r#"{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123487226531:oidc-provider/gitlab.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringLike":{"gitlab.com:sub":"project_path:mygroup/myproject:ref_type:branch:ref:main"}}}"#
            ),
            use_instead: recipe_spec!(good_statement!()),
            context: "{}",
            fix: "Add `\"StringEquals\": {\"<host>:aud\": \"<the job's audience>\"}` to the statement (the finding's message gives the exact key and value).",
        };
    NO_WEB_IDENTITY_STATEMENT = "CI011", "no-web-identity-statement", Error,
        "A role a GitLab job assumes needs an Allow statement for sts:AssumeRoleWithWebIdentity from an OIDC provider; without one every run gets AccessDenied.",
        Docs {
            what_it_does: "Flags a pasted trust policy in which no statement is an Allow of `sts:AssumeRoleWithWebIdentity` (or a wildcard covering it) for a federated OIDC provider, so nothing in it can admit a GitLab job.",
            why_is_this_bad: "Such a policy belongs to another kind of role (an EC2 or Lambda service role, a cross-account role) or lost its statement in an edit: the job's call to AssumeRoleWithWebIdentity is denied on every run, and checking its audience, provider or sub against it would mean nothing.",
            example: recipe_spec!(
                r#"{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}"#
            ),
            use_instead: recipe_spec!(good_statement!()),
            context: "{}",
            fix: "Check that the policy is the role's the job assumes. Add a statement allowing `sts:AssumeRoleWithWebIdentity` to the instance's OIDC provider, with `aud` and `sub` conditions; step 2 of the page writes one.",
        };
}
