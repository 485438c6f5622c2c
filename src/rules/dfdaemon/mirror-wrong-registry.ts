// containerd sends a registry's pulls to dfdaemon's proxy, but nothing tells dfdaemon which registry:
// without an X-Dragonfly-Registry header the proxy fetches from the one registry its config names.
// Rust until v1.3.4: proxy.registryMirror.addr (default https://index.docker.io) with the request's path,
// containerd's ?ns=<registry> dropped (client v0.1.94 dragonfly-client/src/proxy/mod.rs:800-817); from
// v1.3.5 it takes the registry from ?ns= (client f54846be). Go: proxy.registryMirror.url, another
// registry only from the header and only with proxy.registryMirror.dynamic: true (dragonfly v2.1.0
// client/daemon/proxy/reverse_proxy.go:29-48, client/config/peerhost.go:701-703); it never reads ?ns=.
import type { ContainerdFacts, RegistryRoute, RouteHost } from '../../facts/containerd.js';
import { sendsToDfdaemon } from '../../facts/containerd-routes.js';
import type { Facts } from '../../facts/types.js';
import { RUST_NS_REGISTRY } from '../../knowledge/dfdaemon-rust.js';
import { parseRelease, pick } from '../../knowledge/versioned.js';
import type { Setting } from '../../parsers/dfdaemon-config.js';
import type { Step } from '../../report/model.js';
import { areaInputsAbsent, defineRule } from '../rule.js';
import { hostsDir, onThisNode, afterHostsToml } from '../snippets/containerd.js';
import { applySteps, type ConfigAt, configSnippet, forGen } from '../snippets/dfdaemon.js';
import { prose, snippet } from '../steps.js';
import { configAt, gen } from './pull.js';
import { isCatchAll, registryName } from './registry-name.js';
import { setting } from './text.js';

const RUST_ADDR_DEFAULT = 'https://index.docker.io';
const RUST_ADDR_SOURCE = 'client v0.1.94 dragonfly-client-config/src/dfdaemon.rs:305-307';

/** One of containerd's routes to dfdaemon that reaches the proxy without naming its registry. */
interface WrongHop {
  route: RegistryRoute;
  host: RouteHost;
  /** none: no X-Dragonfly-Registry; go-not-dynamic: the header is sent, but the Go daemon ignores it. */
  why: 'none' | 'go-not-dynamic';
}

interface WrongRegistryFinding {
  gen: 'go' | 'rust';
  hops: WrongHop[];
  /** The registry dfdaemon fetches from instead: its config key, value and where it was read. */
  upstream: { setting: Setting<string>; file?: string };
  /** Rust: the release, when known; not known means assumed before v1.3.5. */
  release?: string;
  releaseKnown: boolean;
  dynamic?: Setting<boolean>;
  goFile?: string;
  c: ContainerdFacts;
  config: ConfigAt;
}

/** The registry the route's pulls are for, as the header should name it. */
function originUrl(r: RegistryRoute): string {
  if (registryName(r.registry) === 'docker.io') return 'https://index.docker.io';
  const own = r.hosts.find((h) => !h.isDfdaemon && (h.role === 'server' || h.role === 'origin'));
  if (own)
    return `${own.scheme}://${own.host}${own.port === (own.scheme === 'https' ? 443 : 80) ? '' : `:${own.port}`}`;
  return `https://${r.registry}`;
}

/** Routes containerd reads (not rejected, shadowed or a bare certificates dir) and their dfdaemon hosts. */
function dfdaemonHosts(c: ContainerdFacts): { route: RegistryRoute; host: RouteHost }[] {
  return c.routes
    .filter((r) => sendsToDfdaemon(r) && r.source !== 'certs-dir')
    .flatMap((route) => {
      const host = route.hosts.find((h) => h.isDfdaemon);
      return host ? [{ route, host }] : [];
    });
}

/** A registry's host without its port: one host serving on two ports (https and a plain-HTTP :5000) is one registry. */
const hostOnly = (name: string): string => name.replace(/:\d+$/, '');

/**
 * Whether dfdaemon's one upstream is the route's registry: by the route's namespace, or by the origin its
 * hosts.toml names (server), compared by host. Only a route whose registry is plainly another host is
 * fetched from the wrong registry; a same-host address on another port or scheme is not called wrong.
 */
function sameRegistry(route: RegistryRoute, upstream: string): boolean {
  const target = hostOnly(registryName(upstream));
  return hostOnly(registryName(route.registry)) === target || hostOnly(registryName(originUrl(route))) === target;
}

