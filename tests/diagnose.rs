//! `diagnose`: every catalogued error in every wrapper, every cause confirmed and ruled out,
//! the shape of the result, and what it never does (echo a token, panic, take long).
#![cfg(not(target_arch = "wasm32"))]

use gitlab_aws_oidc::base64url;
use gitlab_aws_oidc::diagnose::{diagnose, diagnose_text, Cause, Client, Context, Diagnosis, Kind, Verdict};
use gitlab_aws_oidc::error::Coded;
use serde_json::{json, Value};

const NOW: i64 = 1_764_001_000;

/// An unsigned-looking compact JWT with these claims (the signature is not checked).
fn jwt(claims: &Value) -> String {
    jwt_with(
        r#"{"alg":"RS256","kid":"cHTriNnCfvnfJNpGGVo3MXvD2BYhDw0yaMC0x4unZN8","typ":"JWT"}"#,
        claims,
    )
}

fn jwt_with(header: &str, claims: &Value) -> String {
    let header = base64url::encode(header.as_bytes());
    let payload = base64url::encode(claims.to_string().as_bytes());
    format!(
        "{header}.{payload}.{}",
        base64url::encode(b"a signature of 256 bytes, or so it pretends")
    )
}

/// A gitlab.com ID token's claims for `acme/app` on `ref` (a branch), changed by `changes`.
fn claims(reference: &str, changes: &Value) -> Value {
    let mut claims = json!({
        "namespace_id": "68413579",
        "namespace_path": "acme",
        "project_id": "46573356",
        "project_path": "acme/app",
        "user_login": "jdoe",
        "pipeline_id": "2117654321",
        "pipeline_source": "push",
        "job_id": "8222997048",
        "ref": reference,
        "ref_type": "branch",
        "ref_path": format!("refs/heads/{reference}"),
        "ref_protected": if reference == "main" { "true" } else { "false" },
        "runner_environment": "gitlab-hosted",
        "sha": "1babfe1446deb5b63baa2d742480ff1515194087",
        "jti": "424794b9-56ed-5d05-b34a-aa38d788b448",
        "iss": "https://gitlab.com",
        "iat": 1_764_000_000,
        "nbf": 1_763_999_995,
        "exp": 1_764_003_600,
        "sub": format!("project_path:acme/app:ref_type:branch:ref:{reference}"),
        "aud": "sts.amazonaws.com"
    });
    for (key, value) in changes.as_object().unwrap() {
        if value.is_null() {
            claims.as_object_mut().unwrap().remove(key);
        } else {
            claims[key] = value.clone();
        }
    }
    claims
}

/// A trust policy with one Allow statement for `host`, with this `Condition` object.
fn policy(host: &str, condition: &Value) -> String {
    json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Federated": format!("arn:aws:iam::123456789012:oidc-provider/{host}")},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": condition
        }]
    })
    .to_string()
}

/// The policy the generator writes for `acme/app` on `main`.
fn main_policy() -> String {
    policy(
        "gitlab.com",
        &json!({"StringEquals": {
            "gitlab.com:aud": "sts.amazonaws.com",
            "gitlab.com:sub": "project_path:acme/app:ref_type:branch:ref:main"
        }}),
    )
}

const ROLE: &str = "arn:aws:iam::123456789012:role/gitlab-ci";

/// A job that assumes the role the way GitLab's AWS guide shows, with these changes.
fn job(session_name: &str, duration: &str, tokens: &str) -> String {
    format!(
        "deploy:\n{tokens}  script:\n    - >\n      creds=$(aws sts assume-role-with-web-identity\n      --role-arn ${{ROLE_ARN}}\n      --role-session-name \"{session_name}\"\n      --web-identity-token \"$GITLAB_OIDC_TOKEN\"\n      --duration-seconds {duration}\n      --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]' --output text) || exit 1\n    - read -r AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN <<< \"$creds\"\n    - export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN\n"
    )
}

const TOKENS: &str = "  id_tokens:\n    GITLAB_OIDC_TOKEN:\n      aud: sts.amazonaws.com\n";
const SAFE_NAME: &str = "GitLabRunner-${CI_PROJECT_ID}-${CI_PIPELINE_ID}";

fn good_job() -> String {
    job(SAFE_NAME, "3600", TOKENS)
}

fn run(text: &str, context: &Value) -> Diagnosis {
    diagnose_text(text, &context.to_string()).unwrap_or_else(|e| panic!("{}: {e}", e.code()))
}

fn cause<'a>(diagnosis: &'a Diagnosis, id: &str) -> &'a Cause {
    diagnosis
        .causes
        .iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("no cause {id} in {:#?}", diagnosis.causes))
}

// ---------------------------------------------------------------------------------------
// Recognition: every catalogued error, every wrapper
// ---------------------------------------------------------------------------------------

struct Case {
    /// Where the text comes from.
    source: &'static str,
    text: String,
    code: &'static str,
    kind: Kind,
    client: Client,
    operation: Option<&'static str>,
    /// A piece of the message as it must come out.
    message: &'static str,
}

fn case(source: &'static str, text: impl Into<String>, code: &'static str, kind: Kind, client: Client) -> Case {
    Case {
        source,
        text: text.into(),
        code,
        kind,
        client,
        operation: None,
        message: "",
    }
}

impl Case {
    fn op(mut self, operation: &'static str) -> Self {
        self.operation = Some(operation);
        self
    }

    fn says(mut self, message: &'static str) -> Self {
        self.message = message;
        self
    }
}

/// AWS CLI 1.46.3 (botocore 1.43.62), run against a local endpoint that answers with STS's XML
/// error body carrying the message `sts-errors.md` gives (AWS docs, re:Post, issue trackers).
const CLI: &str = "AWS CLI 1.46.3 against STS's XML body with the catalogued message";
/// boto3 1.44.8, the same endpoint: the last line of the traceback.
const BOTO3: &str = "boto3 1.44.8 traceback, same endpoint";

fn cli(code: &str, message: &str) -> String {
    format!("\nAn error occurred ({code}) when calling the AssumeRoleWithWebIdentity operation: {message}\n")
}

