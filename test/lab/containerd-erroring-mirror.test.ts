// A mirror that answers every request with 500 before a real containerd's resolver (ctr, the client that
// resolves as the CRI plugin does). containerd tries the next host on an error status, so with a working
// registry after it the pull succeeds; with none, the pull fails and its error names the mirror's status.
// That error, as ctr prints it, is what dfdoctor reads as a pull the mirror failed.
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { announceSkip, labUnavailable } from '../helpers/lab.js';
import { CONTAINERD_LAB_TOOLS, freeLoopbackPort, withContainerdLab } from './containerd-lab.js';
import { mirrorFallbackOf } from './ctr-output-analysis.js';

const why = labUnavailable(CONTAINERD_LAB_TOOLS);
if (why) announceSkip('containerd with an erroring mirror', why);

/** Answers every request with 500, as a dfdaemon proxy that cannot serve a request does. */
async function startErroring(): Promise<{
  url: string;
  host: string;
  requests: () => number;
  close: () => Promise<void>;
}> {
  let requests = 0;
  const server: Server = createServer((req, res) => {
    requests++;
    req.resume();
    res.writeHead(500, { 'content-type': 'text/plain' }).end('internal error\n');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    requests: () => requests,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

describe('containerd with a mirror that answers 500', () => {
  it.skipIf(why)(
    'falls back to a working registry; with none, fails with the mirror’s status, which dfdoctor reads as a pull the mirror failed',
    async () => {
      await withContainerdLab(async (lab) => {
        const reg = await lab.startRegistry();
        const img = await lab.buildImage({ layers: [{ bytes: 64 << 10 }] });
        const ref = await lab.push(img, reg, 'lab/erroring:v1');
        const mirror = await startErroring();
        try {
          const cd = await lab.startContainerd({});
          // the registry after the mirror serves the image: the mirror's 500 costs a round trip, no more
          const viaOrigin = await lab.writeHostsToml(reg.host, { server: reg.url, hosts: [{ url: mirror.url }] });
          const ok = await lab.pull(cd, ref, { hostsDir: viaOrigin, timeoutMs: 60_000 });
          expect(ok.ok, ok.output).toBe(true);
          expect(mirror.requests()).toBeGreaterThan(0);
          await lab.removeImage(cd, ref);

          // nothing after the mirror answers: the pull fails, and its error is the mirror's
          const deadOrigin = `http://127.0.0.1:${await freeLoopbackPort()}`;
          const hostsDir = await lab.writeHostsToml(
            reg.host,
            { server: deadOrigin, hosts: [{ url: mirror.url }] },
            lab.path('hosts-dead-origin'),
          );
          const failed = await lab.pull(cd, ref, { hostsDir, timeoutMs: 60_000 });
          expect(failed.ok, failed.output).toBe(false);
          const said = /^ctr: .*$/m.exec(failed.output)?.[0] ?? '';
          expect(said, failed.output).toMatch(
            new RegExp(
              `(pulling from host ${mirror.host} failed with status code \\[manifests v1\\]|unexpected status from HEAD request to ${mirror.url}/v2/lab/erroring/manifests/v1): 500`,
            ),
          );
          console.log(
            `[lab] containerd ${cd.version.split(' ').slice(-2).join(' ')}, mirror answering 500, origin down: ${said}`,
          );

          // what ctr printed, with the hosts.toml that names the mirror, given to dfdoctor
          const d = await mirrorFallbackOf(lab, failed.output, join(hostsDir, reg.host, 'hosts.toml'));
          expect(d?.severity).toBe('critical');
          const evidence = d?.evidence ?? '';
          expect(evidence).toContain(`1 pull(s) failed with the mirror ${mirror.host}'s 500`);
          // containerd did try the host after it: its "trying next host" for the dead origin is printed too
          expect(evidence).toContain(`${deadOrigin} did not serve it either`);
          expect(failed.output).toContain(`msg="trying next host"`);
        } finally {
          await mirror.close();
        }
      });
    },
    240_000,
  );
});
