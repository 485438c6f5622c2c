// The Dockerfile cannot be built here (no Docker daemon); this checks what can be checked offline:
// stages, the non-root user, that every COPY source exists and survives .dockerignore, and that the
// runtime stage's node_modules (production dependencies only) covers every package the built CLI imports.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { filesUnder } from '../helpers/fixture-files.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
const ignore = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l !== '' && !l.startsWith('#'));
// logical lines (continuations joined)
const lines = dockerfile
  .replace(/\\\n/g, ' ')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l !== '' && !l.startsWith('#'));
const stages: { from: string; name?: string; lines: string[] }[] = [];
for (const l of lines) {
  const m = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i.exec(l);
  if (m) stages.push({ from: m[1] as string, ...(m[2] ? { name: m[2] } : {}), lines: [] });
  else stages.at(-1)?.lines.push(l);
}
/** As Docker reads .dockerignore: the last pattern that matches the path or one of its parents wins, `!` lets it in. */
const ignored = (p: string) => {
  const parents = p.split('/').map((_, i, a) => a.slice(0, i + 1).join('/'));
  const matches = (g: string) => {
    const re = new RegExp(
      `^${g
        .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
        .replace(/\*\*\//g, '\0')
        .replace(/\*/g, '[^/]*')
        .replace(/\0/g, '(?:.*/)?')}$`,
    );
    return parents.some((q) => re.test(q));
  };
  let out = false;
  for (const g of ignore) {
    if (g.startsWith('!')) {
      if (matches(g.slice(1))) out = false;
    } else if (matches(g)) out = true;
  }
  return out;
};

/** The files of a COPY source, relative to the repository: itself, or every file under it. */
function copiedFiles(src: string): string[] {
  const full = join(ROOT, src);
  if (!statSync(full).isDirectory()) return [src];
  return filesUnder(full).map((p) => p.slice(ROOT.length));
}

describe('Dockerfile', () => {
  it('is multi-stage on a slim Node 20 image, and the runtime stage ends non-root', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile).toMatch(/ARG NODE_IMAGE=node:20-[a-z]+-slim/);
    const runtime = stages.at(-1) as (typeof stages)[number];
    const user = runtime.lines.filter((l) => /^USER /.test(l)).at(-1);
    expect(user).toMatch(/^USER [1-9]\d*(:[1-9]\d*)?$/);
    expect(runtime.lines).toContain('ENTRYPOINT ["dfdoctor"]');
    // the build toolchain stays in the build stage
    expect(runtime.lines.join('\n')).not.toMatch(/npm (ci|install)\b/);
  });

  it('copies only files that exist and that .dockerignore lets into the context', () => {
    const copies = lines.filter((l) => /^COPY /.test(l) && !/--from=/.test(l));
    expect(copies.length).toBeGreaterThan(0);
    for (const c of copies) {
      const parts = c
        .split(/\s+/)
        .slice(1)
        .filter((p) => !p.startsWith('--'));
      for (const src of parts.slice(0, -1)) {
        expect(existsSync(join(ROOT, src)), src).toBe(true);
        // a directory goes in whole: none of its files may be left out (the example bundle's core.log
        // against "**/*.log")
        for (const f of copiedFiles(src)) expect(ignored(f), `${f} is excluded by .dockerignore`).toBe(false);
      }
    }
    for (const heavy of ['node_modules', 'dist', '.git', 'test']) expect(ignored(heavy), heavy).toBe(true);
    // the launcher the ENTRYPOINT links to
    expect(dockerfile).toContain('ln -s /opt/dfdoctor/bin/dfdoctor.js /usr/local/bin/dfdoctor');
    // the entrypoint runs the launcher by its shebang, which also caps the heap
    expect(readFileSync(join(ROOT, 'bin/dfdoctor.js'), 'utf8')).toMatch(
      /^#!\/usr\/bin\/env -S node --max-old-space-size=\d+\n/,
    );
  });

  it('installs the Debian tools the probes run', () => {
    // containerd: the image's `ctr` talks to the node's containerd socket
    for (const tool of ['iproute2', 'iptables', 'nftables', 'conntrack', 'util-linux', 'containerd'])
      expect(dockerfile).toMatch(new RegExp(`install[^\\n]*\\b${tool}\\b`));
  });

  it('the production dependencies cover every package the built CLI imports', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const deps = new Set(Object.keys(pkg.dependencies));
    const builtins = new Set(builtinModules);
    const missing = new Set<string>();
    expect(existsSync(join(ROOT, 'dist/cli.js')), 'run `npx tsc -p .` first').toBe(true);
    for (const p of filesUnder(join(ROOT, 'dist'))) {
      if (!p.endsWith('.js') && !p.endsWith('.cjs')) continue;
      const src = readFileSync(p, 'utf8');
      for (const m of src.matchAll(
        /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|(?:import|require)\(\s*['"]([^'"]+)['"]\s*\)/g,
      )) {
        const spec = (m[1] ?? m[2]) as string;
        if (spec.startsWith('.') || spec.startsWith('node:') || builtins.has(spec)) continue;
        const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : (spec.split('/')[0] as string);
        if (!deps.has(name)) missing.add(`${name} (${p.slice(ROOT.length)})`);
      }
    }
    expect([...missing]).toEqual([]);
  });
});
