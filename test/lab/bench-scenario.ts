/**
 * One bench lab scenario, run as its own process so that a test can put it (and everything it
 * starts: docker-registry, containerd, the dfdaemon stand-in, dfdoctor) inside a network namespace
 * (`ip netns exec NS node --import tsx test/lab/bench-scenario.ts …`).
 *
 * It builds a 6-layer image, pushes it to a real docker-registry, starts the stand-in as the
 * registry's mirror with a dfdaemon.yaml, starts a real containerd whose CRI config_path points at a
 * hosts.toml with the stand-in first, then runs `dfdoctor bench pull --format json` against all of it
 * and prints one JSON line: `{ ok, exitCode, report, stderr, lab }`. Faults:
 *   --rate-limit 20MB        stand-in `download.bandwidthLimit`
 *   --request-delay-ms N     stand-in per-request delay
 *   --mcd N                  containerd max_concurrent_downloads
 *   --tbf RATE               `tc qdisc add dev lo root tbf rate RATE …` (only inside a netns!) after the push
 *   --slow-disk BPS          cache dir on a fresh loop device + cgroup v1 blkio read throttle (BPS bytes/s)
 *                            for this process and its children, page cache of the cached blobs evicted
 *   --prewarm                fill the stand-in's cache before the bench (a dfdaemon cache hit from the start)
 *   --bundle FILE            also keep dfdoctor's bundle (.tar.gz)
 *   --interactive            keep everything up and print how to use it until SIGINT (npm run lab)
 * Everything it creates is removed before it exits, also on failure or SIGINT/SIGTERM.
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createContainerdLab } from './containerd-lab.js';
import { startStandin } from './standin/standin.js';

const { values } = parseArgs({
  options: {
    'rate-limit': { type: 'string' },
    'request-delay-ms': { type: 'string' },
    mcd: { type: 'string' },
    tbf: { type: 'string' },
    'slow-disk': { type: 'string' },
    prewarm: { type: 'boolean' },
    interactive: { type: 'boolean' },
    bin: { type: 'string' },
    layers: { type: 'string' },
    bundle: { type: 'string' },
  },
});

const BIN = values.bin ?? new URL('../../bin/dfdoctor.js', import.meta.url).pathname;
const undo: (() => Promise<void> | void)[] = [];
const sh = (cmd: string, args: string[]) =>
  execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

async function teardown(): Promise<void> {
  while (undo.length > 0) {
    const fn = undo.pop() as () => Promise<void> | void;
    try {
      await fn();
    } catch (e) {
      process.stderr.write(`bench-scenario: cleanup step failed: ${(e as Error).message}\n`);
    }
  }
}
let stopping = false;
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    if (stopping) return;
    stopping = true;
    void teardown().finally(() => process.exit(130));
  });
}

/** A loop device with ext4, mounted; its blkio read throttle applies to this process and its children. */
async function slowDisk(base: string, bps: number): Promise<string> {
  const img = join(base, 'disk.img');
  const mnt = join(base, 'mnt');
  await mkdir(mnt, { recursive: true });
  sh('truncate', ['-s', '512M', img]);
  const dev = sh('losetup', ['-f', '--show', img]).trim();
  undo.push(() => void sh('losetup', ['-d', dev]));
  sh('mkfs.ext4', ['-q', '-F', dev]);
  sh('mount', [dev, mnt]);
  undo.push(() => void sh('umount', ['-l', mnt]));
  const [maj, min] = sh('lsblk', ['-ndo', 'MAJ:MIN', dev]).trim().split(':');
  const cg = `/sys/fs/cgroup/blkio/dfdoctor-bench-${randomBytes(4).toString('hex')}`;
  await mkdir(cg);
  undo.push(async () => {
    await writeFile('/sys/fs/cgroup/blkio/cgroup.procs', String(process.pid)).catch(() => undefined);
    await rm(cg, { recursive: false, force: true }).catch(() => sh('rmdir', [cg]));
  });
  await writeFile(join(cg, 'blkio.throttle.read_bps_device'), `${maj}:${min} ${bps}`);
  return JSON.stringify({ mnt, cg });
}

async function evictPageCache(dir: string): Promise<void> {
  sh('sync', []);
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile()) sh('dd', [`if=${p}`, 'iflag=nocache', 'count=0', 'status=none']);
    }
  };
  await walk(dir);
}

