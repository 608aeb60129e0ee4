// Reads `cargo bench --bench core` (divan) output on stdin and prints the
// wildcard benchmarks' medians per input size, per character: linear matching
// keeps time / size flat as the size grows.
// Usage: cargo bench --bench core | node scripts/bench/divan-summary.mjs

import { readFileSync } from "node:fs";

const UNIT_NS = { ns: 1, "µs": 1e3, us: 1e3, ms: 1e6, s: 1e9 };
const lines = readFileSync(0, "utf8").split("\n");
const groups = new Map();
let inWildcard = false;
let group = "";
for (const line of lines) {
  // Tree rows: "<indent>├─ name   fastest │ slowest │ median │ mean │ samples │ iters".
  const row = /^[│ ]*[├╰]─ (\S+)(.*)$/.exec(line);
  if (!row) continue;
  const [, name, rest] = row;
  const depth = line.indexOf(name);
  if (depth <= 3) {
    inWildcard = name === "wildcard";
    continue;
  }
  if (!inWildcard) continue;
  const columns = rest.split("│").map((c) => c.trim());
  if (!/^\d+$/.test(name)) {
    group = name;
    continue;
  }
  const [value, unit] = (columns[2] ?? "").split(/\s+/);
  if (!(unit in UNIT_NS)) continue;
  const size = Number(name);
  if (!groups.has(group)) groups.set(group, []);
  groups.get(group).push({ size, text: `${value} ${unit}`, perChar: (Number(value) * UNIT_NS[unit]) / size });
}

for (const [name, rows] of groups) {
  const cells = rows.map((r) => `${String(r.size).padStart(6)}: ${r.text.padEnd(9)} (${r.perChar.toFixed(1)} ns/char)`);
  const drift = rows.at(-1).perChar / rows[0].perChar;
  const growth = rows.at(-1).size / rows[0].size;
  console.log(`  ${name}`);
  console.log(`    ${cells.join(", ")}`);
  console.log(
    `    ${growth}× the input → ${(drift * growth).toFixed(1)}× the time (per character ${drift.toFixed(2)}×: ${
      drift < 1.5 ? "linear" : "NOT linear"
    })`,
  );
}
if (groups.size === 0) console.log("  (no wildcard figures in the divan output)");
