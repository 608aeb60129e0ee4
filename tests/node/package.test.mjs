// The generated npm package (pkg/) as users consume it in Node 20.
// Run after scripts/build.sh (scripts/test.sh does both).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync, readdirSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
const pkg = join(root, "pkg");
const fixture = (path) => readFileSync(join(root, "tests/fixtures", path), "utf8");
const NOW = 1764000000 + 20 * 60;

const { default: init, inspectToken, lintTrustPolicy, ciSnippet, compareTrustPolicies, diagnose, evaluateTrustPolicy, trustPolicyForToken } = await import(join(pkg, "gitlab_aws_oidc.js"));
await init({ module_or_path: readFileSync(join(pkg, "gitlab_aws_oidc_bg.wasm")) });

test("inspectToken explains a gitlab.com token", () => {
  const result = inspectToken(fixture("tokens/gitlab-com-main.jwt"), NOW);
  assert.deepEqual(result.claims, JSON.parse(fixture("tokens/gitlab-com-main.claims.json")));
  assert.equal(result.providerHost, "gitlab.com");
  assert.deepEqual(result.subject.components.map((c) => `${c.name}=${c.value}`), [
    "project_path=acme/platform/deployer",
    "ref_type=branch",
    "ref=main",
  ]);
  const projectId = result.explanations.find((e) => e.claim === "project_id");
  assert.equal(projectId.awsConditionKey, "gitlab.com:project_id");
  assert.equal(result.times.validity, "valid");
  assert.deepEqual(result.findings.map((f) => f.code), ["TOK017"]);
});

test("errors are thrown with a stable code", () => {
  for (const [file, code] of [
    ["malformed/empty.txt", "token.empty"],
    ["malformed/five-segments-jwe.txt", "token.segments"],
    ["malformed/payload-std-base64.txt", "token.payload.base64"],
  ]) {
    assert.throws(() => inspectToken(fixture(file), NOW), (error) => {
      assert.ok(error instanceof Error);
      assert.equal(error.code, code);
      assert.match(error.message, /^token /);
      return true;
    });
  }
});

test("errors say where: the field's path, or the line and column of a policy that is not JSON", () => {
  assert.throws(() => lintTrustPolicy('{\n  "Version": "2012-10-17",\n  "Statement": [}'), (error) => {
    assert.equal(error.code, "policy.json");
    assert.deepEqual([error.line, error.column, error.field], [3, 17, undefined]);
    return true;
  });
  const arn = "arn:aws:iam::123456789012:role/x";
  const roles = [{ profile: "dev", roleArn: arn }, { profile: "dev", roleArn: arn }];
  assert.throws(() => ciSnippet({ kind: "multi-role", roles }), (error) => {
    assert.equal(error.code, "snippet.roles");
    assert.equal(error.field, "roles[1].profile");
    assert.equal(error.line, undefined);
    return true;
  });
});

test("ciSnippet checks the job against the trust policy as users hold it (issue 20)", () => {
  const recipe = JSON.parse(fixture("ci/recipe.spec.json"));
  const codes = (spec) => ciSnippet(spec).findings.map((f) => f.code);
  assert.deepEqual(codes(recipe), ["CI004", "CI006", "CI010", "CI007"]);
  const text = JSON.stringify(recipe.policy, null, 2);
  const getRole = { Role: { RoleName: "dev-web-console-identity", Arn: recipe.roleArn, AssumeRolePolicyDocument: encodeURIComponent(JSON.stringify(recipe.policy)) } };
  for (const policy of [text, getRole, JSON.stringify(getRole), getRole.Role]) {
    assert.deepEqual(ciSnippet({ ...recipe, policy }).findings, ciSnippet(recipe).findings, JSON.stringify(policy));
  }
  const [account] = ciSnippet(recipe).findings;
  assert.equal(account.path, "$.Statement[0].Principal.Federated");
  assert.match(account.message, /^statement 0 trusts the provider arn:aws:iam::123487226531:oidc-provider\/gitlab\.com, but the role .* is in account 676487226531/);
  for (const [policy, field, line] of [
    [{ audience: "sts.amazonaws.com", providerArm: "x" }, "policy.providerArm", undefined],
    [{ Role: { AssumeRolePolicyDocument: "%7" } }, "policy.Role.AssumeRolePolicyDocument", undefined],
    ['{\n  "Statement": [,]\n}', "policy", 2],
    [42, "policy", undefined],
  ]) {
    assert.throws(() => ciSnippet({ roleArn: recipe.roleArn, policy }), (error) => {
      assert.equal(error.code, "snippet.policy");
      assert.equal(error.field, field);
      assert.equal(error.line, line);
      return true;
    }, JSON.stringify(policy));
  }
});