#[allow(clippy::too_many_lines, reason = "one table of real texts")]
fn recognition_cases() -> Vec<Case> {
    use Client as C;
    use Kind as K;
    vec![
        // E1–E16 as the AWS CLI prints them.
        case(CLI, cli("InvalidIdentityToken", "No OpenIDConnect provider found in your account for https://gitlab.example.com"), "InvalidIdentityToken", K::NoProvider, C::AwsCli)
            .op("AssumeRoleWithWebIdentity")
            .says("No OpenIDConnect provider found in your account for https://gitlab.example.com"),
        case(CLI, cli("InvalidIdentityToken", "Incorrect token audience"), "InvalidIdentityToken", K::IncorrectAudience, C::AwsCli),
        case(CLI, cli("InvalidIdentityToken", "Missing a required claim: aud"), "InvalidIdentityToken", K::MissingClaim, C::AwsCli),
        // The real message has two spaces after the comma; they come out as one.
        case(CLI, cli("InvalidIdentityToken", "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements"), "InvalidIdentityToken", K::JwksUnreachable, C::AwsCli)
            .says("identity provider, please reference"),
        case(CLI, cli("InvalidIdentityToken", "OpenIDConnect provider's HTTPS certificate doesn't match configured thumbprint"), "InvalidIdentityToken", K::ThumbprintMismatch, C::AwsCli),
        case(CLI, "\nAn error occurred (InvalidInput) when calling the CreateOpenIDConnectProvider operation: Your request has a problem. Please see the following details. - Could not connect to openid configuration of provider: `https://gitlab.example.com`\n", "InvalidInput", K::ProviderConnect, C::AwsCli)
            .op("CreateOpenIDConnectProvider"),
        case(CLI, cli("InvalidIdentityToken", "The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)"), "InvalidIdentityToken", K::NotAJwt, C::AwsCli),
        // E8: the CLI glues the second number to "date/time".
        case(CLI, cli("ExpiredTokenException", "Token expired: current date/time 1764004200 must be before the expiration date/time1764003600"), "ExpiredTokenException", K::TokenExpired, C::AwsCli)
            .says("date/time1764003600"),
        case(CLI, cli("AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity"), "AccessDenied", K::NotAuthorized, C::AwsCli)
            .op("AssumeRoleWithWebIdentity")
            .says("Not authorized to perform sts:AssumeRoleWithWebIdentity"),
        case(CLI, cli("ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."), "ValidationError", K::DurationExceedsMax, C::AwsCli),
        case(CLI, cli("ValidationError", "1 validation error detected: Value '43201' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200"), "ValidationError", K::DurationOutOfRange, C::AwsCli)
            .says("1 validation error detected"),
        case(CLI, cli("ValidationError", "1 validation error detected: Value 'gitlab-feature/login' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*"), "ValidationError", K::SessionNameInvalid, C::AwsCli),
        case(CLI, cli("ValidationError", "Request ARN is invalid"), "ValidationError", K::RoleArnInvalid, C::AwsCli),
        case(CLI, cli("ValidationError", "1 validation error detected: Value '' at 'roleArn' failed to satisfy constraint: Member must have length greater than or equal to 20"), "ValidationError", K::RoleArnInvalid, C::AwsCli),
        case(CLI, cli("RegionDisabledException", "STS is not activated in this region for account:123456789012. Your account administrator can activate STS in this region using the IAM Console."), "RegionDisabledException", K::RegionDisabled, C::AwsCli),
        case(CLI, "\nAn error occurred (IDPCommunicationError) when calling the AssumeRoleWithWebIdentity operation (reached max retries: 0): The request could not be fulfilled because the identity provider (IDP) that was asked to verify the incoming identity token could not be reached.\n", "IDPCommunicationError", K::IdpCommunication, C::AwsCli)
            .op("AssumeRoleWithWebIdentity"),
        // Throttling and an unreachable endpoint, inside the call whose credentials needed them.
        case("aws/aws-sdk-go-v2#2544", "smithy.OperationError operation error SQS: ReceiveMessage, get identity: get credentials: failed to refresh cached credentials, failed to retrieve credentials, operation error STS: AssumeRoleWithWebIdentity, exceeded maximum number of attempts, 3, https response error StatusCode: 400, RequestID: 28f9ea25-8179-45a4-a569-1b25baf9607e, api error Throttling: Rate exceeded", "Throttling", K::Throttled, C::SdkGo)
            .op("AssumeRoleWithWebIdentity")
            .says("Rate exceeded"),
        case("Go SDK v2 with no route to STS (a Kubernetes controller's log)", "failed to refresh cached credentials, failed to retrieve credentials, operation error STS: AssumeRoleWithWebIdentity, exceeded maximum number of attempts, 3, https response error StatusCode: 0, RequestID: , request send failed, Post \"https://sts.eu-north-1.amazonaws.com/\": dial tcp 10.0.12.31:443: i/o timeout", "RequestError", K::StsUnreachable, C::SdkGo)
            .op("AssumeRoleWithWebIdentity"),
        case("AWS EBS CSI driver log", "operation error EC2: CreateVolume, get identity: get credentials: failed to refresh cached credentials, failed to retrieve credentials, operation error STS: AssumeRoleWithWebIdentity, https response error StatusCode: 403, RequestID: 2e5c7a1b-9d3f-4c8e-b6a2-0f1e3d5c7b9a, api error AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity", "AccessDenied", K::NotAuthorized, C::SdkGo)
            .op("AssumeRoleWithWebIdentity"),
        // E17, E18: messages from sts-errors.md in the CLI's form.
        case(CLI, "An error occurred (ExpiredToken) when calling the GetCallerIdentity operation: The security token included in the request is expired", "ExpiredToken", K::SessionExpired, C::AwsCli)
            .op("GetCallerIdentity"),
        case(CLI, "An error occurred (InvalidClientTokenId) when calling the GetCallerIdentity operation: The security token included in the request is invalid.", "InvalidClientTokenId", K::InvalidClientToken, C::AwsCli),
        case(CLI, "An error occurred (LimitExceeded) when calling the UpdateAssumeRolePolicy operation: Cannot exceed quota for ACLSizePerRole: 2048", "LimitExceeded", K::PolicyTooLarge, C::AwsCli)
            .op("UpdateAssumeRolePolicy"),
        // E14 and E13/E11 client-side: the AWS CLI's own output (run above), and boto3's.
        case("AWS CLI 1.46.3, --web-identity-token \"\"", "Parameter validation failed:\nInvalid length for parameter WebIdentityToken, value: 0, valid min length: 4\n", "ParamValidationError", K::TokenEmpty, C::AwsCli)
            .says("Invalid length for parameter WebIdentityToken, value: 0"),
        case("AWS CLI 1.46.3, --role-arn \"\"", "Parameter validation failed:\nInvalid length for parameter RoleArn, value: 0, valid min length: 20\nInvalid length for parameter RoleSessionName, value: 1, valid min length: 2\n", "ParamValidationError", K::RoleArnInvalid, C::AwsCli),
        case("AWS CLI 1.46.3, --duration-seconds 100", "\nParameter validation failed:\nInvalid value for parameter DurationSeconds, value: 100, valid min value: 900\n", "ParamValidationError", K::DurationOutOfRange, C::AwsCli),
        case(BOTO3, "    raise ParamValidationError(report=report.generate_report())\nbotocore.exceptions.ParamValidationError: Parameter validation failed:\nInvalid length for parameter WebIdentityToken, value: 0, valid min length: 4\n", "ParamValidationError", K::TokenEmpty, C::SdkPython),
        case("AWS CLI 1.46.3, --web-identity-token $EMPTY unquoted (argparse)", "usage: aws [options] <command> <subcommand> [<subcommand> ...] [parameters]\nTo see help text, you can run:\n\n  aws help\naws: error: argument --web-identity-token: expected one argument\n", "ArgumentError", K::TokenEmpty, C::AwsCli),
        case("AWS CLI 1.46.3, --role-arn $EMPTY unquoted (argparse)", "aws: error: argument --role-arn: expected one argument", "ArgumentError", K::RoleArnInvalid, C::AwsCli),
        // boto3.
        case(BOTO3, "    raise error_class(parsed_response, operation_name)\nbotocore.exceptions.ClientError: An error occurred (AccessDenied) when calling the AssumeRoleWithWebIdentity operation (reached max retries: 0): Not authorized to perform sts:AssumeRoleWithWebIdentity\n", "AccessDenied", K::NotAuthorized, C::SdkPython)
            .op("AssumeRoleWithWebIdentity"),
        case(BOTO3, "botocore.errorfactory.InvalidIdentityTokenException: An error occurred (InvalidIdentityToken) when calling the AssumeRoleWithWebIdentity operation (reached max retries: 0): Incorrect token audience", "InvalidIdentityToken", K::IncorrectAudience, C::SdkPython),
        case(BOTO3, "botocore.errorfactory.ExpiredTokenException: An error occurred (ExpiredTokenException) when calling the AssumeRoleWithWebIdentity operation (reached max retries: 0): Token expired: current date/time 1764004200 must be before the expiration date/time1764003600", "ExpiredTokenException", K::TokenExpired, C::SdkPython),
        // Go SDK v2 (smithy-go): pulumi/pulumi-aws#3866, aws-cloudformation/rain#205 (with its
        // doubled space), and the format around the catalogue's messages.
        case("pulumi/pulumi-aws#3866", "    Details: validating provider credentials: retrieving caller identity from STS: operation error STS: GetCallerIdentity, https response error StatusCode: 403, RequestID: 83805f40-faa6-4c05-8ff0-883cbaf478bb, api error ExpiredToken: The security token included in the request is expired", "ExpiredToken", K::SessionExpired, C::SdkGo)
            .op("GetCallerIdentity")
            .says("The security token included in the request is expired"),
        case("aws-cloudformation/rain#205", "DEBUG: Error retreiving creds: failed to refresh cached credentials, operation error STS: AssumeRole, https response error StatusCode: 403, RequestID: ****,  api error AccessDenied: User: arn:aws:sts::****:assumed-role/user@example.com/user@example.com is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::{destination_account}:role/devopsL2analyst", "AccessDenied", K::ServiceAccessDenied, C::SdkGo)
            .op("AssumeRole"),
        case("smithy-go format (unmodeled error: api error)", "operation error STS: AssumeRoleWithWebIdentity, https response error StatusCode: 403, RequestID: 5b6a3c1e-7d2f-4e9a-9c1b-0a8f2e4d6b71, api error AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity", "AccessDenied", K::NotAuthorized, C::SdkGo)
            .op("AssumeRoleWithWebIdentity"),
        case("smithy-go format (modeled error)", "failed to refresh cached credentials, failed to retrieve credentials, operation error STS: AssumeRoleWithWebIdentity, https response error StatusCode: 400, RequestID: 0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0, InvalidIdentityToken: Incorrect token audience", "InvalidIdentityToken", K::IncorrectAudience, C::SdkGo),
        // Go SDK v1: hashicorp/terraform-provider-aws#27071 (no status line), and awserr's
        // status line below the code.
        case("hashicorp/terraform-provider-aws#27071", "Error: WebIdentityErr: failed to retrieve credentials\ncaused by: InvalidIdentityToken: Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements\n", "InvalidIdentityToken", K::JwksUnreachable, C::SdkGo),
        case("aws-sdk-go v1 awserr format", "WebIdentityErr: failed to retrieve credentials\ncaused by: InvalidIdentityToken: Incorrect token audience\n\tstatus code: 400, request id: 2c6b5b7f-6a1e-4d1c-9a9b-3f2d1e0c9b8a\n", "InvalidIdentityToken", K::IncorrectAudience, C::SdkGo),
        // Terraform's AWS provider: 3.x (Go v1) and 5.x (Go v2, box-drawn and wrapped).
        case("Terraform AWS provider 3.x", "Error: error configuring Terraform AWS Provider: error validating provider credentials: error calling sts:GetCallerIdentity: WebIdentityErr: failed to retrieve credentials\ncaused by: InvalidIdentityToken: Incorrect token audience\n\tstatus code: 400, request id: 9a8b7c6d-5e4f-3a2b-1c0d-ef0123456789\n", "InvalidIdentityToken", K::IncorrectAudience, C::Terraform),
        case("Terraform AWS provider 5.x diagnostics", "╷\n│ Error: configuring Terraform AWS Provider: failed to refresh cached credentials, operation error STS: AssumeRoleWithWebIdentity, https response error StatusCode: 403, RequestID: 1d2c3b4a-5f6e-4d7c-8b9a-0f1e2d3c4b5a, api error AccessDenied: Not authorized to\n│ perform sts:AssumeRoleWithWebIdentity\n│ \n│   with provider[\"registry.terraform.io/hashicorp/aws\"],\n│   on main.tf line 1, in provider \"aws\":\n│    1: provider \"aws\" {\n│ \n╵\n", "AccessDenied", K::NotAuthorized, C::Terraform)
            .op("AssumeRoleWithWebIdentity")
            .says("Not authorized to perform sts:AssumeRoleWithWebIdentity"),
        case("hashicorp/terraform-provider-aws#40430 (excerpt: no Terraform mark left)", "Error: failed to refresh cached credentials, operation error STS: AssumeRole, https response error StatusCode: 403, RequestID: , api error InvalidClientTokenId: The security token\n│ included in the request is invalid\n", "InvalidClientTokenId", K::InvalidClientToken, C::SdkGo)
            .says("The security token included in the request is invalid"),
        // Java SDK v2 and v1.
        case("aws/aws-sdk-java-v2#1470", "software.amazon.awssdk.services.sts.model.StsException: Not authorized to perform sts:AssumeRoleWithWebIdentity (Service: Sts, Status Code: 403, Request ID: d8ee3773-3046-41d0-9b95-373ec1ae7b07, Extended Request ID: null)\n        at software.amazon.awssdk.core.internal.http.CombinedResponseHandler.handleErrorResponse(CombinedResponseHandler.java:123)\n", "AccessDenied", K::NotAuthorized, C::SdkJava)
            .says("Not authorized to perform sts:AssumeRoleWithWebIdentity"),
        case("Java SDK v2 modeled exception", "software.amazon.awssdk.services.sts.model.InvalidIdentityTokenException: Incorrect token audience (Service: Sts, Status Code: 400, Request ID: 3f2e1d0c-9b8a-4796-a5b4-c3d2e1f0a9b8)", "InvalidIdentityToken", K::IncorrectAudience, C::SdkJava),
        case("aws/aws-sdk-java-v2#5709 (logback-abbreviated class)", "s.a.a.s.s.m.ExpiredTokenException: Token expired: current date/time 1731098245 must be before the expiration date/time 1731095240 (Service: Sts, Status Code: 400, Request ID: 22679931-6a1d-4db3-abd0-a189de181809)\n\tat s.a.a.c.i.h.CombinedResponseHandler.handleErrorResponse(CombinedResponseHandler.java:125)\n", "ExpiredTokenException", K::TokenExpired, C::SdkJava),
        case("kubeflow/spark-operator#1129 (Java SDK v1)", "Caused by: org.apache.hadoop.fs.s3a.auth.NoAuthWithAWSException: No AWS Credentials provided by WebIdentityTokenCredentialsProvider : com.amazonaws.services.securitytoken.model.AWSSecurityTokenServiceException: Not authorized to perform sts:AssumeRoleWithWebIdentity (Service: AWSSecurityTokenService; Status Code: 403; Error Code: AccessDenied; Request ID: ID; Proxy: null)\n\tat org.apache.hadoop.fs.s3a.AWSCredentialProviderList.getCredentials(AWSCredentialProviderList.java:159)\n", "AccessDenied", K::NotAuthorized, C::SdkJava),
        // JavaScript v3: the error's name, its stack, then its properties.
        case("JavaScript SDK v3 (Node's print of the error)", "AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity\n    at throwDefaultError (/app/node_modules/@smithy/smithy-client/dist-cjs/index.js:840:20)\n    at async /app/node_modules/@aws-sdk/middleware-logger/dist-cjs/index.js:33:22 {\n  '$fault': 'client',\n  '$metadata': {\n    httpStatusCode: 403,\n    requestId: '6c5b4a39-2817-4f6e-9d8c-7b6a59483726',\n    attempts: 1,\n    totalRetryDelay: 0\n  },\n  Type: 'Sender',\n  Code: 'AccessDenied'\n}\n", "AccessDenied", K::NotAuthorized, C::SdkJavascript)
            .says("Not authorized to perform sts:AssumeRoleWithWebIdentity"),
        case("aws/aws-sdk-js-v3#3052 (a JSON log with the stack as a string)", "{\n  \"message\": \"Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements\",\n  \"stack\": \"InvalidIdentityToken: Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements\\n    at deserializeAws_queryAssumeRoleWithWebIdentityCommandError (/app/node_modules/@aws-sdk/client-sts/dist/cjs/protocols/Aws_query.js:363:41)\\n\"\n}", "InvalidIdentityToken", K::JwksUnreachable, C::SdkJavascript)
            .says("please reference AssumeRoleWithWebIdentity documentation for requirements"),
        case("JavaScript SDK v3, modeled exception name", "InvalidIdentityTokenException: Incorrect token audience\n    at de_InvalidIdentityTokenExceptionRes (/app/node_modules/@aws-sdk/client-sts/dist-cjs/index.js:1234:21)\n", "InvalidIdentityToken", K::IncorrectAudience, C::SdkJavascript),
        // Rust SDK: awslabs/aws-sdk-rust#827 (a JSON log line, quotes escaped), and the Debug of
        // an unmodeled error.
        case("awslabs/aws-sdk-rust#827", "{\"level\":\"WARN\",\"fields\":{\"message\":\"provider failed to provide credentials\",\"provider\":\"WebIdentityToken\",\"error\":\"an error occurred while loading credentials: service error: InvalidIdentityTokenException: Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements: InvalidIdentityTokenException: Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements (ProviderError(ProviderError { source: ServiceError(ServiceError { source: InvalidIdentityTokenException(InvalidIdentityTokenException { message: Some(\\\"Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements\\\"), meta: ErrorMetadata { code: Some(\\\"InvalidIdentityToken\\\"), message: Some(\\\"Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements\\\"), extras: Some({\\\"aws_request_id\\\": \\\" 00000000-0000-0000-0000-000000000000\\\"}) } }), raw: Response { inner: Response { status: 400 } } }) }))\"}}", "InvalidIdentityToken", K::JwksUnreachable, C::SdkRust),
        case("Rust SDK Debug of an unmodeled error", "Error: ServiceError(ServiceError { source: Unhandled(Unhandled { source: ErrorMetadata { code: Some(\"AccessDenied\"), message: Some(\"Not authorized to perform sts:AssumeRoleWithWebIdentity\"), extras: Some({\"aws_request_id\": \"7e6d5c4b-3a29-4180-9f7e-6d5c4b3a2918\"}) }, meta: ErrorMetadata { code: Some(\"AccessDenied\"), message: Some(\"Not authorized to perform sts:AssumeRoleWithWebIdentity\") } }), raw: Response { status: StatusCode(403) } })", "AccessDenied", K::NotAuthorized, C::SdkRust)
            .says("Not authorized to perform sts:AssumeRoleWithWebIdentity"),
        // Ruby: code-dot-org/code-dot-org#60274 (an uncaught exception), and the class prefix.
        case("code-dot-org/code-dot-org#60274", "/Users/seth/.rbenv/versions/3.0.5/lib/ruby/gems/3.0.0/gems/aws-sdk-core-3.201.3/lib/seahorse/client/plugins/raise_response_errors.rb:17:in `call': Not authorized to perform sts:AssumeRoleWithWebIdentity (Aws::STS::Errors::AccessDenied)\n        from /Users/seth/.rbenv/versions/3.0.5/lib/ruby/gems/3.0.0/gems/aws-sdk-core-3.201.3/lib/aws-sdk-core/plugins/checksum_algorithm.rb:111:in `call'\n", "AccessDenied", K::NotAuthorized, C::SdkRuby)
            .says("Not authorized to perform sts:AssumeRoleWithWebIdentity"),
        case("Ruby SDK error class", "Aws::STS::Errors::InvalidIdentityToken: Incorrect token audience", "InvalidIdentityToken", K::IncorrectAudience, C::SdkRuby),
        // .NET and PHP.
        case("aws/aws-sdk-net#1522", "Unhandled exception. Amazon.Runtime.AmazonClientException: Error calling AssumeRole for role arn:aws:iam::xxxx:role/xxx\n ---> Amazon.SecurityToken.AmazonSecurityTokenServiceException: Not authorized to perform sts:AssumeRoleWithWebIdentity ---> Amazon.Runtime.Internal.HttpErrorResponseException: Exception of type 'Amazon.Runtime.Internal.HttpErrorResponseException' was thrown.\n   at Amazon.Runtime.HttpWebRequestMessage.GetResponse()\n", "AccessDenied", K::NotAuthorized, C::SdkDotnet)
            .says("Not authorized to perform sts:AssumeRoleWithWebIdentity"),
        case("amzn/selling-partner-api-models#2523 (PHP)", " Error executing \"AssumeRole\" on \"https://sts.eu-west-1.amazonaws.com\"; AWS HTTP error: Client error: `POST https://sts.eu-west-1.amazonaws.com` resulted in a `403 Forbidden` response: Sender AccessDeni (truncated...) AccessDenied (client): User: arn:aws:iam::67211257:user/Qikink is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::67211257:user/Qikink - Sender AccessDenied User: arn:aws:iam::67211257:user/Qikink is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::6721257:user/Qikink 70570cbc-baab-4cc7-8053-f3f4dcc7bec8", "AccessDenied", K::ServiceAccessDenied, C::SdkPhp)
            .op("AssumeRole"),
        // STS's raw XML: aws/aws-sdk-js#198, and E12's message with XML's escapes.
        case("aws/aws-sdk-js#198", "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n  <Error>\n    <Type>Sender</Type>\n    <Code>IDPRejectedClaim</Code>\n    <Message>graph.facebook.com: graph.facebook.com responded with HTTP/1.1 400 Bad Request</Message>\n  </Error>\n  <RequestId>af0f7b07-5208-11e3-81b2-cfe47957f7e6</RequestId>\n</ErrorResponse>", "IDPRejectedClaim", K::IdpRejectedClaim, C::Xml)
            .says("graph.facebook.com responded with HTTP/1.1 400 Bad Request"),
        case("STS XML body (curl)", "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type><Code>ValidationError</Code><Message>1 validation error detected: Value &apos;gl-feature/x&apos; at &apos;roleSessionName&apos; failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*</Message></Error><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ErrorResponse>", "ValidationError", K::SessionNameInvalid, C::Xml)
            .says("Value 'gl-feature/x' at 'roleSessionName'"),
        // The message alone, no wrapper; a code alone.
        case("the message alone", "Not authorized to perform sts:AssumeRoleWithWebIdentity", "AccessDenied", K::NotAuthorized, C::Unknown),
        case("a code alone", "InvalidIdentityToken", "InvalidIdentityToken", K::InvalidIdentityToken, C::Unknown),
        case("an unknown code in the CLI's form", "An error occurred (SlowDown) when calling the AssumeRoleWithWebIdentity operation: Please reduce your request rate.", "SlowDown", K::Unknown, C::AwsCli),
        case("STS's throttling in the CLI's form", "An error occurred (Throttling) when calling the AssumeRoleWithWebIdentity operation: Rate exceeded", "Throttling", K::Throttled, C::AwsCli),
        case("no error at all", "$ terraform plan\nNo changes. Your infrastructure matches the configuration.\n", "unknown", K::Unknown, C::Unknown),
    ]
}

