import type { ContainerdFacts } from '../../facts/containerd.js';
import type { MisconfigKind } from '../../facts/containerd-misconfigs.js';
import { proxyPortsText } from '../../facts/containerd-routes.js';
import { assumptionsText } from '../../facts/containerd-versioned.js';
import { CONTAINERD_FILES } from '../../facts/containerd-files.js';
import { defineRule } from '../rule.js';
import { hostsDir, onThisNode, restart } from '../snippets/containerd.js';
import { cmd } from '../steps.js';
import { MISCONFIG_FIXES } from './mirror-misconfigured-steps.js';
import { versionText, where } from './text.js';

/** Critical when containerd bypasses dfdaemon entirely; a warning when the mirror is reached but wrongly. */
const SEVERITY: Record<MisconfigKind, 'critical' | 'warning'> = {
  'no-routing': 'critical',
  'wrong-dir': 'critical',
  'wrong-name': 'critical',
  'mirrors-wrong-name': 'critical',
  rejected: 'critical',
  'host-without-header': 'critical',
  'leftover-cri-registry': 'critical',
  'config-path-misplaced': 'critical',
  'dfdaemon-proxy-off': 'critical',
  'legacy-with-config-path': 'critical',
  'mirrors-refused': 'critical',
  'config-path-list-transfer': 'critical',
  'not-listening': 'critical',
  'config-path-without-hosts': 'critical',
  shadowed: 'critical',
  'wrong-port': 'warning',
  scheme: 'warning',
  'no-pull-capability': 'warning',
  'default-dir-unread': 'warning',
  'certs-dir-shadows-default': 'warning',
};

const CONFIG_SOURCE: Record<ContainerdFacts['configSource'], string> = {
  dump: '`containerd config dump`',
  file: 'config.toml',
  invalid: 'nowhere (config.toml does not parse)',
  defaults: 'defaults',
  'not-given': 'none given',
};

const SUMMARY =
  "Point containerd at dfdaemon: config_path in config.toml and <config_path>/<registry>/hosts.toml with dfdaemon's proxy as the first host.";

export const mirrorMisconfigured = defineRule<{ c: ContainerdFacts; kinds: ReadonlySet<MisconfigKind> }>({
  meta: {
    id: 'containerd.mirror-misconfigured',
    cause: 'mirror-misconfigured',
    title: 'containerd does not send pulls to dfdaemon',
    description:
      'No config_path/mirrors while dfdaemon runs; hosts.toml in a directory containerd does not read, keyed on the wrong registry name, shadowed by an earlier config_path entry or rejected by containerd; dfdaemon written as an inline-table host, which 2.0+ never tries; a registry directory with certificates but no hosts.toml, which keeps that registry off a _default that routes through dfdaemon; on 2.3+, a version 2 registry table left in a version 3 config, which then replaces the registry table of the images plugin; config_path written in the CRI table itself instead of its registry table; legacy mirrors together with config_path (or, on 2.2.0–2.2.1, with the default config_path); a multi-directory config_path on 2.1+ transfer-service pulls; first mirror on a wrong port/scheme, without "pull", or with nothing listening',
    severities: ['critical', 'warning'],
    remediationSummary: SUMMARY,
  },

  // a legacy mirror only misnamed is fixed where it is, on releases without config_path (< 1.5) too
  summary: ({ kinds }) =>
    kinds.size === 1 && kinds.has('mirrors-wrong-name')
      ? 'Key the registry.mirrors table on the name images use ("docker.io"), so that pulls reach dfdaemon.'
      : SUMMARY,

  detect(f) {
    const c = f.containerd;
    if (!c || c.misconfigs.length === 0) return null;
    return {
      severity: c.misconfigs.some((m) => SEVERITY[m.kind] === 'critical') ? 'critical' : 'warning',
      confidence: c.dfdaemonPresent ? 0.9 : 0.7,
      data: { c, kinds: new Set(c.misconfigs.map((m) => m.kind)) },
    };
  },

  evidence: ({ c }) => [
    ...c.misconfigs.map((m) => `${m.message}${where(m.file, m.line)}`),
    ...(c.versionAssumptions.length > 0
      ? [`containerd version unknown, assumed: ${assumptionsText(c.versionAssumptions, CONTAINERD_FILES.version)}`]
      : []),
    `${versionText(c)}; config from ${CONFIG_SOURCE[c.configSource]}${where(c.configFile ?? undefined)}`,
    // with no proxy served, the misconfig's own message says why
    ...(c.dfdaemon && c.dfdaemon.proxyOff === undefined
      ? [`dfdaemon proxy port(s) ${proxyPortsText(c.dfdaemon, ', ')} (${c.dfdaemon.source})`]
      : []),
  ],

  steps: ({ c, kinds }) =>
    onThisNode(c, [
      ...MISCONFIG_FIXES.filter((fix) => fix.kinds.some((k) => kinds.has(k))).flatMap((fix) => fix.steps(c)),
      restart(c),
      cmd(`crictl pull <image>    # verify; ctr ignores hosts.toml unless given --hosts-dir ${hostsDir(c)}`),
    ]),
});
