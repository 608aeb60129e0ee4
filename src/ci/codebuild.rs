//! Publishing an image through AWS CodeBuild: the job, the buildspec, and the
//! least-privilege policies for the job's role and CodeBuild's service role.

use crate::input::{Fields, InputError};
use crate::policy::{one_or_many, Document, Statement, POLICY_VERSION};
use crate::text::Gather as _;

use super::{assume_role_script, header, script_item, variable, RoleArn, SnippetError, Valid as Job};

/// The `codebuild` part of a snippet spec.
#[derive(Debug, Clone, Default)]
pub struct CodeBuildSpec {
    /// The CodeBuild project (its source may be anything: the job overrides it with S3).
    pub project: String,
    /// The S3 bucket the build context is uploaded to.
    pub bucket: String,
    /// Key prefix in the bucket; default `gitlab-ci/`.
    pub prefix: Option<String>,
    /// The ECR repository the buildspec pushes to.
    pub ecr_repository: String,
    /// The project's log group; default `/aws/codebuild/<project>`.
    pub log_group: Option<String>,
    /// How long the job waits for the build, in minutes; default 60.
    pub timeout_minutes: Option<u32>,
}

#[derive(Debug, Clone)]
pub(super) struct Valid {
    project: String,
    bucket: String,
    prefix: String,
    repository: String,
    log_group: String,
    timeout_seconds: u32,
    region: String,
    partition: String,
    /// The partition's documented endpoint suffix, for the ECR registry's host name.
    dns_suffix: Option<&'static str>,
    account: String,
}

fn fail(field: &'static str, message: String) -> SnippetError {
    SnippetError::CodeBuild {
        field: Some(field),
        message,
    }
}

impl CodeBuildSpec {
    /// The field names, as JSON spells them.
    pub const FIELDS: [&'static str; 6] = [
        "project",
        "bucket",
        "prefix",
        "ecrRepository",
        "logGroup",
        "timeoutMinutes",
    ];

    pub(super) fn from_fields(fields: Fields<'_>) -> Result<Self, InputError> {
        let fields = fields.only(&Self::FIELDS)?;
        // Field by field into a default, in the order the fields are checked: see `SnippetSpec`.
        let mut spec = Self {
            project: fields.required_string("project")?,
            bucket: fields.required_string("bucket")?,
            ..Self::default()
        };
        fields.read_string(&mut spec.prefix, "prefix")?;
        spec.ecr_repository = fields.required_string("ecrRepository")?;
        fields.read_string(&mut spec.log_group, "logGroup")?;
        spec.timeout_minutes = fields.unsigned("timeoutMinutes")?;
        Ok(spec)
    }

    pub(super) fn validate(&self, role: Option<&RoleArn>, region: &str) -> Result<Valid, SnippetError> {
        let name_ok = |s: &str, max: usize, extra: &str| {
            !s.is_empty()
                && s.len() <= max
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || crate::text::has_char(extra, c))
        };
        if !name_ok(&self.project, 255, "-_") || !self.project.starts_with(|c: char| c.is_ascii_alphanumeric()) {
            return Err(fail(
                "project",
                format!(
                    "project {:?} is not a CodeBuild project name (letters, digits, - and _)",
                    self.project
                ),
            ));
        }
        let bucket_ok = name_ok(&self.bucket, 63, "-.")
            && self.bucket.len() >= 3
            && self.bucket.chars().all(|c| !c.is_ascii_uppercase())
            && !self.bucket.as_bytes().first().is_some_and(|b| matches!(b, b'-' | b'.'))
            && !crate::text::contains(&self.bucket, "..");
        if !bucket_ok {
            return Err(fail(
                "bucket",
                format!(
                    "bucket {:?} is not an S3 bucket name (3–63 lowercase letters, digits, - and .)",
                    self.bucket
                ),
            ));
        }
        let prefix = self.prefix.clone().unwrap_or_else(|| "gitlab-ci/".to_owned());
        if !prefix.is_empty() && (!name_ok(&prefix, 512, "-_./") || prefix.starts_with('/') || !prefix.ends_with('/')) {
            return Err(fail(
                "prefix",
                format!("prefix {prefix:?} must be letters, digits, - _ . / ending with / (e.g. gitlab-ci/)"),
            ));
        }
        let repository_ok = name_ok(&self.ecr_repository, 256, "-_./")
            && self.ecr_repository.chars().all(|c| !c.is_ascii_uppercase())
            && !self
                .ecr_repository
                .as_bytes()
                .first()
                .is_some_and(|b| matches!(b, b'-' | b'_' | b'.' | b'/'));
        if !repository_ok {
            return Err(fail(
                "ecrRepository",
                format!(
                    "ecrRepository {:?} is not an ECR repository name (lowercase letters, digits, - _ . /)",
                    self.ecr_repository
                ),
            ));
        }
        let log_group = self
            .log_group
            .clone()
            .unwrap_or_else(|| format!("/aws/codebuild/{}", self.project));
        if !name_ok(&log_group, 512, "-_./#") {
            return Err(fail(
                "logGroup",
                format!("logGroup {log_group:?} is not a log group name"),
            ));
        }
        let minutes = self.timeout_minutes.unwrap_or(60);
        if !(5..=480).contains(&minutes) {
            return Err(fail(
                "timeoutMinutes",
                format!(
                    "timeoutMinutes {minutes} is out of range; expected 5 to 480 (CodeBuild's own limit is 8 hours)"
                ),
            ));
        }
        let role = role.ok_or(SnippetError::RoleArnMissing)?;
        Ok(Valid {
            project: self.project.clone(),
            bucket: self.bucket.clone(),
            prefix,
            repository: self.ecr_repository.clone(),
            log_group,
            timeout_seconds: minutes * 60,
            region: region.to_owned(),
            partition: role.partition.as_str().to_owned(),
            dns_suffix: role.partition.dns_suffix(),
            account: role.account_id.clone(),
        })
    }
}

