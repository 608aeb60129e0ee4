// Adds to the wasm-bindgen glue of the page's module (target/page-module/, scripts/build.sh) the one
// function the page needs to run that module split in two (scripts/split-wasm): `attachSecondModule`,
// which instantiates the second half against the first and makes its exports callable through the
// glue's own functions. Patched in place; the single file (one unsplit module) carries the same glue
// and never calls it.
//   node scripts/page-glue.mjs <glue.js>
// The glue's internals it relies on (`wasm`, `wasmInstance`, the export line) are checked: a
// wasm-bindgen upgrade that changes them fails here, loudly, instead of in the page.

import { readFileSync, writeFileSync } from "node:fs";

const [file] = process.argv.slice(2);
if (!file) {
  console.error("usage: node scripts/page-glue.mjs <glue.js>");
  process.exit(2);
}
let glue = readFileSync(file, "utf8");
const expect = (pattern, what) => {
  const found = glue.match(pattern)?.length ?? 0;
  if (found !== 1) throw new Error(`page-glue: expected ${what} exactly once in ${file}, found ${found}`);
};
expect(/^let wasmModule, wasmInstance, wasm;$/gm, "the glue's module variables");
expect(/^\s*wasmInstance = instance;$/gm, "wasmInstance's assignment");
expect(/^export \{ initSync, __wbg_init as default \};$/gm, "the glue's export line");
if (glue.includes("attachSecondModule")) throw new Error(`page-glue: ${file} is already patched`);

glue = glue.replace(
  /^export \{ initSync, __wbg_init as default \};$/m,
  `/**
 * Instantiates the second half of the split module (scripts/split-wasm) against the first, which must
 * be initialised: it imports the first's memory, tables, globals and functions from the namespace "p",
 * its data segments write the read-only data only it reads into that memory as it is instantiated, and
 * its exports (the functions the first does not hold) join the ones this glue calls.
 * @param {WebAssembly.Module} module
 */
function attachSecondModule(module) {
    if (wasmInstance === undefined) throw new Error("attachSecondModule: the first module is not initialised");
    const instance = new WebAssembly.Instance(module, { p: wasmInstance.exports });
    wasm = { ...wasm, ...instance.exports };
}

export { initSync, __wbg_init as default, attachSecondModule };`,
);
writeFileSync(file, glue);
