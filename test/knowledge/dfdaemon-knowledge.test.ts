// The version tables are the one place a dfdaemon message, metric or config key may come from: every
// one the code matches must have an entry (release range + upstream source), and every entry must be
// read the way the table says by the real scanner.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { GO_KEYS, GO_MESSAGES, GO_MIRROR_PROXIES } from '../../src/knowledge/dfdaemon-go.js';
import type { MessageFact } from '../../src/knowledge/dfdaemon-log-messages.js';
import { DFDAEMON_METRICS } from '../../src/knowledge/dfdaemon-metrics.js';
import * as rust from '../../src/knowledge/dfdaemon-rust.js';
import { compareRelease, parseRelease, type VersionedFact } from '../../src/knowledge/versioned.js';
import { type LogEvent, LogScanner } from '../../src/parsers/dfdaemon-log.js';
import { GO_PATTERNS, RUST_PATTERNS } from '../../src/parsers/dfdaemon-log-patterns.js';
import { goJson, rustCompact } from '../facts/dfdaemon-loggen.js';
import { logScanWasm } from '../../src/bundle/wasm-modules.js';

const SRC = join(dirname(fileURLToPath(import.meta.url)), '../../src');
const read = (rel: string) => readFileSync(join(SRC, rel), 'utf8');
/** Every source file of the dfdaemon area (parsers, facts, rules; the rules are a folder of their own). */
const dfdaemonSources = ['parsers', 'facts', 'rules'].flatMap((d) =>
  readdirSync(join(SRC, d), { withFileTypes: true })
    .filter((f) => f.name.startsWith('dfdaemon'))
    .flatMap((f) =>
      f.isDirectory() ? readdirSync(join(SRC, d, f.name)).map((n) => `${d}/${f.name}/${n}`) : [`${d}/${f.name}`],
    ),
);

const isVersioned = (v: unknown): v is VersionedFact<unknown> =>
  typeof v === 'object' && v !== null && 'entries' in v && 'assumeWhenUnknown' in v;
const VERSIONED: VersionedFact<unknown>[] = [
  ...GO_MESSAGES,
  ...rust.RUST_MESSAGES,
  GO_MIRROR_PROXIES as VersionedFact<unknown>,
  ...(Object.values(rust) as unknown[]).filter(isVersioned),
];

