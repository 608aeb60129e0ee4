// The text the commands print: the core's results laid out for a terminal or a job log.
// Layout only; every verdict, reason and finding comes from the core as it is.
import { findingLines } from "./common.mjs";

const q = (value) => JSON.stringify(value);
const pad = (label, width) => label.padEnd(width);

/** Any JSON value as one line: strings as they are, the rest as JSON. */
const show = (value) => (typeof value === "string" ? value : JSON.stringify(value));

function section(title, c) {
  return c.bold(title);
}

/** inspect: what AWS will see, the times, the findings. */
export function inspection(result, c) {
  const out = [];
  const claims = result.claims;
  out.push(`${section("Token", c)} ${c.dim("(decoded, signature not verified; the token itself is never printed)")}`);
  const rows = [
    ["issuer (iss)", claims.iss === undefined ? c.red("missing") : show(claims.iss)],
    ["provider", result.providerHost ?? c.red("none: iss names no IAM OIDC provider")],
    ["audience (aud)", claims.aud === undefined ? c.red("missing") : show(claims.aud)],
    ["subject (sub)", claims.sub === undefined ? c.red("missing") : show(claims.sub)],
  ];
  for (const [label, value] of rows) out.push(`  ${pad(label, 15)} ${value}`);
  if (result.subject) {
    const width = Math.max(...result.subject.components.map((x) => x.name.length));
    for (const { name, value } of result.subject.components) out.push(`  ${pad("", 15)} ${c.dim(pad(name, width))} ${value}`);
    if (!result.subject.defaultForm) out.push(`  ${pad("", 15)} ${c.dim("(a customised sub: the project's ci_id_token_sub_claim_components)")}`);
  }

  // sub and aud first: every trust policy matches on them; then the rest in token order.
  const first = (e) => (e.claim === "sub" ? 0 : e.claim === "aud" ? 1 : 2);
  const keyed = result.explanations.filter((e) => e.awsConditionKey).sort((a, b) => first(a) - first(b));
  out.push("");
  out.push(`${section("What AWS can match on", c)} ${c.dim(`(condition keys for this issuer${result.providerHost ? `, ${result.providerHost}:…` : ""})`)}`);
  if (keyed.length === 0) {
    out.push("  nothing: the token's issuer names no provider AWS could trust");
  } else {
    const width = Math.max(...keyed.map((e) => e.awsConditionKey.length));
    for (const e of keyed) out.push(`  ${pad(e.awsConditionKey, width)} ${show(e.value)}`);
  }
  const other = result.explanations.filter((e) => !e.awsConditionKey).map((e) => e.claim);
  if (other.length > 0) out.push(`  ${c.dim(`not matchable for this issuer: ${other.join(", ")}`)}`);

  const t = result.times;
  out.push("");
  out.push(section("Times", c));
  const instant = (i) => (i ? `${i.utc ?? i.seconds} (${i.relative})` : c.dim("not in the token"));
  const times = [
    ["issued (iat)", t.issuedAt],
    ["not before", t.notBefore],
    ["expires (exp)", t.expiresAt],
    ["AWS accepts until", t.awsAcceptsUntil],
  ];
  for (const [label, value] of times) out.push(`  ${pad(label, 17)} ${instant(value)}${label === "AWS accepts until" && value ? c.dim("  (exp + 5 min of clock skew)") : ""}`);
  const validityColour = t.validity === "valid" ? c.green : t.validity === "expired-within-skew" ? c.yellow : c.red;
  out.push(`  ${pad("validity", 17)} ${validityColour(t.validity)}: ${t.summary}`);

  out.push("");
  out.push(findingsBlock(result.findings, c));
  return `${out.join("\n")}\n`;
}

function findingsBlock(findings, c, title = "Findings") {
  if (findings.length === 0) return `${section(title, c)}: none`;
  return [`${section(title, c)} (${findings.length})`, ...findingLines(findings, c)].join("\n");
}

/** The word for an evaluation's verdict. */
export function verdictOf(evaluation) {
  if (evaluation.allowed) return "ALLOW";
  return evaluation.undecided.length > 0 ? "UNDECIDED" : "DENY";
}

