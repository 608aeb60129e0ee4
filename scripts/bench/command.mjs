// The command's figure for scripts/bench.sh (issue 21's budget): `gitlab-aws-oidc inspect` as a
// cold process (a new node, the package's main module compiled and instantiated, one token
// inspected, the text printed) against `node -e ""`, the floor of any Node command. Runs the
// two interleaved, one process at a time, and compares their medians; budget: ≤ 3×.
// Prints figures and one PASS/MISS line; asserts nothing.
//
// Usage: node scripts/bench/command.mjs [--quick]
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const bin = join(root, "pkg/bin/gitlab-aws-oidc.mjs");
const token = readFileSync(join(root, "tests/fixtures/tokens/gitlab-com-main.jwt"), "utf8").trim();
const rounds = process.argv.includes("--quick") ? 7 : 25;
const BUDGET = 3;

/** Wall time of one process, in ms; throws if it does not exit as expected. */
function time(args, expected) {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { stdio: ["ignore", "ignore", "pipe"], env: { PATH: process.env.PATH, HOME: process.env.HOME } });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== expected) throw new Error(`${args.join(" ")} exited ${result.status}: ${result.stderr}`);
  return ms;
}

const inspect = [bin, "inspect", token, "--now", "1764000600"];
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
// One warm-up each (the file cache), not counted.
time(["-e", ""], 0);
time(inspect, 0);
const floor = [];
const command = [];
for (let i = 0; i < rounds; i++) {
  floor.push(time(["-e", ""], 0));
  command.push(time(inspect, 0));
}
const [a, b] = [median(floor), median(command)];
const ratio = b / a;
const range = (xs) => `${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)} ms`;
console.log(`node -e ""                        median ${a.toFixed(1)} ms (${range(floor)}), ${rounds} runs`);
console.log(`gitlab-aws-oidc inspect (cold)    median ${b.toFixed(1)} ms (${range(command)}), ${rounds} runs, interleaved`);
console.log(`${ratio <= BUDGET ? "PASS" : "MISS"} gitlab-aws-oidc inspect as a cold process ${ratio.toFixed(2)}× node -e "" (budget ≤ ${BUDGET}×)`);