/**
 * Asserts that a packed file list is exactly what a user needs: the package's own README and both licence
 * texts, every export in one module and the same core as two smaller modules (the inspector and the tools),
 * each with its types, verifyToken's inline-JavaScript snippet, the gitlab-aws-oidc command (bin/), and
 * package.json.
 * @param {string[]} paths
 */
function assertShipsWhatUsersNeed(paths) {
  const files = [...paths].sort();
  // wasm-bindgen names the inline-JavaScript directory with a hash.
  const snippets = files.filter((f) => f.startsWith("snippets/"));
  assert.equal(snippets.length, 1, `one inline snippet: ${snippets}`);
  assert.match(snippets[0], /^snippets\/gitlab-aws-oidc-[0-9a-f]+\/inline0\.js$/);
  // The command: its entry point and the modules beside it, as in the repository's bin/.
  const bin = files.filter((f) => f.startsWith("bin/"));
  assert.deepEqual(bin, ["bin/cli/commands.mjs", "bin/cli/common.mjs", "bin/cli/text.mjs", "bin/gitlab-aws-oidc.mjs"]);
  assert.deepEqual(files.filter((f) => !f.startsWith("snippets/") && !f.startsWith("bin/")), [
    "LICENSE-APACHE",
    "LICENSE-MIT",
    "README.md",
    ...["gitlab_aws_oidc", "gitlab_aws_oidc_inspector", "gitlab_aws_oidc_tools"].flatMap((name) => [
      `${name}.d.ts`,
      `${name}.js`,
      `${name}_bg.wasm`,
      `${name}_bg.wasm.d.ts`,
    ]),
    "package.json",
  ]);
}

test("npm pack --dry-run: exactly the files a user needs, the package's README and both licences", () => {
  const [packed] = JSON.parse(execFileSync("npm", ["pack", "--dry-run", "--json", pkg], { encoding: "utf8" }));
  assertShipsWhatUsersNeed(packed.files.map((f) => f.path));
  // The README is the one for package users (npm/README.md), not the repository's; the licences are the crate's.
  for (const [shipped, source] of [["README.md", "npm/README.md"], ["LICENSE-MIT", "LICENSE-MIT"], ["LICENSE-APACHE", "LICENSE-APACHE"]]) {
    assert.equal(readFileSync(join(pkg, shipped), "utf8"), readFileSync(join(root, source), "utf8"), shipped);
  }
  const manifest = JSON.parse(readFileSync(join(pkg, "package.json"), "utf8"));
  assert.equal(manifest.license, "MIT OR Apache-2.0");
  // The command, executable as npm links it.
  assert.deepEqual(manifest.bin, { "gitlab-aws-oidc": "./bin/gitlab-aws-oidc.mjs" });
  assert.equal(packed.files.find((f) => f.path === "bin/gitlab-aws-oidc.mjs").mode & 0o111, 0o111, "the bin is executable");
  // Where the project lives is written only when Cargo.toml says it: never guessed.
  const cargo = readFileSync(join(root, "Cargo.toml"), "utf8");
  const repository = /^repository = "([^"]*)"/m.exec(cargo)?.[1];
  if (repository) {
    assert.equal(manifest.repository.url, `git+${repository.replace(/\.git$/, "")}.git`);
  } else {
    for (const field of ["repository", "homepage", "bugs"]) assert.equal(manifest[field], undefined, field);
  }
});

