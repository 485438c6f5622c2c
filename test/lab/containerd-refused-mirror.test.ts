// A mirror nothing listens on (dfdaemon down) before a real containerd's resolver (ctr, the client that
// resolves as the CRI plugin does). containerd tries the next host when a request gets no answer, so with
// a working registry after it the pull succeeds; with none, the pull fails and its error is the mirror's
// refused connection. That error, as ctr prints it, is what dfdoctor reads as a pull that failed on a
// mirror that gave no answer.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { announceSkip, labUnavailable } from '../helpers/lab.js';
import { CONTAINERD_LAB_TOOLS, freeLoopbackPort, withContainerdLab } from './containerd-lab.js';
import { mirrorFallbackOf } from './ctr-output-analysis.js';

const why = labUnavailable(CONTAINERD_LAB_TOOLS);
if (why) announceSkip('containerd with a mirror nothing listens on', why);

describe('containerd with a mirror nothing listens on', () => {
  it.skipIf(why)(
    'falls back to a working registry; with none, fails on the mirror’s refused connection, which dfdoctor reads as such',
    async () => {
      await withContainerdLab(async (lab) => {
        const reg = await lab.startRegistry();
        const img = await lab.buildImage({ layers: [{ bytes: 64 << 10 }] });
        const ref = await lab.push(img, reg, 'lab/refused:v1');
        const mirror = `http://127.0.0.1:${await freeLoopbackPort()}`;
        const cd = await lab.startContainerd({});
        // the registry after the mirror serves the image
        const viaOrigin = await lab.writeHostsToml(reg.host, { server: reg.url, hosts: [{ url: mirror }] });
        const ok = await lab.pull(cd, ref, { hostsDir: viaOrigin, timeoutMs: 60_000 });
        expect(ok.ok, ok.output).toBe(true);
        await lab.removeImage(cd, ref);

        // nothing after the mirror answers either: the pull fails, and its error is the mirror's
        const deadOrigin = `http://127.0.0.1:${await freeLoopbackPort()}`;
        const hostsDir = await lab.writeHostsToml(
          reg.host,
          { server: deadOrigin, hosts: [{ url: mirror }] },
          lab.path('hosts-dead-origin'),
        );
        const failed = await lab.pull(cd, ref, { hostsDir, timeoutMs: 60_000 });
        expect(failed.ok, failed.output).toBe(false);
        const said = /^ctr: .*$/m.exec(failed.output)?.[0] ?? '';
        expect(said, failed.output).toContain(
          `failed to do request: Head "${mirror}/v2/lab/refused/manifests/v1?ns=${encodeURIComponent(reg.host)}": dial tcp ${mirror.slice(7)}: connect: connection refused`,
        );
        console.log(
          `[lab] containerd ${cd.version.split(' ').slice(-2).join(' ')}, mirror refused, origin down: ${said}`,
        );

        // what ctr printed, with the hosts.toml that names the mirror, given to dfdoctor
        const d = await mirrorFallbackOf(lab, failed.output, join(hostsDir, reg.host, 'hosts.toml'));
        expect(d?.severity).toBe('critical');
        const evidence = d?.evidence ?? '';
        expect(evidence).toContain(
          `1 pull(s) failed with no answer from the mirror ${mirror.slice(7)} (dial tcp ${mirror.slice(7)}: connect: connection refused)`,
        );
        expect(evidence).toContain(`${deadOrigin} did not serve it either`);
      });
    },
    240_000,
  );
});
