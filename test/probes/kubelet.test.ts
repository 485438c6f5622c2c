import { execFileSync, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { copyDropIns } from '../../src/probes/kubelet-drop-ins.js';
import { kubeletProbe } from '../../src/probes/kubelet.js';
import { firingRules } from '../helpers/bundle.js';
import { probeContext } from '../helpers/probe-context.js';

const temps: string[] = [];
afterAll(async () => {
  for (const t of temps) await rm(t, { recursive: true, force: true });
});

async function run(kubeletConfig: string, extra: { kubeletEvents?: string; remainingMs?: number } = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'dfdoctor-kubelet-'));
  temps.push(dir);
  const ctx = probeContext(dir, {
    options: { kubeletConfig, ...(extra.kubeletEvents ? { kubeletEvents: extra.kubeletEvents } : {}) },
    budgetMs: extra.remainingMs ?? 5000,
  });
  return { dir, outcome: await kubeletProbe.run(ctx) };
}

describe('kubelet probe', () => {
  it('copies the config named by --kubelet-config', async () => {
    const src = join(await mkdtemp(join(tmpdir(), 'dfdoctor-kubelet-src-')), 'config.yaml');
    temps.push(join(src, '..'));
    await writeFile(src, 'kind: KubeletConfiguration\nserializeImagePulls: false\n');
    const { dir, outcome } = await run(src);
    expect(outcome.status).toBe('ok');
    expect(await readFile(join(dir, 'raw/kubelet/config.yaml'), 'utf8')).toContain('serializeImagePulls: false');
  });
  it('skips with the reason when there is no kubelet and no config', async () => {
    const { outcome } = await run('/nonexistent/kubelet/config.yaml');
    // a kubelet process on the test machine would make this ok with a partial reason; either way the missing file is named
    expect(outcome.status === 'skipped' || outcome.status === 'ok').toBe(true);
    expect(outcome.reason).toContain('/nonexistent/kubelet/config.yaml');
  });

  it('keeps the Pulled events of this node from --kubelet-events, and only the fields the analysis reads', async () => {
    const src = await mkdtemp(join(tmpdir(), 'dfdoctor-kubelet-ev-'));
    temps.push(src);
    const file = join(src, 'events.json');
    const ev = (host: string, msg: string) => ({
      reason: 'Pulled',
      message: msg,
      involvedObject: { kind: 'Pod', namespace: 'team', name: `app-${host}`, uid: 'u-1' },
      source: { component: 'kubelet', host },
      metadata: { managedFields: [{ manager: 'kubelet' }] },
      count: 1,
    });
    await writeFile(
      file,
      JSON.stringify({
        kind: 'List',
        items: [
          ev('node-x', 'Successfully pulled image "a:1" in 1s (9s including waiting)'),
          ev('node-y', 'Successfully pulled image "b:1" in 1s (2s including waiting)'),
          { reason: 'Started', message: 'Started container app' },
          // the limiter's refusal is kept; another failure to pull is not read by the analysis
          { ...ev('node-x', 'Failed to pull image "c:1": pull QPS exceeded'), reason: 'Failed', count: 3 },
          { ...ev('node-x', 'Failed to pull image "d:1": rpc error: code = NotFound'), reason: 'Failed' },
        ],
      }),
    );
    const before = process.env.NODE_NAME;
    // the kubelet registers its host name lowercased: a mixed-case name still finds its events
    process.env.NODE_NAME = 'Node-X';
    try {
      const { dir, outcome } = await run('/nonexistent/kubelet/config.yaml', { kubeletEvents: file });
      expect(outcome.status).toBe('ok');
      expect(outcome.details).toMatchObject({ nodeName: 'node-x', pulledEvents: 2, pulledEventsFrom: file });
      expect(outcome.reason).toContain('1 image event(s) of other nodes left out');
      const kept = JSON.parse(await readFile(join(dir, 'raw/kubelet/events.json'), 'utf8')) as {
        items: Record<string, unknown>[];
      };
      expect(kept.items).toHaveLength(2);
      expect(kept.items[1]).toMatchObject({
        reason: 'Failed',
        message: 'Failed to pull image "c:1": pull QPS exceeded',
        count: 3,
      });
      expect(kept.items[0]).toEqual({
        reason: 'Pulled',
        message: 'Successfully pulled image "a:1" in 1s (9s including waiting)',
        involvedObject: { kind: 'Pod', namespace: 'team', name: 'app-node-x' },
        source: { component: 'kubelet', host: 'node-x' },
        count: 1,
      });
    } finally {
      if (before === undefined) delete process.env.NODE_NAME;
      else process.env.NODE_NAME = before;
    }
  });

  it('reads a saved `kubectl describe pod` given as --kubelet-events as its event rows, not as JSON that fails', async () => {
    // the rows Azure/AKS#3138 pasted: the limiter's refusal among them
    const file = new URL(
      '../../fixtures/real/kubelet-pull-qps-exceeded-aks-3138/pasted/describe-events.txt',
      import.meta.url,
    ).pathname;
    const { dir, outcome } = await run('/nonexistent/kubelet/config.yaml', { kubeletEvents: file });
    expect(outcome.details).toMatchObject({ pulledEvents: 1, pulledEventsFrom: file });
    expect(outcome.reason).toContain('--kubelet-events is not JSON: read as `kubectl describe` event rows');
    const text = await readFile(join(dir, 'raw/kubelet/events.json'), 'utf8');
    const kept = JSON.parse(text) as { items: Record<string, unknown>[] };
    expect(kept.items.map((i) => i.message)).toEqual(['Failed to pull image "a.b.c/image-0.1": pull QPS exceeded']);
    expect(await firingRules({ 'raw/kubelet/events.json': text })).toContain('kubelet.pull-qps');
  });

  it('keeps the restart BackOffs of the dfdaemon container in both kubelet wordings, and a bundle of them fires kubelet.dfdaemon-restarting', async () => {
    const src = await mkdtemp(join(tmpdir(), 'dfdoctor-kubelet-backoff-'));
    temps.push(src);
    const file = join(src, 'events.json');
    const backOff = (pod: string, container: string, message: string, host = 'node-b', count = 5) => ({
      reason: 'BackOff',
      type: 'Warning',
      message,
      involvedObject: {
        kind: 'Pod',
        namespace: 'dragonfly-system',
        name: pod,
        uid: 'u-2',
        fieldPath: `spec.containers{${container}}`,
      },
      source: { component: 'kubelet', host },
      count,
    });
    await writeFile(
      file,
      JSON.stringify({
        kind: 'List',
        items: [
          // kubelet < 1.26: the message names no container; its field path does (pkg/kubelet/container/ref.go)
          backOff('dragonfly-dfdaemon-x7k2p', 'dfdaemon', 'Back-off restarting failed container'),
          // kubelet ≥ 1.26: the container and the pod in the message (kubernetes#113216)
          backOff(
            'dragonfly-client-q8z4m',
            'client',
            'Back-off restarting failed container client in pod dragonfly-client-q8z4m_dragonfly-system(0f6c2a43-9d1e-4b7a-8a52-3f1f0d7e9a10)',
            'node-b',
            9,
          ),
          // not kept: another node's dfdaemon, another app's crash loop, a dfdaemon image back-off
          backOff('dragonfly-dfdaemon-m3n4p', 'dfdaemon', 'Back-off restarting failed container', 'node-c'),
          backOff('web-7c9f', 'nginx', 'Back-off restarting failed container nginx in pod web-7c9f_team(u)'),
          backOff('dragonfly-dfdaemon-x7k2p', 'dfdaemon', 'Back-off pulling image "dragonflyoss/dfdaemon:v2.1.44"'),
          { reason: 'Started', message: 'Started container app', source: { component: 'kubelet', host: 'node-b' } },
        ],
      }),
    );
    const before = process.env.NODE_NAME;
    process.env.NODE_NAME = 'node-b';
    try {
      const { dir, outcome } = await run('/nonexistent/kubelet/config.yaml', { kubeletEvents: file });
      expect(outcome.details).toMatchObject({ pulledEvents: 0, dfdaemonBackOffEvents: 2 });
      const text = await readFile(join(dir, 'raw/kubelet/events.json'), 'utf8');
      const kept = (JSON.parse(text) as { items: { message: string; count: number }[] }).items;
      expect(kept.map((e) => [e.message, e.count])).toEqual([
        ['Back-off restarting failed container', 5],
        [
          'Back-off restarting failed container client in pod dragonfly-client-q8z4m_dragonfly-system(0f6c2a43-9d1e-4b7a-8a52-3f1f0d7e9a10)',
          9,
        ],
      ]);
      // the bundle collect writes is what analyze reads: the rule fires on it
      expect(await firingRules({ 'raw/kubelet/events.json': text })).toContain('kubelet.dfdaemon-restarting');
    } finally {
      if (before === undefined) delete process.env.NODE_NAME;
      else process.env.NODE_NAME = before;
    }
  });

  it('asks kubectl for the Pulled and the Failed events apart, keeps the limiter refusals, and survives a garbled Failed list', async () => {
    const bin = await mkdtemp(join(tmpdir(), 'dfdoctor-fake-kubectl-'));
    temps.push(bin);
    const list = (items: unknown[]) => JSON.stringify({ apiVersion: 'v1', kind: 'List', items });
    const item = (reason: string, message: string) => ({
      reason,
      message,
      involvedObject: { kind: 'Pod', namespace: 'a', name: 'p' },
      source: { component: 'kubelet', host: 'node-k' },
      count: 1,
    });
    await writeFile(
      join(bin, 'pulled.json'),
      list([item('Pulled', 'Successfully pulled image "a:1" in 1s (1s including waiting)')]),
    );
    await writeFile(
      join(bin, 'failed.json'),
      list([
        item('Failed', 'Failed to pull image "b:1": pull QPS exceeded'),
        item('Failed', 'Failed to pull image "c:1": rpc error: code = NotFound'),
      ]),
    );
    // the kubelet records a restart BackOff on the container (involvedObject.fieldPath), which the API
    // server selects on: the dfdaemon container's, of this node and of another
    const backOff = (host: string) => ({
      ...item('BackOff', 'Back-off restarting failed container'),
      involvedObject: {
        kind: 'Pod',
        namespace: 'dragonfly-system',
        name: `dragonfly-dfdaemon-${host}`,
        fieldPath: 'spec.containers{dfdaemon}',
      },
      source: { component: 'kubelet', host },
    });
    await writeFile(join(bin, 'backoff.json'), list([backOff('node-k'), backOff('node-j')]));
    // a stand-in kubectl: answers each --field-selector with its list, as the API server would
    const script = join(bin, 'kubectl');
    const answer = (failed: string) =>
      `#!/bin/sh\ncase "$*" in\n  *reason=Pulled*) cat '${join(bin, 'pulled.json')}' ;;\n  *reason=Failed*) ${failed} ;;\n  *'--field-selector reason=BackOff,involvedObject.fieldPath=spec.containers{dfdaemon} '*) cat '${join(bin, 'backoff.json')}' ;;\n  *'--field-selector reason=BackOff,involvedObject.fieldPath=spec.containers{client} '*) echo '{"items": []}' ;;\n  *) exit 1 ;;\nesac\n`;
    await writeFile(script, answer(`cat '${join(bin, 'failed.json')}'`), { mode: 0o755 });
    const kubeconfig = join(bin, 'config');
    await writeFile(kubeconfig, 'apiVersion: v1\nkind: Config\n');
    const env = { PATH: process.env.PATH, KUBECONFIG: process.env.KUBECONFIG, NODE_NAME: process.env.NODE_NAME };
    process.env.PATH = `${bin}:${process.env.PATH ?? ''}`;
    process.env.KUBECONFIG = kubeconfig;
    process.env.NODE_NAME = 'node-k';
    const kept = async () =>
      (
        JSON.parse(await readFile(join(out.dir, 'raw/kubelet/events.json'), 'utf8')) as { items: { message: string }[] }
      ).items.map((i) => i.message);
    let out = await run('/nonexistent/kubelet/config.yaml');
    try {
      expect(out.outcome.details).toMatchObject({
        pulledEvents: 2,
        pulledEventsFrom: 'kubectl get events',
        dfdaemonBackOffEvents: 1,
      });
      expect(await kept()).toEqual([
        'Successfully pulled image "a:1" in 1s (1s including waiting)',
        'Failed to pull image "b:1": pull QPS exceeded',
        'Back-off restarting failed container',
      ]);
      expect(out.outcome.reason ?? '').not.toContain('not read:');
      await writeFile(script, answer('echo \'{"items": [\''), { mode: 0o755 });
      out = await run('/nonexistent/kubelet/config.yaml');
      expect(out.outcome.details).toMatchObject({ pulledEvents: 1 });
      expect(await kept()).toEqual([
        'Successfully pulled image "a:1" in 1s (1s including waiting)',
        'Back-off restarting failed container',
      ]);
      // the garbled list is named with its place, not dropped in silence
      expect(out.outcome.reason).toMatch(
        /Failed events \("pull QPS exceeded"\) not read: kubectl get events \(reason=Failed\)(:\d+)?: /,
      );
      // a Failed selection kubectl could not give: the Pulled events stay, and the report says why
      await writeFile(script, answer("echo 'forbidden' >&2; exit 1"), { mode: 0o755 });
      out = await run('/nonexistent/kubelet/config.yaml');
      expect(out.outcome.details).toMatchObject({ pulledEvents: 1 });
      expect(out.outcome.reason).toContain('Failed events ("pull QPS exceeded") not read');
    } finally {
      for (const [k, v] of Object.entries(env)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });

  const noKubectl = (() => {
    try {
      execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore', timeout: 10_000 });
      return null;
    } catch {
      return 'kubectl not installed';
    }
  })();
  it.skipIf(noKubectl)(
    'an API server that never answers costs kubectl a bounded wait and gives a reason, not a hang',
    async () => {
      // accepts connections and then says nothing, like a black-holed API endpoint
      const server = createServer(() => undefined);
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const port = (server.address() as { port: number }).port;
      const dir = await mkdtemp(join(tmpdir(), 'dfdoctor-kubeconfig-'));
      temps.push(dir);
      const kubeconfig = join(dir, 'config');
      await writeFile(
        kubeconfig,
        `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: https://127.0.0.1:${port}\n    insecure-skip-tls-verify: true\ncontexts:\n- name: c\n  context: {cluster: c, user: u}\ncurrent-context: c\nusers:\n- name: u\n  user: {token: not-a-real-token}\n`,
      );
      const before = process.env.KUBECONFIG;
      process.env.KUBECONFIG = kubeconfig;
      const t0 = performance.now();
      try {
        const { dir: out, outcome } = await run('/nonexistent/kubelet/config.yaml', { remainingMs: 6000 });
        const ms = performance.now() - t0;
        expect(ms).toBeLessThan(8000);
        expect(outcome.status === 'skipped' || outcome.status === 'ok').toBe(true);
        expect(outcome.details?.pulledEvents).toBeUndefined();
        await expect(readFile(join(out, 'raw/kubelet/events.json'))).rejects.toThrow();
        console.log(
          `kubectl against a silent API server: ${Math.round(ms)} ms, ${outcome.status}: ${outcome.reason ?? ''}`,
        );
      } finally {
        if (before === undefined) delete process.env.KUBECONFIG;
        else process.env.KUBECONFIG = before;
        server.close();
      }
    },
    20_000,
  );
});

describe('a kubelet whose command line names no --config', () => {
  // a real process named kubelet (a copy of sleep): the probe finds it as it finds the node's
  const other = execFileSync('sh', ['-c', 'grep -lx kubelet /proc/[0-9]*/comm 2>/dev/null || true'], {
    encoding: 'utf8',
  });
  it.skipIf(other.trim() !== '')('reads no config file for it, not even the one --kubelet-config names', async () => {
    const bin = await mkdtemp(join(tmpdir(), 'dfdoctor-fake-kubelet-'));
    temps.push(bin);
    const kubelet = join(bin, 'kubelet');
    execFileSync('cp', [execFileSync('sh', ['-c', 'command -v sleep'], { encoding: 'utf8' }).trim(), kubelet]);
    const child = spawn(kubelet, ['30'], { stdio: 'ignore' });
    try {
      const src = join(bin, 'config.yaml');
      await writeFile(src, 'kind: KubeletConfiguration\nserializeImagePulls: false\n');
      const { dir, outcome } = await run(src);
      expect(outcome.status).toBe('ok');
      expect(outcome.details).toMatchObject({ pid: child.pid, config: null });
      expect(outcome.reason).toContain(
        `its command line names no --config: it reads no config file (--kubelet-config ${src} not read)`,
      );
      expect(await readFile(join(dir, 'raw/kubelet/flags.txt'), 'utf8')).toBe(`${kubelet}\n30\n`);
      await expect(readFile(join(dir, 'raw/kubelet/config.yaml'), 'utf8')).rejects.toThrow(/ENOENT/);
    } finally {
      child.kill();
    }
  });
});

describe('kubelet --config-dir drop-ins', () => {
  it('copies the *.conf files under the dir, in the kubelet walk order, and names an unreadable dir', async () => {
    const node = await mkdtemp(join(tmpdir(), 'dfdoctor-kubelet-dropin-'));
    temps.push(node);
    await mkdir(join(node, 'config.json.d', 'sub'), { recursive: true });
    await writeFile(join(node, 'config.json.d', '40-nodeadm.conf'), '{"maxParallelImagePulls": 10}\n');
    await writeFile(join(node, 'config.json.d', '10-first.conf'), '{"serializeImagePulls": false}\n');
    await writeFile(join(node, 'config.json.d', 'sub', 'x.conf'), '{}\n');
    await writeFile(join(node, 'config.json.d', 'notes.txt'), 'not a drop-in\n');
    const out = await mkdtemp(join(tmpdir(), 'dfdoctor-kubelet-out-'));
    temps.push(out);
    const ctx = probeContext(out, { budgetMs: 5000 });
    const r = await copyDropIns(ctx, join(node, 'config.json.d'));
    expect(r).toEqual({ files: ['10-first.conf', '40-nodeadm.conf', 'sub/x.conf'], problems: [] });
    expect(await readFile(join(out, 'raw/kubelet/config.d/40-nodeadm.conf'), 'utf8')).toContain(
      '"maxParallelImagePulls": 10',
    );
    const missing = await copyDropIns(ctx, join(node, 'absent.d'));
    expect(missing.files).toEqual([]);
    expect(missing.problems[0]).toMatch(/absent\.d: ENOENT/);
  });
});
