/** How much a finding matters. */
export type Severity = "error" | "warning" | "info";

/** A stable, documented observation about the input: data, never an exception. */
export interface Finding {
  /** Stable code, never renumbered, e.g. "TOK002". Each has a page: docs/rules/<CODE>.md. */
  code: string;
  /** Kebab-case rule name, e.g. "expired". */
  name: string;
  severity: Severity;
  message: string;
  /** Why the rule matters, in plain words (the same for every finding of a code). */
  why: string;
  /** The claim or header field the finding is about. */
  claim?: string;
  /** Where in a policy the finding points, as a JSON path, e.g. `$.Statement[0].Condition.StringLike["gitlab.com:sub"]`. */
  path?: string;
  /** The whole policy with this finding fixed, when there is one safe fix. */
  fix?: string;
}

/** Any JSON value, as decoded from the token. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** The JSON type GitLab gives a claim. */
export type ClaimType =
  | "string"
  | "numeric-date"
  | "integer"
  | "boolean-string"
  | "string-or-string-list"
  | "string-list"
  | "nullable-string"
  | "object-list"
  | "object";

/** A claim in the token and what it means. */
export interface ClaimExplanation {
  claim: string;
  value: JsonValue;
  /** Whether GitLab documents this claim. */
  known: boolean;
  meaning?: string;
  presence?: string;
  /** GitLab version that introduced the claim in ID tokens. */
  since?: string;
  valueType?: ClaimType;
  /** The IAM condition key AWS evaluates for this claim and issuer, e.g. "gitlab.com:project_id". */
  awsConditionKey?: string;
  /** Where AWS evaluates the claim at all (absent for claims GitLab does not document). */
  awsKeyScope?: "every-instance" | "gitlab-com-only" | "no";
  /** Plain words on whether a trust policy can match on the claim. */
  awsNote: string;
}

/** One component of the `sub` claim (a component the project lists twice appears twice). */
export interface SubjectComponent {
  name:
    | "project_path"
    | "project_id"
    | "job_project_path"
    | "job_project_id"
    | "source_project_path"
    | "source_project_id"
    | "ref_type"
    | "ref"
    | "ref_protected"
    | "environment_protected"
    | "deployment_tier";
  value: string;
}

export interface Subject {
  /** Components in `sub` order. */
  components: SubjectComponent[];
  /** True for GitLab's default project_path, ref_type, ref. */
  defaultForm: boolean;
}

/** A moment: seconds since 1970, UTC text and distance from now. */
export interface Instant {
  seconds: number;
  /** RFC 3339 UTC, e.g. "2025-11-24T16:00:00Z"; null outside years 0–9999. */
  utc: string | null;
  /** "in 41 min", "3 h ago", "now". */
  relative: string;
}

export type Validity = "not-yet-valid" | "valid" | "expired-within-skew" | "expired" | "no-expiry";

export interface TokenTimes {
  now: number;
  issuedAt?: Instant;
  notBefore?: Instant;
  expiresAt?: Instant;
  /** exp plus AWS's 5 minutes of clock skew: the last moment STS accepts the token. */
  awsAcceptsUntil?: Instant;
  /** exp − iat: the job's timeout, or 300 s without one. */
  lifetimeSeconds?: number;
  validity: Validity;
  /** One line for people, e.g. "expires in 41 min". */
  summary: string;
}

/** Everything `inspectToken` knows about a decodable token. Nothing here is verified. */
export interface TokenInspection {
  /** The JOSE header exactly as decoded. */
  header: { [key: string]: JsonValue };
  /** The payload exactly as decoded, unknown claims kept in order. */
  claims: { [key: string]: JsonValue };
  /** `sub` split into components; null when sub is missing or not a sub GitLab can emit. */
  subject: Subject | null;
  /** One entry per claim, in token order. */
  explanations: ClaimExplanation[];
  times: TokenTimes;
  /** IAM OIDC provider host for iss ("gitlab.com", "example.com/gitlab"): the condition-key prefix. */
  providerHost: string | null;
  /** Errors first, then warnings, then information. */
  findings: Finding[];
}

/** Why a token is or is not verified. */
export type VerdictCode =
  | "verified"
  | "signature-invalid"
  | "signature-missing"
  | "signature-length"
  | "alg-none"
  | "alg-symmetric"
  | "alg-unsupported"
  | "no-matching-kid"
  | "key-not-rsa"
  | "key-wrong-use"
  | "key-wrong-alg"
  | "key-too-small"
  | "key-rejected"
  | "no-usable-key";

