// The page's module split in two at the function level (scripts/split-wasm, scripts/build.sh), as the
// served page loads it (dist/www/pkg/, www/core.js): the first half alone serves step 1, the second half
// runs against the first's memory and writes into it the read-only data only the tools read, and the two
// together answer exactly as the package's module with every export does, for every fixture and every
// export the page calls.
// Run after scripts/build.sh (scripts/test.sh does both).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
const served = join(root, "dist/www/pkg");
const fixtures = join(root, "tests/fixtures");
const fixture = (path) => readFileSync(join(fixtures, path), "utf8");
const NOW = 1764000000 + 20 * 60;

const glueUrl = pathToFileURL(join(served, "gitlab_aws_oidc_page.js")).href;
const firstBytes = readFileSync(join(served, "gitlab_aws_oidc_page_bg.wasm"));
const secondBytes = readFileSync(join(served, "gitlab_aws_oidc_page_tools_bg.wasm"));

/** The package's module with every export: the reference. */
const whole = await import(pathToFileURL(join(root, "pkg/gitlab_aws_oidc.js")).href);
whole.initSync({ module: readFileSync(join(root, "pkg/gitlab_aws_oidc_bg.wasm")) });

/** A fresh copy of the page's glue (its own wasm instance): a query string makes a new module record. */
async function freshPage(name) {
  const page = await import(`${glueUrl}?${name}`);
  page.initSync({ module: firstBytes });
  return page;
}

/** What a call returns, or the error it throws (message, code, field), so both can be compared. */
function outcome(call) {
  try {
    return { value: call() };
  } catch (error) {
    return { error: { message: error.message, code: error.code, field: error.field, line: error.line } };
  }
}

async function outcomeAsync(call) {
  try {
    return { value: await call() };
  } catch (error) {
    return { error: { message: error.message, code: error.code, field: error.field } };
  }
}

const functionExports = (module) => WebAssembly.Module.exports(module).filter((e) => e.kind === "function").map((e) => e.name);
const glueInternal = (name) => name.startsWith("__") || name.startsWith("wasm_bindgen__");

test("the second half imports only what the first exports, and exports exactly the tools", () => {
  const first = new WebAssembly.Module(firstBytes);
  const second = new WebAssembly.Module(secondBytes);
  const firstExports = new Map(WebAssembly.Module.exports(first).map((e) => [e.name, e.kind]));
  const imports = WebAssembly.Module.imports(second);
  assert.ok(imports.length > 0);
  for (const { module, name, kind } of imports) {
    assert.equal(module, "p", `${name} comes from the first half`);
    assert.equal(firstExports.get(name), kind, `the first half exports ${name} as a ${kind}`);
  }
  // The split keeps what the inspector module exports in the first half and moves the rest of the tools.
  const inspector = new WebAssembly.Module(readFileSync(join(root, "pkg/gitlab_aws_oidc_inspector_bg.wasm")));
  const tools = new WebAssembly.Module(readFileSync(join(root, "pkg/gitlab_aws_oidc_tools_bg.wasm")));
  const api = (module) => functionExports(module).filter((name) => !glueInternal(name)).sort();
  assert.deepEqual(functionExports(second).sort(), api(tools));
  for (const name of api(inspector)) assert.ok(firstExports.has(name), `the first half exports ${name}`);
  for (const name of api(tools)) assert.ok(!firstExports.has(name), `the first half does not export ${name}`);
});

/** The bytes a module's active data segments write (address → byte), read straight from its binary. */
function dataImage(bytes) {
  let at = 8;
  const leb = (signed = false) => {
    let result = 0n;
    let shift = 0n;
    let byte;
    do {
      byte = bytes[at++];
      result |= BigInt(byte & 0x7f) << shift;
      shift += 7n;
    } while (byte & 0x80);
    if (signed && byte & 0x40) result -= 1n << shift;
    return Number(result);
  };
  const image = new Map();
  while (at < bytes.length) {
    const id = bytes[at++];
    const size = leb();
    const end = at + size;
    if (id === 11) {
      for (let count = leb(); count > 0; count--) {
        // Flags 0: active, memory 0, an `i32.const <address>; end` offset. The split writes no other kind.
        assert.equal(leb(), 0, "an active data segment of memory 0");
        assert.equal(bytes[at++], 0x41, "its address is an i32.const");
        const address = leb(true);
        assert.equal(bytes[at++], 0x0b);
        const length = leb();
        for (let i = 0; i < length; i++) image.set(address + i, bytes[at + i]);
        at += length;
      }
    }
    at = end;
  }
  return image;
}

test("the read-only data only the tools read moves to the second half, and no byte is lost or written twice", () => {
  const first = dataImage(firstBytes);
  const second = dataImage(secondBytes);
  const wholeImage = dataImage(readFileSync(join(root, "target/page-module/gitlab_aws_oidc_page_bg.wasm")));
  assert.ok(second.size > 16 * 1024, `the second half writes ${second.size} bytes of data`);
  for (const address of second.keys()) assert.ok(!first.has(address), `address ${address} is written by one half only`);
  // Together they write what the whole module writes (wasm-opt may leave out zeros: memory starts zeroed).
  const differences = [];
  for (const address of new Set([...first.keys(), ...second.keys(), ...wholeImage.keys()])) {
    const split = first.get(address) ?? second.get(address) ?? 0;
    if (split !== (wholeImage.get(address) ?? 0)) differences.push(address);
  }
  assert.deepEqual(differences.slice(0, 5), [], `${differences.length} bytes differ from the whole module's`);
});

