// Loads the WebAssembly modules `npm run build` compiles from assembly/ into dist/wasm/: the dfdaemon log
// scanner (assembly/dfdaemon-log-scan.ts) for the parser (src/parsers/dfdaemon-log.ts), which is pure
// and takes the module as an argument, and the redactor's guard search (assembly/redact-triggers.ts).
// They live in this IO layer because both readers of logs may import the scanner: the facts (the logs in
// a bundle) and the probes (the logs on the node). Found next to this module's compiled file (dist/bundle
// → dist/wasm; the start-up bundle rewrites import.meta.url to that place), or, run from the sources
// (tests, tsx), in the build output.
import { readFileSync } from 'node:fs';

const compiled = new Map<string, WebAssembly.Module>();

/** The compiled module `name` (compiled once per process; each user instantiates its own memory). */
function wasmModule(name: string, what: string): WebAssembly.Module {
  const known = compiled.get(name);
  if (known) return known;
  for (const url of [
    new URL(`../wasm/${name}`, import.meta.url),
    new URL(`../../dist/wasm/${name}`, import.meta.url),
  ]) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(url);
    } catch {
      continue;
    }
    const m = new WebAssembly.Module(bytes);
    compiled.set(name, m);
    return m;
  }
  throw new Error(`${what} (${name}) is missing: run \`npm run build\``);
}

/** The dfdaemon log scanner. */
export function logScanWasm(): WebAssembly.Module {
  return wasmModule('dfdaemon-log-scan.wasm', 'the dfdaemon log scanner');
}

/** The search for the places of a text that a redaction rule could change. */
export function redactTriggersWasm(): WebAssembly.Module {
  return wasmModule('redact-triggers.wasm', "the redactor's guard search");
}
