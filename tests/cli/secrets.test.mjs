// The command never prints a token given to it: not the token, not any of its three segments,
// not its signature, in any command, format or error message, whether the token is valid, broken
// in one segment, or given in the wrong place. Real RS256 tokens are minted here with the
// test-only key (tests/fixtures/keys/test-rsa-2048.pem), then every output of every run is
// searched for every 16-character piece of every segment.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createSign } from "node:crypto";
import { join } from "node:path";
import { exports, files, fixture, install, runWith, shown } from "./harness.mjs";

const core = await exports();
let installed;
let dir;
before(() => {
  installed = install();
  dir = join(installed.work, "files");
  files(dir, { "doc.json": fixture("lint/gitlab-doc-current.json") });
});
after(() => installed?.cleanup());

const b64url = (data) => Buffer.from(data).toString("base64url");
const now = Math.floor(Date.now() / 1000);
const CLAIMS = { ...JSON.parse(fixture("tokens/gitlab-com-main.claims.json")), iat: now, nbf: now - 5, exp: now + 3600 };
const HEADER = { alg: "RS256", kid: "test-kid", typ: "JWT" };

/** A compact JWT signed with the test key, from header and payload text (either may be broken). */
function mint(header, payload) {
  const input = `${b64url(header)}.${b64url(payload)}`;
  const signer = createSign("RSA-SHA256");
  signer.update(input);
  return `${input}.${b64url(signer.sign(fixture("keys/test-rsa-2048.pem")))}`;
}

const valid = mint(JSON.stringify(HEADER), JSON.stringify(CLAIMS));
const [h, p, s] = valid.split(".");
/** Tokens, valid and broken in each part; `parts` are what must never be printed. */
const TOKENS = {
  valid,
  "header not JSON, payload valid": mint("{not json", JSON.stringify(CLAIMS)),
  "header not an object, payload valid": mint("[1,2]", JSON.stringify(CLAIMS)),
  "header with standard base64, payload valid": `${h.slice(0, 10)}+/${h.slice(12)}.${p}.${s}`,
  "payload not JSON": mint(JSON.stringify(HEADER), `{"sub": ${"x".repeat(40)}`),
  "signature not base64url": `${h}.${p}.${s.slice(0, 100)}!${s.slice(101)}`,
  "two segments": `${h}.${p}`,
  "four segments": `${valid}.${s}`,
  "wrapped across lines": valid.replace(/(.{76})/g, "$1\n"),
  expired: mint(JSON.stringify(HEADER), JSON.stringify({ ...CLAIMS, iat: now - 7200, nbf: now - 7205, exp: now - 3600 })),
  hs256: mint(JSON.stringify({ ...HEADER, alg: "HS256" }), JSON.stringify(CLAIMS)),
};

/** Every 16-character piece (every 4th start) of every segment and of the signature. */
function pieces(token) {
  const out = new Set();
  for (const segment of token.replace(/\s+/g, "").split(".")) {
    for (let i = 0; i + 16 <= segment.length; i += 4) out.add(segment.slice(i, i + 16));
    if (segment.length >= 8 && segment.length < 16) out.add(segment);
  }
  return [...out];
}

