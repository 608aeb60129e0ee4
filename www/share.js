// The shareable link: the NON-secret inputs of the page in the URL fragment,
// as readable key=value pairs, so a link reproduces the page for a colleague.
// The fragment never leaves the browser (it is not sent with requests), and
// it is only ever written with history.replaceState: no navigation, no
// request, no history entry per keystroke.
//
// What goes in: the step shown, the trust policy form (issuer, account,
// partition, audience, sub components, subjects, gitlab.com pins, role name,
// max session), how a token fills it (ref scope, pins), and the pipeline form.
// What never goes in: the token, the keys, a pasted policy, a pasted job.
// encodeFragment() is the only writer and takes those forms only.
//
// Example: #pane=policy&acct=123456789012&sub=project_path:acme/app:ref_type:branch:ref:main&pin.project_id=42

import {
  COMPONENTS,
  DEFAULT_AUDIENCE,
  DEFAULT_COMPONENTS,
  DEFAULT_ISSUER,
  PIN_NAMES,
  defaultPolicyForm,
  defaultTokenOptions,
  parseComponents,
} from "./policy-pane.js";
import { KINDS, defaultPipelineForm } from "./pipeline-pane.js";

export const PANES = ["token", "policy", "check", "pipeline", "troubleshoot"];
/** The partitions the core takes (Partition in src/policy/arn.rs); a link's `part` is one of them or ignored. */
const PARTITIONS = ["aws", "aws-us-gov", "aws-cn", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc"];

/** Pipeline form fields with their fragment keys. */
const CI_FIELDS = {
  region: "ci.region",
  durationSeconds: "ci.duration",
  tokenVariable: "ci.var",
  stage: "ci.stage",
  environment: "ci.env",
  when: "ci.when",
  branch: "ci.branch",
  component: "ci.component",
};
const CB_FIELDS = { project: "ci.project", bucket: "ci.bucket", ecrRepository: "ci.ecr" };

/** encodeURIComponent, keeping the characters that are safe in a fragment readable. */
function enc(text) {
  return encodeURIComponent(text).replace(/%(3A|2F|40|2C|2A|3F)/g, (m) => decodeURIComponent(m));
}

/** "project_path:acme/app:ref_type:branch:ref:main": a subject as its sub claim. */
function subjectText(components, row) {
  return components.map((c) => `${c}:${(row[c] ?? "").trim()}`).join(":");
}

/** The inverse of subjectText for these components (values may even contain ":"). */
function parseSubject(components, text) {
  const row = {};
  let rest = text;
  for (let i = 0; i < components.length; i++) {
    const prefix = `${components[i]}:`;
    if (!rest.startsWith(prefix)) return null;
    rest = rest.slice(prefix.length);
    if (i === components.length - 1) {
      row[components[i]] = rest;
    } else {
      const next = rest.indexOf(`:${components[i + 1]}:`);
      if (next < 0) return null;
      row[components[i]] = rest.slice(0, next);
      rest = rest.slice(next + 1);
    }
  }
  return row;
}

/**
 * The fragment (without "#") for the page's shareable inputs; "" when every
 * one is at its default.
 * @param {{
 *   pane: string,
 *   policy: { form: import("./policy-pane.js").PolicyForm, options: import("./policy-pane.js").TokenOptions },
 *   pipeline: { form: import("./pipeline-pane.js").PipelineForm, follows: { roleArn: boolean, audience: boolean } },
 * }} shared
 */
export function encodeFragment({ pane, policy, pipeline }) {
  /** @type {[string, string][]} */
  const pairs = [];
  const put = (key, value, fallback = "") => {
    const text = String(value ?? "");
    if (text.trim() !== fallback) pairs.push([key, text]);
  };
  if (pane !== "token") put("pane", pane);

  const f = policy.form;
  put("iss", f.issuer.trim(), DEFAULT_ISSUER);
  put("acct", f.accountId.trim());
  put("part", f.partition, "aws");
  put("aud", f.audience.trim(), DEFAULT_AUDIENCE);
  const components = parseComponents(f.components);
  if (components.join(", ") !== DEFAULT_COMPONENTS) put("comp", components.join(","));
  const known = components.filter((c) => COMPONENTS.includes(c));
  const blank = f.subjects.length === 1 && known.every((c) => !(f.subjects[0][c] ?? "").trim());
  if (!blank) for (const row of f.subjects) pairs.push(["sub", subjectText(known, row)]);
  for (const name of PIN_NAMES) put(`pin.${name}`, (f.pins[name] ?? "").trim());
  put("role", f.roleName.trim());
  put("session", f.maxSessionDuration, "3600");

  const o = policy.options;
  put("scope", o.refScope, "this-ref");
  if (o.protectedOnly !== null) put("protected", o.protectedOnly ? "1" : "0");
  if (!o.pinProjectId) put("pin-project", "0");
  if (!o.pinNamespaceId) put("pin-namespace", "0");

  const c = pipeline.form;
  put("ci", c.kind, "assume-role");
  if (!pipeline.follows.roleArn) put("ci.role", c.roleArn.trim(), "\u0000");
  if (!pipeline.follows.audience) put("ci.aud", c.audience.trim(), "\u0000");
  for (const [field, key] of Object.entries(CI_FIELDS)) put(key, (c[field] ?? "").trim());
  for (const [field, key] of Object.entries(CB_FIELDS)) put(key, (c.codebuild[field] ?? "").trim());
  const rolesBlank = c.roles.length === 2 && c.roles.every((r) => !r.profile.trim() && !r.roleArn.trim());
  if (!rolesBlank) for (const r of c.roles) pairs.push(["ci.profile", `${r.profile.trim()}:${r.roleArn.trim()}`]);

  return pairs.map(([k, v]) => `${k}=${enc(v)}`).join("&");
}

/**
 * Reads a fragment back. Unknown keys and values are ignored; whatever is
 * absent keeps its default. Returns null for an empty fragment.
 * @param {string} hash location.hash, with or without "#"
 */
export function decodeFragment(hash) {
  const text = hash.replace(/^#/, "");
  if (!text) return null;
  const params = new URLSearchParams(text);
  const get = (key) => params.get(key);
  const has = (key) => params.has(key);

  const pane = PANES.includes(get("pane") ?? "") ? /** @type {string} */ (get("pane")) : "token";

  const form = defaultPolicyForm();
  if (has("iss")) form.issuer = get("iss") ?? "";
  if (has("acct")) form.accountId = get("acct") ?? "";
  if (PARTITIONS.includes(get("part") ?? "")) form.partition = /** @type {string} */ (get("part"));
  if (has("aud")) form.audience = get("aud") ?? "";
  if (has("comp")) form.components = parseComponents(get("comp") ?? "").join(", ");
  const known = parseComponents(form.components).filter((c) => COMPONENTS.includes(c));
  const subjects = params
    .getAll("sub")
    .map((s) => parseSubject(known, s))
    .filter((row) => row !== null);
  if (subjects.length) form.subjects = /** @type {Record<string, string>[]} */ (subjects);
  for (const name of PIN_NAMES) if (has(`pin.${name}`)) form.pins[name] = get(`pin.${name}`) ?? "";
  if (has("role")) form.roleName = get("role") ?? "";
  if (/^\d+$/.test(get("session") ?? "")) form.maxSessionDuration = /** @type {string} */ (get("session"));

  const options = defaultTokenOptions();
  if (["this-ref", "any-branch", "any-tag"].includes(get("scope") ?? "")) options.refScope = /** @type {any} */ (get("scope"));
  if (has("protected")) options.protectedOnly = get("protected") === "1";
  if (get("pin-project") === "0") options.pinProjectId = false;
  if (get("pin-namespace") === "0") options.pinNamespaceId = false;

  const ci = defaultPipelineForm();
  if (KINDS.includes(get("ci") ?? "")) ci.kind = /** @type {string} */ (get("ci"));
  const follows = { roleArn: !has("ci.role"), audience: !has("ci.aud") };
  if (has("ci.role")) ci.roleArn = get("ci.role") ?? "";
  if (has("ci.aud")) ci.audience = get("ci.aud") ?? "";
  for (const [field, key] of Object.entries(CI_FIELDS)) if (has(key)) ci[field] = get(key) ?? "";
  for (const [field, key] of Object.entries(CB_FIELDS)) if (has(key)) ci.codebuild[field] = get(key) ?? "";
  const roles = params.getAll("ci.profile").map((s) => {
    const at = s.indexOf(":");
    return at < 0 ? { profile: s, roleArn: "" } : { profile: s.slice(0, at), roleArn: s.slice(at + 1) };
  });
  if (roles.length) ci.roles = roles.length >= 2 ? roles : [...roles, { profile: "", roleArn: "" }];

  const policyFromLink = ["iss", "aud", "comp", "sub", ...PIN_NAMES.map((n) => `pin.${n}`)].some(has);
  return { pane, policy: { form, options, fromLink: policyFromLink }, pipeline: { form: ci, follows } };
}
