// A hung dfdaemon against a real containerd 1.6 resolver: the mirror accepts the TCP connection and never
// answers. containerd's hosts transport has a dial timeout but no response timeout, so the pull does not
// fall back to the origin — it waits (until image_pull_progress_timeout on 1.7+, for ever on 1.6). A
// refused mirror, by contrast, falls back at once. dfdoctor's mirror check must call the first one hung.
// And a black-holed one (SYNs dropped): each request waits out the 30 s dial timeout, then falls back.
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type Server, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { announceSkip, labUnavailable } from '../helpers/lab.js';
import {
  CONTAINERD_LAB_TOOLS,
  type Containerd,
  type ContainerdLab,
  freeLoopbackPort,
  type Registry,
  withContainerdLab,
} from './containerd-lab.js';

const why = labUnavailable(CONTAINERD_LAB_TOOLS);
const whyBlackHole = why ?? labUnavailable(['python3']);
if (why) announceSkip('containerd with a hung mirror', why);

/** Accepts, reads, never answers: a dfdaemon stuck after accept. */
async function startSilent(): Promise<{ url: string; accepted: () => number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server: Server = createServer((s) => {
    accepted++;
    sockets.add(s);
    s.on('error', () => undefined);
    s.resume();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    accepted: () => accepted,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

const WAIT_MS = 8000;

/**
 * A port whose SYNs are dropped, with no firewall rule: a listener that never accepts, its accept queue
 * filled by one held connection (Linux drops a SYN when the queue is full), as a DROP rule would.
 */
async function startBlackHole(): Promise<{ url: string; close: () => void }> {
  const script = [
    'import socket, time',
    "s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen(0)",
    'port = s.getsockname()[1]; held = []',
    'for i in range(8):',
    '    c = socket.socket(); c.settimeout(0.5)',
    '    try:',
    "        c.connect(('127.0.0.1', port)); held.append(c)",
    '    except OSError:',
    '        print(port, flush=True); break',
    'time.sleep(600)',
  ].join('\n');
  const p: ChildProcess = spawn('python3', ['-c', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    p.stdout?.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
    p.once('exit', (c) => reject(new Error(`black hole exited ${c}`)));
  });
  return { url: `http://127.0.0.1:${port}`, close: () => p.kill('SIGKILL') };
}

/** A registry on loopback with one small image pushed to it. */
async function imageInRegistry(lab: ContainerdLab, repoTag: string): Promise<{ reg: Registry; ref: string }> {
  const reg = await lab.startRegistry();
  const img = await lab.buildImage({ layers: [{ bytes: 256 << 10 }] });
  return { reg, ref: await lab.push(img, reg, repoTag) };
}

/** dfdoctor's containerd.mirror-fallback diagnosis (if any) on a lab containerd whose mirror is dfdaemon's proxy. */
async function mirrorVerdict(
  cd: Containerd,
  proxyUrl: string,
): Promise<{ severity: string; evidence: string[]; impactSeconds?: number } | undefined> {
  const r = await runCli(
    [
      'diagnose',
      '--probes',
      'dfdaemon,containerd',
      '--dfdaemon-proxy',
      proxyUrl,
      '--containerd-config',
      cd.configFile,
      '--containerd-address',
      cd.address,
      '--format',
      'json',
      '--fail-on',
      'never',
      '--timeout',
      '20',
    ],
    { timeoutMs: 60_000 },
  );
  expect(r.code, r.stderr).toBe(0);
  const rep = JSON.parse(r.stdout) as {
    diagnoses: { rule: string; severity: string; evidence: string[]; impactSeconds?: number }[];
  };
  return rep.diagnoses.find((x) => x.rule === 'containerd.mirror-fallback');
}

describe('containerd with a hung dfdaemon as its mirror', () => {
  it.skipIf(why)(
    'waits on the hung mirror instead of falling back (a refused one falls back at once), and dfdoctor calls it hung',
    async () => {
      await withContainerdLab(async (lab) => {
        const { reg, ref } = await imageInRegistry(lab, 'lab/hung:v1');
        const silent = await startSilent();
        try {
          const hungDir = await lab.writeHostsToml(reg.host, { server: reg.url, hosts: [{ url: silent.url }] });
          const refusedDir = await lab.writeHostsToml(reg.host, {
            server: reg.url,
            hosts: [{ url: `http://127.0.0.1:${await freeLoopbackPort()}` }],
          });
          // the CRI plugin loaded, as on a node: its config_path is what dfdoctor reads back from `containerd config dump`
          const cd = await lab.startContainerd({ configPath: hungDir });

          // the control: nothing listens on the mirror's port, containerd falls back to the registry
          const refused = await lab.pull(cd, ref, { hostsDir: refusedDir, timeoutMs: 60_000 });
          expect(refused.ok, refused.output).toBe(true);
          expect(refused.wallSeconds).toBeLessThan(WAIT_MS / 1000);
          await lab.removeImage(cd, ref);

          // the hung mirror: still waiting when we give up, never reaching the registry that would serve it
          const hung = await lab.pull(cd, ref, { hostsDir: hungDir, timeoutMs: WAIT_MS });
          expect(hung.ok, hung.output).toBe(false);
          expect(hung.wallSeconds).toBeGreaterThanOrEqual(WAIT_MS / 1000 - 0.5);
          expect(silent.accepted()).toBeGreaterThan(0);
          console.log(
            `[lab] containerd ${cd.version.split(' ').slice(-2).join(' ')}: refused mirror → pulled via the registry in ${refused.wallSeconds.toFixed(2)} s; hung mirror → still waiting after ${hung.wallSeconds.toFixed(1)} s (${silent.accepted()} connection(s) to it)`,
          );

          // dfdoctor on that containerd config: the mirror check finds it hung, mirror-fallback is critical
          const d = await mirrorVerdict(cd, silent.url);
          expect(d?.severity).toBe('critical');
          expect(d?.evidence.join('\n')).toContain(`${silent.url} accepts TCP connections but GET /v2/ got no answer`);
          expect(d?.evidence.join('\n')).toMatch(/has no image_pull_progress_timeout/);
        } finally {
          await silent.close();
        }
      });
    },
    240_000,
  );

  it.skipIf(whyBlackHole)(
    'a black-holed mirror costs each request the 30 s dial timeout before the fallback, and dfdoctor prices it so',
    async () => {
      await withContainerdLab(async (lab) => {
        const { reg, ref } = await imageInRegistry(lab, 'lab/blackhole:v1');
        const hole = await startBlackHole();
        try {
          const hostsDir = await lab.writeHostsToml(reg.host, { server: reg.url, hosts: [{ url: hole.url }] });
          const cd = await lab.startContainerd({ configPath: hostsDir });
          const t0 = Date.now();
          // long enough for the first request to give up on the mirror; the pull itself would take minutes
          const pull = await lab.pull(cd, ref, { hostsDir, debug: true, timeoutMs: 40_000 });
          const next = /time="([^"]+)" level=\w+ msg="trying next host" error="([^\n]*)/.exec(pull.output);
          expect(next, pull.output.slice(-2000)).not.toBeNull();
          const afterS = (Date.parse(next?.[1] as string) - t0) / 1000;
          expect(next?.[2]).toMatch(/i\/o timeout|timeout/);
          expect(afterS).toBeGreaterThan(28);
          expect(afterS).toBeLessThan(36);
          console.log(
            `[lab] containerd 1.6 and a black-holed mirror: first "trying next host" ${afterS.toFixed(1)} s into the pull (${next?.[2]?.slice(0, 120)})`,
          );

          const d = await mirrorVerdict(cd, hole.url);
          expect(d?.severity).toBe('critical');
          expect(d?.evidence.join('\n')).toContain('timed out instead of being refused');
          expect(d?.impactSeconds).toBeGreaterThanOrEqual(30);
        } finally {
          hole.close();
        }
      });
    },
    240_000,
  );
});
