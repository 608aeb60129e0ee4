// Node figures for scripts/bench.sh: the built npm package (pkg/) against jose's
// decodeJwt on the same fixture tokens, and the generate + lint + evaluate
// pipeline per token. Prints figures only; asserts nothing about time.
//
// Usage: node scripts/bench/node.mjs [--quick]
// (--quick: shorter rounds, for a smoke run; figures are noisier.)

import { readFileSync, readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { decodeJwt } from "jose";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const { initSync, inspectToken, trustPolicyForToken, lintTrustPolicy, evaluateTrustPolicy } = await import(
  pathToFileURL(join(root, "pkg/gitlab_aws_oidc.js")).href
);
initSync({ module: readFileSync(join(root, "pkg/gitlab_aws_oidc_bg.wasm")) });

const quick = process.argv.includes("--quick");
/** Each round runs for at least this long; a figure is the median of its rounds. */
const ROUND_MS = quick ? 40 : 150;
const ROUNDS = quick ? 3 : 5;

const tokenDir = join(root, "tests/fixtures/tokens");
const tokens = readdirSync(tokenDir)
  .filter((name) => name.endsWith(".jwt"))
  .sort()
  .map((name) => ({ name: name.slice(0, -4), text: readFileSync(join(tokenDir, name), "utf8").trim() }));

// 2025-11-24T16:10:00Z: ten minutes into the fixture tokens' hour (the core never reads the clock).
const NOW = 1_764_000_600;

let sink = 0;

/** Operations per second of `fn` over one round of at least `ms`. */
function round(fn, ms) {
  let ops = 0;
  let batch = 1;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    for (let i = 0; i < batch; i++) sink ^= fn() ? 1 : 0;
    ops += batch;
    batch = Math.min(batch * 2, 256);
    now = performance.now();
  }
  return ops / ((now - start) / 1000);
}

/**
 * Measures each function in interleaved rounds (a, b, c, a, b, c, …) after a warm-up
 * (JIT, wasm tier-up, allocator), so background load hits all alike. Returns, per
 * function, { opsPerSec, usPerOp } of its median round.
 */
function measure(...fns) {
  for (const fn of fns) round(fn, ROUND_MS);
  const rates = fns.map(() => []);
  for (let r = 0; r < ROUNDS; r++) fns.forEach((fn, i) => rates[i].push(round(fn, ROUND_MS)));
  return rates.map((rs) => {
    const opsPerSec = median(rs);
    return { opsPerSec, usPerOp: 1e6 / opsPerSec };
  });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const fmtOps = (n) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)}k` : n.toFixed(0));
const fmtUs = (us) => (us >= 1000 ? `${(us / 1000).toFixed(2)} ms` : `${us.toFixed(1)} µs`);
const pad = (s, n) => String(s).padEnd(n);
const lpad = (s, n) => String(s).padStart(n);

console.log(`node ${process.version}, ${ROUNDS} rounds of ≥ ${ROUND_MS} ms per figure (median round)`);

// --- inspectToken vs jose.decodeJwt -----------------------------------------------------------
// Only tokens both accept (decodeJwt refuses what is not a JWS with a JSON object payload).
const both = tokens.filter((t) => {
  try {
    decodeJwt(t.text);
    inspectToken(t.text, NOW);
    return true;
  } catch {
    return false;
  }
});
const skipped = tokens.filter((t) => !both.includes(t)).map((t) => t.name);

console.log("\ninspectToken (decode + explain + findings + times, JSON across the boundary) vs jose 6 decodeJwt (decode only)");
console.log(`${pad("tokens", 34)}${lpad("inspectToken", 14)}${lpad("decodeJwt", 14)}${lpad("ratio", 9)}`);
const row = (label, ours, jose, n = 1) =>
  console.log(
    `${pad(label, 34)}${lpad(fmtUs(ours.usPerOp / n), 14)}${lpad(fmtUs(jose.usPerOp / n), 14)}${lpad(
      `${(ours.usPerOp / jose.usPerOp).toFixed(1)}×`,
      9,
    )}`,
  );
// The whole set as one workload (every token once per call), then a few on their own:
// the example token, the largest (GitLab's documented example) and the smallest (legacy v1).
const [allOurs, allJose] = measure(
  () => both.every((t) => inspectToken(t.text, NOW)),
  () => both.every((t) => decodeJwt(t.text)),
);
row(`all ${both.length} fixture tokens, per token`, allOurs, allJose, both.length);
for (const name of ["gitlab-com-main", "gitlab-doc-example", "legacy-v1"]) {
  const t = both.find((x) => x.name === name);
  if (!t) continue;
  const [ours, jose] = measure(
    () => inspectToken(t.text, NOW),
    () => decodeJwt(t.text),
  );
  row(`${t.name} (${t.text.length} B)`, ours, jose);
}
console.log(
  `inspectToken ${fmtOps((1e6 * both.length) / allOurs.usPerOp)} tokens/s, decodeJwt ${fmtOps(
    (1e6 * both.length) / allJose.usPerOp,
  )} tokens/s: inspectToken takes ${(allOurs.usPerOp / allJose.usPerOp).toFixed(1)}× decodeJwt's time`,
);
if (skipped.length) console.log(`(not compared, decodeJwt refuses them: ${skipped.join(", ")})`);

// --- generate + lint + evaluate per token ---------------------------------------------------------
console.log("\ngenerate + lint + evaluate per token (trustPolicyForToken → lintTrustPolicy with the token → evaluateTrustPolicy)");
const options = { accountId: "123456789012" };
const usable = tokens.filter((t) => {
  try {
    trustPolicyForToken(t.text, options);
    return true;
  } catch {
    return false; // no usable iss/sub/aud: nothing to generate (the error itself is tested elsewhere)
  }
});
const policies = new Map(usable.map((t) => [t.name, trustPolicyForToken(t.text, options).policy]));
const pipeline = (t) => {
  const policy = trustPolicyForToken(t.text, options).policy;
  return lintTrustPolicy(policy, { token: t.text }) && evaluateTrustPolicy(policy, t.text);
};
const [gen, lint, evaluate, whole] = measure(
  () => usable.every((t) => trustPolicyForToken(t.text, options)),
  () => usable.every((t) => lintTrustPolicy(policies.get(t.name), { token: t.text })),
  () => usable.every((t) => evaluateTrustPolicy(policies.get(t.name), t.text)),
  () => usable.every(pipeline),
);
const n = usable.length;
console.log(`${pad("step (per token)", 34)}${lpad("time", 12)}${lpad("tokens/s", 12)}`);
for (const [label, m] of [
  ["trustPolicyForToken", gen],
  ["lintTrustPolicy (token context)", lint],
  ["evaluateTrustPolicy", evaluate],
  ["pipeline (all three)", whole],
]) {
  console.log(`${pad(label, 34)}${lpad(fmtUs(m.usPerOp / n), 12)}${lpad(fmtOps((1e6 * n) / m.usPerOp), 12)}`);
}
const denied = usable.filter((t) => !evaluateTrustPolicy(policies.get(t.name), t.text).allowed).map((t) => t.name);
console.log(
  `over the ${n} fixture tokens a policy can be generated for (${denied.length ? `denied: ${denied.join(", ")}` : "each admitted by its own policy"})`,
);
if (sink === 2) console.log(""); // keeps `sink` observable
