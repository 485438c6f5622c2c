// The node is untouched (issue 9 §6): a full `diagnose`, run inside a fresh network namespace that
// holds a few iptables and nft rules and a tbf qdisc on lo, leaves `iptables-save`, `nft list
// ruleset`, `tc qdisc show` of that namespace and the cache dir's listing byte-identical; a second
// run in the host's namespaces leaves the host's mounts (mountinfo) and the cache dir byte-identical.
// Needs root, iproute2, iptables and nftables.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, runCli } from '../helpers/cli.js';
import { announceSkip, labUnavailable } from '../helpers/lab.js';

const why = labUnavailable(['ip', 'iptables', 'iptables-save', 'nft', 'tc']);
if (why) announceSkip('hardening-untouched', why);

const NS = `dfd-h9-${process.pid}`;
let work: string;
let cache: string;

const inNs = (cmd: string, ...args: string[]) =>
  execFileSync('ip', ['netns', 'exec', NS, cmd, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** What must not change. Comment lines of iptables-save carry the time it ran; nft -s omits counters, which our own loopback traffic moves. */
function snapshot(): Record<string, string> {
  return {
    'iptables-save': inNs('iptables-save')
      .split('\n')
      .filter((l) => !l.startsWith('#'))
      .join('\n'),
    'ip6tables-save': inNs('ip6tables-save')
      .split('\n')
      .filter((l) => !l.startsWith('#'))
      .join('\n'),
    'nft list ruleset': inNs('nft', '-s', 'list', 'ruleset'),
    'tc qdisc show': inNs('tc', 'qdisc', 'show'),
    'cache dir': listing(cache),
  };
}

/** Every entry under `dir`: path, type, and for files size and mtime. */
function listing(dir: string): string {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(d, e.name);
      const st = statSync(p);
      out.push(
        e.isDirectory()
          ? `d ${relative(dir, p)}`
          : `f ${relative(dir, p)} ${st.size} ${st.mtimeMs} ${st.mode.toString(8)}`,
      );
      if (e.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out.join('\n');
}

beforeAll(async () => {
  if (why) return;
  work = await mkdtemp('/var/tmp/dfdoctor-h9-untouched-');
  // a dfdaemon (Rust) cache tree with a few finished tasks
  cache = join(work, 'cache');
  for (const t of ['a1b', 'c2d']) {
    const d = join(cache, 'content/tasks', t.slice(0, 3), `${t}${'0'.repeat(61)}`);
    await mkdir(d, { recursive: true });
    await writeFile(d.replace(/\/[^/]+$/, `/${t}${'0'.repeat(61)}.data`), Buffer.alloc(3 * 2 ** 20, 7));
  }
  await mkdir(join(cache, 'metadata'), { recursive: true });
  await writeFile(join(cache, 'metadata/CURRENT'), 'MANIFEST-000001\n');
  execFileSync('ip', ['netns', 'add', NS]);
  inNs('ip', 'link', 'set', 'lo', 'up');
  inNs(
    'iptables',
    '-A',
    'INPUT',
    '-i',
    'lo',
    '-p',
    'tcp',
    '--dport',
    '65001',
    '-m',
    'comment',
    '--comment',
    'dfdaemon proxy',
    '-j',
    'ACCEPT',
  );
  inNs(
    'iptables',
    '-A',
    'OUTPUT',
    '-p',
    'tcp',
    '--dport',
    '4001',
    '-m',
    'conntrack',
    '--ctstate',
    'NEW',
    '-j',
    'ACCEPT',
  );
  inNs(
    'iptables',
    '-t',
    'nat',
    '-A',
    'OUTPUT',
    '-p',
    'tcp',
    '-d',
    '127.0.0.1',
    '--dport',
    '5000',
    '-j',
    'REDIRECT',
    '--to-ports',
    '65001',
  );
  inNs('ip6tables', '-A', 'INPUT', '-i', 'lo', '-j', 'ACCEPT');
  inNs(
    'nft',
    'add table inet h9; add chain inet h9 c { type filter hook input priority 10; policy accept; }; add rule inet h9 c tcp dport 4002 counter accept',
  );
  inNs('tc', 'qdisc', 'add', 'dev', 'lo', 'root', 'tbf', 'rate', '1gbit', 'burst', '256kb', 'latency', '50ms');
}, 60_000);

afterAll(async () => {
  if (why) return;
  try {
    execFileSync('ip', ['netns', 'del', NS], { stdio: 'ignore' });
  } catch {
    // not created
  }
  if (work) await rm(work, { recursive: true, force: true });
});

describe('a full diagnose leaves the node as it found it', () => {
  it.skipIf(why)(
    'rules, qdiscs and the cache dir are byte-identical before and after, in a netns',
    async () => {
      const before = snapshot();
      // the rules are really there: otherwise the comparison means nothing
      expect(before['iptables-save']).toContain('--dport 65001');
      expect(before['nft list ruleset']).toContain('table inet h9');
      expect(before['tc qdisc show']).toContain('tbf');
      const tmp = join(work, 'tmp');
      await mkdir(tmp);
      const r = await runCli(
        [
          'diagnose',
          '--format',
          'json',
          '--timeout',
          '40',
          '--cache-dir',
          cache,
          '--disk-bytes',
          '32MiB',
          '--fail-on',
          'never',
        ],
        {
          command: ['ip', 'netns', 'exec', NS, process.execPath, BIN],
          env: { TMPDIR: tmp },
          timeoutMs: 120_000,
        },
      );
      expect(r.code, r.stderr).toBe(0);
      const probes = JSON.parse(r.stdout).probes as Record<string, { status: string; reason?: string }>;
      // the probes that could change something did run: the disk test wrote and removed its file, netfilter read the rules
      expect(probes.disk?.status, JSON.stringify(probes.disk)).toBe('ok');
      expect(probes.netfilter?.status, JSON.stringify(probes.netfilter)).toBe('ok');
      expect(probes.loopback?.status, JSON.stringify(probes.loopback)).toBe('ok');
      const after = snapshot();
      for (const k of Object.keys(before)) expect(after[k], `${k} changed`).toBe(before[k]);
      expect(await readdir(tmp)).toEqual([]);
    },
    150_000,
  );

  // `ip netns exec` gives the CLI a mount namespace of its own, so the host's mounts are compared
  // around a run in the host's namespaces too (run serially: another lab's loop mount would show here)
  it.skipIf(why)(
    "a diagnose in the host's namespaces leaves the host's mounts and the cache dir byte-identical",
    async () => {
      const before = { mounts: readFileSync('/proc/self/mountinfo', 'utf8'), cache: listing(cache) };
      const tmp = join(work, 'tmp-host');
      await mkdir(tmp);
      const r = await runCli(
        [
          'diagnose',
          '--format',
          'json',
          '--timeout',
          '40',
          '--cache-dir',
          cache,
          '--disk-bytes',
          '32MiB',
          '--fail-on',
          'never',
        ],
        {
          env: { TMPDIR: tmp },
          timeoutMs: 120_000,
        },
      );
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).probes.disk.status).toBe('ok');
      expect(readFileSync('/proc/self/mountinfo', 'utf8'), 'mounts changed').toBe(before.mounts);
      expect(listing(cache), 'cache dir changed').toBe(before.cache);
      expect(await readdir(tmp)).toEqual([]);
    },
    150_000,
  );
});