/** The result of `verifyToken`: a verdict, never an exception. */
export interface Verification {
  verified: boolean;
  code: VerdictCode;
  /** The key that verified, else the token's kid. */
  kid: string | null;
  /** The token's alg. */
  alg: string | null;
  /** Whether a key matching the token (by kid, or a usable key without one) was found. */
  keyFound: boolean;
  /** One sentence for people. */
  reason: string;
}

/** One key `checkKeys` read from the pasted text: what it is, not its numbers. */
export interface KeySummary {
  kid: string | null;
  /** "RSA", "EC", "oct", …; only RSA keys can verify a GitLab token. */
  kty: string;
  alg: string | null;
  use: string | null;
  /** The RSA modulus size in bits; null for other key types. */
  bits: number | null;
}

/** A `sub` component name (the project's `ci_id_token_sub_claim_components`). */
export type SubComponentName = SubjectComponent["name"];

/** Claims a gitlab.com trust policy can pin with StringEquals, besides sub and aud. */
export interface TrustPolicyPins {
  /** Digits: GitLab's project id, stable across renames and transfers. */
  project_id?: string | string[];
  /** Digits: the owning namespace's id (changes when the project is transferred). */
  namespace_id?: string | string[];
  ref_protected?: "true" | "false";
  pipeline_source?: string | string[];
  runner_environment?: "gitlab-hosted" | "self-hosted" | ("gitlab-hosted" | "self-hosted")[];
}

/**
 * The AWS partitions botocore's partitions.json lists. For the ISO partitions, whose endpoints this tool
 * does not document, the CodeBuild buildspec asks ECR for its registry address instead of naming it.
 */
export type Partition = "aws" | "aws-us-gov" | "aws-cn" | "aws-iso" | "aws-iso-b" | "aws-iso-e" | "aws-iso-f" | "aws-eusc";

/** Input of `trustPolicy`. Every field is checked; an error names the field. */
export interface TrustPolicySpec {
  /** GitLab issuer URL (its ci_id_tokens issuer_url): https://, no trailing slash, query or port. Default "https://gitlab.com". */
  issuer?: string;
  /** The 12-digit AWS account that owns the role. */
  accountId: string;
  /** Default "aws". */
  partition?: Partition;
  /** The value the job requests in id_tokens: …: aud: and the provider's client ID. Default "sts.amazonaws.com". */
  audience?: string;
  /** The project's sub components; default ["project_path", "ref_type", "ref"]. */
  subClaimComponents?: SubComponentName[];
  /** One or more subjects (OR), keyed by component; values exact or patterns with * and ?. */
  subjects: Partial<Record<SubComponentName, string>>[];
  /** gitlab.com only: claims pinned with StringEquals. Refused for other issuers. */
  pins?: TrustPolicyPins;
  /** IAM role name, 1–64 of letters, digits and + = , . @ _ -; default derived from the first project. */
  roleName?: string;
  /** 3600–43200 seconds; default 3600. */
  maxSessionDuration?: number;
  /** IAM role description; default names the project and issuer. */
  description?: string;
  /** IAM tags. */
  tags?: Record<string, string>;
  /** Create the IAM OIDC provider in the formats (default true), or refer to an existing one. */
  createProvider?: boolean;
}

/** Options of `trustPolicyForToken`. */
export interface TokenPolicyOptions {
  accountId?: string;
  partition?: Partition;
  /** Default: the token's own aud. */
  audience?: string;
  /**
   * Exactly the token's ref (default), any branch or any tag. any-branch and any-tag need ref_type in the
   * token's sub (AWS has no ref_type condition key); without it they throw options.invalid with field "refScope".
   */
  refScope?: "this-ref" | "any-branch" | "any-tag";
  /**
   * gitlab.com: pin ref_protected = "true" (default: when the token's ref is protected). When the token's sub
   * has a ref_protected component, sub says ref_protected:true instead, on any issuer. true for another issuer
   * whose sub lacks that component throws options.invalid with field "protectedOnly".
   */
  protectedOnly?: boolean;
  /** gitlab.com: pin project_id (default true). No effect elsewhere, where AWS has no project_id key. */
  pinProjectId?: boolean;
  /** gitlab.com: pin namespace_id (default true). No effect elsewhere, where AWS has no namespace_id key. */
  pinNamespaceId?: boolean;
  roleName?: string;
  maxSessionDuration?: number;
  description?: string;
  tags?: Record<string, string>;
  createProvider?: boolean;
}

