// A Go dfdaemon that containerd uses as its registry mirror while the daemon's own registry mirror is
// off: every mirror request is answered 404, containerd falls back to the origin, nothing goes P2P.
import type { RegistryRoute } from '../../facts/containerd.js';
import { sendsToDfdaemon } from '../../facts/containerd-routes.js';
import { goProxyOff } from '../../facts/dfdaemon.js';
import { GO_KEYS } from '../../knowledge/dfdaemon-go.js';
import type { LineRef } from '../../parsers/dfdaemon-timeline.js';
import { applySteps, type ConfigAt, configSnippet, forGen } from '../snippets/dfdaemon.js';
import { configAt } from './pull.js';
import { defineRule } from '../rule.js';
import { quote, routeToDfdaemonText } from './text.js';

const URL_FACT = GO_KEYS.find((k) => k.key === 'proxy.registryMirror.url');

interface MirrorDisabledFinding {
  /** The config file that lacks proxy.registryMirror.url. */
  unsetIn?: string;
  logged?: LineRef;
  /** containerd's registry routes that go through this dfdaemon. */
  routes: RegistryRoute[];
  containerdRead: boolean;
  /** The config the steps change. */
  config: ConfigAt;
}

export const mirrorDisabled = defineRule<MirrorDisabledFinding>({
  meta: {
    id: 'dfdaemon.mirror-disabled',
    // containerd does send its pulls to dfdaemon (so not mirror-misconfigured); the mirror answers 404
    // and containerd goes on to the origin: the mirror fails and containerd falls back
    cause: 'mirror-fallback',
    title:
      'Go dfdaemon has no registryMirror.url: every mirror request gets a 404 and containerd pulls from the origin',
    description:
      'Go dfget.yaml without proxy.registryMirror.url (the code has no default) or the daemon\'s startup warning "registry mirror feature is disabled"; critical when containerd\'s hosts route a registry through this dfdaemon; info when nothing in the bundle does (a mirror no runtime asks costs nothing)',
    severities: ['critical', 'info'],
    remediationSummary:
      'Set proxy.registryMirror.url in dfget.yaml to the registry the mirror stands for, and restart dfdaemon.',
  },

  detect(f) {
    const d = f.dfdaemon;
    const cfg = d?.config;
    if ((cfg?.generation ?? d?.generation ?? null) !== 'go') return null;
    const logged = d?.logs?.summary.mirrorDisabled;
    // a proxy whose options live in a file of their own (`proxy: <path>`) says nothing here of its mirror
    const unset = cfg !== undefined && cfg.registryMirror === undefined && cfg.proxyOptionsFile === undefined;
    if (!unset && !logged) return null;
    // a config that serves no proxy has no mirror to answer 404: containerd's requests are refused (the
    // missing proxy is mirror-misconfigured's); a log that says the mirror is off shows a proxy ran
    if (!logged && goProxyOff(cfg)) return null;
    const routes = (f.containerd?.routes ?? []).filter(sendsToDfdaemon);
    // with no runtime routed to this proxy (a package's stock dfget.yaml, dfget used alone) the 404s
    // never happen: a note for whoever later points containerd at it, not a fault of this node
    return {
      severity: routes.length > 0 ? 'critical' : 'info',
      confidence: routes.length > 0 ? 0.9 : 0.6,
      data: {
        unsetIn: unset ? cfg.file : undefined,
        logged,
        routes,
        containerdRead: f.containerd !== undefined,
        config: forGen(configAt(f), 'go'),
      },
    };
  },

  evidence({ unsetIn, logged, routes, containerdRead }) {
    const out: string[] = [];
    if (unsetIn !== undefined)
      out.push(
        `proxy.registryMirror.url: not set in ${unsetIn} — the Go daemon has no default for it (dragonflyoss/dragonfly ${URL_FACT?.source ?? 'client/daemon/proxy/proxy.go'})`,
      );
    if (logged) out.push(quote(logged));
    out.push(
      'with it unset the daemon answers every registry-mirror request with 404 "registry mirror feature is disabled"',
    );
    for (const r of routes.slice(0, 3)) out.push(routeToDfdaemonText(r));
    if (routes.length === 0)
      out.push(
        containerdRead
          ? 'no containerd registry route in the bundle goes through this dfdaemon'
          : "containerd's config is not in the bundle: whether it uses this dfdaemon as a mirror is not known",
      );
    return out;
  },

  steps({ config }) {
    return [
      configSnippet(
        config,
        'proxy:\n  registryMirror:\n    url: https://index.docker.io   # the registry this mirror stands for\n    dynamic: true   # take the registry from the X-Dragonfly-Registry header hosts.toml sends',
      ),
      ...applySteps(config),
    ];
  },
});