/** The runs for one token: every command that reads a token, each source and format, and the wrong places. */
function runsFor(token) {
  const T = ["--token-env", "GITLAB_OIDC_TOKEN"];
  const runs = [];
  for (const format of ["text", "json"]) {
    runs.push({ args: ["inspect", token, "--format", format] });
    runs.push({ args: ["inspect", "-", "--format", format], input: token });
    runs.push({ args: ["inspect", ...T, "--format", format] });
    runs.push({ args: ["explain", "--policy", "own.json", token, "--format", format] });
    runs.push({ args: ["explain", "--policy", "own.json", "-", "--format", format], input: token });
    runs.push({ args: ["explain", "--policy", "own.json", ...T, "--client-ids", "x", "--format", format] });
    runs.push({ args: ["diagnose", "--error-file", "error.txt", ...T, "--policy", "own.json", "--format", format] });
    runs.push({ args: ["diagnose", "-", "--format", format], input: `curl -H "Authorization: Bearer ${token}"\nAn error occurred (InvalidIdentityToken) when calling the AssumeRoleWithWebIdentity operation: Couldn't retrieve verification key from your identity provider\n` });
  }
  for (const format of ["policy", "role", "cli", "terraform", "cloudformation", "json"]) {
    runs.push({ args: ["generate", token, "--account-id", "123456789012", "--format", format] });
  }
  runs.push({ args: ["generate", ...T, "--account-id", "123456789012", "--format", "json"] });
  runs.push({ args: ["generate", "-", "--account-id", "123456789012", "--format", "json"], input: token });
  // The token where something else belongs.
  for (const format of ["text", "json"]) {
    runs.push({ args: ["explain", "--policy", token, ...T, "--format", format] });
    runs.push({ args: ["explain", "--policy", "token.txt", ...T, "--format", format] });
    runs.push({ args: ["explain", "--policy", "-", ...T, "--format", format], input: token });
    runs.push({ args: ["explain", "--policy", "doc.json", "--claims", "token.txt", "--format", format] });
    runs.push({ args: ["generate", "--spec", "token.txt", "--format", format === "text" ? "policy" : "json"] });
    runs.push({ args: ["snippet", "--spec", "token.txt", "--format", format === "text" ? "yaml" : "json"] });
    runs.push({ args: ["snippet", "--role-arn", "arn:aws:iam::123456789012:role/x", "--policy", "token.txt", "--format", format === "text" ? "yaml" : "json"] });
    runs.push({ args: ["diff", "token.txt", "doc.json", "--format", format] });
    runs.push({ args: ["diff", "doc.json", token, "--format", format] });
    runs.push({ args: ["lint", "token.txt", "--format", format] });
    runs.push({ args: ["inspect", "--token-env", token, "--format", format] });
    runs.push({ args: ["inspect", `--token=${token}`, "--format", format] });
    runs.push({ args: [token, "--format", format] });
  }
  return runs;
}

/** Runs `jobs` two at a time. */
async function pool(jobs, work) {
  const results = [];
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await work(jobs[i]);
    }
  };
  await Promise.all([worker(), worker()]);
  return results;
}

for (const [name, token] of Object.entries(TOKENS)) {
  test(`never printed: ${name}`, async () => {
    const own = core.trustPolicyForToken(valid, { accountId: "123456789012" }).policy;
    const tokenDir = files(join(dir, name.replace(/\W+/g, "-")), {
      "own.json": own,
      "token.txt": token,
      "error.txt": "An error occurred (AccessDenied) when calling the AssumeRoleWithWebIdentity operation: Not authorized to perform sts:AssumeRoleWithWebIdentity\n",
      "doc.json": fixture("lint/gitlab-doc-current.json"),
    });
    const needles = pieces(token);
    const runs = runsFor(token);
    const results = await pool(runs, (run) => runWith(installed.bin, run.args, { cwd: tokenDir, input: run.input, env: { GITLAB_OIDC_TOKEN: token } }));
    const statuses = new Set();
    for (const [i, result] of results.entries()) {
      const label = runs[i].args.map((a) => (a === token ? "<token>" : a.includes(token) ? a.replace(token, "<token>") : a)).join(" ");
      statuses.add(result.status);
      assert.ok([0, 1, 2].includes(result.status), `${label}: ${shown(result)}`);
      assert.ok(result.stdout.length + result.stderr.length > 0, `${label}: says something`);
      const output = result.stdout + result.stderr;
      const leaked = needles.find((piece) => output.includes(piece));
      assert.equal(leaked, undefined, `${label} printed a piece of the token (exit ${result.status})`);
    }
    // The runs reach both the answers and the errors.
    assert.ok(statuses.has(2), "some runs are errors");
    if (name === "valid") assert.ok(statuses.has(0), "some runs succeed");
  });
}