/** explain: the verdict, then every statement and condition in plain words. */
export function evaluation(result, c, source) {
  const verdict = verdictOf(result);
  const colour = verdict === "ALLOW" ? c.green : verdict === "DENY" ? c.red : c.yellow;
  const out = [`${c.bold(colour(verdict))} ${result.reason}`];
  if (source) out.push(c.dim(`(the policy in ${source.policy}; ${source.token.startsWith("the claims") ? source.token : `the token from ${source.token}`})`));
  if (result.audience) {
    out.push("");
    out.push(`${mark(result.audience.matched, c)} provider client IDs: ${result.audience.reason}`);
  }
  for (const s of result.statements) {
    out.push("");
    const state = s.matched ? (s.effect === "Deny" ? c.red("applies") : c.green("applies")) : s.undecided ? c.yellow("may apply (undecided)") : c.dim("does not apply");
    out.push(`${c.bold(`statement ${s.index}`)} (${s.effect}): ${state}`);
    out.push(`  ${mark(s.principal.matched, c)} principal: ${s.principal.reason}`);
    out.push(`  ${mark(s.action.matched, c)} action: ${s.action.reason}`);
    if (s.conditions.length === 0) out.push(`  ${c.dim("no conditions")}`);
    for (const k of s.conditions) {
      const state = k.undecided ? c.yellow("undecided") : k.matched ? c.green("ok") : c.red("FAILS");
      out.push(`  ${k.undecided ? c.yellow("?") : mark(k.matched, c)} ${k.operator} ${k.key}: ${state}`);
      out.push(`      token has ${k.actual.length === 0 ? "no value for it" : k.actual.map(q).join(", ")}`);
      out.push(`      policy expects ${k.expected.map(q).join(" or ")}`);
      if (k.reason) out.push(`      ${k.reason}`);
    }
  }
  if (result.undecided.length > 0) {
    out.push("");
    out.push(c.yellow(`undecided: statement${result.undecided.length > 1 ? "s" : ""} ${result.undecided.join(", ")} hang${result.undecided.length > 1 ? "" : "s"} on what this tool cannot see offline`));
  }
  return `${out.join("\n")}\n`;
}

function mark(matched, c) {
  return matched ? c.green("✓") : c.red("✗");
}

/** diff: the verdict, what is newly admitted and what no longer is. */
export function comparison(result, c, files) {
  const colour = result.verdict === "no-new-access" ? c.green : result.verdict === "new-access" ? c.red : c.yellow;
  const out = [`${c.bold(colour(result.verdict.toUpperCase()))} ${result.reason}`];
  if (files) out.push(c.dim(`(before: ${files.before}; after: ${files.after})`));
  const block = (title, entries, count, colourOf) => {
    out.push("");
    out.push(`${c.bold(title)}: ${count === 0 ? "none" : count}`);
    for (const e of entries) {
      out.push(`  ${colourOf("•")} ${e.description}`);
      const witness = Object.entries(e.witness).map(([k, v]) => `${k}=${q(v)}`).join(" ");
      out.push(`      ${c.dim(`e.g. ${witness}`)}`);
      out.push(`      ${c.dim(`allowed: ${e.allowedBecause}`)}`);
      out.push(`      ${c.dim(`denied: ${e.deniedBecause}`)}`);
    }
    if (count > entries.length) out.push(`  ${c.dim(`… and ${count - entries.length} more`)}`);
  };
  block("Newly admitted (after allows, before denied)", result.newlyAdmitted, result.newlyAdmittedCount, c.red);
  block("No longer admitted (before allowed, after denies: jobs this change breaks)", result.noLongerAdmitted, result.noLongerAdmittedCount, c.yellow);
  out.push("");
  out.push(findingsBlock(result.findings, c, "New findings in after"));
  return `${out.join("\n")}\n`;
}

/** diagnose: the error, its causes most likely first, the findings. */
export function diagnosis(result, c) {
  const out = [];
  const error = (e) => {
    const head = [`${c.bold(e.code)}`, e.operation && `in ${e.operation}`, e.client !== "unknown" && `(${e.client})`, e.status && `HTTP ${e.status}`].filter(Boolean).join(" ");
    out.push(`${section("Error", c)} ${head}`);
    out.push(`  ${e.summary}`);
    if (e.message) out.push(`  ${c.dim(`message: ${e.message}`)}`);
  };
  const causes = (list) => {
    out.push("");
    out.push(section("Causes", c) + c.dim(" (most likely first)"));
    const paint = { confirmed: c.red, possible: c.yellow, "cannot-tell-offline": c.cyan, "ruled-out": c.dim };
    for (const cause of list) {
      out.push(`  ${paint[cause.verdict](cause.verdict)} ${c.bold(cause.id)}: ${cause.title}`);
      out.push(`      ${cause.evidence}`);
      if (cause.verdict === "ruled-out") continue;
      if (cause.fix) {
        out.push(`      fix (${cause.fix.kind}): ${cause.fix.description}`);
        if (cause.fix.code) for (const line of cause.fix.code.replace(/\n+$/, "").split("\n")) out.push(`        ${line}`);
      }
      if (cause.confirm) out.push(`      confirm: ${cause.confirm}`);
    }
  };
  error(result.error);
  causes(result.causes);
  for (const other of result.others) {
    out.push("");
    error(other.error);
    causes(other.causes);
  }
  out.push("");
  out.push(findingsBlock(result.findings, c));
  return `${out.join("\n")}\n`;
}
