// A hung dfdaemon against a real containerd 1.6 resolver: the mirror accepts the TCP connection and never
// answers. containerd's hosts transport has a dial timeout but no response timeout, so the pull does not
// fall back to the origin — it waits (until image_pull_progress_timeout on 1.7+, for ever on 1.6). A
// refused mirror, by contrast, falls back at once. dfdoctor's mirror check must call the first one hung.
import { createServer, type Server, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { announceSkip, labUnavailable } from '../helpers/lab.js';
import { CONTAINERD_LAB_TOOLS, freeLoopbackPort, withContainerdLab } from './containerd-lab.js';

const why = labUnavailable(CONTAINERD_LAB_TOOLS);
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

describe('containerd with a hung dfdaemon as its mirror', () => {
  it.skipIf(why)('waits on the hung mirror instead of falling back (a refused one falls back at once), and dfdoctor calls it hung', async () => {
    await withContainerdLab(async (lab) => {
      const reg = await lab.startRegistry();
      const img = await lab.buildImage({ layers: [{ bytes: 512 << 10 }] });
      const ref = await lab.push(img, reg, 'lab/hung:v1');
      const silent = await startSilent();
      try {
        const hungDir = await lab.writeHostsToml(reg.host, { server: reg.url, hosts: [{ url: silent.url }] });
        const refusedDir = await lab.writeHostsToml(reg.host, { server: reg.url, hosts: [{ url: `http://127.0.0.1:${await freeLoopbackPort()}` }] });
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
        console.log(`[lab] containerd ${cd.version.split(' ').slice(-2).join(' ')}: refused mirror → pulled via the registry in ${refused.wallSeconds.toFixed(2)} s; hung mirror → still waiting after ${hung.wallSeconds.toFixed(1)} s (${silent.accepted()} connection(s) to it)`);

        // dfdoctor on that containerd config: the mirror check finds it hung, mirror-fallback is critical
        const r = await runCli(
          ['diagnose', '--probes', 'dfdaemon,containerd', '--dfdaemon-proxy', silent.url, '--containerd-config', cd.configFile, '--containerd-address', cd.address, '--format', 'json', '--fail-on', 'never', '--timeout', '20'],
          { timeoutMs: 60_000 },
        );
        expect(r.code, r.stderr).toBe(0);
        const rep = JSON.parse(r.stdout) as { diagnoses: { rule: string; severity: string; evidence: string[] }[] };
        const d = rep.diagnoses.find((x) => x.rule === 'containerd.mirror-fallback');
        expect(d?.severity, JSON.stringify(rep.diagnoses)).toBe("critical");
        expect(d?.evidence.join('\n')).toContain(`${silent.url} accepts TCP connections but GET /v2/ got no answer`);
        expect(d?.evidence.join('\n')).toMatch(/has no image_pull_progress_timeout/);
      } finally {
        await silent.close();
      }
    });
  }, 240_000);
});