test("no module that ships names a directory of the machine that built it", () => {
  // A panic's location keeps its source file's name; scripts/build.sh writes the dependencies' and the
  // standard library's relative to their crate (indexmap-2.14.2/src/map.rs), never under the home directory.
  const modules = [
    ...readdirSync(pkg).filter((f) => f.endsWith(".wasm")).map((f) => join(pkg, f)),
    ...readdirSync(join(root, "dist/www/pkg")).filter((f) => f.endsWith(".wasm")).map((f) => join(root, "dist/www/pkg", f)),
  ];
  assert.ok(modules.length >= 5, `the package's three modules and the page's two halves: ${modules}`);
  // (A home directory or checkout at "/" would match everything: only longer ones are looked for.)
  const machine = [homedir(), root.replace(/\/$/, ""), "/registry/src/", "/rustlib/src/"].filter((path) => path.length > 1);
  for (const module of modules) {
    const text = readFileSync(module).toString("latin1");
    for (const path of machine) assert.ok(!text.includes(path), `${module} names ${path}`);
  }
  // The file names are still there, written from their crate's directory: the loop above finds no path
  // because none is written, not because the names are gone.
  assert.match(readFileSync(join(pkg, "gitlab_aws_oidc_bg.wasm")).toString("latin1"), /[a-z_-]+-\d+\.\d+\.\d+\/src\/[a-z_\/]+\.rs/);
});

test("npm pack ships a package that installs and imports by name", () => {
  const work = mkdtempSync(join(tmpdir(), "gao-pack-"));
  const packed = JSON.parse(execFileSync("npm", ["pack", pkg, "--json", "--pack-destination", work], { encoding: "utf8" }));
  assertShipsWhatUsersNeed(packed[0].files.map((f) => f.path));
  const app = join(work, "app");
  execFileSync("mkdir", ["-p", app]);
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app", private: true, type: "module" }));
  const tarball = readdirSync(work).find((f) => f.endsWith(".tgz"));
  execFileSync("npm", ["install", "--offline", "--no-audit", "--no-fund", join(work, tarball)], { cwd: app, stdio: "pipe" });
  // The README's Node example, verbatim in spirit.
  writeFileSync(
    join(app, "main.mjs"),
    `import { readFile } from "node:fs/promises";
import init, { inspectToken, verifyToken } from "gitlab-aws-oidc";
await init({ module_or_path: await readFile(new URL(import.meta.resolve("gitlab-aws-oidc/gitlab_aws_oidc_bg.wasm"))) });
const { providerHost, findings } = inspectToken(process.argv[2], ${NOW});
console.log(providerHost, findings.map((f) => f.code).join(","));
// verifyToken's WebCrypto calls live in the shipped snippet.
const verdict = await verifyToken(process.argv[3], process.argv[4]);
console.log(verdict.code);
`,
  );
  const out = execFileSync(
    "node",
    ["main.mjs", fixture("tokens/self-managed-relative-root.jwt"), fixture("tokens/gitlab-com-main.jwt"), fixture("keys/jwks.json")],
    { cwd: app, encoding: "utf8" },
  );
  assert.deepEqual(out.trim().split("\n"), ["gitlab.example.com/gitlab TOK017", "verified"]);

  // The two smaller entry points, by name: each its own init() and wasm, the same results.
  writeFileSync(
    join(app, "parts.mjs"),
    `import { readFile } from "node:fs/promises";
import initInspector, { inspectToken, verifyToken } from "gitlab-aws-oidc/inspector";
import initTools, { trustPolicyForToken, lintTrustPolicy } from "gitlab-aws-oidc/tools";
import * as inspector from "gitlab-aws-oidc/inspector";
import * as tools from "gitlab-aws-oidc/tools";
const wasm = (name) => readFile(new URL(import.meta.resolve(\`gitlab-aws-oidc/\${name}_bg.wasm\`)));
await initInspector({ module_or_path: await wasm("gitlab_aws_oidc_inspector") });
await initTools({ module_or_path: await wasm("gitlab_aws_oidc_tools") });
const [token, signed, keys] = process.argv.slice(2);
console.log(JSON.stringify(inspectToken(token, ${NOW})));
console.log((await verifyToken(signed, keys)).code);
const { policy } = trustPolicyForToken(token, { accountId: "123456789012" });
console.log(JSON.stringify({ policy, findings: lintTrustPolicy(policy, { token }) }));
console.log(["trustPolicy" in inspector, "inspectToken" in tools].join(","));
`,
  );
  const parts = execFileSync(
    "node",
    ["parts.mjs", fixture("tokens/self-managed-relative-root.jwt"), fixture("tokens/gitlab-com-main.jwt"), fixture("keys/jwks.json")],
    { cwd: app, encoding: "utf8" },
  )
    .trim()
    .split("\n");
  const self = fixture("tokens/self-managed-relative-root.jwt");
  assert.deepEqual(JSON.parse(parts[0]), inspectToken(self, NOW));
  assert.equal(parts[1], "verified");
  const { policy } = trustPolicyForToken(self, { accountId: "123456789012" });
  assert.deepEqual(JSON.parse(parts[2]), { policy, findings: lintTrustPolicy(policy, { token: self }) });
  assert.equal(parts[3], "false,false", "each part exports only its own functions");
});