describe('dfdaemon version tables', () => {
  it('give every entry a parseable, ordered, non-overlapping range and a source', () => {
    expect(VERSIONED.length).toBeGreaterThan(60);
    for (const f of VERSIONED) {
      expect(f.entries[f.assumeWhenUnknown], f.id).toBeDefined();
      let prevTo: ReturnType<typeof parseRelease> = null;
      for (const e of f.entries) {
        expect(e.source.length, f.id).toBeGreaterThan(5);
        const from = e.range.from === undefined ? null : parseRelease(e.range.from);
        const to = e.range.to === undefined ? null : parseRelease(e.range.to);
        if (e.range.from !== undefined) expect(from, `${f.id} from`).not.toBeNull();
        if (e.range.to !== undefined) expect(to, `${f.id} to`).not.toBeNull();
        if (from && to) expect(compareRelease(from, to), f.id).toBeLessThanOrEqual(0);
        if (prevTo && from) expect(compareRelease(prevTo, from), `${f.id}: entries overlap`).toBeLessThan(0);
        prevTo = to;
      }
    }
    expect(new Set(VERSIONED.map((f) => f.id)).size).toBe(VERSIONED.length);
  });

  it('hold every log pattern the scanner matches', () => {
    const inTable = (t: readonly MessageFact[], p: { prefix: string; contains?: string; kind: string }) =>
      t.some(
        (f) =>
          f.kind === p.kind && f.entries.some((e) => e.value.prefix === p.prefix && e.value.contains === p.contains),
      );
    for (const p of GO_PATTERNS)
      expect(inTable(GO_MESSAGES, p), `Go pattern "${p.prefix}" has no version-table entry`).toBe(true);
    for (const p of RUST_PATTERNS)
      expect(inTable(rust.RUST_MESSAGES, p), `Rust pattern "${p.prefix}" has no version-table entry`).toBe(true);
    // and no pattern is written into the parser by hand, beside the tables
    expect(read('parsers/dfdaemon-log-patterns.ts')).not.toMatch(/prefix: '/);
  });

  it('hold every metric name the dfdaemon code reads or names', () => {
    const known = new Set(DFDAEMON_METRICS.map((m) => m.name));
    const used = new Set<string>();
    for (const f of dfdaemonSources)
      for (const m of read(f).matchAll(/\b((?:dragonfly|process)_[a-z_]*[a-z])\b/g)) used.add(m[1] as string);
    expect(used.size).toBeGreaterThan(15);
    for (const name of used)
      expect(known.has(name), `metric ${name} has no version-table entry (src/knowledge/dfdaemon-metrics.ts)`).toBe(
        true,
      );
  });

  it('hold every config key the parser reads, each in its own generation', () => {
    const keysIn = (file: string) => {
      const text = read(file);
      const keys = new Set<string>();
      for (const m of text.matchAll(/get\(\[([^\]]*)\]/g))
        for (const k of (m[1] as string).matchAll(/'([^'$]+)'/g)) keys.add(k[1] as string);
      for (const m of text.matchAll(/(?:node|raw|list)(?:<\w+>)?\('([^'$]+)'/g)) keys.add(m[1] as string);
      return { text, keys };
    };
    const go = keysIn('parsers/dfdaemon-config-go.ts');
    const rs = keysIn('parsers/dfdaemon-config-rust.ts');
    const goKnown = new Set(GO_KEYS.map((k) => k.key));
    const rustKnown = new Set(rust.RUST_KEYS.map((k) => k.key));
    expect(go.keys.size + rs.keys.size).toBeGreaterThan(30);
    for (const k of go.keys) expect(goKnown.has(k), `Go config key ${k} has no version-table entry`).toBe(true);
    for (const k of rs.keys) expect(rustKnown.has(k), `Rust config key ${k} has no version-table entry`).toBe(true);
    // keys no release has (dragonflyoss/dragonfly v2.x peerhost.go; dragonflyoss/client dfdaemon.rs)
    for (const gone of ['proxy.listen.port', 'proxy.port', 'metrics.port', 'log.dir'])
      expect(go.text + rs.text).not.toContain(`'${gone}'`);
    // `console` is a Go key (cmd/dependency/base/option.go:21) but only a flag of the Rust client
    expect(rs.text).not.toContain("'console'");
  });

  it('are read by the scanner as the kind they declare, in every wording', () => {
    const T = Date.UTC(2024, 5, 21, 10, 0, 0);
    const lines: string[] = [];
    const want: string[] = [];
    for (const f of GO_MESSAGES) {
      for (const e of f.entries) {
        lines.push(
          goJson(T, e.value.level, 'peer/x.go:1', `${e.value.prefix}x${e.value.contains ?? ''} y`, {
            peer: 'p-1',
            task: 't-1',
          }),
        );
        want.push(`${f.id}:${f.kind}`);
      }
    }
    for (const f of rust.RUST_MESSAGES) {
      for (const e of f.entries) {
        const level = e.value.level.toUpperCase() as 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
        lines.push(
          rustCompact(
            T,
            level,
            'download_task',
            'dragonfly-client/src/resource/task.rs:1',
            `${e.value.prefix}x${e.value.contains ?? ''} y`,
            'task_id="t-1" peer_id="p-1"',
          ),
        );
        want.push(`${f.id}:${f.kind}`);
      }
    }
    const events: LogEvent[] = [];
    const s = new LogScanner(logScanWasm(), { file: 'x.log', onEvent: (e) => events.push(e) });
    s.push(Buffer.from(`${lines.join('\n')}\n`));
    s.end();
    expect(events.map((e, i) => `${want[i]?.split(':')[0]}:${e.kind}`)).toEqual(want);
  });
});
