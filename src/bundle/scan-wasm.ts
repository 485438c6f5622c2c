// Loads the compiled dfdaemon log scanner (assembly/dfdaemon-log-scan.ts → dist/wasm/, built by
// `npm run build`) for the parser (src/parsers/dfdaemon-log.ts), which is pure and takes the module as
// an argument. It lives in this IO layer because both readers of logs may import it: the facts (the
// logs in a bundle) and the probes (the logs on the node). Found next to this module's compiled file
// (dist/bundle → dist/wasm; the start-up bundle rewrites import.meta.url to that place), or, run from
// the sources (tests, tsx), in the build output.
import { readFileSync } from 'node:fs';

const NAME = 'dfdaemon-log-scan.wasm';
const CANDIDATES = [new URL(`../wasm/${NAME}`, import.meta.url), new URL(`../../dist/wasm/${NAME}`, import.meta.url)];

let compiled: WebAssembly.Module | undefined;

/** The compiled scanner module (compiled once per process; each scan instantiates its own memory). */
export function logScanWasm(): WebAssembly.Module {
  if (compiled) return compiled;
  for (const url of CANDIDATES) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(url);
    } catch {
      continue;
    }
    compiled = new WebAssembly.Module(bytes);
    return compiled;
  }
  throw new Error(`the dfdaemon log scanner (${NAME}) is missing: run \`npm run build\``);
}