async function main(): Promise<void> {
  const lab = await createContainerdLab({ name: 'dfdoctor-bench-lab' });
  undo.push(() => lab.close());
  const reg = await lab.startRegistry();
  const sizes = (values.layers ?? '24,20,16,12,8,8').split(',').map((s) => Number(s) << 20);
  const img = await lab.buildImage({
    layers: sizes.map((bytes, i) => ({ bytes, content: i % 3 === 2 ? 'mixed' : 'random' })),
  });
  const ref = await lab.push(img, reg, 'lab/bench:v1');

  let cacheDir = lab.path('dfdaemon-cache');
  let cgroup: string | null = null;
  if (values['slow-disk']) {
    const d = JSON.parse(await slowDisk(lab.path(), Number(values['slow-disk']))) as { mnt: string; cg: string };
    cacheDir = join(d.mnt, 'dragonfly');
    cgroup = d.cg;
  }
  const logDir = lab.path('dfdaemon-log');
  const configPath = lab.path('dfdaemon.yaml');
  // the stand-in's dfdaemon.yaml; once it listens, again with its ports, which is what dfdoctor discovers
  const writeConfig = (ports?: { proxy: number; metrics: number }) =>
    writeFile(
      configPath,
      [
        'download:',
        ...(values['rate-limit'] ? [`  bandwidthLimit: ${values['rate-limit']}`] : []),
        'storage:',
        `  dir: ${cacheDir}`,
        'proxy:',
        ...(ports ? ['  server:', `    port: ${ports.proxy}`] : []),
        '  rules:',
        '    - regex: blobs/sha256.*',
        ...(ports ? ['metrics:', '  server:', `    port: ${ports.metrics}`] : []),
        '',
      ].join('\n'),
    );
  await writeConfig();
  const standin = await startStandin({
    cacheDir,
    logDir,
    configPath,
    originUrl: reg.url,
    ...(values['request-delay-ms'] ? { requestDelayMs: Number(values['request-delay-ms']) } : {}),
  });
  undo.push(() => standin.stop());
  await writeConfig({ proxy: standin.ports.proxy, metrics: standin.ports.metrics });
  const hosts = await lab.writeHostsToml(reg.host, {
    server: reg.url,
    hosts: [{ url: standin.proxyUrl, capabilities: ['pull', 'resolve'] }],
  });
  const cd = await lab.startContainerd({
    configVersion: 2,
    configPath: hosts,
    ...(values.mcd ? { maxConcurrentDownloads: Number(values.mcd) } : {}),
  });
  if (values.prewarm) {
    for (const l of img.layers) {
      const r = await fetch(`${standin.proxyUrl}/v2/lab/bench/blobs/${l.digest}?ns=${reg.host}`);
      await r.arrayBuffer();
    }
  }
  if (cgroup) {
    await evictPageCache(cacheDir);
    await writeFile(join(cgroup, 'cgroup.procs'), String(process.pid));
  }
  if (values.tbf) {
    sh('tc', ['qdisc', 'add', 'dev', 'lo', 'root', 'tbf', 'rate', values.tbf, 'burst', '256kb', 'latency', '50ms']);
    undo.push(() => void sh('tc', ['qdisc', 'del', 'dev', 'lo', 'root']));
  }
  const args = [
    BIN,
    'bench',
    'pull',
    ref,
    '--containerd-address',
    cd.address,
    '--containerd-config',
    cd.configFile,
    '--dfdaemon-config',
    configPath,
    '--dfdaemon-log-dir',
    logDir,
    '--dfdaemon-proxy',
    standin.proxyUrl,
    '--dfdaemon-metrics',
    standin.metricsUrl,
    '--cache-dir',
    cacheDir,
    '--disk-bytes',
    '64MiB',
    '--scrape-interval',
    '1',
    '--timeout',
    '90',
    ...(values.bundle ? ['--bundle', values.bundle] : []),
  ];
  if (values.interactive) {
    process.stdout.write(
      [
        'dfdoctor lab is up (Ctrl-C tears it down):',
        `  origin registry   ${reg.url}   image ${ref} (${img.layers.length} layers, ${(img.compressedBytes / 1e6).toFixed(1)} MB)`,
        `  dfdaemon stand-in ${standin.proxyUrl}   metrics ${standin.metricsUrl}   log ${standin.logFile}   config ${configPath}`,
        `  containerd        ${cd.address}   config ${cd.configFile}   hosts dir ${hosts}`,
        '',
        'Try:',
        `  node ${args.join(' ')} --format table`,
        `  node ${BIN} diagnose ${args.slice(4).join(' ')}`,
        '',
      ].join('\n'),
    );
    await new Promise(() => undefined);
  }
  const child = spawn(process.execPath, [...args, '--format', 'json', '--fail-on', 'never'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1', CI: 'true' },
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const exitCode = await new Promise<number | null>((r) => child.on('close', r));
  let report: unknown = null;
  try {
    report = JSON.parse(out);
  } catch {
    /* reported below */
  }
  const stats = standin.stats();
  process.stdout.write(
    `${JSON.stringify({ ok: exitCode === 0 && report !== null, exitCode, report, stderr: err.slice(-4000), stdout: report ? '' : out.slice(-4000), lab: { ref, layers: img.layers.length, bytes: img.compressedBytes, standin: stats, namespaceLeft: sh('ctr', ['--address', cd.address, 'namespaces', 'ls', '-q']).trim() } })}\n`,
  );
}

main()
  .catch((e) => {
    process.stdout.write(`${JSON.stringify({ ok: false, error: (e as Error).stack ?? String(e) })}\n`);
  })
  .finally(async () => {
    await teardown();
    process.exit(0);
  });
