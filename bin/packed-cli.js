// Loads the start-up bundle (dist/packed/cli.cjs, written by scripts/bundle.mjs) with V8's compiled code
// for it, when `npm run build` left that code for this Node and these flags (scripts/code-cache.mjs).
// Compiling the bundle's source was the largest part of dfdoctor's start-up, and Node 20 keeps compiled
// code only for scripts (vm.Script cachedData), not for ES modules. The code is read, never written
// here: a run changes nothing on the node. When V8 refuses it (another Node, other flags, a rebuilt
// bundle) the source is compiled as it would be without it.
const { readFileSync, statSync } = require('node:fs');
const { dirname, join } = require('node:path');
const { createRequire } = require('node:module');
const { pathToFileURL } = require('node:url');
const { Script } = require('node:vm');

/**
 * Where the compiled code of `file` for this Node and these flags is kept: V8 checks its own version, the
 * source and the flags (a heap limit included) before using it, and a cache made under other flags is
 * refused, so each flag set has its file.
 */
function codeCachePath(file) {
  const flags =
    process.execArgv.map((a) => a.replace(/^-+/, '').replace(/[^A-Za-z0-9=.-]+/g, '_')).join('_') || 'default';
  return `${file}.${process.version}-${process.arch}.${flags}.v8cache`;
}

/** Runs the bundle and returns its exports ({ main }) and the Script it was compiled as. */
function loadPacked(file) {
  // the bundle is ASCII (scripts/bundle.mjs checks): latin1 makes a one-byte string without UTF-8 decoding
  const source = readFileSync(file, 'latin1');
  let cachedData;
  try {
    cachedData = readFileSync(codeCachePath(file));
  } catch {
    cachedData = undefined;
  }
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: file,
    ...(cachedData ? { cachedData } : {}),
  });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file));
  return { exports: module.exports, script, cacheRejected: cachedData ? script.cachedDataRejected === true : null };
}

/**
 * The CLI's main(): from the bundle `npm run build` writes (dist/packed/cli.cjs: one script, where tsc's
 * output is ~200 modules that Node resolves, reads and compiles one by one), unless it is missing or older
 * than a later plain `tsc`.
 */
async function loadMain() {
  const packed = join(__dirname, '../dist/packed/cli.cjs');
  const plain = join(__dirname, '../dist/cli.js');
  const p = statSync(packed, { throwIfNoEntry: false });
  const t = statSync(plain, { throwIfNoEntry: false });
  if (p && (!t || p.mtimeMs >= t.mtimeMs)) return loadPacked(packed).exports.main;
  return (await import(pathToFileURL(plain).href)).main;
}

module.exports = { codeCachePath, loadPacked, loadMain };
