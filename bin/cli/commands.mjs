// The commands: options, help, and what each one calls. Each run() returns the exit status.
import { existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import {
  CliError,
  EXIT,
  FAIL_ON,
  call,
  choice,
  colourFor,
  core,
  emit,
  failsOn,
  findingLines,
  integer,
  json,
  list,
  note,
  readJsonFile,
  readText,
  readToken,
  seconds,
} from "./common.mjs";
import * as text from "./text.mjs";

const NAME = "gitlab-aws-oidc";
const FORMAT = { type: "string", default: "text" };
const FAIL = (fallback) => ({ type: "string", default: fallback });
const now = () => Date.now() / 1000;

/** At most `max` positionals. */
function positionals(values, max, usage) {
  if (values.length > max) {
    throw new CliError("usage", `too many arguments (${values.length}); usage: ${usage}`);
  }
  return values;
}

/** The policy in a file (a document, a role, get-role output) as document text, parsed by the core. */
function readPolicy(path) {
  const raw = readText(path, "policy file");
  return call(() => core().policyDocument(raw), path);
}

/** `--fail-on` checked; `fallback` is the command's default. */
function failOn(value) {
  return choice(value, FAIL_ON, "--fail-on");
}

// ---------------------------------------------------------------------------
// inspect
// ---------------------------------------------------------------------------

const inspect = {
  summary: "what a job's ID token tells AWS: claims, condition keys, times, findings",
  options: {
    "token-env": { type: "string" },
    now: { type: "string" },
    format: FORMAT,
    "fail-on": FAIL("error"),
  },
  help: `Usage: ${NAME} inspect [TOKEN | -] [--token-env VAR] [--now SECONDS] [--format text|json] [--fail-on LEVEL]

Decodes a GitLab CI ID token (without verifying its signature) and prints what AWS will see:
iss and the IAM OIDC provider it names, aud, sub and its components, the condition keys a
trust policy can match for this issuer (on gitlab.com also project_id, ref_protected, …), the
times with AWS's 5 minutes of clock skew, and the findings. It never prints the token, any of
its three segments, or its signature, in any format or error message: safe in a job log.

The token, from exactly one of:
  TOKEN               the token as an argument (visible in the process list: prefer the others)
  -                   read it from standard input
  --token-env VAR     read it from the environment variable VAR (in a job: the id_tokens: name)

Options:
  --now SECONDS       judge the times as of this moment (seconds since 1970; default: now)
  --format FORMAT     text (default) or json (inspectToken's result: header, claims, subject,
                      explanations, times, providerHost, findings)
  --fail-on LEVEL     exit 1 when a finding is at or above LEVEL: error (default), warning,
                      info, or none
  -h, --help          this help

Exit status: 0 ok; 1 a finding at or above --fail-on; 2 usage or a token that cannot be decoded.

Example, in a job with id_tokens: GITLAB_OIDC_TOKEN: aud: sts.amazonaws.com
  ${NAME} inspect --token-env GITLAB_OIDC_TOKEN
`,
  run(values, args) {
    const [positional] = positionals(args, 1, "inspect [TOKEN | -] [--token-env VAR]");
    const format = choice(values.format, ["text", "json"], "--format");
    const threshold = failOn(values["fail-on"]);
    const at = seconds(values.now, "--now") ?? now();
    const { token } = readToken(positional, values["token-env"]);
    const result = call(() => core().inspectToken(token, at));
    emit(format === "json" ? json(result) : text.inspection(result, colourFor(process.stdout)));
    return failsOn(result.findings, threshold) ? EXIT.findings : EXIT.ok;
  },
};

// ---------------------------------------------------------------------------
// explain
// ---------------------------------------------------------------------------

const explain = {
  summary: "would STS let this token assume the role? statement by statement, condition by condition",
  options: {
    policy: { type: "string" },
    "token-env": { type: "string" },
    claims: { type: "string" },
    "client-ids": { type: "string" },
    format: FORMAT,
  },
  help: `Usage: ${NAME} explain --policy FILE (TOKEN | - | --token-env VAR | --claims FILE) [--client-ids a,b] [--format text|json]

Evaluates the role's trust policy for the token as STS would for AssumeRoleWithWebIdentity:
ALLOW or DENY, then every statement and every condition with the token's value, the value the
policy expects and why it matched or failed. A condition this tool cannot decide offline (a key
STS sets from the request, such as aws:SourceIp) makes the answer UNDECIDED.

  --policy FILE       the trust policy: a policy document, a role (role.json, aws iam get-role
                      output; the document as an object, JSON text or URL-encoded); - for stdin
The token, from exactly one of:
  TOKEN | -           the token as an argument, or - to read it from standard input
  --token-env VAR     the environment variable holding it (in a job: the id_tokens: name)
  --claims FILE       the token's claims as a JSON object instead of a token
Options:
  --client-ids a,b    the IAM OIDC provider's client IDs (audiences): a token whose aud is not
                      among them is denied before the policy is read
  --format FORMAT     text (default) or json (evaluateTrustPolicy's result)
  -h, --help          this help

Exit status: 0 allowed; 1 denied or undecided; 2 usage or unusable input (a policy that is not
JSON gives its line and column).

Example:
  ${NAME} explain --policy trust-policy.json --token-env GITLAB_OIDC_TOKEN --client-ids sts.amazonaws.com
`,
  run(values, args) {
    const [positional] = positionals(args, 1, "explain --policy FILE (TOKEN | - | --token-env VAR | --claims FILE)");
    const format = choice(values.format, ["text", "json"], "--format");
    if (values.policy === undefined) throw new CliError("usage", "--policy FILE is required: the role's trust policy");
    const clientIds = list(values["client-ids"], "--client-ids");
    if (values.claims !== undefined && (positional !== undefined || values["token-env"] !== undefined)) {
      throw new CliError("usage", "give the token or its claims (--claims), not both");
    }
    if (values.policy === "-" && (positional === "-" || values.claims === "-")) {
      throw new CliError("usage", "standard input can hold the policy or the token, not both");
    }
    // The token first: once read, nothing the command writes can carry it.
    let subject;
    let source;
    if (values.claims !== undefined) {
      subject = readJsonFile(values.claims, "claims");
      source = `the claims in ${values.claims === "-" ? "standard input" : values.claims}`;
    } else {
      const read = readToken(positional, values["token-env"]);
      subject = read.token;
      source = read.source;
    }
    const policy = readPolicy(values.policy);
    const context = clientIds ? { clientIds } : undefined;
    const result = call(() => core().evaluateTrustPolicy(policy, subject, context));
    emit(format === "json" ? json(result) : text.evaluation(result, colourFor(process.stdout), { policy: values.policy === "-" ? "standard input" : values.policy, token: source }));
    return result.allowed ? EXIT.ok : EXIT.findings;
  },
};

// ---------------------------------------------------------------------------
// lint
// ---------------------------------------------------------------------------

const LINT_FORMATS = ["text", "json", "codequality", "sarif", "junit"];

/** A glob (`*`, `**`, `?`, `[…]`) as a regular expression over `/`-separated relative paths. */
function globRegExp(glob) {
  let out = "";
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i];
    if (ch === "*" && glob[i + 1] === "*") {
      // `**/` matches any number of directories, also none; a trailing `**` anything.
      if (glob[i + 2] === "/") {
        out += "(?:[^/]*/)*";
        i += 2;
      } else {
        out += ".*";
        i += 1;
      }
    } else if (ch === "*") out += "[^/]*";
    else if (ch === "?") out += "[^/]";
    else if (ch === "[") {
      const end = glob.indexOf("]", i + 1);
      if (end === -1) out += "\\[";
      else {
        out += `[${glob.slice(i + 1, end).replace(/^!/, "^").replace(/\\/g, "\\\\")}]`;
        i = end;
      }
    } else out += ch.replace(/[.+^${}()|\\]/g, "\\$&");
  }
  return new RegExp(`^${out}$`);
}

