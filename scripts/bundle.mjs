#!/usr/bin/env node
// After tsc: bundles dist/cli.js and what it imports into one CommonJS script, dist/packed/cli.cjs,
// because Node spent most of dfdoctor's start-up resolving, reading, linking and compiling ~200 small
// modules one by one (yaml alone is ~80 CommonJS files), and because V8's compiled code can be kept for
// a script (scripts/code-cache.mjs, bin/packed-cli.js) but not, in Node 20, for ES modules: `analyze` of
// the seed bundle took 0.82 × the wall time of the ES-module chunks this replaced (whole process, 11 alternating pairs).
// The dependencies the analysis path loads go in the bundle, and so does execa, which every probe that
// runs a command loads. Those loaded only on some paths (systeminformation, undici, tar) stay in
// node_modules and are loaded when needed.
import { readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIST = join(ROOT, 'dist');
const OUT = join(DIST, 'packed');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const UNBUNDLED_DEPS = ['systeminformation', 'undici', 'tar'];
const external = Object.keys(pkg.dependencies).filter((d) => UNBUNDLED_DEPS.includes(d));

// A module that locates files from its own URL (import.meta.url: the WebAssembly scanner, the example
// bundle, package.json) is bundled with that URL rewritten to the file it came from, relative to the
// bundle's own directory (__dirname in CommonJS), so its relative paths keep working.
const urlOfOrigin = {
  name: 'import-meta-url-of-origin',
  setup(b) {
    b.onLoad({ filter: /\.js$/ }, (args) => {
      if (!args.path.startsWith(DIST) || args.path.startsWith(OUT)) return undefined;
      const text = readFileSync(args.path, 'utf8');
      if (!text.includes('import.meta.url')) return undefined;
      const rel = relative(OUT, args.path).split('\\').join('/');
      return { contents: text.replaceAll('import.meta.url', `__dfdoctorUrlOf(${JSON.stringify(rel)})`), loader: 'js' };
    });
  },
};

// chunk names carry a content hash: without this, every build's chunks would pile up (and be packed)
rmSync(OUT, { recursive: true, force: true });
// yaml publishes the same code twice: CommonJS for Node (about 80 modules, each wrapped and run on
// load) and ES modules for browsers, which esbuild hoists into one scope and trims of what is unused.
// The two differ only in how a YAML warning is printed (console.warn rather than process.emitWarning).
const yamlAsEsm = {
  name: 'yaml-as-esm',
  setup(b) {
    const dir = dirname(createRequire(import.meta.url).resolve('yaml/package.json'));
    b.onResolve({ filter: /^yaml$/ }, () => ({ path: join(dir, 'browser/index.js') }));
  },
};

// commander requires child_process at its top for executable subcommands (`program.command(name,
// description)` run as a separate program), which dfdoctor has none of; loading it (with net and dgram)
// was the largest builtin of every start. Its require gets a stand-in that loads the module on first use.
const LAZY_BUILTINS = [{ importer: /[\\/]node_modules[\\/]commander[\\/]/, builtin: 'node:child_process' }];
const lazyBuiltins = {
  name: 'lazy-builtins',
  setup(b) {
    b.onResolve({ filter: /^node:/ }, (args) =>
      LAZY_BUILTINS.some((l) => l.builtin === args.path && l.importer.test(args.importer))
        ? { path: args.path, namespace: 'lazy-builtin' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => ({
      contents: `let m; module.exports = new Proxy({}, { get: (_, key) => (m ??= require(${JSON.stringify(args.path)}))[key] });`,
      loader: 'js',
    }));
  },
};

const OUTFILE = join(OUT, 'cli.cjs');
await build({
  entryPoints: [join(DIST, 'cli.js')],
  outfile: OUTFILE,
  bundle: true,
  // one CommonJS script, not ES modules: Node 20 keeps V8's compiled code of a script (vm.Script
  // cachedData) but has no such cache for ES modules, and compiling was the largest part of start-up.
  // A lazy import() in the sources still runs its module's code only when reached (esbuild wraps it)
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  external: [...external, ...external.map((d) => `${d}/*`)],
  // what stays in node_modules is loaded with require(), not import(): V8 loses a script's dynamic
  // import callback when the script comes from its code cache ("A dynamic import callback was not
  // specified", Node 20.20), and all three publish CommonJS
  supported: { 'dynamic-import': false },
  plugins: [urlOfOrigin, yamlAsEsm, lazyBuiltins],
  logLevel: 'warning',
  // whitespace and syntax only (less source for V8 to scan at each start: analyze about 6 % faster);
  // names stay, so a stack trace of an internal error still names its functions
  minifyWhitespace: true,
  minifySyntax: true,
  minifyIdentifiers: false,
  // the launcher reads the script as latin1 (a one-byte string, no UTF-8 decoding): esbuild escapes
  // every non-ASCII character, which this checks below
  charset: 'ascii',
  banner: {
    js: "const __dfdoctorUrlOf = (rel) => require('node:url').pathToFileURL(require('node:path').join(__dirname, rel)).href;",
  },
});
const text = readFileSync(OUTFILE);
const wide = text.findIndex((b) => b > 0x7f);
if (wide >= 0) throw new Error(`${OUTFILE}: byte ${wide} is not ASCII; bin/packed-cli.js reads the bundle as latin1`);
const dynamic = /\bimport\(\s*["'`]/.exec(text.toString('latin1'));
if (dynamic)
  throw new Error(`${OUTFILE}: an import() is left at byte ${dynamic.index}; it fails once V8's code cache is used`);
