// deploy/ validated offline: every document against the Kubernetes OpenAPI schemas (kubernetes-models,
// generated from the upstream OpenAPI spec; kubectl --dry-run=client needs an API server for discovery,
// so it cannot run here), then the structure docs/fleet.md promises.
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Namespace, ServiceAccount } from 'kubernetes-models/v1';
import { DaemonSet } from 'kubernetes-models/apps/v1';
import { Job } from 'kubernetes-models/batch/v1';
import { parseAllDocuments } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { ReportSchema } from '../../src/report/model.js';
import { BIN, runCli } from '../helpers/cli.js';
import { writeSecretNode } from '../helpers/secret-node.js';

const DEPLOY = new URL('../../deploy/', import.meta.url).pathname;
const MODELS: Record<string, new (o: never) => { validate(): void }> = {
  'v1/Namespace': Namespace as never,
  'v1/ServiceAccount': ServiceAccount as never,
  'apps/v1/DaemonSet': DaemonSet as never,
  'batch/v1/Job': Job as never,
};
// What docs/fleet.md documents, and nothing more.
const CAPABILITIES = ['NET_ADMIN', 'NET_RAW', 'DAC_READ_SEARCH', 'SYS_PTRACE', 'SYSLOG'];

// manifests are walked by key
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;
const docs: { file: string; obj: Obj }[] = [];
for (const f of readdirSync(DEPLOY)
  .filter((f) => f.endsWith('.yaml'))
  .sort()) {
  for (const d of parseAllDocuments(readFileSync(join(DEPLOY, f), 'utf8'))) {
    expect(d.errors, f).toEqual([]);
    docs.push({ file: f, obj: d.toJS() as Obj });
  }
}
const find = (kind: string) => docs.filter((d) => d.obj.kind === kind).map((d) => d.obj);

describe('deploy/ manifests', () => {
  it.each(docs.map((d) => [`${d.file} ${d.obj.kind}/${d.obj.metadata?.name}`, d.obj] as const))(
    '%s validates against the Kubernetes schema',
    (_n, obj) => {
      const Model = MODELS[`${obj.apiVersion}/${obj.kind}`];
      expect(Model, `no schema for ${obj.apiVersion} ${obj.kind}`).toBeDefined();
      expect(() => new (Model as NonNullable<typeof Model>)(obj as never).validate()).not.toThrow();
    },
  );

  it('the validation catches a broken manifest (the check is real)', () => {
    const ds = structuredClone(find('DaemonSet')[0]) as Obj;
    ds.spec.template.spec.containers[0].resources.limits.memory = { bad: true };
    expect(() => new DaemonSet(ds as never).validate()).toThrow();
    const job = structuredClone(find('Job')[0]) as Obj;
    job.spec.template.spec.hostNetwork = 'yes';
    expect(() => new Job(job as never).validate()).toThrow();
  });

  const pods = () =>
    [...find('DaemonSet'), ...find('Job')].map((w) => ({ kind: w.kind as string, spec: w.spec.template.spec as Obj }));

  it('both run on every node with the host mounted read-only, host network and PID, and limits', () => {
    expect(
      pods()
        .map((p) => p.kind)
        .sort(),
    ).toEqual(['DaemonSet', 'Job']);
    for (const { kind, spec } of pods()) {
      expect(spec.hostNetwork, kind).toBe(true);
      expect(spec.hostPID, kind).toBe(true);
      expect(spec.dnsPolicy).toBe('ClusterFirstWithHostNet');
      expect(spec.tolerations).toContainEqual({ operator: 'Exists' });
      expect(spec.automountServiceAccountToken).toBe(false);
      const c = spec.containers[0];
      const host = c.volumeMounts.find((m: Obj) => m.mountPath === '/host');
      expect(host.readOnly).toBe(true);
      const vol = spec.volumes.find((v: Obj) => v.name === host.name);
      expect(vol.hostPath.path).toBe('/');
      // diagnose writes its temporary bundle under /tmp: writable although the root filesystem is not
      expect(c.securityContext.readOnlyRootFilesystem).toBe(true);
      expect(c.volumeMounts.map((m: Obj) => m.mountPath)).toContain('/tmp');
      expect(c.resources.limits.cpu).toBeDefined();
      expect(c.resources.limits.memory).toBeDefined();
      expect(c.securityContext.privileged).toBe(false);
      expect(c.securityContext.allowPrivilegeEscalation).toBe(false);
      expect(c.securityContext.capabilities.drop).toEqual(['ALL']);
      expect([...c.securityContext.capabilities.add].sort()).toEqual([...CAPABILITIES].sort());
    }
    expect(find('ServiceAccount')[0]?.automountServiceAccountToken).toBe(false);
    expect(find('Job')[0]?.spec.template.spec.restartPolicy).toBe('Never');
  });

  describe('the dfdoctor command line in the manifests', () => {
    let help: string;
    beforeAll(async () => {
      help = (await runCli(['diagnose', '--help'])).stdout;
    });
    it('is `diagnose --root /host --format json`, with flags the CLI knows', () => {
      for (const { kind, spec } of pods()) {
        const c = spec.containers[0];
        const line = [...(c.command ?? []), ...(c.args ?? [])].join(' ');
        expect(line, kind).toMatch(/diagnose --root \/host --format json/);
        for (const flag of line.match(/--[a-z][a-z-]+/g) ?? []) expect(help, `${kind}: ${flag}`).toContain(flag);
      }
    });
  });

  it("the DaemonSet's script prints exactly one JSON report as the pod log, which fleet summarize reads", async () => {
    const ds = find('DaemonSet')[0] as Obj;
    const script = ds.spec.template.spec.containers[0].args[0] as string;
    const work = await mkdtemp(join(tmpdir(), 'dfdoctor-ds-script-'));
    const root = await writeSecretNode();
    try {
      const bin = join(work, 'bin');
      await mkdir(bin);
      await symlink(BIN, join(bin, 'dfdoctor'));
      // the pod's paths mapped onto temp dirs; the pod idles afterwards, the test does not
      const local = script
        .replaceAll('/host', root)
        .replaceAll('/tmp/', `${work}/`)
        .replace('exec sleep infinity', 'exit 0')
        .replace('--timeout 60', '--timeout 30 --skip disk');
      const r = await runCli(['-c', local], {
        command: ['/bin/sh'],
        env: { PATH: `${bin}:${process.env.PATH}` },
        timeoutMs: 90_000,
      });
      expect(r.code, r.stderr).toBe(0);
      const report = ReportSchema.parse(JSON.parse(r.stdout));
      expect(report.source.kind).toBe('live');
      await writeFile(join(work, 'node-x.json'), r.stdout);
      const f = await runCli(['fleet', 'summarize', join(work, 'node-x.json'), '--format', 'json']);
      expect(f.code, f.stderr).toBe(0);
      expect(JSON.parse(f.stdout).nodes.total).toBe(1);
    } finally {
      await rm(work, { recursive: true, force: true });
      await rm(root, { recursive: true, force: true });
    }
  }, 120_000);
});
