import type { ProbeModule, ProbeContext } from './context.js';
import { type CommandResult, runCommand } from './exec.js';
import { readNodeFile } from './read-node.js';
import { BUNDLE } from '../bundle/layout.js';

// Read-only: *-save and `nft list` print the rulesets, /proc gives the conntrack figures. Nothing here
// adds, flushes or zeroes anything (iptables-save -c reads counters without resetting them).

const MAX_RULESET_BYTES = 256 * 1024 * 1024;

const hasRules = (text: string) => /^(\[\d+:\d+\]\s+)?-A\s/m.test(text);

async function save(
  ctx: ProbeContext,
  cmd: string,
  rel: string,
  problems: string[],
  share: number,
): Promise<CommandResult> {
  // a kube-proxy node's ruleset takes seconds to print on a busy node: give each dump a real share
  const r = await runCommand(cmd, ['-c'], {
    timeoutMs: Math.max(1000, ctx.remainingMs() * share),
    signal: ctx.signal,
    maxBuffer: MAX_RULESET_BYTES,
  });
  if (r.kind === 'ok') await ctx.out.writeText(rel, r.stdout, `\`${cmd} -c\``);
  else problems.push(r.reason);
  return r;
}

async function procNames(path: string): Promise<boolean> {
  // only ask the legacy backend when its tables exist: iptables-legacy-save would otherwise load ip_tables
  const r = await readNodeFile(path, 4096).catch(() => null);
  return r?.kind === 'ok' && r.text.trim() !== '';
}

async function readNumber(path: string): Promise<number | null> {
  const r = await readNodeFile(path, 64);
  if (r.kind !== 'ok') return null;
  const n = Number(r.text.trim());
  return Number.isFinite(n) ? n : null;
}

export const netfilterProbe: ProbeModule = {
  async run(ctx) {
    const problems: string[] = [];
    const v4 = await save(ctx, 'iptables-save', BUNDLE.net.iptables, problems, 0.5);
    const v6 = await save(ctx, 'ip6tables-save', BUNDLE.net.ip6tables, problems, 0.3);
    const header = v4.kind === 'ok' ? v4.stdout : v6.kind === 'ok' ? v6.stdout : '';
    const backend = /\(nf_tables\)/.test(header) ? 'nf_tables' : header ? 'legacy' : null;
    let other = 0;
    if (backend === 'nf_tables') {
      // the legacy backend runs beside nf_tables when something still uses it: a mode mismatch
      for (const [cmd, names, rel] of [
        ['iptables-legacy-save', '/proc/net/ip_tables_names', BUNDLE.net.iptablesLegacy],
        ['ip6tables-legacy-save', '/proc/net/ip6_tables_names', BUNDLE.net.ip6tablesLegacy],
      ] as const) {
        if (!(await procNames(names))) continue;
        const r = await runCommand(cmd, ['-c'], { timeoutMs: 10000, signal: ctx.signal, maxBuffer: MAX_RULESET_BYTES });
        if (r.kind === 'ok' && hasRules(r.stdout)) {
          await ctx.out.writeText(rel, r.stdout, `\`${cmd} -c\``);
          other++;
        }
      }
    } else if (backend === 'legacy') {
      for (const [cmd, rel] of [
        ['iptables-nft-save', BUNDLE.net.iptablesNft],
        ['ip6tables-nft-save', BUNDLE.net.ip6tablesNft],
      ] as const) {
        const r = await runCommand(cmd, ['-c'], { timeoutMs: 10000, signal: ctx.signal, maxBuffer: MAX_RULESET_BYTES });
        if (r.kind === 'ok' && hasRules(r.stdout)) {
          await ctx.out.writeText(rel, r.stdout, `\`${cmd} -c\``);
          other++;
        }
      }
    }
    const nft = await runCommand('nft', ['list', 'ruleset'], {
      timeoutMs: Math.max(1000, ctx.remainingMs() - 300),
      signal: ctx.signal,
      maxBuffer: MAX_RULESET_BYTES,
    });
    if (nft.kind === 'ok') await ctx.out.writeText(BUNDLE.net.nft, nft.stdout, '`nft list ruleset`');
    else problems.push(nft.reason);

    const count = await readNumber('/proc/sys/net/netfilter/nf_conntrack_count');
    const max = await readNumber('/proc/sys/net/netfilter/nf_conntrack_max');
    await ctx.out.writeJson(
      BUNDLE.net.conntrack,
      { count, max },
      '/proc/sys/net/netfilter/nf_conntrack_count and nf_conntrack_max',
    );

    const got = [v4, v6, nft].filter((r) => r.kind === 'ok').length;
    if (got === 0) {
      const denied = problems.some((p) => /permission denied|must be root|Operation not permitted/i.test(p));
      return {
        status: 'skipped',
        reason: denied
          ? `no permission to read the rulesets (run as root): ${problems.join('; ')}`
          : `no ruleset tool worked: ${problems.join('; ')}`,
        details: { conntrack: { count, max } },
      };
    }
    return {
      status: 'ok',
      ...(problems.length > 0 ? { reason: `partial: ${problems.join('; ')}` } : {}),
      details: { backend, otherBackendFiles: other },
    };
  },
};
