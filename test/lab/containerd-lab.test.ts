import { describe, expect, it } from 'vitest';
import { announceSkip, labUnavailable } from '../helpers/lab.js';
import { CONTAINERD_LAB_TOOLS, freeLoopbackPort, withContainerdLab } from './containerd-lab.js';
import { existsSync } from 'node:fs';

const why = labUnavailable(CONTAINERD_LAB_TOOLS);
if (why) announceSkip('containerd lab helper', why);

describe('containerd lab helper', () => {
  it.skipIf(why)('pushes a built image and pulls it through a real containerd, then removes everything', async () => {
    let dir = '';
    let pids: number[] = [];
    await withContainerdLab(async (lab) => {
      dir = lab.dir;
      const reg = await lab.startRegistry();
      const img = await lab.buildImage({
        layers: [{ bytes: 3 << 20 }, { bytes: 2 << 20, content: 'text' }, { bytes: 2 << 20, content: 'mixed' }],
      });
      expect(img.layers).toHaveLength(3);
      // random data does not compress, text does
      expect(img.layers[0]!.compressedBytes).toBeGreaterThan(3 << 20);
      expect(img.layers[1]!.compressedBytes).toBeLessThan(1 << 20);
      const ref = await lab.push(img, reg, 'lab/helper:v1');
      const hosts = await lab.writeHostsToml(reg.host, { server: reg.url });
      const cd = await lab.startContainerd({ configVersion: 2, configPath: hosts });
      pids = [cd.pid];
      expect(cd.version).toMatch(/containerd/);
      const pull = await lab.pull(cd, ref, { hostsDir: hosts });
      expect(pull.ok, pull.output).toBe(true);
      expect(pull.wallSeconds).toBeGreaterThan(0);
      expect(pull.output).toContain(img.layers[0]!.digest.slice(7, 19));
      // a mirror nothing listens on: ctr falls back to the origin (server) and says so with --debug
      await lab.removeImage(cd, ref);
      const dead = await freeLoopbackPort();
      const hosts2 = await lab.writeHostsToml(reg.host, {
        server: reg.url,
        hosts: [{ url: `http://127.0.0.1:${dead}` }],
      });
      const pull2 = await lab.pull(cd, ref, { hostsDir: hosts2, debug: true });
      expect(pull2.ok, pull2.output).toBe(true);
      expect(pull2.output).toMatch(/trying next host/);
      expect(pull2.output).toContain(`127.0.0.1:${dead}`);
    });
    expect(existsSync(dir)).toBe(false);
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
  });

  it.skipIf(why)('tears down also when the test body throws', async () => {
    let dir = '';
    let pids: number[] = [];
    await expect(
      withContainerdLab(async (lab) => {
        dir = lab.dir;
        await lab.startRegistry();
        const cd = await lab.startContainerd({ disableCri: true });
        pids = [cd.pid];
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(dir).not.toBe('');
    expect(existsSync(dir)).toBe(false);
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
  });
});