function wrongHops(c: ContainerdFacts, upstream: string, g: 'go' | 'rust', dynamic: boolean): WrongHop[] {
  return dfdaemonHosts(c).flatMap(({ route, host }): WrongHop[] => {
    if (!isCatchAll(route.registry) && sameRegistry(route, upstream)) return [];
    if (host.registryHeader === undefined) {
      // registry.headers go with every request, hosts.toml hosts' too (containerd v1.6.38
      // pkg/cri/server/image_pull.go:103-105): which value dfdaemon then reads first is not modelled
      if (route.source === 'hosts.toml' && c.config.cri.registryHeader !== undefined) return [];
      return [{ route, host, why: 'none' }];
    }
    return g === 'go' && !dynamic ? [{ route, host, why: 'go-not-dynamic' }] : [];
  });
}

function routeLabel(r: RegistryRoute): string {
  if (r.registry === '_default') return 'every registry without a hosts.toml of its own (_default)';
  if (r.registry === '*') return 'every registry (registry.mirrors."*")';
  return `${r.registry}'s`;
}

function hopText(h: WrongHop, c: ContainerdFacts): string {
  const at = `${h.route.file ?? h.route.registry}${h.host.line === undefined ? '' : `:${h.host.line}`}`;
  const head = `${at}: containerd sends ${routeLabel(h.route)} pulls to dfdaemon (${h.host.url})`;
  if (h.why === 'go-not-dynamic')
    return `${head} with X-Dragonfly-Registry: ${h.host.registryHeader ?? ''}, which the Go daemon ignores unless proxy.registryMirror.dynamic is true`;
  if (h.route.source !== 'legacy-mirrors') return `${head} without an X-Dragonfly-Registry header`;
  const ignored = c.config.cri.mirrorHeaderTables.includes(h.route.registry)
    ? `; the mirror's \`header\` table is no containerd key (a mirror has only \`endpoint\`) and is never sent`
    : '';
  return `${head} without an X-Dragonfly-Registry header: a legacy registry.mirrors entry has no headers of its own${ignored}`;
}

function upstreamText(d: WrongRegistryFinding): string {
  const s = d.upstream.setting;
  if (d.gen === 'go')
    return `so the Go dfdaemon fetches them from ${setting(s, d.goFile)} with the request's path — it takes another registry only from X-Dragonfly-Registry, and only with ${d.dynamic ? setting(d.dynamic, d.goFile) : 'proxy.registryMirror.dynamic: true'}; it never reads containerd's ?ns= (dragonfly v2.1.0 client/daemon/proxy/reverse_proxy.go:29-48)`;
  const addr =
    d.upstream.file === undefined
      ? `proxy.registryMirror.addr: ${s.value} (dfdaemon.yaml not in the bundle: the code default, ${RUST_ADDR_SOURCE})`
      : setting(s, d.upstream.file);
  const release = d.releaseKnown ? `Rust dfdaemon ${d.release ?? ''}` : 'a Rust dfdaemon before v1.3.5';
  return `so ${release} fetches them from ${addr} with the request's path, dropping containerd's ?ns=<registry> — it reads ?ns= from v1.3.5 (dragonflyoss/client f54846be)`;
}

function outcomeText(hops: WrongHop[]): string {
  const falls = hops.filter((h) => h.route.originFallback).map((h) => h.route.registry);
  const fails = hops.filter((h) => !h.route.originFallback).map((h) => h.route.registry);
  const out: string[] = [];
  // the wrong registry answers a miss (401/404) or, for a repository of the same name there, another image
  if (falls.length > 0)
    out.push(
      `${falls.join(', ')}: the wrong registry answers (a miss, or its own image of that name); on a miss containerd goes on to the next host — these pulls bypass P2P`,
    );
  if (fails.length > 0)
    out.push(`${fails.join(', ')}: no host after dfdaemon — these pulls fail where the wrong registry misses`);
  return out.join('; ');
}

/** The header for one registry's hosts.toml; a catch-all or legacy mirror can name no single registry. */
function headerSteps(c: ContainerdFacts, hops: WrongHop[]): Step[] {
  const out: Step[] = [];
  const perRegistry = hops.filter(
    (h) => h.why === 'none' && h.route.source === 'hosts.toml' && !isCatchAll(h.route.registry),
  );
  for (const h of perRegistry)
    out.push(
      snippet({
        file: h.route.nodeFile ?? `${hostsDir(c)}/${h.route.registry}/hosts.toml`,
        format: 'toml',
        text: `[host."${h.host.url}".header]\n  X-Dragonfly-Registry = ["${originUrl(h.route)}"]`,
      }),
    );
  if (hops.some((h) => h.why === 'none' && (h.route.source === 'legacy-mirrors' || isCatchAll(h.route.registry))))
    out.push(
      prose(
        `A catch-all route or a legacy registry.mirrors entry cannot tell dfdaemon each registry: give every registry pulled through dfdaemon its own ${hostsDir(c)}/<registry>/hosts.toml (config_path set, legacy mirrors removed) whose dfdaemon host sends X-Dragonfly-Registry = ["https://<registry>"], as dfinit writes them (dragonflyoss/client dragonfly-client-init/src/container_runtime/containerd.rs add_registries).`,
      ),
    );
  if (out.length > 0) out.push(afterHostsToml(c));
  return out;
}