test("inspectToken's result is the same object in every module, catalog texts included", () => {
  // The inspector's boundary sends the claim catalog's texts once and puts them back in each result.
  const token = fixture("tokens/gitlab-doc-example.jwt");
  const first = inspectToken(token, NOW);
  const again = inspectToken(token, NOW);
  assert.deepEqual(again, first);
  const known = first.explanations.filter((e) => e.known);
  assert.ok(known.length > 10);
  for (const e of known) {
    assert.equal(typeof e.meaning, "string");
    assert.ok(e.meaning.length > 0, e.claim);
    assert.equal(typeof e.presence, "string");
    assert.ok(e.presence.length > 2, e.claim);
  }
  for (const e of first.explanations.filter((x) => !x.known)) {
    assert.equal(e.meaning, undefined);
    assert.equal(e.presence, undefined);
  }
  // Keys in the documented order, as JSON.stringify shows them.
  assert.deepEqual(Object.keys(known[0]).slice(0, 5), ["claim", "value", "known", "meaning", "presence"]);
});

test("the TypeScript types are precise: a strict consumer compiles, misuse does not", () => {
  for (const name of ["gitlab_aws_oidc", "gitlab_aws_oidc_inspector", "gitlab_aws_oidc_tools"]) {
    const dts = readFileSync(join(pkg, `${name}.d.ts`), "utf8");
    // wasm-bindgen's raw export table (InitOutput) types its externref glue as `any`;
    // everything a user calls or receives must be precise.
    const api = dts
      .replace(/export interface InitOutput \{[\s\S]*?\n\}/, "")
      .replace(/\/\*[\s\S]*?\*\//g, "") // prose in doc comments may say "any branch"
      .replace(/\/\/.*$/gm, "")
      .replace(/"[^"\n]*"/g, '""'); // and string literal types such as "any-branch"
    assert.match(dts, /export interface InitOutput \{/, name);
    assert.doesNotMatch(api, /\bany\b/, `no \`any\` in the published API types of ${name}`);
  }
  const tsc = join(root, "node_modules/.bin/tsc");
  const config = ["--noEmit", "--strict", "--target", "es2022", "--module", "es2022", "--moduleResolution", "bundler", "--lib", "es2022,dom"];
  execFileSync(tsc, [...config, join(root, "tests/node/consumer.ts")], { stdio: "pipe" });
  const work = mkdtempSync(join(tmpdir(), "gao-ts-"));
  const bad = join(work, "bad.ts");
  writeFileSync(bad, `import { inspectToken } from ${JSON.stringify(join(pkg, "gitlab_aws_oidc.js"))};\nconst n: number = inspectToken("", 0).providerHost;\n`);
  assert.throws(
    () => execFileSync(tsc, [...config, bad], { stdio: "pipe" }),
    (error) => /TS2322: Type 'string \| null' is not assignable to type 'number'/.test(String(error.stdout)),
  );
  // The inspector's entry point declares only its own functions.
  const wrongPart = join(work, "wrong-part.ts");
  writeFileSync(wrongPart, `import { trustPolicy } from ${JSON.stringify(join(pkg, "gitlab_aws_oidc_inspector.js"))};\nconsole.log(trustPolicy);\n`);
  assert.throws(
    () => execFileSync(tsc, [...config, wrongPart], { stdio: "pipe" }),
    (error) => /TS2614: Module .* has no exported member 'trustPolicy'/.test(String(error.stdout)),
  );
  // A misspelt field of a trustPolicy result is caught before run time, as the core refuses it then.
  writeFileSync(bad, `import { ciSnippet } from ${JSON.stringify(join(pkg, "gitlab_aws_oidc.js"))};\nciSnippet({ policy: { audience: "a", providerArm: "b" } });\n`);
  assert.throws(
    () => execFileSync(tsc, [...config, bad], { stdio: "pipe" }),
    (error) => /TS2353: Object literal may only specify known properties, and 'providerArm' does not exist/.test(String(error.stdout)),
  );
});

test("compareTrustPolicies: a widened ref is new access, with a witness the evaluator allows only under the new policy", () => {
  // GitLab's documented policy, with a real account where it says AWS_ACCOUNT: IAM matches no
  // principal ARN with a placeholder in it, so as written it admits no token at all.
  const before = fixture("lint/gitlab-doc-current.json").replace("AWS_ACCOUNT", "123456789012");
  const after = before.replace('"StringEquals"', '"StringLike"').replace(/ref:main"/g, 'ref:*"');
  assert.notEqual(after, before);
  const result = compareTrustPolicies(before, after);
  assert.equal(result.verdict, "new-access");
  assert.ok(result.newlyAdmittedCount >= 1);
  for (const change of result.newlyAdmitted) {
    assert.equal(evaluateTrustPolicy(after, change.witness).allowed, true, change.description);
    assert.equal(evaluateTrustPolicy(before, change.witness).allowed, false, change.description);
  }
  assert.equal(compareTrustPolicies(after, before).verdict, "no-new-access");
  assert.throws(() => compareTrustPolicies(before, after, { issuer: 1 }), (error) => error.code === "context.invalid" && error.field === "issuer");
});

test("diagnose: the AWS CLI's AccessDenied against a token and the policy that refuses it, and the fix it offers admits the token", () => {
  const jwt = fixture("tokens/gitlab-com-feature-branch.jwt").trim();
  const policy = fixture("lint/gitlab-doc-current.json");
  const text = "An error occurred (AccessDenied) when calling the AssumeRoleWithWebIdentity operation: Not authorized to perform sts:AssumeRoleWithWebIdentity";
  const result = diagnose(text, { token: jwt, policy, nowSeconds: 1764001200 });
  assert.equal(result.error.code, "AccessDenied");
  assert.equal(result.error.client, "aws-cli");
  assert.equal(result.error.operation, "AssumeRoleWithWebIdentity");
  const denies = result.causes.find((c) => c.id === "trust-policy-denies");
  assert.equal(evaluateTrustPolicy(policy, jwt).allowed, false);
  assert.equal(denies?.verdict, "confirmed");
  if (denies.fix?.policy) assert.equal(evaluateTrustPolicy(denies.fix.policy, jwt).allowed, true, denies.fix.description);
  // Unusable context is the only throw; an unreadable error text is an answer.
  assert.throws(() => diagnose(text, { maxSessionDuration: "1h" }), (error) => error.code === "diagnose.context" && error.field === "maxSessionDuration");
  assert.equal(diagnose("hello", {}).error.code, "unknown");
});