/** Every file under `dir` (relative, `/`-separated), skipping .git and node_modules. */
function walk(dir, base = dir, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === ".git" || entry.name === "node_modules") continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path, base, out);
    else if (entry.isFile()) out.push(relative(base, path).split(sep).join("/"));
  }
  return out;
}

/**
 * The files to lint: each argument that names a file as it is, each other argument with
 * glob characters expanded under the working directory (quote globs so the shell does not).
 */
function lintFiles(args) {
  const files = [];
  let tree;
  for (const arg of args) {
    if (arg === "-" || existsSync(arg) || !/[*?[]/.test(arg)) {
      files.push(arg);
      continue;
    }
    tree ??= walk(".").sort();
    const pattern = globRegExp(arg.replace(/^\.\//, ""));
    const matched = tree.filter((path) => pattern.test(path));
    if (matched.length === 0) throw new CliError("lint.no_match", `no file matches ${arg}`);
    files.push(...matched.filter((path) => !files.includes(path)));
  }
  return files;
}

const lint = {
  summary: "lint every trust policy in files: policy and role JSON, account dumps, Terraform plans, CloudFormation",
  options: {
    format: FORMAT,
    output: { type: "string" },
    "fail-on": FAIL("error"),
    audience: { type: "string" },
    "account-id": { type: "string" },
    partition: { type: "string" },
  },
  help: `Usage: ${NAME} lint FILE… [--format text|json|codequality|sarif|junit] [--output FILE] [--fail-on LEVEL]

Finds every trust policy in the files, recognised by content, and lints each one with the
GitLab-aware rules (POL001…): a trust policy JSON; a role JSON whose AssumeRolePolicyDocument is
an object, JSON text or URL-encoded (aws iam get-role, list-roles); aws iam
get-account-authorization-details output (roles trusting an OIDC provider); terraform show -json
output, plan or state; CloudFormation templates, JSON or YAML with short-form tags. Each finding
names the file, the role and the line where the format has one.

FILE may be a glob in quotes ('**/*.json'): the command expands it under the working directory
(skipping .git and node_modules); - reads standard input.

Options:
  --format FORMAT     text (default, grouped by role), json, codequality (GitLab Code Quality),
                      sarif (SARIF 2.1.0) or junit (JUnit XML: a test case per role)
  --output FILE       write the report to FILE (whole, or not at all) and print the text
                      summary on standard output
  --fail-on LEVEL     exit 1 when a finding is at or above LEVEL: error (default), warning,
                      info, or none
  --audience AUD      the aud jobs request (id_tokens: …: aud:), when known
  --account-id ID     the account the roles should be in
  --partition NAME    aws (default), aws-us-gov, aws-cn, …
  -h, --help          this help

Exit status: 0 no finding at or above --fail-on; 1 findings at or above it; 2 usage, a missing
file, a file that does not parse (with line and column) or holds no trust policy, or a role
whose policy cannot be read (then no report is written).

Example (a merge request gate):
  ${NAME} lint 'iam/**/*.json' --format codequality --output gl-code-quality-report.json
`,
  run(values, args) {
    const format = choice(values.format, LINT_FORMATS, "--format");
    const threshold = failOn(values["fail-on"]);
    if (args.length === 0) throw new CliError("usage", "no FILE to lint: give one or more files or quoted globs");
    if (args.filter((a) => a === "-").length > 1) throw new CliError("usage", "- (standard input) can be given once");
    const paths = lintFiles(args);
    const files = paths.map((path) => ({ path: path === "-" ? "<stdin>" : path, text: readText(path, "file") }));
    const context = {};
    if (values.audience !== undefined) context.audience = values.audience;
    if (values["account-id"] !== undefined) context.accountId = values["account-id"];
    if (values.partition !== undefined) context.partition = values.partition;
    const c = core();
    if (typeof c.lintFiles !== "function") {
      throw new CliError("lint.unavailable", "this build of the package has no lintFiles export");
    }
    const report = call(() => c.lintFiles(files, context));
    // A file, or one role's policy in it, that could not be read: nothing is written, since a
    // report that leaves it out would pass a gate it should fail.
    const broken = report.files.flatMap((f) => [
      ...(f.error ? [{ path: f.path, error: f.error }] : []),
      ...f.roles.filter((r) => r.error).map((r) => ({ path: f.path, role: r.name, error: r.error })),
    ]);
    if (broken.length > 0) {
      const [first, ...more] = broken;
      const where = (b) => `${b.path}${b.error.line !== undefined ? `:${b.error.line}:${b.error.column ?? 1}` : ""}`;
      const role = (b) => (b.role ? `role ${b.role}: ` : "");
      for (const b of more) note(`${NAME} lint: ${where(b)}: error[${b.error.code}]: ${role(b)}${b.error.message}`);
      throw new CliError(first.error.code, `${role(first)}${first.error.message}`, { file: first.path, line: first.error.line, column: first.error.line !== undefined ? (first.error.column ?? 1) : undefined });
    }
    const rendered = call(() => c.renderLintReport(report, format));
    if (values.output !== undefined) {
      emit(rendered, values.output);
      if (format !== "text") emit(call(() => c.renderLintReport(report, "text")));
    } else {
      emit(rendered);
    }
    const findings = report.files.flatMap((f) => f.roles.flatMap((r) => r.findings));
    return failsOn(findings, threshold) ? EXIT.findings : EXIT.ok;
  },
};

// ---------------------------------------------------------------------------
// generate
// ---------------------------------------------------------------------------

const GENERATE_FORMATS = { policy: "trustPolicy", role: "roleJson", cli: "awsCli", terraform: "terraform", cloudformation: "cloudFormation" };

/** `--name key=value` options as an object; a key given twice collects its values in a list. */
function pairs(items, option) {
  const out = {};
  for (const item of items ?? []) {
    const at = item.indexOf("=");
    if (at <= 0) throw new CliError("usage", `${option} takes KEY=VALUE; got ${JSON.stringify(item)}`);
    const [key, value] = [item.slice(0, at), item.slice(at + 1)];
    out[key] = key in out ? [out[key]].flat().concat(value) : value;
  }
  return out;
}

const generate = {
  summary: "a least-privilege trust policy from flags, a spec file or a token, in five formats",
  options: {
    spec: { type: "string" },
    "token-env": { type: "string" },
    "account-id": { type: "string" },
    issuer: { type: "string" },
    partition: { type: "string" },
    audience: { type: "string" },
    sub: { type: "string", multiple: true },
    "sub-components": { type: "string" },
    pin: { type: "string", multiple: true },
    "role-name": { type: "string" },
    "max-session-duration": { type: "string" },
    description: { type: "string" },
    tag: { type: "string", multiple: true },
    "existing-provider": { type: "boolean", default: false },
    "ref-scope": { type: "string" },
    "protected-only": { type: "string" },
    "pin-project-id": { type: "string" },
    "pin-namespace-id": { type: "string" },
    format: { type: "string", default: "policy" },
    output: { type: "string" },
    "fail-on": FAIL("none"),
  },
  help: `Usage: ${NAME} generate --account-id ID --sub SUB [options] [--format FORMAT] [--output FILE]
       ${NAME} generate --spec FILE [options]
       ${NAME} generate (TOKEN | - | --token-env VAR) --account-id ID [token options]

Builds the least-privilege trust policy (trustPolicy, or trustPolicyForToken from a token) and
prints one of its five formats. Findings on risky choices go to standard error.

From flags (each overrides the same field of --spec FILE, a TrustPolicySpec JSON):
  --account-id ID         the 12-digit account that owns the role
  --sub SUB               a sub value or pattern the role admits, as GitLab writes sub:
                          project_path:acme/app:ref_type:branch:ref:main (* and ? allowed);
                          repeat for several (OR); their components are the project's
                          ci_id_token_sub_claim_components unless --sub-components says
  --sub-components a,b    the project's sub components, e.g. project_id,ref_type,ref
  --issuer URL            the instance's issuer (default https://gitlab.com)
  --partition NAME        aws (default), aws-us-gov, aws-cn, …
  --audience AUD          the aud the job requests (default sts.amazonaws.com)
  --pin KEY=VALUE         gitlab.com: pin a claim with StringEquals (project_id, namespace_id,
                          ref_protected, pipeline_source, runner_environment); repeatable
  --role-name NAME, --max-session-duration SECONDS, --description TEXT, --tag KEY=VALUE
  --existing-provider     refer to an existing IAM OIDC provider instead of creating one
From a token (TOKEN, - or --token-env VAR; --spec and --sub are not taken):
  --ref-scope SCOPE       this-ref (default), any-branch or any-tag
  --protected-only true|false, --pin-project-id true|false, --pin-namespace-id true|false
  and --account-id, --partition, --audience, --role-name, --max-session-duration,
  --description, --tag, --existing-provider as above
Output:
  --format FORMAT         policy (default: the trust policy JSON), role (role.json for aws iam
                          create-role --cli-input-json), cli (AWS CLI script), terraform,
                          cloudformation, or json (the whole result with findings)
  --output FILE           write to FILE (whole, or not at all) instead of standard output
  --fail-on LEVEL         exit 1 when a finding is at or above LEVEL (default none)
  -h, --help              this help

Exit status: 0 ok; 1 a finding at or above --fail-on; 2 usage or a spec that cannot be used
(the error's code names the field, e.g. spec.account_id).

Examples:
  ${NAME} generate --account-id 123456789012 --sub project_path:acme/app:ref_type:branch:ref:main --format terraform
  ${NAME} generate --token-env GITLAB_OIDC_TOKEN --account-id 123456789012 --ref-scope any-branch
`,
  run(values, args) {
    const [positional] = positionals(args, 1, "generate [TOKEN | -] …");
    const format = choice(values.format, [...Object.keys(GENERATE_FORMATS), "json"], "--format");
    const threshold = failOn(values["fail-on"]);
    const tokenMode = positional !== undefined || values["token-env"] !== undefined;
    const c = core();
    const common = {};
    if (values["account-id"] !== undefined) common.accountId = values["account-id"];
    if (values.partition !== undefined) common.partition = values.partition;
    if (values.audience !== undefined) common.audience = values.audience;
    if (values["role-name"] !== undefined) common.roleName = values["role-name"];
    if (values["max-session-duration"] !== undefined) common.maxSessionDuration = integer(values["max-session-duration"], "--max-session-duration");
    if (values.description !== undefined) common.description = values.description;
    if (values.tag !== undefined) common.tags = pairs(values.tag, "--tag");
    if (values["existing-provider"]) common.createProvider = false;
    const bool = (name) => {
      const value = choice(values[name], ["true", "false"], `--${name}`);
      return value === undefined ? undefined : value === "true";
    };
    let result;
    if (tokenMode) {
      for (const name of ["spec", "sub", "sub-components", "pin", "issuer"]) {
        if (values[name] !== undefined) throw new CliError("usage", `--${name} is for a spec; from a token, the token's own claims set it`);
      }
      const options = { ...common };
      if (values["ref-scope"] !== undefined) options.refScope = choice(values["ref-scope"], ["this-ref", "any-branch", "any-tag"], "--ref-scope");
      for (const [flag, field] of [["protected-only", "protectedOnly"], ["pin-project-id", "pinProjectId"], ["pin-namespace-id", "pinNamespaceId"]]) {
        const value = bool(flag);
        if (value !== undefined) options[field] = value;
      }
      const { token } = readToken(positional, values["token-env"]);
      result = call(() => c.trustPolicyForToken(token, options));
    } else {
      for (const name of ["ref-scope", "protected-only", "pin-project-id", "pin-namespace-id"]) {
        if (values[name] !== undefined) throw new CliError("usage", `--${name} is for a token (TOKEN, - or --token-env)`);
      }
      const spec = values.spec !== undefined ? readJsonFile(values.spec, "spec") : {};
      Object.assign(spec, common);
      if (values.issuer !== undefined) spec.issuer = values.issuer;
      if (values.sub !== undefined) {
        const patterns = values.sub.map((sub) => call(() => c.subPattern(sub)));
        spec.subjects = patterns.map((p) => p.subject);
        if (values["sub-components"] === undefined) spec.subClaimComponents = patterns[0].components;
      }
      if (values["sub-components"] !== undefined) spec.subClaimComponents = list(values["sub-components"], "--sub-components");
      if (values.pin !== undefined) spec.pins = { ...spec.pins, ...pairs(values.pin, "--pin") };
      if (values.spec === undefined && spec.accountId === undefined) throw new CliError("usage", "--account-id is required (or --spec FILE, or a token)");
      if (values.spec === undefined && spec.subjects === undefined) throw new CliError("usage", "--sub is required: the sub value or pattern the role admits (or --spec FILE, or a token)");
      result = call(() => c.trustPolicy(spec), values.spec);
    }
    emit(format === "json" ? json(result) : result.formats[GENERATE_FORMATS[format]], values.output);
    if (format !== "json" && result.findings.length > 0) {
      note(["Findings:", ...findingLines(result.findings, colourFor(process.stderr))].join("\n"));
    }
    return failsOn(result.findings, threshold) ? EXIT.findings : EXIT.ok;
  },
};

// ---------------------------------------------------------------------------
// snippet
// ---------------------------------------------------------------------------

const snippet = {
  summary: "a .gitlab-ci.yml job that assumes the role with the job's ID token, from a spec",
  options: {
    spec: { type: "string" },
    kind: { type: "string" },
    "role-arn": { type: "string" },
    audience: { type: "string" },
    region: { type: "string" },
    policy: { type: "string" },
    "existing-job": { type: "string" },
    format: { type: "string", default: "yaml" },
    "output-dir": { type: "string" },
    "fail-on": FAIL("none"),
  },
  help: `Usage: ${NAME} snippet --spec FILE [--role-arn ARN] [--policy FILE] [--format yaml|json] [--output-dir DIR]

Generates the pipeline job (ciSnippet): assume-role, multi-role, web-identity-file,
codebuild-publish or component, with its companion files, and findings when the job cannot
satisfy the trust policy or an existing job still uses CI_JOB_JWT*.

  --spec FILE           a CiSnippetSpec JSON (kind, roleArn, audience, region, …); the flags
                        below override its fields
  --kind KIND           assume-role (default), multi-role, web-identity-file,
                        codebuild-publish or component
  --role-arn ARN, --audience AUD, --region REGION
  --policy FILE         check the job against this trust policy (document, role or get-role
                        output, or a trustPolicy result)
  --existing-job FILE   a job to migrate: findings say how to leave CI_JOB_JWT_V2 behind
  --format FORMAT       yaml (default: the .gitlab-ci.yml text) or json (the whole result)
  --output-dir DIR      write .gitlab-ci.yml and every companion file under DIR (each whole)
  --fail-on LEVEL       exit 1 when a finding is at or above LEVEL (default none)
  -h, --help            this help

Findings go to standard error with --format yaml.

Exit status: 0 ok; 1 a finding at or above --fail-on; 2 usage or a spec that cannot be used (the
code names the field: snippet.role_arn, …).

Example:
  ${NAME} snippet --spec job.json --policy trust-policy.json --output-dir .
`,
  run(values, args) {
    positionals(args, 0, "snippet --spec FILE");
    const format = choice(values.format, ["yaml", "json"], "--format");
    const threshold = failOn(values["fail-on"]);
    const spec = values.spec !== undefined ? readJsonFile(values.spec, "snippet") : {};
    for (const [flag, field] of [["kind", "kind"], ["role-arn", "roleArn"], ["audience", "audience"], ["region", "region"]]) {
      if (values[flag] !== undefined) spec[field] = values[flag];
    }
    if (values.policy !== undefined) spec.policy = readText(values.policy, "policy file");
    if (values["existing-job"] !== undefined) spec.existingJob = readText(values["existing-job"], "job file");
    if (values.spec === undefined && Object.keys(spec).length === 0) throw new CliError("usage", "--spec FILE or --role-arn ARN is required");
    const result = call(() => core().ciSnippet(spec), values.spec);
    if (values["output-dir"] !== undefined) {
      const files = { ".gitlab-ci.yml": result.yaml, ...result.files };
      for (const [name, content] of Object.entries(files)) {
        const path = join(values["output-dir"], name);
        mkdirSync(dirname(path), { recursive: true });
        emit(content, path);
      }
      note(`wrote ${Object.keys(files).map((n) => join(values["output-dir"], n)).join(", ")}`);
      if (format === "json") emit(json(result));
    } else if (format === "json") {
      emit(json(result));
    } else {
      emit(result.yaml);
      const companions = Object.keys(result.files);
      if (companions.length > 0) note(`and ${companions.length} companion file${companions.length > 1 ? "s" : ""} (${companions.join(", ")}): use --output-dir DIR or --format json`);
    }
    if (format !== "json" && result.findings.length > 0) {
      note(["Findings:", ...findingLines(result.findings, colourFor(process.stderr))].join("\n"));
    }
    return failsOn(result.findings, threshold) ? EXIT.findings : EXIT.ok;
  },
};

// ---------------------------------------------------------------------------
// diff
// ---------------------------------------------------------------------------

const diff = {
  summary: "what a trust-policy change newly admits and no longer admits; exit 1 when it widens",
  options: {
    issuer: { type: "string" },
    format: FORMAT,
    "fail-on": FAIL("none"),
  },
  help: `Usage: ${NAME} diff BEFORE AFTER [--issuer URL] [--format text|json] [--fail-on LEVEL]

Compares two trust policies exactly (compareTrustPolicies) over every token STS could see: the
classes of tokens AFTER newly admits, each with a witness token's claims, and those it no
longer admits (jobs the change would break), with AFTER's new lint findings. BEFORE and AFTER
are policy documents, roles or get-role output; one of them may be - (standard input).

  --issuer URL        only tokens from this GitLab instance (default: every provider either
                      policy trusts)
  --format FORMAT     text (default) or json (the Comparison)
  --fail-on LEVEL     also exit 1 when a new finding is at or above LEVEL (default none)
  -h, --help          this help

Exit status: 0 when the verdict is no-new-access (the change admits no token BEFORE denied:
narrowing, reordering or rewording); 1 when it is new-access (some token is newly admitted)
or cannot-decide (the comparison could not be made exact, so new access is not ruled out),
or a new finding is at or above --fail-on; 2 usage or a policy that cannot be read.

Example (in a merge request: the target branch's version against this one):
  git show "origin/$CI_MERGE_REQUEST_TARGET_BRANCH_NAME:iam/trust.json" > before.json
  ${NAME} diff before.json iam/trust.json
`,
  run(values, args) {
    if (args.length !== 2) throw new CliError("usage", `diff takes two files, BEFORE and AFTER; got ${args.length}`);
    const format = choice(values.format, ["text", "json"], "--format");
    const threshold = failOn(values["fail-on"]);
    if (args[0] === "-" && args[1] === "-") throw new CliError("usage", "only one of BEFORE and AFTER can be - (standard input)");
    const [before, after] = args.map(readPolicy);
    const context = values.issuer !== undefined ? { issuer: values.issuer } : undefined;
    const result = call(() => core().compareTrustPolicies(before, after, context));
    emit(format === "json" ? json(result) : text.comparison(result, colourFor(process.stdout), { before: args[0], after: args[1] }));
    const widens = result.verdict !== "no-new-access";
    return widens || failsOn(result.findings, threshold) ? EXIT.findings : EXIT.ok;
  },
};

// ---------------------------------------------------------------------------
// diagnose
// ---------------------------------------------------------------------------

const diagnose = {
  summary: "why did STS say no? the error's causes, checked against the token, policy and job",
  options: {
    "error-file": { type: "string" },
    "token-env": { type: "string" },
    claims: { type: "string" },
    policy: { type: "string" },
    job: { type: "string" },
    "role-arn": { type: "string" },
    "client-ids": { type: "string" },
    "max-session-duration": { type: "string" },
    region: { type: "string" },
    now: { type: "string" },
    format: FORMAT,
    "fail-on": FAIL("none"),
  },
  help: `Usage: ${NAME} diagnose [--error-file FILE | -] [--token-env VAR | --claims FILE] [--policy FILE] [--job FILE]
                          [--role-arn ARN] [--client-ids a,b] [--format text|json]

Reads the error text a failed AssumeRoleWithWebIdentity left (the AWS CLI's, an SDK's,
Terraform's, the raw XML, or a whole job log around it), recognises the error, and checks each
of its causes against what you give: confirmed, possible, cannot tell offline, or ruled out,
with the evidence, a fix and the command that confirms the account side. Any token in the text
is masked; none is ever printed.

  --error-file FILE | -      the error text, from a file or standard input
  --token-env VAR            the job's ID token, from this environment variable
  --claims FILE              or the token's claims as a JSON object
  --policy FILE              the role's trust policy (document, role or get-role output)
  --job FILE                 the .gitlab-ci.yml, or the job, that called STS
  --role-arn ARN             the role the job assumed
  --client-ids a,b           the IAM OIDC provider's client IDs, when known
  --max-session-duration S   the role's MaxSessionDuration, when known
  --region REGION            the region the job called STS in
  --now SECONDS              judge the token's times as of this moment (default: now)
  --format FORMAT            text (default) or json (the Diagnosis)
  --fail-on LEVEL            exit 1 when a finding is at or above LEVEL (default none)
  -h, --help                 this help

Exit status: 0 a diagnosis was made (whatever it found); 1 a finding at or above --fail-on;
2 usage or unusable input.

Example, in the job's after_script or right after the failing command:
  aws sts assume-role-with-web-identity … 2> sts-error.txt ||
    ${NAME} diagnose --error-file sts-error.txt --token-env GITLAB_OIDC_TOKEN --policy iam/trust.json --job .gitlab-ci.yml
`,
  run(values, args) {
    const [positional] = positionals(args, 1, "diagnose [--error-file FILE | -]");
    const format = choice(values.format, ["text", "json"], "--format");
    const threshold = failOn(values["fail-on"]);
    if (positional !== undefined && positional !== "-") throw new CliError("usage", `diagnose takes the error text from --error-file FILE or - (standard input); got an argument instead`);
    if (positional !== undefined && values["error-file"] !== undefined) throw new CliError("usage", "give the error text once: --error-file FILE or -");
    const errorSource = values["error-file"] ?? positional;
    if (errorSource === undefined) throw new CliError("usage", "no error text: give --error-file FILE or - to read it from standard input");
    if (values.claims !== undefined && values["token-env"] !== undefined) throw new CliError("usage", "give the token (--token-env) or its claims (--claims), not both");
    const stdinUsers = [errorSource, values.policy, values.job, values.claims].filter((v) => v === "-");
    if (stdinUsers.length > 1) throw new CliError("usage", "standard input (-) can be given once");
    const context = { nowSeconds: seconds(values.now, "--now") ?? now() };
    // The token first: once read, nothing the command writes can carry it.
    if (values["token-env"] !== undefined) context.token = readToken(undefined, values["token-env"]).token;
    const errorText = readText(errorSource, "error file");
    if (values.claims !== undefined) context.claims = readJsonFile(values.claims, "claims");
    if (values.policy !== undefined) context.policy = readText(values.policy, "policy file");
    if (values.job !== undefined) context.job = readText(values.job, "job file");
    if (values["role-arn"] !== undefined) context.roleArn = values["role-arn"];
    if (values["client-ids"] !== undefined) context.clientIds = list(values["client-ids"], "--client-ids");
    if (values["max-session-duration"] !== undefined) context.maxSessionDuration = integer(values["max-session-duration"], "--max-session-duration");
    if (values.region !== undefined) context.region = values.region;
    const result = call(() => core().diagnose(errorText, context));
    emit(format === "json" ? json(result) : text.diagnosis(result, colourFor(process.stdout)));
    return failsOn(result.findings, threshold) ? EXIT.findings : EXIT.ok;
  },
};

export const COMMANDS = { inspect, explain, lint, generate, snippet, diff, diagnose };
