import type { ContainerdFacts, RegistryRoute } from '../../facts/containerd.js';
import { defineRule } from '../rule.js';
import { afterHostsToml, dfdaemonHostSnippet, onThisNode } from '../snippets/containerd.js';
import { prose } from '../steps.js';
import { where } from './text.js';

export const registryRoundtrip = defineRule<{ c: ContainerdFacts; routes: RegistryRoute[] }>({
  meta: {
    id: 'containerd.registry-roundtrip',
    cause: 'registry-roundtrip',
    title: 'Tag resolution bypasses dfdaemon and goes to the origin registry',
    description:
      'The dfdaemon mirror in hosts.toml (or a legacy mirror) lacks the "resolve" capability, so every manifest/tag lookup goes to the next host — the origin — even on a cache hit',
    severities: ['warning'],
    remediationSummary: 'Give the dfdaemon host the "resolve" capability (dfinit\'s default), or pull by digest.',
  },

  detect(f) {
    const c = f.containerd;
    // transfer pulls that cannot read a config_path list use no hosts.toml at all: mirror-misconfigured says so
    if (!c || c.misconfigs.some((m) => m.kind === 'config-path-list-transfer')) return null;
    const routes = c.routes.filter(
      (r) =>
        !r.rejected &&
        r.shadowedBy === undefined &&
        r.hosts[0]?.isDfdaemon &&
        r.hosts[0].capabilities.includes('pull') &&
        !r.hosts[0].capabilities.includes('resolve'),
    );
    if (routes.length === 0) return null;
    return { severity: 'warning', confidence: 0.85, data: { c, routes } };
  },

  evidence: ({ routes }) =>
    routes.map((r) => {
      const h = r.hosts[0]!;
      const resolver = r.hosts.find((x) => x.capabilities.includes('resolve'));
      return `${r.registry}: ${h.url} has capabilities [${h.capabilities.join(', ')}] — no "resolve", so tags resolve at ${resolver?.url ?? 'the registry'}${where(r.file, h.line)}`;
    }),

  steps: ({ c }) =>
    onThisNode(c, [
      dfdaemonHostSnippet(c),
      afterHostsToml(c),
      prose('Or reference images by digest (image@sha256:…) so no tag lookup is needed.'),
    ]),
});