/// Upload, start, follow the log without duplicates, and fail unless SUCCEEDED.
const PUBLISH_SCRIPT: &str = r#"# Zip the build context and upload it (the aws-cli image has no zip; install it once).
command -v zip >/dev/null || yum install -y -q zip >/dev/null
tag=$(printf '%s' "${CI_COMMIT_TAG:-$CI_COMMIT_SHORT_SHA}" | tr -c 'A-Za-z0-9_.-' '-' | cut -c1-128)
key="${SOURCE_PREFIX}${CI_PROJECT_ID}/${CI_PIPELINE_ID}/${CI_JOB_ID}.zip"
# A fresh directory per job: zip adds to an existing archive, and shell runners share /tmp.
context=$(mktemp -d)
zip -q -r "$context/context.zip" . -x '.git/*'
aws s3 cp --only-show-errors "$context/context.zip" "s3://${SOURCE_BUCKET}/${key}"
rm -rf "$context"

build_id=$(aws codebuild start-build \
  --project-name "$CODEBUILD_PROJECT" \
  --source-type-override S3 \
  --source-location-override "${SOURCE_BUCKET}/${key}" \
  --environment-variables-override "name=IMAGE_TAG,value=${tag},type=PLAINTEXT" \
  --query build.id --output text)
echo "started $build_id for image tag $tag"

# Poll until a terminal status, printing each new log line once: get-log-events from the
# head, then from nextForwardToken; the log stream exists only from PROVISIONING on.
deadline=$(( $(date +%s) + BUILD_TIMEOUT_SECONDS ))
tab=$(printf '\t')
token=""
errors=0
while :; do
  # A failing call (throttling, a network blip) is retried; one that keeps failing (AccessDenied) ends the job.
  if ! build=$(aws codebuild batch-get-builds --ids "$build_id" \
      --query 'builds[0].[buildStatus, logs.groupName, logs.streamName]' --output text); then
    errors=$((errors + 1))
    if [ "$errors" -ge 3 ]; then
      echo "batch-get-builds failed $errors times in a row; giving up on $build_id" >&2
      exit 1
    fi
    sleep "${POLL_SECONDS:-10}"
    continue
  fi
  errors=0
  # shellcheck disable=SC2086 # three whitespace-free words: status, group, stream
  set -- $build
  status=${1:-UNKNOWN} group=${2:-None} stream=${3:-None}
  if [ "$stream" != None ] && [ "$group" != None ]; then
    # shellcheck disable=SC2016 # `""` is a JMESPath literal, not a command substitution
    while page=$(aws logs get-log-events --log-group-name "$group" --log-stream-name "$stream" \
        --start-from-head ${token:+--next-token "$token"} \
        --query '[nextForwardToken, join(`""`, events[].message)]' --output text 2>/dev/null); do
      next=${page%%"$tab"*}
      body=${page#*"$tab"}
      [ -z "$body" ] || printf '%s\n' "$body"
      [ "$next" != "$token" ] || break
      token=$next
    done
  fi
  case $status in
    SUCCEEDED) echo "build $build_id succeeded: image tag $tag"; break ;;
    FAILED | FAULT | TIMED_OUT | STOPPED) echo "build $build_id ended $status" >&2; exit 1 ;;
  esac
  if [ "$(date +%s)" -ge "$deadline" ]; then
    echo "gave up after ${BUILD_TIMEOUT_SECONDS}s; build $build_id is still $status" >&2
    exit 1
  fi
  sleep "${POLL_SECONDS:-10}"
done
"#;