/** Every deployable format, rendered from one policy model. */
export interface TrustPolicyFormats {
  /** The trust policy JSON as IAM shows it. */
  trustPolicy: string;
  /** For `aws iam create-role --cli-input-json file://role.json`. */
  roleJson: string;
  /** A shell script of AWS CLI commands. */
  awsCli: string;
  /** Terraform (AWS provider). */
  terraform: string;
  /** CloudFormation YAML. */
  cloudFormation: string;
}

/** The result of `trustPolicy` and `trustPolicyForToken`. */
export interface TrustPolicyResult {
  /** The trust policy JSON text. */
  policy: string;
  formats: TrustPolicyFormats;
  /** Risky choices (group-wide patterns, any ref, path without project_id pin). */
  findings: Finding[];
  roleName: string;
  roleArn: string;
  providerArn: string;
  providerHost: string;
  issuer: string;
  /** The audience the job must request. */
  audience: string;
  /** The sub values or patterns the policy admits. */
  subjects: string[];
}

/** Context for `lintTrustPolicy`: what the job sends, when known. */
export interface LintContext {
  /** The audience the job requests (id_tokens: …: aud:). Defaults to the token's aud when a token is given (among several, sts.amazonaws.com, as trustPolicyForToken chooses). */
  audience?: string;
  /** A token (compact JWT) the policy should admit: findings say why it would be denied. */
  token?: string;
  /** The account and partition the role is expected in. */
  accountId?: string;
  partition?: Partition;
}

/** What `diagnose` may check the error against; every field is optional. */
export interface DiagnoseContext {
  /** The job's ID token (compact JWT). Give this or `claims`, not both. */
  token?: string;
  /** The token's claims, when the token itself is not at hand. */
  claims?: Record<string, JsonValue>;
  /** The role's trust policy (JSON text, or a role / `get-role` output). */
  policy?: string;
  /** A `.gitlab-ci.yml`, or one job of it. */
  job?: string;
  roleArn?: string;
  /** The IAM OIDC provider's client-ID list, when known. */
  clientIds?: string[];
  /** The role's `MaxSessionDuration` in seconds, when known. */
  maxSessionDuration?: number;
  /** The region the job calls STS in. */
  region?: string;
  /** "Now" in seconds since 1970 (`Date.now() / 1000`); the token's times are not judged without it. */
  nowSeconds?: number;
}

/** The program that wrapped an error text. */
export type ErrorClient =
  | "aws-cli" | "sdk-python" | "sdk-go" | "sdk-java" | "sdk-javascript" | "sdk-rust" | "sdk-ruby"
  | "sdk-dotnet" | "sdk-php" | "terraform" | "xml" | "unknown";

/** What an error means, whatever its wrapper. */
export type ErrorKind =
  | "no-provider" | "incorrect-audience" | "missing-claim" | "jwks-unreachable" | "thumbprint-mismatch"
  | "provider-connect" | "not-a-jwt" | "token-expired" | "not-authorized" | "duration-exceeds-max"
  | "duration-out-of-range" | "session-name-invalid" | "role-arn-invalid" | "token-empty" | "region-disabled"
  | "idp-communication" | "idp-rejected-claim" | "session-expired" | "invalid-client-token" | "policy-too-large"
  | "invalid-identity-token" | "validation-error" | "malformed-policy" | "no-credentials"
  | "service-access-denied" | "throttled" | "sts-unreachable" | "unknown";

/** The error as recognised in the text. */
export interface RecognizedError {
  /** The code STS or IAM sent (`AccessDenied`, `InvalidIdentityToken`, …), a client's own, or `unknown`. */
  code: string;
  kind: ErrorKind;
  /** One sentence: what the error means. */
  summary: string;
  /** The API operation, when the text names it. */
  operation?: string;
  /** The error's message as the text gives it (any token masked; whitespace runs made one space). */
  message: string;
  client: ErrorClient;
  /** The HTTP status, when the text shows it. */
  status?: number;
}

/** A way to remove a cause. */
export interface CauseFix {
  kind: "policy" | "job" | "aws-cli" | "gitlab" | "retry";
  /** What to do, in words. */
  description: string;
  /** The command, YAML or statement to copy. */
  code?: string;
  /** The whole trust policy with the edit applied, when the fix is a policy edit. */
  policy?: string;
}