test("the first half alone serves step 1; the tools answer only once the second half is attached", async () => {
  const page = await freshPage("alone");
  for (const name of readdirSync(join(fixtures, "tokens")).filter((f) => f.endsWith(".jwt"))) {
    const jwt = fixture(join("tokens", name)).trim();
    assert.deepEqual(page.inspectToken(jwt, NOW), whole.inspectToken(jwt, NOW), name);
  }
  // Its error texts too: the split moves data only the second half names, so these read the first's.
  for (const name of readdirSync(join(fixtures, "malformed"))) {
    const text = fixture(join("malformed", name));
    assert.deepEqual(outcome(() => page.inspectToken(text, NOW)), outcome(() => whole.inspectToken(text, NOW)), name);
  }
  assert.deepEqual(outcome(() => page.inspectToken("x", Number.NaN)), outcome(() => whole.inspectToken("x", Number.NaN)));
  const jwt = fixture("tokens/gitlab-com-main.jwt").trim();
  for (const name of readdirSync(join(fixtures, "keys")).filter((f) => f.endsWith(".json"))) {
    const keys = fixture(join("keys", name));
    assert.deepEqual(outcome(() => page.checkKeys(keys)), outcome(() => whole.checkKeys(keys)), name);
    assert.deepEqual(await outcomeAsync(() => page.verifyToken(jwt, keys)), await outcomeAsync(() => whole.verifyToken(jwt, keys)), name);
  }
  for (const keys of ["", "{", "[]", '{"keys":[{"kty":"EC"}]}', '{"keys":[{"kty":"RSA","n":"x","e":"AQAB"}]}']) {
    assert.deepEqual(outcome(() => page.checkKeys(keys)), outcome(() => whole.checkKeys(keys)), keys);
    assert.deepEqual(await outcomeAsync(() => page.verifyToken(jwt, keys)), await outcomeAsync(() => whole.verifyToken(jwt, keys)), keys);
  }
  assert.throws(() => page.lintTrustPolicy(fixture("lint/wide-open.json")), TypeError);
  page.attachSecondModule(new WebAssembly.Module(secondBytes));
  assert.deepEqual(page.lintTrustPolicy(fixture("lint/wide-open.json")), whole.lintTrustPolicy(fixture("lint/wide-open.json")));
  // Step 1 still answers the same once the tools share its memory.
  assert.deepEqual(page.inspectToken(jwt, NOW), whole.inspectToken(jwt, NOW));
});

test("the two halves answer as the whole module does: every export the page calls, on every fixture", async () => {
  const page = await freshPage("both");
  page.attachSecondModule(new WebAssembly.Module(secondBytes));
  const same = (what, call) => assert.deepEqual(outcome(() => call(page)), outcome(() => call(whole)), what);
  const tokens = readdirSync(join(fixtures, "tokens"))
    .filter((f) => f.endsWith(".jwt"))
    .map((f) => [f, fixture(join("tokens", f)).trim()]);
  const policies = readdirSync(join(fixtures, "lint")).map((f) => [f, fixture(join("lint", f))]);
  const specs = readdirSync(join(fixtures, "policy")).map((f) => [f, JSON.parse(fixture(join("policy", f)))]);
  const snippets = readdirSync(join(fixtures, "ci")).map((f) => [f, JSON.parse(fixture(join("ci", f)))]);
  const errors = readdirSync(join(fixtures, "diagnose"))
    .filter((f) => f.endsWith(".txt"))
    .map((f) => [f, fixture(join("diagnose", f))]);
  let calls = 0;
  const check = (what, call) => {
    same(what, call);
    calls += 1;
  };
  for (const [name, jwt] of tokens) {
    for (const options of [{}, { accountId: "123456789012" }, { accountId: "123456789012", refScope: "any-branch" }]) {
      check(`specForToken ${name}`, (m) => m.specForToken(jwt, options));
      check(`trustPolicyForToken ${name}`, (m) => m.trustPolicyForToken(jwt, options));
    }
    for (const [policyName, policy] of policies) {
      check(`evaluateTrustPolicy ${policyName} ${name}`, (m) => m.evaluateTrustPolicy(policy, jwt));
      check(`lintTrustPolicy ${policyName} ${name}`, (m) => m.lintTrustPolicy(policy, { token: jwt }));
    }
    for (const [errorName, text] of errors) {
      check(`diagnose ${errorName} ${name}`, (m) => m.diagnose(text, { token: jwt, policy: policies[0][1], nowSeconds: NOW }));
    }
  }
  for (const [name, policy] of policies) {
    check(`lintTrustPolicy ${name}`, (m) => m.lintTrustPolicy(policy));
    for (const [otherName, other] of policies) check(`compareTrustPolicies ${name} ${otherName}`, (m) => m.compareTrustPolicies(policy, other));
  }
  for (const [name, spec] of specs) check(`trustPolicy ${name}`, (m) => m.trustPolicy(spec));
  for (const [name, spec] of snippets) check(`ciSnippet ${name}`, (m) => m.ciSnippet(spec));
  for (const [name, text] of errors) check(`diagnose ${name}`, (m) => m.diagnose(text, {}));
  // Unusable input is thrown the same way from the second half (its errors are built in the first's memory).
  check("trustPolicy {}", (m) => m.trustPolicy({}));
  check("ciSnippet bad roles", (m) => m.ciSnippet({ kind: "multi-role", roles: [{ profile: "a", roleArn: "x" }] }));
  check("lintTrustPolicy not JSON", (m) => m.lintTrustPolicy('{\n  "Statement": [}'));
  assert.ok(calls > 500, `${calls} calls compared`);
});
