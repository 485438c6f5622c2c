import { setTimeout as sleep } from 'node:timers/promises';
import type { ProbeModule } from './context.js';
import { runCommand } from './exec.js';
import { readNodeFile } from './read-node.js';
import { withTimeout } from './with-timeout.js';
import { BUNDLE } from '../bundle/layout.js';

const STAT_INTERVAL_MS = 1000;
const DMESG_TAIL_LINES = 2000;

export const systemProbe: ProbeModule = {
  async run(ctx) {
    const { out } = ctx;
    const missing: string[] = [];
    const copy = async (src: string, rel: string, from = src) => {
      const r = await readNodeFile(src, 1024 * 1024);
      if (r.kind === 'ok') await out.writeText(rel, r.text, from);
      else missing.push(r.reason);
      return r;
    };
    // pressure stall averages first: their avg60 then covers the minute before dfdoctor's own load
    const pressure: string[] = [];
    for (const kind of ['cpu', 'io', 'memory'] as const) {
      const r = await readNodeFile(`/proc/pressure/${kind}`);
      if (r.kind === 'ok') await out.writeText(BUNDLE.system.pressure[kind], r.text, `/proc/pressure/${kind}`);
      else pressure.push(`${kind}: ${r.reason}`);
    }
    // /proc is the live kernel's even under --root: a DaemonSet with hostPID sees the host's here
    const self0 = await readNodeFile('/proc/self/stat');
    const s0 = await readNodeFile('/proc/stat');
    const t0 = Date.now();
    const uname = await runCommand('uname', ['-a'], { timeoutMs: 2000, signal: ctx.signal });
    if (uname.kind === 'ok') await out.writeText(BUNDLE.system.uname, uname.stdout, '`uname -a`');
    await copy(ctx.nodePath('/etc/os-release'), BUNDLE.system.osRelease, '/etc/os-release');
    await copy('/proc/meminfo', BUNDLE.system.meminfo);
    await copy('/proc/loadavg', BUNDLE.system.loadavg);
    ctx.progress('kernel messages');
    const dmesg = await runCommand('dmesg', ['--ctime', '--nopager'], {
      timeoutMs: 3000,
      signal: ctx.signal,
      maxBuffer: 32 * 1024 * 1024,
    });
    if (dmesg.kind === 'ok') {
      await out.writeText(
        BUNDLE.system.dmesg,
        `${dmesg.stdout.split('\n').slice(-DMESG_TAIL_LINES).join('\n')}\n`,
        `\`dmesg --ctime --nopager\`, its last ${DMESG_TAIL_LINES} lines`,
      );
    } else {
      missing.push(`kernel messages: ${dmesg.reason}`);
    }
    ctx.progress('CPU model');
    const cpuModel = await readCpuModel(ctx.signal);
    if (ctx.schedule) {
      // the kernel keeps the counters: the second sample closes a window over the whole run
      ctx.schedule.background();
      const bound = sleep(Math.max(0, ctx.remainingMs() - 500), undefined, { signal: ctx.signal }).catch(() => {});
      await ctx.schedule.idle(Promise.race([ctx.schedule.othersDone(), bound]));
    }
    // Alone, a window long enough for the counters to mean something. Beside the other probes the
    // window is the whole run, and with pressure stall figures (which judge CPU contention then) it
    // needs no minimum: no sleep past the last probe.
    const wait = ctx.schedule && pressure.length === 0 ? 0 : STAT_INTERVAL_MS - (Date.now() - t0);
    if (wait > 0) await sleep(wait, undefined, { signal: ctx.signal });
    const s1 = await readNodeFile('/proc/stat');
    const self1 = await readNodeFile('/proc/self/stat');
    const statIntervalMs = Date.now() - t0;
    if (s0.kind === 'ok' && s1.kind === 'ok') {
      const window = `${statIntervalMs} ms apart`;
      await out.writeText(BUNDLE.system.stat0, s0.text, `/proc/stat at the start of the run (${window})`);
      await out.writeText(BUNDLE.system.stat1, s1.text, `/proc/stat at its end (${window})`);
      // dfdoctor's own CPU time over the same window, so that facts can take it out of "busy"
      if (self0.kind === 'ok' && self1.kind === 'ok') {
        await out.writeText(
          BUNDLE.system.selfStat0,
          self0.text,
          `dfdoctor's /proc/self/stat at the start of the run (${window})`,
        );
        await out.writeText(BUNDLE.system.selfStat1, self1.text, `dfdoctor's /proc/self/stat at its end (${window})`);
      }
    } else {
      return { status: 'failed', reason: s0.kind !== 'ok' ? s0.reason : (s1 as { reason: string }).reason };
    }
    return {
      status: 'ok',
      ...(missing.length > 0 ? { reason: `partial: ${missing.join('; ')}` } : {}),
      details: {
        statIntervalMs,
        ...(cpuModel ? { cpuModel } : {}),
        ...(pressure.length > 0 ? { pressure: `not recorded (${pressure.join('; ')})` } : {}),
      },
    };
  },
};

/**
 * The CPU's name, for the report's header: the kernel's "model name" (x86), else what lscpu makes of
 * the CPU's ids (arm64 lists none in /proc/cpuinfo), through systeminformation — loaded only then.
 */
async function readCpuModel(signal: AbortSignal): Promise<string | undefined> {
  const info = await readNodeFile('/proc/cpuinfo', 1024 * 1024);
  const name = info.kind === 'ok' ? /^model name\s*:\s*(.+)$/m.exec(info.text)?.[1]?.trim() : undefined;
  if (name) return name;
  try {
    const { default: si } = await import('systeminformation');
    const cpu = await withTimeout(si.cpu(), 3000, signal);
    return cpu ? `${cpu.manufacturer} ${cpu.brand}`.trim() || undefined : undefined;
  } catch {
    // the model is decoration; the CPU figures come from /proc/stat
    return undefined;
  }
}
