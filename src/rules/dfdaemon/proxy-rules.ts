import type { RegistryRoute, RouteHost } from '../../facts/containerd.js';
import type { Facts } from '../../facts/types.js';
import { RUST_USE_P2P_HEADER } from '../../knowledge/dfdaemon-rust.js';
import { parseRelease, pick } from '../../knowledge/versioned.js';
import { isBlobUrl, type ProxyRequest } from '../../parsers/dfdaemon-timeline.js';
import { applySteps, type ConfigAt, configSnippet, forGen } from '../snippets/dfdaemon.js';
import { defineRule } from '../rule.js';
import { configAt, type Config } from './pull.js';
import { quote, setting } from './text.js';

/** Does a Go proxy rule (regx, matched against the whole URL) catch a registry blob URL? */
function goRuleMatchesBlob(regex: string): boolean {
  try {
    return new RegExp(regex).test('https://index.docker.io/v2/library/nginx/blobs/sha256:0123456789abcdef');
  } catch {
    return false;
  }
}

/** What in the config keeps blobs off P2P: no Rust rule, Go's mirror set direct, or Go proxies that miss blobs. */
type ConfigCause = 'rust-no-rules' | 'go-direct' | 'go-no-blob-rule';

/** One of containerd's routes to dfdaemon, and whether hosts.toml has it send `X-Dragonfly-Use-P2P: true`. */
interface DfdaemonHop {
  route: RegistryRoute;
  host: RouteHost;
  useP2P: boolean;
}

interface ProxyRulesFinding {
  cfg?: Config;
  cause: ConfigCause | null;
  directBlobs: ProxyRequest[];
  config: ConfigAt;
  hops: DfdaemonHop[];
  /** Whether the Rust daemon's release reads X-Dragonfly-Use-P2P; `version` when it is known. */
  header: { read: boolean; version?: string };
}

// the proxy takes the header as "true" in any case (proxy/header.rs:223-236@v1.5.1); Go's HTTP client
// and hyper both trim the spaces around a header value
const asksP2P = (h: RouteHost) => h.useP2PHeader?.trim().toLowerCase() === 'true';

/** containerd's routes to dfdaemon in the hosts.toml it reads (not a rejected or shadowed file). */
function dfdaemonHops(f: Facts): DfdaemonHop[] {
  return (f.containerd?.routes ?? [])
    .filter((r) => r.rejected === undefined && r.shadowedBy === undefined)
    .flatMap((route) =>
      route.hosts.filter((h) => h.isDfdaemon).map((host) => ({ route, host, useP2P: asksP2P(host) })),
    );
}

const hopAt = (h: DfdaemonHop) =>
  `${h.route.file ?? h.route.registry}${h.host.line === undefined ? '' : `:${h.host.line}`} (${h.host.url})`;

function configCause(
  cfg: Config | undefined,
  hops: DfdaemonHop[],
  header: ProxyRulesFinding['header'],
): ConfigCause | null {
  // with no rule the Rust proxy still sends a GET through P2P when it carries X-Dragonfly-Use-P2P: true,
  // on the registry-mirror path too: so nothing is lost when every route of containerd's to it sends that
  if (cfg?.generation === 'rust' && cfg.proxyRules.value.length === 0)
    return header.read && hops.length > 0 && hops.every((h) => h.useP2P) ? null : 'rust-no-rules';
  // Go: containerd's mirror requests take the registry-mirror path, where `proxies` count only with
  // useProxies; otherwise a built-in rule sends GET …/blobs/sha256… through P2P (proxy.go:657-664)
  if (cfg?.generation !== 'go') return null;
  if (cfg.registryMirrorDirect?.value === true) return 'go-direct';
  const usable = cfg.proxyRules.value.filter((r) => !r.direct && goRuleMatchesBlob(r.regex));
  return cfg.registryMirrorUseProxies?.value === true && usable.length === 0 ? 'go-no-blob-rule' : null;
}

const rulesAt = (cfg: Config) => `${cfg.file}${cfg.proxyRules.line ? `:${cfg.proxyRules.line}` : ''}`;