/** The causes `diagnose` checks, in catalogue order. */
export type CauseId =
  | "trust-policy-denies" | "token-expired" | "token-not-jwt" | "token-variable-empty" | "legacy-token"
  | "claim-missing" | "audience-not-client-id" | "provider-url-mismatch" | "provider-other-account"
  | "partition-mismatch" | "provider-missing" | "jwks-unreachable" | "thumbprint-outdated"
  | "provider-url-form" | "certificate-chain" | "deployed-policy-differs" | "duration-exceeds-max"
  | "duration-out-of-range" | "session-name-invalid" | "role-arn-invalid" | "region-sts-inactive"
  | "transient" | "session-outlived" | "static-keys" | "credentials-not-exported" | "policy-too-large"
  | "policy-rejected" | "role-permissions" | "sts-throttled" | "sts-unreachable";

/** One possible cause of the error, and what its check found. */
export interface Cause {
  id: CauseId;
  title: string;
  verdict: "confirmed" | "possible" | "cannot-tell-offline" | "ruled-out";
  /** The values that decided the verdict, quoted. */
  evidence: string;
  fix?: CauseFix;
  /** The one command that checks the account-side (or GitLab-side) part. */
  confirm?: string;
  /** For `trust-policy-denies`: the check of the closest statement that fails. */
  failed?: {
    statement: number;
    element: "principal" | "action" | "condition" | "deny" | "effect";
    operator?: string;
    key?: string;
    /** The token's values (empty when it has none). */
    actual: string[];
    /** What the statement expects. */
    expected: string[];
  };
}

/** `diagnose`'s answer. */
export interface Diagnosis {
  /** The first STS or IAM error in the text; `code` is `unknown` when there is none. */
  error: RecognizedError;
  /** Its causes, most likely first: confirmed, possible, cannot tell offline, ruled out. */
  causes: Cause[];
  /** Every other distinct error in the text (up to 9), in text order, each with its causes. */
  others: { error: RecognizedError; causes: Cause[] }[];
  /** About the input: what was found in it and what could not be read. Errors first. */
  findings: Finding[];
}

/** What `compareTrustPolicies` is limited to. */
export interface DiffContext {
  /** Only tokens from this GitLab instance (its issuer URL, e.g. `https://gitlab.com`); every provider either policy trusts when absent. */
  issuer?: string;
}

/** One class of tokens whose verdict a policy change flips, with a token that shows it. */
export interface PolicyChange {
  /** The class in words: the `sub` pattern it falls under, read as GitLab's components, and the other keys' values. */
  description: string;
  /** Claims of a token in the class (`iss`, `sub`, `aud` and the keys the policies read): allowed under one policy, denied under the other, by `evaluateTrustPolicy`. */
  witness: Record<string, string>;
  /** The evaluator's reason under the policy that allows it. */
  allowedBecause: string;
  /** The evaluator's reason under the policy that denies it. */
  deniedBecause: string;
}

/** `compareTrustPolicies`' answer. */
export interface Comparison {
  /** `cannot-decide` never hides new access: it is said when the answer could not be made exact. */
  verdict: "no-new-access" | "new-access" | "cannot-decide";
  /** One sentence: why this verdict. */
  reason: string;
  /** Tokens `after` allows and `before` denies (at most 20 listed). */
  newlyAdmitted: PolicyChange[];
  newlyAdmittedCount: number;
  /** Tokens `before` allows and `after` denies: jobs the change would break (at most 20 listed). */
  noLongerAdmitted: PolicyChange[];
  noLongerAdmittedCount: number;
  /** Lint findings of `after` that `before` did not have. */
  findings: Finding[];
}

/** Context for `evaluateTrustPolicy`. */
export interface EvaluateContext {
  /** The IAM OIDC provider's client IDs: STS refuses a token whose aud is not among them. */
  clientIds?: string[];
}

/** Whether one part of a statement matched, and why. */
export interface Check {
  matched: boolean;
  reason: string;
}

