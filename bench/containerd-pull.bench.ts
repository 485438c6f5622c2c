// Real pulls through a real containerd from a registry on loopback (test/lab/containerd-lab.ts): how
// the download limit and the gzip decompressor change the wall time of a pull that never leaves the
// node. Needs root and containerd, ctr, docker-registry, skopeo; says why and exits 0 otherwise.
// `npm run bench -- containerd-pull`; LAYERS and LAYER_MB in the environment resize the image.
import { cpus, loadavg } from 'node:os';
import { labUnavailable } from '../test/helpers/lab.js';
import { CONTAINERD_LAB_TOOLS, withContainerdLab } from '../test/lab/containerd-lab.js';

const why = labUnavailable(CONTAINERD_LAB_TOOLS);
if (why) {
  console.log(`skipped: ${why}`);
  process.exit(0);
}
const layers = Number(process.env.LAYERS ?? 8);
const layerMB = Number(process.env.LAYER_MB ?? 16);

await withContainerdLab(async (lab) => {
  console.log(
    `CPU: ${cpus()[0]?.model ?? '?'} × ${cpus().length}, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  const reg = await lab.startRegistry();
  const img = await lab.buildImage({
    layers: Array.from({ length: layers }, (_, i) => ({
      bytes: layerMB * 1e6,
      content: i % 2 === 0 ? 'mixed' : 'text',
    })),
  });
  const ref = await lab.push(img, reg, 'bench/pull:v1');
  const hosts = await lab.writeHostsToml(reg.host, {
    server: reg.url,
    hosts: [{ url: reg.url, capabilities: ['pull', 'resolve'] }],
  });
  console.log(
    `image: ${layers} gzip layers, ${(img.compressedBytes / 1e6).toFixed(0)} MB compressed, ${(img.layers.reduce((s, l) => s + l.uncompressedBytes, 0) / 1e6).toFixed(0)} MB uncompressed`,
  );
  for (const env of [{}, { CONTAINERD_DISABLE_PIGZ: '1' }] as Record<string, string>[]) {
    const cd = await lab.startContainerd({ configVersion: 2, configPath: hosts, disableCri: true, env });
    for (const mcd of [1, 3, layers]) {
      const ns = `b${mcd}`;
      const pull = await lab.pull(cd, ref, { hostsDir: hosts, namespace: ns, maxConcurrentDownloads: mcd });
      if (!pull.ok) throw new Error(pull.output);
      await lab.removeImage(cd, ref, ns);
      console.log(
        `${Object.keys(env).length ? 'CONTAINERD_DISABLE_PIGZ=1' : 'unpigz on PATH      '}  max_concurrent_downloads ${String(mcd).padStart(2)}: ${pull.wallSeconds.toFixed(2)} s`,
      );
    }
    await cd.stop();
  }
});