#[test]
fn recognizes_every_catalogued_error_in_every_wrapper() {
    let mut failures = Vec::new();
    for case in recognition_cases() {
        let error = run(&case.text, &json!({})).error;
        let ok = error.code == case.code
            && error.kind == case.kind
            && error.client == case.client
            && case.operation.is_none_or(|op| error.operation.as_deref() == Some(op))
            && error.message.contains(case.message);
        if !ok {
            failures.push(format!(
                "{}: got {} {:?} {:?} {:?} {:?}",
                case.source, error.code, error.kind, error.client, error.operation, error.message
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn finds_the_error_inside_a_job_log() {
    // A GitLab job log as the raw trace has it: ANSI colours, section markers, CRs.
    let log = "\u{1b}[0KRunning with gitlab-runner 17.5.0 (0f1e2d3c)\u{1b}[0;m\n\u{1b}[0K  on saas-linux-small-amd64 abc, system ID: s_123\u{1b}[0;m\nsection_start:1764000000:step_script\r\u{1b}[0K\u{1b}[0K\u{1b}[36;1mExecuting \"step_script\" stage of the job script\u{1b}[0;m\u{1b}[0;m\n\u{1b}[32;1m$ aws_sts_output=$(aws sts assume-role-with-web-identity --role-arn ${ROLE_ARN} --role-session-name \"GitLabRunner-${CI_PROJECT_ID}-${CI_PIPELINE_ID}\" --web-identity-token ${GITLAB_OIDC_TOKEN} --duration-seconds 3600 --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]' --output text) # collapsed multi-line command\u{1b}[0;m\n\nAn error occurred (AccessDenied) when calling the AssumeRoleWithWebIdentity operation: Not authorized to perform sts:AssumeRoleWithWebIdentity\r\nsection_end:1764000002:step_script\r\u{1b}[0K\u{1b}[31;1mERROR: Job failed: exit code 254\n\u{1b}[0;m\n";
    let diagnosis = run(log, &json!({}));
    assert_eq!(diagnosis.error.code, "AccessDenied");
    assert_eq!(
        diagnosis.error.message,
        "Not authorized to perform sts:AssumeRoleWithWebIdentity"
    );
    assert_eq!(diagnosis.error.client, Client::AwsCli);
    assert!(diagnosis.others.is_empty());
    // Megabytes of log around it: the error is still found, and only the last 4 MiB are read.
    let noise = "npm WARN deprecated inflight@1.0.6: This module is not supported, and leaks memory.\n".repeat(70_000);
    let huge = format!("{noise}{log}");
    assert!(huge.len() > 5 << 20);
    let diagnosis = run(&huge, &json!({}));
    assert_eq!(diagnosis.error.kind, Kind::NotAuthorized);
    assert!(
        diagnosis.findings.iter().any(|f| f.code == "DIA004"),
        "{:?}",
        diagnosis.findings
    );
}

#[test]
fn several_errors_each_diagnosed_the_first_sts_error_leading() {
    let log = "$ aws s3 ls\n\nUnable to locate credentials. You can configure credentials by running \"aws configure\".\n$ aws sts assume-role-with-web-identity ...\n\nAn error occurred (InvalidIdentityToken) when calling the AssumeRoleWithWebIdentity operation: Incorrect token audience\n\nAn error occurred (InvalidIdentityToken) when calling the AssumeRoleWithWebIdentity operation: Incorrect token audience\n$ aws s3 cp x s3://bucket/\nAn error occurred (AccessDenied) when calling the PutObject operation: Access Denied\n";
    let diagnosis = run(
        log,
        &json!({"clientIds": ["https://gitlab.com"], "claims": claims("main", &json!({}))}),
    );
    assert_eq!(
        diagnosis.error.kind,
        Kind::IncorrectAudience,
        "the STS error leads, not the earlier consequence"
    );
    assert_eq!(cause(&diagnosis, "audience-not-client-id").verdict, Verdict::Confirmed);
    // The repeated error is one; the others keep text order, each with its causes.
    let others = diagnosis
        .others
        .iter()
        .map(|o| (o.error.code.as_str(), o.error.kind))
        .collect::<Vec<_>>();
    assert_eq!(
        others,
        [
            ("NoCredentials", Kind::NoCredentials),
            ("AccessDenied", Kind::ServiceAccessDenied)
        ]
    );
    assert!(diagnosis.others.iter().all(|o| !o.causes.is_empty()));
    assert_eq!(diagnosis.others[1].error.operation.as_deref(), Some("PutObject"));
    assert!(diagnosis.findings.iter().any(|f| f.code == "DIA002"));
}

// ---------------------------------------------------------------------------------------
// Causes: each confirmed by one context and ruled out by another
// ---------------------------------------------------------------------------------------

struct CauseCase {
    name: &'static str,
    text: String,
    context: Value,
    id: &'static str,
    verdict: Verdict,
    /// A piece of the evidence.
    evidence: &'static str,
}

fn check(
    name: &'static str,
    text: impl Into<String>,
    context: Value,
    id: &'static str,
    verdict: Verdict,
    evidence: &'static str,
) -> CauseCase {
    CauseCase {
        name,
        text: text.into(),
        context,
        id,
        verdict,
        evidence,
    }
}

const DENIED: &str = "An error occurred (AccessDenied) when calling the AssumeRoleWithWebIdentity operation: Not authorized to perform sts:AssumeRoleWithWebIdentity";

fn token(reference: &str, changes: &Value) -> String {
    jwt(&claims(reference, changes))
}

#[allow(clippy::too_many_lines, reason = "one table: every cause, both ways")]
fn cause_cases() -> Vec<CauseCase> {
    use Verdict::{CannotTellOffline as Cannot, Confirmed, Possible, RuledOut};
    let self_managed =
        json!({"iss": "https://gitlab.example.com/gitlab", "sub": "project_path:acme/app:ref_type:branch:ref:main"});
    let no_tokens_job = job(SAFE_NAME, "3600", "");
    vec![
        // AccessDenied: the trust policy, the provider's account, the deployed policy.
        check("feature branch against a main-only policy", DENIED, json!({"token": token("feature/x", &json!({})), "policy": main_policy(), "roleArn": ROLE}), "trust-policy-denies", Confirmed, "your token's sub is `project_path:acme/app:ref_type:branch:ref:feature/x`; `StringEquals gitlab.com:sub` admits only `…:ref:main`"),
        check("main against a main-only policy", DENIED, json!({"token": token("main", &json!({})), "policy": main_policy()}), "trust-policy-denies", RuledOut, "the policy admits your token"),
        check("the pasted policy admits the token", DENIED, json!({"token": token("main", &json!({})), "policy": main_policy(), "roleArn": ROLE}), "deployed-policy-differs", Possible, "the policy you gave admits this token"),
        check("no policy to compare", DENIED, json!({}), "deployed-policy-differs", Cannot, "only the account shows"),
        check("provider in another account", DENIED, json!({"token": token("main", &json!({})), "policy": main_policy(), "roleArn": "arn:aws:iam::111111111111:role/gitlab-ci"}), "provider-other-account", Confirmed, "in another account or partition"),
        check("provider in the role's account", DENIED, json!({"token": token("main", &json!({})), "policy": main_policy(), "roleArn": ROLE}), "provider-other-account", RuledOut, "both in account 123456789012"),
        // E1: provider URL, provider existence, partition.
        check("policy trusts the host without the relative root", cli("InvalidIdentityToken", "No OpenIDConnect provider found in your account for https://gitlab.example.com/gitlab"), json!({"token": token("main", &self_managed), "policy": policy("gitlab.example.com", &json!({}))}), "provider-url-mismatch", Confirmed, "your token's iss is `https://gitlab.example.com/gitlab` (provider `gitlab.example.com/gitlab`), but the policy trusts `arn:aws:iam::123456789012:oidc-provider/gitlab.example.com`"),
        check("policy trusts the token's exact issuer", cli("InvalidIdentityToken", "No OpenIDConnect provider found in your account for https://gitlab.example.com/gitlab"), json!({"token": token("main", &self_managed), "policy": policy("gitlab.example.com/gitlab", &json!({}))}), "provider-url-mismatch", RuledOut, "the policy trusts `oidc-provider/gitlab.example.com/gitlab`"),
        check("whether the provider exists is the account's to say", cli("InvalidIdentityToken", "No OpenIDConnect provider found in your account for https://gitlab.com"), json!({"token": token("main", &json!({})), "roleArn": ROLE}), "provider-missing", Cannot, "STS needs a provider for `https://gitlab.com` in account 123456789012"),
        check("STS called in China for an aws role", cli("InvalidIdentityToken", "No OpenIDConnect provider found in your account for https://gitlab.com"), json!({"roleArn": ROLE, "region": "cn-north-1"}), "partition-mismatch", Confirmed, "partition aws-cn"),
        check("STS called in the role's partition", cli("InvalidIdentityToken", "No OpenIDConnect provider found in your account for https://gitlab.com"), json!({"roleArn": ROLE, "region": "eu-west-1"}), "partition-mismatch", RuledOut, "like the role"),
        check("the error's URL is masked", cli("InvalidIdentityToken", "No OpenIDConnect provider found in your account for {redacted}"), json!({}), "provider-url-mismatch", Cannot, "the URL in the error is masked"),
        check("a masked GitLab URL", cli("InvalidIdentityToken", "No OpenIDConnect provider found in your account for https://gitlab.***.com"), json!({}), "provider-url-mismatch", Cannot, "the URL in the error is masked"),
        // Throttling and the network: only the account's and the runner's side can tell.
        check("STS throttled a parallel job", "api error Throttling: Rate exceeded\n", json!({"job": "deploy:\n  parallel: 8\n  script:\n    - aws sts get-caller-identity\n"}), "sts-throttled", Possible, "the job runs in parallel"),
        check("STS throttled", cli("Throttling", "Rate exceeded"), json!({}), "sts-throttled", Possible, "it limits how many calls"),
        check("the runner could not reach STS", "\nCould not connect to the endpoint URL: \"https://sts.eu-north-1.amazonaws.com/\"\n", json!({"region": "eu-north-1"}), "sts-unreachable", Possible, "https://sts.eu-north-1.amazonaws.com/"),
        // E2: audience.
        check("aud not among the client IDs", cli("InvalidIdentityToken", "Incorrect token audience"), json!({"token": token("main", &json!({})), "clientIds": ["https://gitlab.com"]}), "audience-not-client-id", Confirmed, "your token's aud is `sts.amazonaws.com`; the provider's client IDs are `https://gitlab.com`"),
        check("aud among the client IDs", cli("InvalidIdentityToken", "Incorrect token audience"), json!({"token": token("main", &json!({})), "clientIds": ["sts.amazonaws.com"]}), "audience-not-client-id", RuledOut, "is in the provider's client IDs"),
        check("the policy expects another aud", cli("InvalidIdentityToken", "Incorrect token audience"), json!({"token": token("main", &json!({"aud": "https://gitlab.com"})), "policy": main_policy()}), "audience-not-client-id", Possible, "but the policy expects `sts.amazonaws.com`"),
        // E3, E14: legacy tokens, missing claims, empty variables.
        check("the job still reads CI_JOB_JWT_V2", cli("InvalidIdentityToken", "Missing a required claim: aud"), json!({"job": "deploy:\n  script:\n    - aws sts assume-role-with-web-identity --role-arn $ROLE_ARN --role-session-name x1 --web-identity-token $CI_JOB_JWT_V2\n"}), "legacy-token", Confirmed, "the job reads $CI_JOB_JWT_V2, removed in GitLab 17.0"),
        check("a legacy v1 token", cli("InvalidIdentityToken", "Missing a required claim: aud"), json!({"claims": {"iss": "gitlab.com", "sub": "job_8222997048", "exp": 1_764_003_600, "iat": 1_764_000_000}}), "legacy-token", Confirmed, "legacy CI_JOB_JWT v1 shape"),
        check("an ID token and a clean job", cli("InvalidIdentityToken", "Missing a required claim: aud"), json!({"token": token("main", &json!({})), "job": good_job()}), "legacy-token", RuledOut, "your token is an ID token"),
        check("a token without aud", cli("InvalidIdentityToken", "Missing a required claim: aud"), json!({"token": token("main", &json!({"aud": null}))}), "claim-missing", Confirmed, "your token has no `aud`"),
        check("a token with aud", cli("InvalidIdentityToken", "Missing a required claim: aud"), json!({"token": token("main", &json!({}))}), "claim-missing", RuledOut, "your token has `aud`"),
        check("the job passes a variable it never declares", "Parameter validation failed:\nInvalid length for parameter WebIdentityToken, value: 0, valid min length: 4\n", json!({"job": no_tokens_job}), "token-variable-empty", Confirmed, "the job passes $GITLAB_OIDC_TOKEN but has no id_tokens:"),
        check("the variable is another id_tokens name", "Parameter validation failed:\nInvalid length for parameter WebIdentityToken, value: 0, valid min length: 4\n", json!({"job": job(SAFE_NAME, "3600", "  id_tokens:\n    ID_TOKEN:\n      aud: sts.amazonaws.com\n")}), "token-variable-empty", Confirmed, "its id_tokens: defines only `ID_TOKEN`"),
        check("the variable is the job's ID token", "Parameter validation failed:\nInvalid length for parameter WebIdentityToken, value: 0, valid min length: 4\n", json!({"job": good_job()}), "token-variable-empty", RuledOut, "$GITLAB_OIDC_TOKEN is an ID token of the job (from the job)"),
        // E4, E5, E16: the instance's keys and certificate, outages.
        check("a private instance", cli("InvalidIdentityToken", "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements"), json!({"token": token("main", &json!({"iss": "https://gitlab.corp.internal"}))}), "jwks-unreachable", Possible, "`gitlab.corp.internal` looks private"),
        check("a public self-managed instance", cli("InvalidIdentityToken", "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements"), json!({"token": token("main", &self_managed)}), "jwks-unreachable", Cannot, "only a request from outside can show"),
        check("gitlab.com and its thumbprint", cli("InvalidIdentityToken", "OpenIDConnect provider's HTTPS certificate doesn't match configured thumbprint"), json!({"token": token("main", &json!({}))}), "thumbprint-outdated", RuledOut, "ignores the thumbprint"),
        check("a self-managed instance's thumbprint", cli("InvalidIdentityToken", "OpenIDConnect provider's HTTPS certificate doesn't match configured thumbprint"), json!({"token": token("main", &self_managed)}), "thumbprint-outdated", Cannot, "is self-managed"),
        check("an outage, maybe", cli("IDPCommunicationError", "The request could not be fulfilled because the identity provider (IDP) that was asked to verify the incoming identity token could not be reached."), json!({"token": token("main", &json!({}))}), "transient", Possible, "often transient"),
        check("not an outage: a private host", cli("IDPCommunicationError", "The request could not be fulfilled because the identity provider (IDP) that was asked to verify the incoming identity token could not be reached."), json!({"token": token("main", &json!({"iss": "https://10.0.4.2"}))}), "transient", RuledOut, "looks private"),
        // E6: creating the provider.
        check("a provider URL with a trailing slash", "An error occurred (InvalidInput) when calling the CreateOpenIDConnectProvider operation: Your request has a problem. Please see the following details. - Could not connect to openid configuration of provider: `https://gitlab.example.com/`", json!({}), "provider-url-form", Confirmed, "ends with '/'"),
        check("a provider URL in IAM's form", "An error occurred (InvalidInput) when calling the CreateOpenIDConnectProvider operation: Your request has a problem. Please see the following details. - Could not connect to openid configuration of provider: `https://gitlab.example.com`", json!({}), "provider-url-form", RuledOut, "has IAM's form"),
        check("the certificate chain is the server's to show", "An error occurred (InvalidInput) when calling the CreateOpenIDConnectProvider operation: Your request has a problem. Please see the following details. - Could not connect to openid configuration of provider: `https://gitlab.example.com`", json!({}), "certificate-chain", Cannot, "https://gitlab.example.com/.well-known/openid-configuration"),
        // E7: not a JWT.
        check("the job passes CI_JOB_TOKEN", cli("InvalidIdentityToken", "The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)"), json!({"job": "deploy:\n  script:\n    - aws sts assume-role-with-web-identity --role-arn $ROLE_ARN --role-session-name x1 --web-identity-token $CI_JOB_TOKEN\n"}), "token-not-jwt", Confirmed, "$CI_JOB_TOKEN"),
        check("a token copied with a line break", cli("InvalidIdentityToken", "The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)"), json!({"token": format!("{}\n{}", &token("main", &json!({}))[..40], &token("main", &json!({}))[40..])}), "token-not-jwt", Confirmed, "has whitespace at character 41"),
        check("an HS256 token", cli("InvalidIdentityToken", "The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)"), json!({"token": jwt_with(r#"{"alg":"HS256","typ":"JWT"}"#, &claims("main", &json!({})))}), "token-not-jwt", Confirmed, "alg is `HS256`"),
        check("a GitLab ID token", cli("InvalidIdentityToken", "The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)"), json!({"token": token("main", &json!({}))}), "token-not-jwt", RuledOut, "three base64url segments and alg `RS256`"),
        // E8: expiry.
        check("STS says when", cli("ExpiredTokenException", "Token expired: current date/time 1764004200 must be before the expiration date/time1764003600"), json!({"token": token("main", &json!({}))}), "token-expired", Confirmed, "STS read the token at 2025-11-24T17:10:00Z (1764004200), 10 min after it expired at 2025-11-24T17:00:00Z (1764003600)"),
        check("expired at nowSeconds", cli("ExpiredTokenException", "The web identity token that was passed is expired or is not valid."), json!({"token": token("main", &json!({})), "nowSeconds": 1_764_004_000}), "token-expired", Confirmed, "past AWS's 5 min of clock skew"),
        check("valid at nowSeconds", cli("ExpiredTokenException", "The web identity token that was passed is expired or is not valid."), json!({"token": token("main", &json!({})), "nowSeconds": NOW}), "token-expired", RuledOut, "your token is valid (expires in 43 min)"),
        check("within AWS's skew", cli("ExpiredTokenException", "The web identity token that was passed is expired or is not valid."), json!({"token": token("main", &json!({})), "nowSeconds": 1_764_003_700}), "token-expired", Possible, "AWS still accepts it"),
        // E10, E11: durations.
        check("7200 s against a 3600 s role", cli("ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."), json!({"job": job(SAFE_NAME, "7200", TOKENS), "maxSessionDuration": 3600}), "duration-exceeds-max", Confirmed, "the job requests --duration-seconds 7200; the role's MaxSessionDuration is 3600"),
        check("3600 s against a 3600 s role", cli("ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."), json!({"job": good_job(), "maxSessionDuration": 3600}), "duration-exceeds-max", RuledOut, "within the role's MaxSessionDuration 3600"),
        check("7200 s, the role's maximum unknown", cli("ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."), json!({"job": job(SAFE_NAME, "7200", TOKENS)}), "duration-exceeds-max", Possible, "above the 3600"),
        check("43201 s", cli("ValidationError", "1 validation error detected: Value '43201' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200"), json!({}), "duration-out-of-range", Confirmed, "the error shows --duration-seconds 43201, outside 900 to 43200"),
        check("600 s in the job", cli("ValidationError", "1 validation error detected: Value '600' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900"), json!({"job": job(SAFE_NAME, "600", TOKENS)}), "duration-out-of-range", Confirmed, "--duration-seconds 600, outside"),
        check("3600 s in the job, no error text", "", json!({"job": good_job()}), "duration-out-of-range", RuledOut, "the job passes --duration-seconds 3600, within 900 to 43200"),
        // E12: the session name.
        check("a session name from the ref name", cli("ValidationError", "1 validation error detected: Value 'gitlab-feature/login' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*"), json!({}), "session-name-invalid", Confirmed, "the error shows the session name `gitlab-feature/login`, which contains U+002F '/'"),
        check("$CI_COMMIT_REF_NAME on a feature branch", "", json!({"token": token("feature/login", &json!({})), "job": job("gl-${CI_COMMIT_REF_NAME}", "3600", TOKENS)}), "session-name-invalid", Confirmed, "with your token's values the job's session name `gl-${CI_COMMIT_REF_NAME}` is `gl-feature/login`"),
        check("$CI_COMMIT_REF_NAME, no token", cli("ValidationError", "1 validation error detected: Value too long at 'roleSessionName' failed to satisfy constraint: Member must have length less than or equal to 64"), json!({"job": job("gl-${CI_COMMIT_REF_NAME}", "3600", TOKENS)}), "session-name-invalid", Possible, "uses $CI_COMMIT_REF_NAME"),
        check("ids only", "", json!({"token": token("feature/login", &json!({})), "job": good_job()}), "session-name-invalid", RuledOut, "is `GitLabRunner-46573356-2117654321`, which is valid"),
        // E13: the role ARN.
        check("an empty role ARN on an unprotected branch", cli("ValidationError", "1 validation error detected: Value '' at 'roleArn' failed to satisfy constraint: Member must have length greater than or equal to 20"), json!({"token": token("feature/x", &json!({})), "job": good_job()}), "role-arn-invalid", Confirmed, "your token's ref `feature/x` is not protected, so $ROLE_ARN, if it is a protected CI/CD variable, is not set in this job"),
        check("a role ARN from a protected variable", cli("ValidationError", "Request ARN is invalid"), json!({"token": token("feature/x", &json!({})), "job": good_job()}), "role-arn-invalid", Possible, "a protected $ROLE_ARN is empty here"),
        check("a malformed role ARN", cli("ValidationError", "Request ARN is invalid"), json!({"roleArn": "arn:aws:iam::12345:role/gitlab-ci"}), "role-arn-invalid", Confirmed, "is not arn:<partition>:iam::<12 digits>:role/<path><name>"),
        check("a well-formed role ARN", cli("ValidationError", "Request ARN is invalid"), json!({"roleArn": ROLE}), "role-arn-invalid", RuledOut, "is well formed"),
        // E15: regions.
        check("an opt-in region", cli("RegionDisabledException", "STS is not activated in this region for account:123456789012. Your account administrator can activate STS in this region using the IAM Console."), json!({"region": "ap-southeast-5"}), "region-sts-inactive", Possible, "is an opt-in region"),
        check("a default region", cli("RegionDisabledException", "STS is not activated in this region for account:123456789012. Your account administrator can activate STS in this region using the IAM Console."), json!({"job": "deploy:\n  variables:\n    AWS_DEFAULT_REGION: eu-west-1\n  script: [aws sts get-caller-identity]\n"}), "region-sts-inactive", Cannot, "`eu-west-1` is enabled by default"),
        // E17: after the assume.
        check("a 3 h job on a 1 h session", "An error occurred (ExpiredToken) when calling the PutObject operation: The security token included in the request is expired", json!({"job": format!("{}  timeout: 3h\n", good_job())}), "session-outlived", Possible, "the job may run 3 h (its timeout), but the session it assumes lasts 1 h"),
        check("a 30 min job on a 1 h session", "An error occurred (ExpiredToken) when calling the PutObject operation: The security token included in the request is expired", json!({"job": format!("{}  timeout: 30 minutes\n", good_job())}), "session-outlived", RuledOut, "within the session's 1 h"),
        check("static keys next to a token file", "An error occurred (InvalidClientTokenId) when calling the GetCallerIdentity operation: The security token included in the request is invalid.", json!({"job": "deploy:\n  variables:\n    AWS_ACCESS_KEY_ID: AKIAIOSFODNN7EXAMPLE\n    AWS_WEB_IDENTITY_TOKEN_FILE: /tmp/token\n    AWS_ROLE_ARN: arn:aws:iam::123456789012:role/gitlab-ci\n  id_tokens:\n    GITLAB_OIDC_TOKEN:\n      aud: sts.amazonaws.com\n  script:\n    - echo \"$GITLAB_OIDC_TOKEN\" > /tmp/token\n    - aws s3 ls\n"}), "static-keys", Confirmed, "the file sets AWS_ACCESS_KEY_ID, which the SDKs use before AWS_WEB_IDENTITY_TOKEN_FILE"),
        check("no static keys in the file", "An error occurred (InvalidClientTokenId) when calling the GetCallerIdentity operation: The security token included in the request is invalid.", json!({"job": good_job()}), "static-keys", Cannot, "only GitLab's settings show"),
        check("export $(…) hides the failure", "Unable to locate credentials. You can configure credentials by running \"aws configure\".", json!({"job": "deploy:\n  id_tokens:\n    GITLAB_OIDC_TOKEN:\n      aud: sts.amazonaws.com\n  script:\n    - export $(printf \"AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY=%s AWS_SESSION_TOKEN=%s\" $(aws sts assume-role-with-web-identity --role-arn $ROLE_ARN --role-session-name x1 --web-identity-token $GITLAB_OIDC_TOKEN --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]' --output text))\n    - aws s3 ls\n"}), "credentials-not-exported", Confirmed, "export $(…)"),
        check("the credentials are exported", "Unable to locate credentials. You can configure credentials by running \"aws configure\".", json!({"job": good_job()}), "credentials-not-exported", RuledOut, "passes the assumed credentials on"),
        // E18 and a policy IAM refuses.
        check("one statement per branch", "An error occurred (LimitExceeded) when calling the UpdateAssumeRolePolicy operation: Cannot exceed quota for ACLSizePerRole: 2048", json!({"policy": big_policy(20)}), "policy-too-large", Confirmed, "over the default quota of 2048"),
        check("one statement", "An error occurred (LimitExceeded) when calling the UpdateAssumeRolePolicy operation: Cannot exceed quota for ACLSizePerRole: 2048", json!({"policy": main_policy()}), "policy-too-large", RuledOut, "within the default quota of 2048"),
        check("Effect written in lowercase", "An error occurred (MalformedPolicyDocument) when calling the UpdateAssumeRolePolicy operation: Invalid policy document.", json!({"policy": main_policy().replace("\"Allow\"", "\"allow\"")}), "policy-rejected", Confirmed, "POL024"),
        check("a policy the linter accepts", "An error occurred (MalformedPolicyDocument) when calling the UpdateAssumeRolePolicy operation: Invalid policy document.", json!({"policy": main_policy()}), "policy-rejected", Possible, "finds no error IAM would refuse"),
        check("a later call denied", "An error occurred (AccessDenied) when calling the PutObject operation: Access Denied", json!({}), "role-permissions", Cannot, "the assume worked"),
    ]
}

/// A policy with one statement per branch.
fn big_policy(statements: usize) -> String {
    let statement = |n: usize| {
        json!({
            "Effect": "Allow",
            "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/gitlab.com"},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringEquals": {
                "gitlab.com:aud": "sts.amazonaws.com",
                "gitlab.com:sub": format!("project_path:acme/app:ref_type:branch:ref:release-{n}")
            }}
        })
    };
    json!({"Version": "2012-10-17", "Statement": (0..statements).map(statement).collect::<Vec<_>>()}).to_string()
}

#[test]
fn every_cause_is_confirmed_and_ruled_out_by_its_check() {
    let mut failures = Vec::new();
    for case in cause_cases() {
        let diagnosis = run(&case.text, &case.context);
        match diagnosis.causes.iter().find(|c| c.id == case.id) {
            None => failures.push(format!(
                "{}: no cause {} (error {} {:?}; causes {:?})",
                case.name,
                case.id,
                diagnosis.error.code,
                diagnosis.error.kind,
                diagnosis.causes.iter().map(|c| c.id).collect::<Vec<_>>()
            )),
            Some(found) if found.verdict != case.verdict || !found.evidence.contains(case.evidence) => {
                failures.push(format!(
                    "{}: {} is {:?}: {}",
                    case.name, case.id, found.verdict, found.evidence
                ));
            }
            Some(_) => {}
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every cause id the catalogue has is exercised by the table, both ways where the context
/// can decide it.
#[test]
fn the_cause_table_covers_every_cause() {
    let cases = cause_cases();
    let verdicts = |id: &str| {
        cases
            .iter()
            .filter(|c| c.id == id)
            .map(|c| c.verdict)
            .collect::<Vec<_>>()
    };
    // Causes only the account (or GitLab, or the network) can decide: never confirmed offline.
    // Causes whose other side only the account, GitLab's settings or the network can show:
    // never confirmed offline (only the account has the provider, its thumbprint, the role's
    // permissions and deployed policy, the server its chain), or never ruled out (keys set in
    // CI/CD settings, a firewall, a deactivated region, what IAM refuses beyond the linter).
    let one_sided = [
        "provider-missing",
        "certificate-chain",
        "role-permissions",
        "deployed-policy-differs",
        "thumbprint-outdated",
        "jwks-unreachable",
        "region-sts-inactive",
        "static-keys",
        "policy-rejected",
        "sts-throttled",
        "sts-unreachable",
    ];
    for (id, title) in gitlab_aws_oidc::diagnose::catalogue() {
        assert!(!title.is_empty());
        let found = verdicts(id);
        assert!(!found.is_empty(), "{id} is not in the table");
        if one_sided.contains(&id) {
            continue;
        }
        assert!(
            found
                .iter()
                .any(|v| matches!(v, Verdict::Confirmed | Verdict::Possible))
                && found.contains(&Verdict::RuledOut),
            "{id}: {found:?}"
        );
    }
    assert!(cases.len() >= 60);
}

// ---------------------------------------------------------------------------------------
// AccessDenied: the evaluator's failing check and the smallest safe edit
// ---------------------------------------------------------------------------------------

#[test]
fn access_denied_names_the_failing_check_and_the_smallest_edit() {
    let diagnosis = run(
        DENIED,
        &json!({"token": token("feature/x", &json!({})), "policy": main_policy(), "roleArn": ROLE}),
    );
    let denies = cause(&diagnosis, "trust-policy-denies");
    assert_eq!(denies.verdict, Verdict::Confirmed);
    assert!(
        denies
            .evidence
            .starts_with("statement 0 comes closest (1 of its checks fails)"),
        "{}",
        denies.evidence
    );
    let failed = denies.failed.as_ref().unwrap();
    assert_eq!((failed.statement, failed.element), (0, "condition"));
    assert_eq!(failed.key.as_deref(), Some("gitlab.com:sub"));
    assert_eq!(failed.actual, ["project_path:acme/app:ref_type:branch:ref:feature/x"]);
    let fix = denies.fix.as_ref().unwrap();
    assert!(
        fix.description
            .contains("add your token's sub `project_path:acme/app:ref_type:branch:ref:feature/x`"),
        "{}",
        fix.description
    );
    // Widening to every branch is unsafe, and the branch is unprotected: the fix says both.
    assert!(
        fix.description.contains("Do not widen the value to every ref"),
        "{}",
        fix.description
    );
    assert!(fix.description.contains("is not protected"), "{}", fix.description);
    assert!(
        fix.description.contains("gitlab.com:ref_protected"),
        "{}",
        fix.description
    );
    let edited: Value = serde_json::from_str(fix.policy.as_ref().unwrap()).unwrap();
    assert_eq!(
        edited["Statement"][0]["Condition"]["StringEquals"]["gitlab.com:sub"],
        json!([
            "project_path:acme/app:ref_type:branch:ref:main",
            "project_path:acme/app:ref_type:branch:ref:feature/x"
        ])
    );
    assert_eq!(
        denies.confirm.as_deref(),
        Some("aws iam get-role --role-name gitlab-ci --query Role.AssumeRolePolicyDocument")
    );
}

#[test]
fn access_denied_fixes_operator_case_prefix_principal_and_action() {
    let token = token("release/1.2", &json!({}));
    let cases = [
        // StringEquals with a wildcard: StringLike, since the pattern stays in the project.
        (
            policy("gitlab.com", &json!({"StringEquals": {"gitlab.com:sub": "project_path:acme/app:ref_type:branch:ref:release/*"}})),
            "make `StringEquals gitlab.com:sub` `StringLike gitlab.com:sub`",
        ),
        // Case differs.
        (
            policy("gitlab.com", &json!({"StringEquals": {"gitlab.com:sub": "project_path:ACME/app:ref_type:branch:ref:release/1.2"}})),
            "write `project_path:ACME/app:ref_type:branch:ref:release/1.2` as `project_path:acme/app:ref_type:branch:ref:release/1.2`",
        ),
        // A key prefixed with another provider, under a principal for that provider.
        (
            policy("gitlab.example.com", &json!({"StringEquals": {"gitlab.example.com:sub": "project_path:acme/app:ref_type:branch:ref:release/1.2"}})),
            "trust `arn:aws:iam::123456789012:oidc-provider/gitlab.com` in Principal.Federated",
        ),
        // The wrong action.
        (
            policy("gitlab.com", &json!({"StringEquals": {"gitlab.com:sub": "project_path:acme/app:ref_type:branch:ref:release/1.2"}})).replace("sts:AssumeRoleWithWebIdentity", "sts:AssumeRole"),
            "add `sts:AssumeRoleWithWebIdentity` to Action",
        ),
    ];
    for (policy, step) in cases {
        let diagnosis = run(DENIED, &json!({"token": token, "policy": policy}));
        let denies = cause(&diagnosis, "trust-policy-denies");
        let fix = denies.fix.as_ref().unwrap();
        assert!(fix.description.contains(step), "{step}\n{}", fix.description);
        assert!(fix.policy.is_some(), "{}", fix.description);
    }
    // A wildcard that would reach other projects is not turned into StringLike: the exact value is added.
    let broad = policy(
        "gitlab.com",
        &json!({"StringEquals": {"gitlab.com:sub": "project_path:acme/*"}}),
    );
    let diagnosis = run(DENIED, &json!({"token": token, "policy": broad}));
    let fix = cause(&diagnosis, "trust-policy-denies").fix.clone().unwrap();
    assert!(!fix.description.contains("StringLike"), "{}", fix.description);
    assert!(fix.description.contains("add your token's sub"), "{}", fix.description);
}

#[test]
fn access_denied_never_widens_a_deliberate_pin() {
    let pinned = policy(
        "gitlab.com",
        &json!({"StringEquals": {"gitlab.com:aud": "sts.amazonaws.com", "gitlab.com:ref_protected": "true"},
                "StringLike": {"gitlab.com:sub": "project_path:acme/app:ref_type:branch:ref:*"}}),
    );
    let diagnosis = run(
        DENIED,
        &json!({"token": token("feature/x", &json!({})), "policy": pinned}),
    );
    let denies = cause(&diagnosis, "trust-policy-denies");
    assert_eq!(denies.verdict, Verdict::Confirmed);
    assert!(
        denies.evidence.contains("your token's ref_protected is `false`"),
        "{}",
        denies.evidence
    );
    let fix = denies.fix.as_ref().unwrap();
    assert!(fix.policy.is_none(), "{fix:?}");
    assert!(
        fix.description.contains("keep that pin; protect the branch"),
        "{}",
        fix.description
    );
    // A matching Deny wins, and is named.
    let deny = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/gitlab.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringLike":{"gitlab.com:sub":"project_path:acme/app:*"}}},{"Effect":"Deny","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/gitlab.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"gitlab.com:ref_protected":"false"}}}]}"#;
    let diagnosis = run(
        DENIED,
        &json!({"token": token("feature/x", &json!({})), "policy": deny}),
    );
    let denies = cause(&diagnosis, "trust-policy-denies");
    assert_eq!(denies.failed.as_ref().unwrap().element, "deny");
    assert!(
        denies
            .evidence
            .contains("statement 1 is a Deny that matches your token"),
        "{}",
        denies.evidence
    );
}

// ---------------------------------------------------------------------------------------
// Context, shape, masking, robustness
// ---------------------------------------------------------------------------------------

#[test]
fn the_context_is_checked_field_by_field() {
    for (context, field, message) in [
        (r#"{"tokn":"x"}"#, Some("tokn"), "unknown field `tokn`"),
        (
            r#"{"token":1}"#,
            Some("token"),
            "token: expected a string, got a number",
        ),
        (
            r#"{"claims":"x"}"#,
            Some("claims"),
            "claims: expected the token's claims as a JSON object",
        ),
        (r#"{"token":"a.b.c","claims":{}}"#, Some("claims"), "not both"),
        (
            r#"{"clientIds":[1]}"#,
            Some("clientIds[0]"),
            "clientIds[0]: expected a string",
        ),
        (
            r#"{"maxSessionDuration":-1}"#,
            Some("maxSessionDuration"),
            "expected a whole number",
        ),
        (
            r#"{"nowSeconds":"now"}"#,
            Some("nowSeconds"),
            "nowSeconds: expected a number",
        ),
        (r#"{"nowSeconds":1e300}"#, Some("nowSeconds"), "within ±9e15"),
        ("[]", None, "expected a JSON object"),
        ("{", None, "EOF while parsing"),
    ] {
        let error = diagnose_text("x", context).unwrap_err();
        assert_eq!(error.code(), "diagnose.context", "{context}");
        assert_eq!(error.field().as_deref(), field, "{context}");
        assert!(error.to_string().contains(message), "{context}: {error}");
    }
    // A float nowSeconds (Date.now() / 1000) is floored.
    let context = Context::from_json(r#"{"nowSeconds": 1764001000.75}"#).unwrap();
    assert_eq!(context.now, Some(1_764_001_000));
    // What is not usable in the context is a finding, never an error.
    let diagnosis = run(
        DENIED,
        &json!({"token": "garbage", "policy": "{\"Version\": ", "job": "just text"}),
    );
    let codes = diagnosis.findings.iter().map(|f| f.code).collect::<Vec<_>>();
    assert_eq!(codes, ["DIA005", "DIA006", "DIA007"], "{:?}", diagnosis.findings);
    assert!(
        diagnosis.findings[0].message.contains("line 1, column 12"),
        "{}",
        diagnosis.findings[0].message
    );
}

#[test]
fn never_a_blank_answer() {
    // Nothing at all: a finding says so.
    let empty = diagnose("", &Context::default());
    assert_eq!(
        (empty.error.code.as_str(), empty.error.kind),
        ("unknown", Kind::Unknown)
    );
    assert!(empty.findings.iter().any(|f| f.code == "DIA001"));
    // Unknown text with a context: every check the context decides is reported.
    let diagnosis = run(
        "the deploy step failed",
        &json!({"token": token("feature/x", &json!({})), "policy": main_policy(), "job": job("gl-${CI_COMMIT_REF_NAME}", "3600", TOKENS), "nowSeconds": NOW}),
    );
    assert_eq!(diagnosis.error.code, "unknown");
    let confirmed = diagnosis
        .causes
        .iter()
        .filter(|c| c.verdict == Verdict::Confirmed)
        .map(|c| c.id)
        .collect::<Vec<_>>();
    assert_eq!(confirmed, ["trust-policy-denies", "session-name-invalid"]);
    assert!(diagnosis.causes.iter().all(|c| c.verdict != Verdict::CannotTellOffline));
    assert!(diagnosis
        .causes
        .iter()
        .any(|c| c.id == "token-expired" && c.verdict == Verdict::RuledOut));
}

#[test]
fn causes_come_most_likely_first() {
    let diagnosis = run(
        cli(
            "InvalidIdentityToken",
            "No OpenIDConnect provider found in your account for https://gitlab.example.com/gitlab",
        )
        .as_str(),
        &json!({"token": token("main", &json!({"iss": "https://gitlab.example.com/gitlab"})), "policy": policy("gitlab.example.com", &json!({})), "roleArn": ROLE, "region": "eu-west-1"}),
    );
    let order = diagnosis.causes.iter().map(|c| c.verdict).collect::<Vec<_>>();
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(order, sorted);
    assert_eq!(diagnosis.causes[0].id, "provider-url-mismatch");
    assert!(diagnosis.causes.iter().all(|c| !c.evidence.is_empty()));
}

#[test]
fn a_token_in_the_text_is_masked_everywhere_and_still_read() {
    let secret = token("feature/x", &json!({}));
    let signature = secret.rsplit('.').next().unwrap().to_owned();
    let payload = secret.split('.').nth(1).unwrap().to_owned();
    let text = format!(
        "$ echo $GITLAB_OIDC_TOKEN\n{secret}\n$ aws sts assume-role-with-web-identity --web-identity-token {secret} ...\n\nAn error occurred (AccessDenied) when calling the AssumeRoleWithWebIdentity operation: Not authorized to perform sts:AssumeRoleWithWebIdentity for {secret}\n"
    );
    let diagnosis = run(
        &text,
        &json!({"policy": main_policy(), "job": format!("deploy:\n  variables:\n    LEAK: {secret}\n  script: [echo {secret}]\n")}),
    );
    let all = serde_json::to_string(&diagnosis).unwrap();
    assert!(!all.contains(&signature) && !all.contains(&payload), "{all}");
    assert!(
        diagnosis.error.message.contains("[token masked]"),
        "{}",
        diagnosis.error.message
    );
    let codes = diagnosis.findings.iter().map(|f| f.code).collect::<Vec<_>>();
    assert!(codes.contains(&"DIA003") && codes.contains(&"DIA010"), "{codes:?}");
    // Its claims were read: the policy check ran on them.
    assert_eq!(cause(&diagnosis, "trust-policy-denies").verdict, Verdict::Confirmed);
    // A token in a claim value of the context does not come back either.
    let claims = claims("main", &json!({"user_login": secret.clone()}));
    let diagnosis = run(
        DENIED,
        &json!({"claims": claims, "policy": main_policy().replace("sts.amazonaws.com", "x")}),
    );
    let all = serde_json::to_string(&diagnosis).unwrap();
    assert!(!all.contains(&signature), "{all}");
}

#[test]
fn the_result_is_json_the_page_can_read() {
    let diagnosis = run(
        DENIED,
        &json!({"token": token("feature/x", &json!({})), "policy": main_policy(), "roleArn": ROLE}),
    );
    let value = serde_json::to_value(&diagnosis).unwrap();
    assert_eq!(value["error"]["code"], "AccessDenied");
    assert_eq!(value["error"]["kind"], "not-authorized");
    assert_eq!(value["error"]["client"], "aws-cli");
    assert_eq!(value["error"]["operation"], "AssumeRoleWithWebIdentity");
    let first = &value["causes"][0];
    assert_eq!(first["id"], "trust-policy-denies");
    assert_eq!(first["verdict"], "confirmed");
    assert_eq!(first["fix"]["kind"], "policy");
    assert!(first["fix"]["policy"].is_string() && first["fix"]["code"].is_string());
    assert_eq!(first["failed"]["element"], "condition");
    assert!(value["others"].as_array().unwrap().is_empty());
    assert!(value["findings"].is_array());
    // Absent optional fields are left out, not null.
    assert!(value["causes"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c.get("failed").is_none_or(|f| !f.is_null())));
}

#[test]
fn the_rules_are_documented() {
    use gitlab_aws_oidc::diagnose::rules::{ALL, DOCUMENTED};
    assert_eq!(ALL.len(), DOCUMENTED.len());
    for (index, (rule, docs)) in DOCUMENTED.iter().enumerate() {
        assert_eq!(rule.code, format!("DIA{:03}", index + 1));
        assert!(!docs.what_it_does.is_empty() && !docs.why_is_this_bad.is_empty());
        assert!(
            rule.name.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
            "{}",
            rule.name
        );
    }
}

/// Cases the properties found, kept as examples.
#[test]
fn regressions_found_by_the_properties() {
    // A token of another project on another instance: moving the gitlab.com statement to
    // gitlab.example.com would admit acme/app there too; a new statement admits only the job.
    let claims = json!({"iss": "https://gitlab.example.com", "aud": "sts.amazonaws.com", "sub": "project_path:acme/tool:ref_type:branch:ref:main", "project_path": "acme/tool", "project_id": "200", "ref": "main", "ref_type": "branch", "ref_protected": "true"});
    let original = policy(
        "gitlab.com",
        &json!({"StringEquals": {"gitlab.com:sub": "project_path:acme/app:ref_type:branch:ref:main"}}),
    );
    let diagnosis = run(DENIED, &json!({"claims": claims, "policy": original}));
    let fix = cause(&diagnosis, "trust-policy-denies").fix.clone().unwrap();
    assert!(
        fix.description.contains("add a statement for this job only"),
        "{}",
        fix.description
    );
    let edited: Value = serde_json::from_str(fix.policy.as_ref().unwrap()).unwrap();
    let original: Value = serde_json::from_str(&original).unwrap();
    assert_eq!(edited["Statement"][0], original["Statement"][0]);
    let added = &edited["Statement"][1];
    assert_eq!(
        added["Principal"]["Federated"],
        "arn:aws:iam::123456789012:oidc-provider/gitlab.example.com"
    );
    assert_eq!(
        added["Condition"],
        json!({"StringEquals": {"gitlab.example.com:sub": "project_path:acme/tool:ref_type:branch:ref:main"}})
    );
    // A character of several bytes right after smithy-go's operation name.
    let text = "operation error STS: AssumeRoleWithWebIden\u{1b882}ity, https respo se error Statu'Code: 400";
    assert_eq!(diagnose(text, &Context::default()).error.client, Client::SdkGo);
}

/// The published `CauseId` type lists exactly the causes `diagnose` reports.
#[test]
fn cause_ids_match_the_published_type() {
    let types = include_str!("../src/wasm/types.d.ts");
    let start = types.find("export type CauseId =").expect("CauseId is published");
    let union = &types[start..start + types[start..].find(';').expect("the union ends")];
    let mut published: Vec<&str> = union.split('"').skip(1).step_by(2).collect();
    let mut ids: Vec<&str> = gitlab_aws_oidc::diagnose::catalogue().map(|(id, _)| id).collect();
    published.sort_unstable();
    ids.sort_unstable();
    assert_eq!(published, ids);
}

/// Found by the `diagnose_compare` fuzz target: the 200 bytes looked at after a message (for
/// Java's "(Service: …)") may end inside a character of what follows it on the line.
#[test]
fn text_after_a_message_may_end_inside_a_character() {
    for pad in ["", "x"] {
        let text = format!(
            "<Message>1 validation error detected: Value 'gl-feature/x' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*</Message>{pad}{}",
            "é".repeat(150)
        );
        let diagnosis = gitlab_aws_oidc::diagnose::diagnose_text(&text, "{}").unwrap();
        assert_eq!(
            diagnosis.error.kind,
            gitlab_aws_oidc::diagnose::Kind::SessionNameInvalid,
            "{pad:?}"
        );
    }
}

/// A JSON log line (a controller's structured log, built here) ends the message where its string ends.
#[test]
fn a_message_inside_a_json_log_line_ends_with_its_string() {
    let message = "STS is not activated in this region for account:123456789012. Your account administrator can activate STS in this region using the IAM Console.";
    for line in [
        format!(r#"{{"level":"ERROR","time":"2026-12-01T10:00:00Z","error":"RegionDisabledException: {message}"}}"#),
        format!(r#"{{"level":"ERROR","error":"RegionDisabledException: {message}","controller":"nodeclaim"}}"#),
    ] {
        let diagnosis = diagnose(&line, &Context::default());
        assert_eq!(diagnosis.error.kind, Kind::RegionDisabled, "{line}");
        assert_eq!(diagnosis.error.message, message, "{line}");
        assert!(
            diagnosis.others.is_empty(),
            "{line}: {:?}",
            diagnosis.others.iter().map(|o| &o.error.code).collect::<Vec<_>>()
        );
    }
}

/// The AWS CLI's error with its message wrapped onto the next line, as a blog post or a narrow
/// terminal copies it (thehumble.dev's GitLab CI troubleshooting post): the message is that line.
#[test]
fn a_cli_message_wrapped_onto_the_next_line_is_read() {
    let text = "An error occurred (ValidationError) when calling the AssumeRoleWithWebIdentity operation:\nRequest ARN is invalid\n";
    let diagnosis = diagnose(text, &Context::default());
    assert_eq!(diagnosis.error.kind, Kind::RoleArnInvalid);
    assert_eq!(diagnosis.error.message, "Request ARN is invalid");
    assert!(diagnosis.others.is_empty());
    // A message on the same line is read as before, whatever follows.
    let same_line = diagnose("An error occurred (ValidationError) when calling the AssumeRoleWithWebIdentity operation: Request ARN is invalid\nnext", &Context::default());
    assert_eq!(same_line.error.message, "Request ARN is invalid");
}