/** One condition key under one operator, evaluated. */
export interface ConditionEvaluation {
  operator: string;
  key: string;
  expected: string[];
  /** The request's values for the key; empty when the key is missing. */
  actual: string[];
  matched: boolean;
  /**
   * This tool cannot evaluate it: a key the STS request sets rather than the token (aws:SourceIp,
   * sts:RoleSessionName, any aws: or sts: key), or an operator it does not implement (Numeric…, Date…,
   * Bool, IpAddress, Arn…) on a key the token has. `matched` is then false and `reason` says why.
   */
  undecided: boolean;
  /** Why it did not match (or a caveat when it did, e.g. IfExists on a missing key). */
  reason?: string;
}

export interface StatementEvaluation {
  index: number;
  effect: string;
  /** Principal, action and every condition matched. */
  matched: boolean;
  /** Principal and action matched and no condition failed, but some are undecided: it may or may not apply. */
  undecided: boolean;
  principal: Check;
  action: Check;
  conditions: ConditionEvaluation[];
}

/** The result of `evaluateTrustPolicy`. */
export interface Evaluation {
  /** True only when an Allow matches and no Deny can apply: never true while `undecided` lists a statement. */
  allowed: boolean;
  /** One sentence: why, in IAM's terms; it starts with "undecided:" when `undecided` is not empty. */
  reason: string;
  /**
   * Indices of the statements the verdict hangs on that this tool cannot decide (see
   * ConditionEvaluation.undecided): a Deny that may apply beside a matching Allow, or an Allow that
   * may match when none certainly does. Empty when the verdict is certain. When it is not empty,
   * `allowed` is false: the request is allowed only if those conditions turn out as the reason says.
   */
  undecided: number[];
  /** The token's aud against the provider's client IDs, when they were given. */
  audience?: Check;
  statements: StatementEvaluation[];
}

/** What `ciSnippet` generates. */
export type CiSnippetKind = "assume-role" | "multi-role" | "web-identity-file" | "codebuild-publish" | "component";

/** Input of `ciSnippet`. Every field is checked; an error names the field. */
export interface CiSnippetSpec {
  /** Default "assume-role". */
  kind?: CiSnippetKind;
  /** arn:<partition>:iam::<12 digits>:role/<path><name>; required except for multi-role. */
  roleArn?: string;
  /** multi-role: an AWS CLI profile per role, all fed by one ID token. */
  roles?: { profile: string; roleArn: string }[];
  /** id_tokens aud; default "sts.amazonaws.com". */
  audience?: string;
  /** Default "us-east-1". */
  region?: string;
  /** 900–43200; default 3600. */
  durationSeconds?: number;
  /** The ID token's CI/CD variable; default "GITLAB_OIDC_TOKEN". */
  tokenVariable?: string;
  /** Default "amazon/aws-cli:latest" (with entrypoint [""]). */
  image?: string;
  stage?: string;
  jobName?: string;
  /** Runner tags. */
  tags?: string[];
  /** When the job runs: protected refs (default), the default branch, tags (default for codebuild-publish) or always. */
  when?: "protected" | "default-branch" | "tags" | "always";
  /** Run only on this branch (overrides `when`). */
  branch?: string;
  /** The job's environment name, so its token carries environment claims. */
  environment?: string;
  /** The GitLab issuer URL, to check the trust policy's provider. */
  issuer?: string;
  /** codebuild-publish: the build. */
  codebuild?: {
    project: string;
    bucket: string;
    /** Default "gitlab-ci/". */
    prefix?: string;
    ecrRepository: string;
    /** Default "/aws/codebuild/<project>". */
    logGroup?: string;
    /** 5–480; default 60. */
    timeoutMinutes?: number;
  };
  /** component: where it is published, for the include: example. */
  component?: string;
  /**
   * Check the job against this trust policy: a policy document (an object, or its JSON text), an IAM
   * role holding one (`aws iam get-role` output or a role object, or their JSON text), or a
   * `trustPolicy` result (its audience, providerArn and subjects are read). Anything else throws
   * `snippet.policy`.
   */
  policy?: TrustPolicyDocument | GetRoleOutput | IamRole | TrustPolicySummary | string;
  /** A job someone pasted: findings say how to migrate from CI_JOB_JWT_V2 and friends. */
  existingJob?: string;
}

/** A condition value: IAM compares numbers and booleans as their text. */
export type ConditionValue = string | number | boolean;

/**
 * One statement of a trust policy. Elements not listed here (`Resource`, `NotPrincipal`, …) are
 * allowed: `lintTrustPolicy` reports them.
 */
