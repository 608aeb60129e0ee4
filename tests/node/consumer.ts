// Compiled with tsc --strict by package.test.mjs: the published types must
// describe inspectToken's result precisely enough for this to type-check.
import init, { checkKeys, ciSnippet, compareTrustPolicies, diagnose, inspectToken, lintFiles, lintTrustPolicy, renderLintReport, specForToken, trustPolicy, type CiSnippetSpec, type LintReport, type LintReportFormat, type SourceFile, type SourceFormat, type Comparison, type Diagnosis, type Finding, type GetRoleOutput, type GitlabAwsOidcError, type KeySummary, type TokenInspection, type TrustPolicyDocument } from "../../pkg/gitlab_aws_oidc.js";

export async function summarize(token: string): Promise<string> {
  await init();
  try {
    const result: TokenInspection = inspectToken(token, Date.now() / 1000);
    const errors: Finding[] = result.findings.filter((f) => f.severity === "error");
    const host: string | null = result.providerHost;
    const expires: string | null | undefined = result.times.expiresAt?.utc;
    const first = result.subject?.components[0];
    const firstName: "project_path" | "project_id" | undefined = first?.name === "project_path" || first?.name === "project_id" ? first.name : undefined;
    const keys = result.explanations.flatMap((e) => (e.awsConditionKey ? [e.awsConditionKey] : []));
    return `${host} ${errors.length} ${expires} ${firstName} ${keys.join(",")}`;
  } catch (caught) {
    const error = caught as GitlabAwsOidcError;
    return error.code === "token.segments" ? "not a JWT" : error.message;
  }
}

/** The RSA keys of a pasted JWKS, by kid: checkKeys's summaries are typed field by field. */
export function rsaKeys(keys: string): string[] {
  const summaries: KeySummary[] = checkKeys(keys);
  return summaries.filter((k) => k.kty === "RSA" && (k.bits ?? 0) >= 2048).map((k) => k.kid ?? "(no kid)");
}

/** Where an error points, typed: the field of a spec, or the line and column of a policy that is not JSON. */
export function whereWrong(policy: string): string {
  try {
    lintTrustPolicy(policy);
    return "no error";
  } catch (caught) {
    const error = caught as GitlabAwsOidcError;
    const field: string | undefined = error.field;
    const line: number | undefined = error.line;
    return field ?? (line === undefined ? error.code : `${line}:${error.column ?? 0}`);
  }
}

/** docs/api.md documents the context and options as optional: they may be left out. */
export function withoutOptions(policy: string, token: string): [Finding[], string | undefined] {
  return [lintTrustPolicy(policy), specForToken(token).issuer];
}

/** ciSnippet's policy takes the shapes people hold, typed: a document, get-role output, text, a trustPolicy result. */
export function jobFindings(role: GetRoleOutput, pasted: string): string[] {
  const roleArn = role.Role.Arn ?? "arn:aws:iam::123456789012:role/x";
  const document: TrustPolicyDocument = {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "GitLab",
        Effect: "Allow",
        Principal: { Federated: "arn:aws:iam::123456789012:oidc-provider/gitlab.com" },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: { StringLike: { "gitlab.com:sub": ["project_path:g/p:ref_type:branch:ref:main"] } },
      },
    ],
  };
  const policies: CiSnippetSpec["policy"][] = [
    document,
    role,
    role.Role,
    pasted,
    trustPolicy({ accountId: "123456789012", subjects: [{ project_path: "g/p", ref_type: "branch", ref: "main" }] }),
    { audience: "sts.amazonaws.com" },
  ];
  return policies.flatMap((policy) => ciSnippet({ roleArn, issuer: "https://gitlab.com", policy }).findings.map((f) => `${f.code} ${f.path ?? ""}`));
}

/** compareTrustPolicies is typed to the verdict, each class's witness claims and the findings. */
export function newAccess(before: string, after: string): string[] {
  const result: Comparison = compareTrustPolicies(before, after, { issuer: "https://gitlab.com" });
  const verdict: "no-new-access" | "new-access" | "cannot-decide" = result.verdict;
  const subs: string[] = result.newlyAdmitted.map((c) => c.witness.sub ?? "");
  return [verdict, ...subs, ...result.findings.map((f) => f.code), String(compareTrustPolicies(before, after).newlyAdmittedCount)];
}

/** diagnose is typed to the recognised error, each cause's verdict and fix, and the other errors. */
export function causesOf(errorText: string, token: string): string[] {
  const result: Diagnosis = diagnose(errorText, { token, clientIds: ["sts.amazonaws.com"], nowSeconds: Date.now() / 1000 });
  const confirmed = result.causes.filter((c) => c.verdict === "confirmed").map((c) => `${c.id} ${c.fix?.kind ?? ""}`);
  return [result.error.code, result.error.client, ...confirmed, ...result.others.map((o) => o.error.kind), ...result.findings.map((f) => f.code)];
}

// The two smaller entry points (gitlab-aws-oidc/inspector and gitlab-aws-oidc/tools): the same types.
import initInspector, { inspectToken as inspectOnly } from "../../pkg/gitlab_aws_oidc_inspector.js";
import initTools, { trustPolicy as policyOnly, type TrustPolicyResult } from "../../pkg/gitlab_aws_oidc_tools.js";

export async function fromParts(token: string): Promise<[string | null, string]> {
  await Promise.all([initInspector(), initTools()]);
  const inspection: TokenInspection = inspectOnly(token, Date.now() / 1000);
  const result: TrustPolicyResult = policyOnly({ accountId: "123456789012", subjects: [{ project_path: "acme/app", ref_type: "branch", ref: "main" }] });
  return [inspection.providerHost, result.policy];
}

/** Every role of a set of files with its worst finding, and a report for CI: lintFiles's result is typed. */
export function lintForCi(files: SourceFile[], format: LintReportFormat): string {
  const report: LintReport = lintFiles(files, { audience: "sts.amazonaws.com" });
  const lines: string[] = [];
  for (const file of report.files) {
    const format: SourceFormat = file.format;
    if (file.error) lines.push(`${file.path}: ${file.error.code} ${file.error.line ?? ""}`);
    for (const role of file.roles) {
      const worst = role.findings.find((f) => f.severity === "error") ?? role.findings[0];
      lines.push(`${file.path} ${format} ${role.name} ${role.line ?? "-"} ${worst?.code ?? "ok"}:${worst?.line ?? "-"} ${role.unknown.join(",")}`);
    }
  }
  return `${lines.join("\n")}\n${report.counts.error}\n${renderLintReport(report, format)}`;
}