export const mirrorWrongRegistry = defineRule<WrongRegistryFinding>({
  meta: {
    id: 'dfdaemon.mirror-wrong-registry',
    // containerd does reach dfdaemon (not mirror-misconfigured); dfdaemon asks the wrong registry, the
    // request fails and containerd goes on to the next host: the mirror fails and containerd falls back
    cause: 'mirror-fallback',
    title: "dfdaemon fetches another registry's pulls from its own registry: containerd does not name the registry",
    description:
      "A containerd route (hosts.toml, _default, legacy mirrors) of a registry other than the one dfdaemon's registry mirror names reaches dfdaemon without an X-Dragonfly-Registry header: the Rust client before v1.3.5 fetches from proxy.registryMirror.addr, the Go daemon from proxy.registryMirror.url (with the header, still unless registryMirror.dynamic is true); critical on those releases, info when the Rust release is unknown (v1.3.5+ reads containerd's ?ns=)",
    severities: ['critical', 'info'],
    remediationSummary:
      'Have containerd send X-Dragonfly-Registry = ["https://<registry>"] to dfdaemon in each registry\'s hosts.toml (Rust: or run v1.3.5+, which reads ?ns=; Go: and set proxy.registryMirror.dynamic: true).',
  },

  inputsAbsent(f: Facts) {
    return (
      areaInputsAbsent({ id: 'dfdaemon.mirror-wrong-registry' }, f) ??
      areaInputsAbsent({ id: 'containerd.mirror-wrong-registry' }, f)
    );
  },

  detect(f) {
    const c = f.containerd;
    const d = f.dfdaemon;
    const g = gen(f);
    if (!c || !d || g === null) return null;
    const cfg = d.config?.generation === g ? d.config : undefined;
    if (g === 'go') {
      // with no url the mirror is off altogether: dfdaemon.mirror-disabled's
      if (!cfg?.registryMirror) return null;
      const dynamic = cfg.registryMirrorDynamic;
      const hops = wrongHops(c, cfg.registryMirror.value, 'go', dynamic?.value === true);
      if (hops.length === 0) return null;
      return {
        severity: 'critical',
        confidence: 0.85,
        data: {
          gen: 'go',
          hops,
          upstream: { setting: cfg.registryMirror, file: cfg.file },
          // the Go daemon reads the header the same way in every release
          releaseKnown: true,
          ...(dynamic ? { dynamic } : {}),
          goFile: cfg.file,
          c,
          config: forGen(configAt(f), 'go'),
        },
      };
    }
    const picked = pick(RUST_NS_REGISTRY, d.version ? parseRelease(d.version) : null);
    if (picked.kind === 'none' || (picked.kind === 'known' && picked.value)) return null;
    const addr: Setting<string> = cfg?.registryMirror ?? {
      key: 'proxy.registryMirror.addr',
      value: RUST_ADDR_DEFAULT,
      from: 'default',
    };
    const hops = wrongHops(c, addr.value, 'rust', false);
    if (hops.length === 0) return null;
    const known = picked.kind === 'known';
    return {
      // with the release unknown the newest reads ?ns= and these routes work: say so, do not warn
      severity: known ? 'critical' : 'info',
      confidence: known ? 0.85 : 0.5,
      data: {
        gen: 'rust',
        hops,
        upstream: { setting: addr, ...(cfg ? { file: cfg.file } : {}) },
        ...(d.version ? { release: d.version } : {}),
        releaseKnown: known,
        c,
        config: forGen(configAt(f), 'rust'),
      },
    };
  },

  evidence(d) {
    return [
      ...d.hops.slice(0, 5).map((h) => hopText(h, d.c)),
      ...(d.hops.length > 5 ? [`and ${d.hops.length - 5} more route(s) alike`] : []),
      upstreamText(d),
      outcomeText(d.hops),
      ...(d.gen === 'rust' && !d.releaseKnown
        ? [
            "dfdaemon release not in the bundle: assumed before v1.3.5, which does this; from v1.3.5 dfdaemon takes the registry from containerd's ?ns= and these routes work",
          ]
        : []),
    ];
  },

  steps(d) {
    const out = onThisNode(d.c, headerSteps(d.c, d.hops));
    if (d.gen === 'rust')
      out.push(
        prose(
          "Or run dfdaemon v1.3.5 or later: with no X-Dragonfly-Registry header it takes the registry from containerd's ?ns= parameter.",
        ),
      );
    else if (d.dynamic?.value !== true)
      out.push(
        configSnippet(
          d.config,
          'proxy:\n  registryMirror:\n    dynamic: true   # take the registry from the X-Dragonfly-Registry header containerd sends',
        ),
        ...applySteps(d.config),
      );
    return out;
  },
});