export interface TrustPolicyStatement {
  Sid?: string;
  /** "Allow" or "Deny"; anything else makes IAM reject the policy (POL024). */
  Effect: string;
  /** "*", or principals by kind: `{ Federated: "arn:aws:iam::<account>:oidc-provider/<host>" }`. */
  Principal?: "*" | { [kind: string]: string | string[] };
  Action?: string | string[];
  /** Operator → condition key → value(s), e.g. `{ StringEquals: { "gitlab.com:aud": "sts.amazonaws.com" } }`. */
  Condition?: { [operator: string]: { [key: string]: ConditionValue | ConditionValue[] } };
  [element: string]: JsonValue | undefined;
}

/** A trust policy document, as written or as `aws iam get-role` prints it. */
export interface TrustPolicyDocument {
  Version?: string;
  Id?: string;
  /** One statement, or a list. */
  Statement: TrustPolicyStatement | TrustPolicyStatement[];
}

/**
 * An IAM role as IAM's API returns it (`Role`, `RoleDetail`) and as `aws iam create-role
 * --cli-input-json` reads it (the `role.json` format of `trustPolicy`). Other fields are refused.
 */
export interface IamRole {
  /** The trust policy: an object, JSON text, or URL-encoded JSON text as IAM's API returns it. */
  AssumeRolePolicyDocument: TrustPolicyDocument | string;
  Path?: string;
  RoleName?: string;
  RoleId?: string;
  Arn?: string;
  CreateDate?: string;
  Description?: string;
  MaxSessionDuration?: number;
  PermissionsBoundary?: { PermissionsBoundaryType?: string; PermissionsBoundaryArn?: string };
  Tags?: { Key: string; Value: string }[];
  RoleLastUsed?: { LastUsedDate?: string; Region?: string };
  InstanceProfileList?: { [key: string]: JsonValue }[];
  RolePolicyList?: { [key: string]: JsonValue }[];
  AttachedManagedPolicies?: { PolicyName?: string; PolicyArn?: string }[];
}

/**
 * A `trustPolicy` result, or the parts of it `ciSnippet` reads: at least one of `audience`,
 * `providerArn` and `subjects`. Fields a `TrustPolicyResult` does not have are refused.
 */
export type TrustPolicySummary = Partial<TrustPolicyResult> &
  ({ audience: string } | { providerArn: string } | { subjects: string[] });

/** `aws iam get-role --role-name <name>` output: the role alone. */
export interface GetRoleOutput {
  Role: IamRole;
}

/** The result of `ciSnippet`. */
export interface CiSnippet {
  /** The .gitlab-ci.yml text. */
  yaml: string;
  /** Companion files by name: buildspec.yml, job-role-policy.json, codebuild-service-role-policy.json, templates/<job>.yml. */
  files: Record<string, string>;
  findings: Finding[];
}

/** One file for `lintFiles`: its path (as reports should name it) and its text. */
export interface SourceFile {
  path: string;
  text: string;
}

/**
 * Options for `lintFiles`: the lint context `lintTrustPolicy` takes, applied to every role.
 * (`lintFiles` and `renderLintReport` exist only in the package's main module, `gitlab-aws-oidc`,
 * not in its `inspector` and `tools` entry points.)
 */
export interface LintFilesOptions extends LintContext {}

/** What a file was recognised as, by its content. */
export type SourceFormat =
  | "policy"
  | "role"
  | "get-role"
  | "list-roles"
  | "account-authorization-details"
  | "terraform-plan"
  | "terraform-state"
  | "cloudformation"
  | "unrecognised";

/** A file, or one role's document, that could not be used. */
export interface LintFileError {
  /** `source.empty`, `source.json`, `source.yaml`, `source.unrecognised`, `source.no_trust_policy`, `source.role`, or a `policy.*` code. */
  code: string;
  message: string;
  /** 1-based, where the file has lines (a JSON or YAML syntax error: where it stops parsing). */
  line?: number;
  column?: number;
}

/** A lint finding with the line it points at in the file, where the format has one. */
export interface LocatedFinding extends Finding {
  line?: number;
}

