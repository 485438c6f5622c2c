// The dfdaemon config a step tells the SRE to change is the file the daemon reads: the path it was
// started with, as the probe recorded it, else its generation's default; in a pod, the ConfigMap
// mounted there. Never the bundle's copy.
import { describe, expect, it } from 'vitest';
import type { Manifest } from '../../src/bundle/manifest.js';
import { evaluate } from '../../src/engine.js';
import { RULES } from '../../src/rules/index.js';
import type { Step } from '../../src/report/model.js';
import { factsFrom } from '../helpers/bundle.js';
import { loadFixture } from '../helpers/fixture-files.js';

const fixture = (name: string) => new URL(`../../fixtures/${name}/`, import.meta.url).pathname;

async function stepsWith(name: string, rule: string, dfdaemon?: Record<string, unknown>): Promise<Step[]> {
  const fx = loadFixture(fixture(name));
  const probes: Manifest['probes'] = dfdaemon
    ? { ...fx.manifest.probes, dfdaemon: { status: 'ok', durationMs: 1, ...fx.manifest.probes.dfdaemon, ...dfdaemon } }
    : fx.manifest.probes;
  const facts = await factsFrom(fx.files, { manifest: { ...fx.manifest, probes }, measurements: fx.measurements });
  const d = evaluate(facts, RULES).diagnoses.find((x) => x.rule === rule);
  if (!d) throw new Error(`${name}: ${rule} did not fire`);
  return d.remediation.steps;
}

const snippetFiles = (steps: Step[]) => steps.flatMap((s) => (s.kind === 'snippet' ? [s.file] : []));
const prose = (steps: Step[]) => steps.flatMap((s) => (s.kind === 'prose' ? [s.text] : []));

describe('dfdaemon config steps name the file the daemon reads', () => {
  it('a Go daemon started with --config on the node', async () => {
    const steps = await stepsWith('real/package-go-dfget-v2.1.49-as-mirror', 'dfdaemon.mirror-disabled', {
      configPath: '/opt/dragonfly/dfget-prod.yaml',
      configRead: '/opt/dragonfly/dfget-prod.yaml',
    });
    expect(snippetFiles(steps)).toEqual(['/opt/dragonfly/dfget-prod.yaml']);
    expect(prose(steps).join('\n')).toContain('edit /opt/dragonfly/dfget-prod.yaml, then restart the daemon:');
    // the unit the Go package installs
    expect(steps).toContainEqual({
      kind: 'command',
      command: 'systemctl restart dfget-daemon    # the unit the deb/rpm package installs',
    });
    expect(JSON.stringify(steps)).not.toContain('/etc/dragonfly');
  });

  it('the service the daemon runs as, when its cgroup named one', async () => {
    const steps = await stepsWith('real/package-go-dfget-v2.1.49-as-mirror', 'dfdaemon.mirror-disabled', {
      configPath: '/etc/dragonfly/dfget.yaml',
      unit: 'dragonfly-dfget.service',
    });
    expect(steps).toContainEqual({
      kind: 'command',
      command: 'systemctl restart dragonfly-dfget.service    # the service the daemon runs as',
    });
  });

  it("the generation's default when the bundle does not say", async () => {
    const steps = await stepsWith('real/package-go-dfget-v2.1.49-as-mirror', 'dfdaemon.mirror-disabled');
    expect(snippetFiles(steps)).toEqual(['/etc/dragonfly/dfget.yaml']);
    expect(prose(steps).join('\n')).toContain('edit /etc/dragonfly/dfget.yaml, then restart the daemon:');
  });

  it('a Rust client in a pod: the ConfigMap volume mounted at its path, and how to find the ConfigMap', async () => {
    const steps = await stepsWith('dfdaemon-rust-proxy-request-limit', 'dfdaemon.proxy-request-limit', {
      configPath: '/etc/dragonfly/dfdaemon.yaml',
      configRead: '/proc/4188/root/etc/dragonfly/dfdaemon.yaml',
      daemonRoot: '/proc/4188/root',
    });
    expect(snippetFiles(steps)).toEqual(['/etc/dragonfly/dfdaemon.yaml']);
    const text = prose(steps).join('\n');
    expect(text).toContain('client.config');
    expect(text).toContain(`the daemon reads /etc/dragonfly/dfdaemon.yaml from its pod's ConfigMap volume "config"`);
    expect(text).not.toMatch(/or edit \/etc\/dragonfly/);
    // no container record: no pod to name in a command
    expect(steps.filter((s) => s.kind === 'command')).toEqual([]);
  });

  it('the pod from the container record names the command that finds the ConfigMap', async () => {
    const steps = await stepsWith('seed-cache-hit-slow', 'dfdaemon.cache-not-kept');
    expect(steps).toContainEqual({
      kind: 'command',
      command: `kubectl -n dragonfly-system get pod dragonfly-dfdaemon-x7k2p -o jsonpath='{.spec.volumes[?(@.name=="config")].configMap.name}'    # the ConfigMap to edit`,
    });
  });

  it("with the generation unknown, each generation's snippet keeps its own default", async () => {
    const steps = await stepsWith('disk-slow-medium', 'disk.slow-medium', {
      configPath: '/opt/df/config.yaml',
      configRead: '/opt/df/config.yaml',
    });
    expect(snippetFiles(steps)).toEqual(['/etc/dragonfly/dfget.yaml', '/etc/dragonfly/dfdaemon.yaml']);
  });

  it('a step for a known generation takes the recorded file', async () => {
    const steps = await stepsWith('bench-disk-throttled', 'disk.slow-medium', {
      configPath: '/opt/df/config.yaml',
      configRead: '/opt/df/config.yaml',
    });
    expect(snippetFiles(steps)).toEqual(['/opt/df/config.yaml']);
  });
});
