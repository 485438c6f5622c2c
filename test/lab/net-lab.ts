import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MeasurementsSchema } from '../../src/bundle/measurements.js';
import { BIN, runCli } from '../helpers/cli.js';

// A network namespace per test, everything in it undone afterwards: the fault lab for the loopback
// and netfilter probes (docs/architecture.md#lab). Namespace names carry the pid and a counter so that parallel
// runs by other engineers never collide.

export const NET_LAB_TOOLS = ['ip', 'tc', 'iptables', 'iptables-save', 'iptables-restore', 'nft', 'ss'];

let counter = 0;

export interface NetNs {
  name: string;
  exec(cmd: string, args: string[], input?: string): string;
  /** Starts a long-running process inside the namespace; stopped by close(). */
  spawn(cmd: string, args: string[]): ChildProcess;
  /** Writes /etc/netns/<name>/<file>, which `ip netns exec` bind-mounts over /etc/<file>. */
  etcFile(file: string, text: string): void;
  diagnose(extra?: string[]): Promise<Report>;
  close(): void;
}

export interface Report {
  probes: Record<string, { status: string; reason?: string }>;
  measurements: {
    loopback?: {
      baseline?: {
        rttP50Ms: number;
        rttP99Ms: number;
        samples?: number;
        /** Absent when no bulk transfer completed (a lossy lo can stall every one). */
        throughput?: { MBps: number; bytes?: number; unixMBps?: number };
      };
      dfdaemon?: {
        endpoint: string;
        connectP50Ms: number | null;
        ttfbP50Ms: number | null;
        throughputMBps: number | null;
        responseUrl?: string;
        responseBytes?: number;
        endpoints?: { url: string; role: string; tcp: string; connectP50Ms: number | null }[];
      };
    };
  };
  diagnoses: { rule: string; cause: string; severity: string; evidence: string[] }[];
}

export function createNetNs(): NetNs {
  const name = `dfdnet-${process.pid}-${++counter}`;
  const children: ChildProcess[] = [];
  execFileSync('ip', ['netns', 'add', name]);
  let open = true;
  const ns: NetNs = {
    name,
    exec(cmd, args, input) {
      // stderr captured (nft warns about iptables-nft's tables there); it is in the error when a command fails
      return execFileSync('ip', ['netns', 'exec', name, cmd, ...args], {
        encoding: 'utf8',
        stdio: 'pipe',
        ...(input === undefined ? {} : { input }),
        maxBuffer: 64 << 20,
      });
    },
    spawn(cmd, args) {
      const c = spawn('ip', ['netns', 'exec', name, cmd, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      children.push(c);
      return c;
    },
    etcFile(file, text) {
      mkdirSync(`/etc/netns/${name}`, { recursive: true });
      writeFileSync(`/etc/netns/${name}/${file}`, text);
    },
    async diagnose(extra = []) {
      const r = await runCli(
        [
          'diagnose',
          '--probes',
          'loopback,netfilter',
          '--format',
          'json',
          '--fail-on',
          'never',
          '--timeout',
          '30',
          ...extra,
        ],
        {
          command: ['ip', 'netns', 'exec', name, process.execPath, BIN],
          timeoutMs: 90_000,
        },
      );
      if (r.code !== 0) throw new Error(`dfdoctor exited ${r.code}: ${r.stderr.slice(0, 2000)}`);
      const report = JSON.parse(r.stdout) as Report;
      // the JSON report writes the loopback throughput flat, as every version has (storedMeasurements):
      // read back through the schema, as a bundle is, it is the nested `throughput` the tests look at
      report.measurements = MeasurementsSchema.parse(report.measurements);
      return report;
    },
    close() {
      if (!open) return;
      open = false;
      for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
      try {
        execFileSync('ip', ['netns', 'del', name], { stdio: 'ignore' });
      } catch {
        // already gone
      }
      rmSync(`/etc/netns/${name}`, { recursive: true, force: true });
    },
  };
  try {
    ns.exec('ip', ['link', 'set', 'lo', 'up']);
  } catch (e) {
    ns.close();
    throw e;
  }
  return ns;
}

/** What the probes must not change: rules and qdiscs, with counters and timestamps left out. */
export function netState(ns: NetNs): string {
  const strip = (t: string) =>
    t
      .split('\n')
      .filter((l) => !l.startsWith('#'))
      .map((l) => l.replace(/\[\d+:\d+\]/g, '[]').replace(/counter packets \d+ bytes \d+/g, 'counter'))
      .join('\n');
  return [
    ns.exec('iptables-save', []),
    ns.exec('ip6tables-save', []),
    ns.exec('nft', ['list', 'ruleset']),
    ns.exec('tc', ['qdisc', 'show', 'dev', 'lo']),
  ]
    .map(strip)
    .join('\n----\n');
}

/** A tiny HTTP server inside the namespace on 127.0.0.1:port, standing in for dfdaemon's proxy listener. */
export async function startMirror(ns: NetNs, port: number): Promise<void> {
  const c = ns.spawn(process.execPath, [
    '-e',
    `require('node:http').createServer((q, s) => s.end('ok')).listen(${port}, '127.0.0.1', () => console.log('listening'))`,
  ]);
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('mirror did not start')), 10_000);
    c.stdout?.on('data', (d: Buffer) => {
      if (d.toString().includes('listening')) {
        clearTimeout(t);
        resolve();
      }
    });
    c.once('exit', (code) => {
      clearTimeout(t);
      reject(new Error(`mirror exited ${code}`));
    });
  });
}

/**
 * The dfdaemon stand-in (Rust client shape: proxy and metrics ports) as a process inside the
 * namespace. Its temp dirs are removed by the returned cleanup.
 */
export async function startStandinIn(ns: NetNs, ports: { proxy: number; metrics: number }): Promise<() => void> {
  const dir = mkdtempSync(join(tmpdir(), 'dfdoctor-netlab-'));
  const c = ns.spawn(process.execPath, [
    '--import',
    'tsx',
    'test/lab/standin/cli.ts',
    '--cache-dir',
    join(dir, 'cache'),
    '--log-dir',
    join(dir, 'log'),
    '--origin',
    'http://127.0.0.1:9',
    '--proxy-port',
    String(ports.proxy),
    '--metrics-port',
    String(ports.metrics),
  ]);
  const cleanup = () => {
    if (c.exitCode === null) c.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('stand-in did not start')), 30_000);
      let out = '';
      c.stdout?.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('proxyUrl')) {
          clearTimeout(t);
          resolve();
        }
      });
      c.once('exit', (code) => {
        clearTimeout(t);
        reject(new Error(`stand-in exited ${code}`));
      });
    });
  } catch (e) {
    cleanup();
    throw e;
  }
  return cleanup;
}

export const causes = (r: Report) => r.diagnoses.map((d) => d.cause);
export const rules = (r: Report) => r.diagnoses.map((d) => d.rule);