/** One role (or bare policy) of a file and its findings. */
export interface RoleReport {
  /** Role name, Terraform address (`aws_iam_role.deploy`, `module.x.aws_iam_role.y[0]`) or CloudFormation logical id; "" for a bare policy. */
  name: string;
  /** 1-based line of the role's policy in the file, where the format has lines. */
  line?: number;
  /** JSON paths (in the policy document) of values known only at deploy time (CloudFormation functions) or after apply (Terraform); `["$"]` when the whole policy is, and then it has no findings. */
  unknown: string[];
  findings: LocatedFinding[];
  /** This role's policy could not be read (the file's other roles still are). */
  error?: LintFileError;
}

/** One file of `lintFiles`. */
export interface FileReport {
  path: string;
  format: SourceFormat;
  roles: RoleReport[];
  /** Roles the file has that trust no OIDC provider: counted, not linted. */
  skipped: number;
  /** The file could not be used: unreadable, unrecognised, or no trust policy in it. */
  error?: LintFileError;
}

/** The result of `lintFiles`. */
export interface LintReport {
  files: FileReport[];
  /** Roles reported, and findings by severity, over every file. */
  counts: { roles: number; error: number; warning: number; info: number };
}

/** The formats `renderLintReport` writes. */
export type LintReportFormat = "text" | "json" | "codequality" | "sarif" | "junit";


/** `subPattern`'s answer: a `sub` value or pattern as a `TrustPolicySpec` lists it. */
export interface SubPattern {
  /** The component names in order: the spec's `subClaimComponents`. */
  components: SubComponentName[];
  /** One of the spec's `subjects`: each component's value or pattern. */
  subject: Partial<Record<SubComponentName, string>>;
}

/** Error codes thrown for input that cannot be used at all. */
export type ErrorCode =
  | "token.empty"
  | "token.too_large"
  | "token.whitespace"
  | "token.segments"
  | "token.header.base64"
  | "token.payload.base64"
  | "token.signature.base64"
  | "token.header.json"
  | "token.payload.json"
  | "token.header.not_object"
  | "token.payload.not_object"
  | "now.invalid"
  | "keys.empty"
  | "keys.too_large"
  | "keys.not_recognized"
  | "keys.json"
  | "keys.not_jwks"
  | "keys.empty_jwks"
  | "keys.invalid_jwk"
  | "keys.private_key"
  | "keys.certificate"
  | "keys.pem"
  | "crypto.unavailable"
  | "spec.invalid"
  | "spec.issuer"
  | "spec.account_id"
  | "spec.partition"
  | "spec.audience"
  | "spec.sub_claim_components"
  | "spec.subjects"
  | "spec.pins"
  | "spec.role_name"
  | "spec.max_session_duration"
  | "spec.description"
  | "spec.tags"
  | "options.invalid"
  | "token.iss"
  | "token.sub"
  | "token.aud"
  | "policy.empty"
  | "policy.json"
  | "policy.not_object"
  | "policy.no_statement"
  | "policy.shape"
  | "context.invalid"
  | "claims.invalid"
  | "snippet.invalid"
  | "snippet.role_arn"
  | "snippet.roles"
  | "snippet.audience"
  | "snippet.region"
  | "snippet.duration_seconds"
  | "snippet.token_variable"
  | "snippet.image"
  | "snippet.stage"
  | "snippet.job_name"
  | "snippet.tags"
  | "snippet.branch"
  | "snippet.environment"
  | "snippet.component"
  | "snippet.codebuild"
  | "snippet.issuer"
  | "snippet.policy"
  | "snippet.existing_job"
  | "diagnose.context"
  | "files.invalid"
  | "report.format"
  | "report.invalid"
  | "token.variable_removed"
  | "token.variable_empty"
  | "token.variable_name"
  | "claims.json"
  | "spec.json"
  | "snippet.json"
  | "subject.empty"
  | "subject.dangling"
  | "subject.unknown_component"
  | "subject.first_component"
  | "subject.duplicate";

/** What every export throws for unusable input: an Error with a stable code. */
export interface GitlabAwsOidcError extends Error {
  name: "GitlabAwsOidcError";
  code: ErrorCode;
  /**
   * The field of the spec, options or context the error is about, its path as JSON spells it
   * (`accountId`, `subjects[1]`, `pins.project_id`, `roles[0].roleArn`, `codebuild.bucket`);
   * absent when the input as a whole is unusable.
   */
  field?: string;
  /** `policy.json`, and `snippet.policy` for `policy` given as text: where the text stops being JSON, 1-based. */
  line?: number;
  /** `policy.json`, and `snippet.policy` for `policy` given as text: where the text stops being JSON, 1-based. */
  column?: number;
}