pub(super) fn job(job: &Job) -> String {
    let Some(build) = &job.codebuild else {
        return String::new();
    };
    let mut out = header(
        job,
        "Builds and pushes an image with AWS CodeBuild, assuming the role with the job's ID token.",
    );
    out.push_str("  variables:\n");
    variable(
        &mut out,
        "ROLE_ARN",
        &job.role.as_ref().map(|r| r.text.clone()).unwrap_or_default(),
    );
    variable(&mut out, "ROLE_DURATION_SECONDS", &job.duration.to_string());
    variable(&mut out, "AWS_DEFAULT_REGION", &job.region);
    variable(&mut out, "CODEBUILD_PROJECT", &build.project);
    variable(&mut out, "SOURCE_BUCKET", &build.bucket);
    variable(&mut out, "SOURCE_PREFIX", &build.prefix);
    variable(&mut out, "BUILD_TIMEOUT_SECONDS", &build.timeout_seconds.to_string());
    variable(&mut out, "POLL_SECONDS", "10");
    out.push_str("  before_script:\n");
    script_item(&mut out, &assume_role_script(&job.token));
    out.push_str("  script:\n");
    script_item(&mut out, PUBLISH_SCRIPT);
    out
}

pub(super) fn buildspec(build: &Valid) -> String {
    let registry = match build.dns_suffix {
        Some(suffix) => format!(
            r#"      - ACCOUNT_ID=$(echo "$CODEBUILD_BUILD_ARN" | cut -d':' -f5)
      - REGISTRY="${{ACCOUNT_ID}}.dkr.ecr.${{AWS_REGION}}.{suffix}""#
        ),
        // No documented endpoint suffix for this partition: ask ECR for the registry's address.
        None => r#"      - REGISTRY=$(aws ecr get-authorization-token --query 'authorizationData[0].proxyEndpoint' --output text)
      - REGISTRY="${REGISTRY#https://}""#
            .to_owned(),
    };
    format!(
        r#"# CodeBuild: build the image from the uploaded context and push it to ECR.
version: 0.2
env:
  variables:
    ECR_REPOSITORY: {repository}
phases:
  pre_build:
    commands:
{registry}
      - aws ecr get-login-password --region "$AWS_REGION" | docker login --username AWS --password-stdin "$REGISTRY"
  build:
    commands:
      - docker build --tag "$REGISTRY/$ECR_REPOSITORY:$IMAGE_TAG" .
  post_build:
    commands:
      - test "$CODEBUILD_BUILD_SUCCEEDING" = 1
      - docker push "$REGISTRY/$ECR_REPOSITORY:$IMAGE_TAG"
"#,
        repository = crate::text::yaml_string(&build.repository)
    )
}

/// An `Allow` statement of a permission policy, built on the trust-policy model so both share one JSON renderer.
fn allow(sid: &str, actions: &[&str], resources: &[String]) -> Statement {
    let mut other = serde_json::Map::new();
    other.insert("Resource".into(), one_or_many(resources));
    Statement {
        sid: Some(sid.to_owned()),
        effect: "Allow".to_owned(),
        actions: actions.iter().map(|&action| action.to_owned()).gather(),
        other,
        ..Statement::default()
    }
}

fn policy(statements: Vec<Statement>) -> String {
    Document {
        version: Some(POLICY_VERSION.to_owned()),
        statements,
    }
    .to_json()
}

/// What the job's role needs: put the context, start and read the build, read its log.
pub(super) fn job_role_policy(build: &Valid) -> String {
    let (p, region, account) = (&build.partition, &build.region, &build.account);
    policy(vec![
        allow(
            "UploadBuildContext",
            &["s3:PutObject"],
            &[format!("arn:{p}:s3:::{}/{}*", build.bucket, build.prefix)],
        ),
        allow(
            "RunTheBuild",
            &["codebuild:StartBuild", "codebuild:BatchGetBuilds"],
            &[format!(
                "arn:{p}:codebuild:{region}:{account}:project/{}",
                build.project
            )],
        ),
        allow(
            "FollowTheBuildLog",
            &["logs:GetLogEvents"],
            &[format!(
                "arn:{p}:logs:{region}:{account}:log-group:{}:log-stream:*",
                build.log_group
            )],
        ),
    ])
}

/// What CodeBuild's service role needs: read the context, write its log, push to the repository.
pub(super) fn service_role_policy(build: &Valid) -> String {
    let (p, region, account) = (&build.partition, &build.region, &build.account);
    let log_group = format!("arn:{p}:logs:{region}:{account}:log-group:{}", build.log_group);
    policy(vec![
        allow(
            "ReadBuildContext",
            &["s3:GetObject", "s3:GetObjectVersion"],
            &[format!("arn:{p}:s3:::{}/{}*", build.bucket, build.prefix)],
        ),
        allow(
            "WriteBuildLog",
            &["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
            &[log_group.clone(), format!("{log_group}:log-stream:*")],
        ),
        allow("LogInToEcr", &["ecr:GetAuthorizationToken"], &["*".to_owned()]),
        allow(
            "PushImage",
            &[
                "ecr:BatchCheckLayerAvailability",
                "ecr:InitiateLayerUpload",
                "ecr:UploadLayerPart",
                "ecr:CompleteLayerUpload",
                "ecr:PutImage",
                "ecr:BatchGetImage",
            ],
            &[format!(
                "arn:{p}:ecr:{region}:{account}:repository/{}",
                build.repository
            )],
        ),
    ])
}
