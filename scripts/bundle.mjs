#!/usr/bin/env node
// After tsc: bundles dist/cli.js and what it imports into dist/packed/ (one module per command's lazy
// import, shared chunks), because Node spends most of dfdoctor's start-up resolving, reading and
// linking ~200 small modules one by one (yaml alone is ~80 CommonJS files). The dependencies the
// analysis path loads go in the bundle, and so does execa, which every probe that runs a command
// loads (in a chunk of its own: `analyze` does not load it; bundled, `diagnose --since` on a large
// log took 0.92 × the wall time of resolving its ~60 files one by one). Those loaded only on some
// paths (systeminformation, undici, tar) stay in node_modules and are loaded when needed. A module that locates files from its own URL (import.meta.url)
// stays where tsc put it and is imported from there, so its relative paths keep working.
import { readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIST = join(ROOT, 'dist');
const OUT = join(DIST, 'packed');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const UNBUNDLED_DEPS = ['systeminformation', 'undici', 'tar'];
const external = Object.keys(pkg.dependencies).filter((d) => UNBUNDLED_DEPS.includes(d));

const keepInPlace = {
  name: 'keep-url-relative-modules',
  setup(b) {
    b.onResolve({ filter: /^\.\.?\// }, (args) => {
      const file = resolve(args.resolveDir, args.path);
      if (!file.startsWith(DIST) || file.startsWith(OUT)) return undefined;
      let text;
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        return undefined;
      }
      if (!text.includes('import.meta.url')) return undefined;
      const rel = relative(OUT, file).split('\\').join('/');
      return { path: rel.startsWith('.') ? rel : `./${rel}`, external: true };
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

await build({
  entryPoints: [join(DIST, 'cli.js')],
  outdir: OUT,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: [...external, ...external.map((d) => `${d}/*`)],
  plugins: [keepInPlace, yamlAsEsm],
  logLevel: 'warning',
  // whitespace and syntax only (less source for V8 to scan at each start: analyze about 6 % faster);
  // names stay, so a stack trace of an internal error still names its functions
  minifyWhitespace: true,
  minifySyntax: true,
  minifyIdentifiers: false,
  chunkNames: '[name]-[hash]',
  // bundled CommonJS (yaml, commander, cli-table3) calls require() for Node's built-ins
  banner: {
    js: "import { createRequire as __dfdoctorRequire } from 'node:module'; const require = __dfdoctorRequire(import.meta.url);",
  },
});
