import { setTimeout as sleep } from 'node:timers/promises';
import si from 'systeminformation';
import { defineProbe } from './context.js';
import { runCommand } from './exec.js';
import { readNodeFile } from './read-node.js';
import { withTimeout } from './with-timeout.js';
import { BUNDLE } from '../bundle/layout.js';

const STAT_INTERVAL_MS = 1000;
const DMESG_TAIL_LINES = 2000;

export const systemProbe = defineProbe({
  name: 'system',
  description:
    "host identity, CPU, memory, load, pressure stall averages, two /proc/stat samples with dfdoctor's own CPU time, kernel messages",
  budget: 0.15,
  async run(ctx) {
    const { out } = ctx;
    const missing: string[] = [];
    const copy = async (src: string, rel: string) => {
      const r = await readNodeFile(src, 1024 * 1024);
      if (r.kind === 'ok') await out.writeText(rel, r.text);
      else missing.push(r.reason);
      return r;
    };
    // pressure stall averages first: their avg60 then covers the minute before dfdoctor's own load
    const pressure: string[] = [];
    for (const kind of ['cpu', 'io', 'memory'] as const) {
      const r = await readNodeFile(`/proc/pressure/${kind}`);
      if (r.kind === 'ok') await out.writeText(BUNDLE.system.pressure[kind], r.text);
      else pressure.push(`${kind}: ${r.reason}`);
    }
    // /proc is the live kernel's even under --root: a DaemonSet with hostPID sees the host's here
    const self0 = await readNodeFile('/proc/self/stat');
    const s0 = await readNodeFile('/proc/stat');
    const t0 = Date.now();
    const uname = await runCommand('uname', ['-a'], { timeoutMs: 2000, signal: ctx.signal });
    if (uname.kind === 'ok') await out.writeText(BUNDLE.system.uname, uname.stdout);
    await copy(ctx.nodePath('/etc/os-release'), BUNDLE.system.osRelease);
    await copy('/proc/meminfo', BUNDLE.system.meminfo);
    await copy('/proc/loadavg', BUNDLE.system.loadavg);
    const dmesg = await runCommand('dmesg', ['--ctime', '--nopager'], {
      timeoutMs: 3000,
      signal: ctx.signal,
      maxBuffer: 32 * 1024 * 1024,
    });
    if (dmesg.kind === 'ok') {
      await out.writeText(BUNDLE.system.dmesg, `${dmesg.stdout.split('\n').slice(-DMESG_TAIL_LINES).join('\n')}\n`);
    } else {
      missing.push(`kernel messages: ${dmesg.reason}`);
    }
    let cpuModel: string | undefined;
    try {
      const cpu = await withTimeout(si.cpu(), 3000, ctx.signal);
      if (cpu) cpuModel = `${cpu.manufacturer} ${cpu.brand}`.trim();
    } catch {
      // the model is decoration; the CPU figures come from /proc/stat
    }
    if (ctx.schedule) {
      // the kernel keeps the counters: the second sample closes a window over the whole run
      ctx.schedule.background();
      const bound = sleep(Math.max(0, ctx.remainingMs() - 500), undefined, { signal: ctx.signal }).catch(() => {});
      await ctx.schedule.idle(Promise.race([ctx.schedule.othersDone(), bound]));
    }
    // alone (or in a run shorter than that), a window long enough for the counters to mean something
    const wait = STAT_INTERVAL_MS - (Date.now() - t0);
    if (wait > 0) await sleep(wait, undefined, { signal: ctx.signal });
    const s1 = await readNodeFile('/proc/stat');
    const self1 = await readNodeFile('/proc/self/stat');
    const statIntervalMs = Date.now() - t0;
    if (s0.kind === 'ok' && s1.kind === 'ok') {
      await out.writeText(BUNDLE.system.stat0, s0.text);
      await out.writeText(BUNDLE.system.stat1, s1.text);
      // dfdoctor's own CPU time over the same window, so that facts can take it out of "busy"
      if (self0.kind === 'ok' && self1.kind === 'ok') {
        await out.writeText(BUNDLE.system.selfStat0, self0.text);
        await out.writeText(BUNDLE.system.selfStat1, self1.text);
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
});