const CAUSE_TEXT: Record<ConfigCause, (cfg: Config) => string[]> = {
  'rust-no-rules': (cfg) => [
    `${cfg.proxyRules.key}: ${cfg.proxyRules.from === 'default' ? 'not set' : 'empty'} (${rulesAt(cfg)}) — with no rule the Rust proxy sends every request directly (proxy/mod.rs:1433-1441)`,
  ],
  'go-direct': (cfg) => [
    `${setting(cfg.registryMirrorDirect!, cfg.file)} — every registry-mirror request goes straight to the registry (proxy.go:657-659)`,
  ],
  'go-no-blob-rule': (cfg) => [
    `${setting(cfg.registryMirrorUseProxies!, cfg.file)} — registry-mirror requests follow proxy.proxies instead of the built-in blob rule`,
    `proxy.proxies (${cfg.proxyRules.from === 'default' ? 'not set' : rulesAt(cfg)}): ${cfg.proxyRules.value.map((r) => `regx ${r.regex}${r.direct ? ' direct' : ''}`).join(', ') || 'no rule'} — none sends …/blobs/sha256:… through P2P`,
  ],
};

/** What containerd's X-Dragonfly-Use-P2P header does for its routes to a Rust dfdaemon without rules. */
function headerText(hops: DfdaemonHop[], header: ProxyRulesFinding['header']): string[] {
  const asking = hops.filter((h) => h.useP2P);
  if (asking.length === 0) return [];
  const at = asking.map(hopAt).join(', ');
  if (!header.read)
    return [
      `${at}: X-Dragonfly-Use-P2P: true is ignored — the Rust proxy reads that header from v0.1.108 (this one: ${header.version ?? 'unknown'})`,
    ];
  const rest = hops.filter((h) => !h.useP2P);
  return [
    `${at}: containerd sends X-Dragonfly-Use-P2P: true, so dfdaemon takes those GET requests (blobs included) through P2P without a rule (proxy/mod.rs:482-506)`,
    ...(rest.length > 0 ? [`not sent by ${rest.map(hopAt).join(', ')}: those requests go directly`] : []),
  ];
}

export const proxyRules = defineRule<ProxyRulesFinding>({
  meta: {
    id: 'dfdaemon.proxy-rules',
    cause: 'dfdaemon-proxy-rules',
    title: 'Blob requests bypass P2P: the proxy rules do not send them through dfdaemon',
    description:
      'Rust proxy.rules empty (nothing goes via P2P); Go registryMirror.direct: true, or registryMirror.useProxies: true with no proxies rule matching …/blobs/sha256…; or blob URLs logged as proxied "directly"',
    severities: ['critical', 'warning'],
    remediationSummary: 'Add a proxy rule that matches registry blobs (regex "blobs/sha256.*").',
  },

  detect(f) {
    const d = f.dfdaemon;
    const cfg = d?.config;
    const hops = dfdaemonHops(f);
    const picked = pick(RUST_USE_P2P_HEADER, d?.version ? parseRelease(d.version) : null);
    const header = { read: picked.kind !== 'none' && picked.value, ...(d?.version ? { version: d.version } : {}) };
    const cause = configCause(cfg, hops, header);
    const directBlobs = (d?.logs?.summary.proxy ?? []).filter((p) => !p.viaP2P && isBlobUrl(p.url));
    if (cause === null && directBlobs.length === 0) return null;
    return {
      severity: cause !== null ? 'critical' : 'warning',
      confidence: 0.85,
      data: { cfg, cause, directBlobs, config: configAt(f), hops, header },
    };
  },

  evidence({ cfg, cause, directBlobs, hops, header }) {
    const out = cause !== null && cfg ? CAUSE_TEXT[cause](cfg) : [];
    if (cfg?.generation === 'rust') out.push(...headerText(hops, header));
    if (directBlobs.length > 0) {
      out.push(`${directBlobs.length} blob request(s) proxied directly to the origin, e.g.:`);
      for (const p of directBlobs.slice(0, 3)) out.push(`  ${quote(p.ref)}`);
    }
    return out;
  },

  steps({ cfg, config }) {
    const rule =
      cfg?.generation === 'go'
        ? cfg.registryMirrorDirect?.value === true
          ? configSnippet(forGen(config, 'go'), 'proxy:\n  registryMirror:\n    direct: false')
          : configSnippet(
              forGen(config, 'go'),
              'proxy:\n  proxies:\n    - regx: blobs/sha256.*   # or drop registryMirror.useProxies: the built-in blob rule then applies',
            )
        : configSnippet(forGen(config, 'rust'), 'proxy:\n  rules:\n    - regex: blobs/sha256.*');
    return [rule, ...applySteps(config)];
  },
});
