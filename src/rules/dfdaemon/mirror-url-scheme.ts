// A Go dfdaemon whose proxy.registryMirror.url is written without `https://` (dragonflyoss/dragonfly#4006):
// the daemon parses it with url.Parse as written (v2.1.65 client/config/peerhost.go:724-736, same from
// v2.0.0 through v2.3.4), and the mirror's reverse proxy sends every request to that URL's scheme and host
// (client/daemon/proxy/reverse_proxy.go:29-35; proxy.go:585-586). With no scheme, blob downloads fail at
// the source client, logged as "download from source error: scheme : no source client found"
// (peer/peertask_conductor.go:519 and pkg/source/source_client.go:316-397 at v2.3.4), and the other
// requests get Go's "unsupported protocol scheme": no mirror request succeeds. A `host:port` with no scheme
// does not parse at all, and the daemon panics while loading its config ("unmarshal config to struct",
// cmd/dependency/dependency.go:187-189 at v2.1.65, :251 at v2.3.4, through the URL decode hook).
import type { RegistryRoute } from '../../facts/containerd.js';
import { sendsToDfdaemon } from '../../facts/containerd-routes.js';
import type { Setting } from '../../parsers/dfdaemon-config-types.js';
import { goUrlScheme } from '../../parsers/go-url-scheme.js';
import { applySteps, type ConfigAt, configSnippet, forGen } from '../snippets/dfdaemon.js';
import { defineRule } from '../rule.js';
import { configAt } from './pull.js';
import { routeToDfdaemonText, setting } from './text.js';

interface MirrorUrlSchemeFinding {
  url: Setting<string>;
  file?: string;
  /** url.Parse's error when the value does not parse (the daemon then does not start). */
  parseError?: string;
  /** What Go reads as the scheme ('' for none). */
  scheme: string;
  dynamic: boolean;
  /** containerd's registry routes that go through this dfdaemon. */
  routes: RegistryRoute[];
  config: ConfigAt;
}

export const mirrorUrlScheme = defineRule<MirrorUrlSchemeFinding>({
  meta: {
    id: 'dfdaemon.mirror-url-scheme',
    // containerd reaches dfdaemon, the daemon cannot reach the registry: the mirror fails, and containerd
    // goes to the origin where its hosts let it
    cause: 'mirror-fallback',
    title: "Go dfdaemon's registryMirror.url has no scheme: every mirror request it forwards fails",
    description:
      'Go dfget.yaml proxy.registryMirror.url without `https://` or `http://` (e.g. `harbor.example.com`): url.Parse keeps it with an empty scheme, blob downloads fail with "scheme : no source client found" and other requests with "unsupported protocol scheme"; a `10.0.0.5:5000` does not parse and the daemon does not start. Critical when containerd routes a registry through this dfdaemon and the daemon takes every request to that URL (dynamic: false) or cannot start; warning otherwise',
    severities: ['critical', 'warning'],
    remediationSummary:
      'Write the scheme in proxy.registryMirror.url (https://harbor.example.com, or http:// for a plain-HTTP registry), and restart dfdaemon.',
  },

  detect(f) {
    const d = f.dfdaemon;
    const cfg = d?.config;
    if (cfg?.generation !== 'go' || cfg.registryMirror === undefined) return null;
    const url = cfg.registryMirror;
    const parsed = goUrlScheme(url.value);
    if (parsed.kind === 'ok') return null;
    const dynamic = cfg.registryMirrorDynamic?.value === true;
    const routes = (f.containerd?.routes ?? []).filter(sendsToDfdaemon);
    const parseError = parsed.kind === 'error' ? parsed.message : undefined;
    // with dynamic: true a request that carries X-Dragonfly-Registry goes where the header says, and only
    // the others use this URL (reverse_proxy.go:37-52); a daemon that cannot start fails them all
    const critical = routes.length > 0 && (parseError !== undefined || !dynamic);
    return {
      severity: critical ? 'critical' : 'warning',
      confidence: 0.9,
      data: {
        url,
        ...(cfg.file === undefined ? {} : { file: cfg.file }),
        ...(parseError === undefined ? {} : { parseError }),
        scheme: parsed.kind === 'no-scheme' ? parsed.scheme : '',
        dynamic,
        routes,
        config: forGen(configAt(f), 'go'),
      },
    };
  },

  evidence({ url, file, parseError, scheme, dynamic, routes }) {
    const out = [`${setting(url, file)} — no http:// or https:// before the host`];
    if (parseError !== undefined)
      out.push(
        `Go's url.Parse refuses it (${parseError}): the daemon panics while loading its config ("unmarshal config to struct") and does not start (dragonflyoss/dragonfly v2.1.65 cmd/dependency/dependency.go:187-189)`,
      );
    else {
      out.push(
        `Go's url.Parse ${scheme === '' ? 'keeps it with an empty scheme and no host' : `reads "${scheme}" before the colon as the scheme, with no host`}: blob downloads fail with "download from source error: scheme ${scheme}: no source client found", other mirror requests with "unsupported protocol scheme" (dragonflyoss/dragonfly v2.3.4 pkg/source/source_client.go:316-397)`,
      );
      if (dynamic)
        out.push(
          'proxy.registryMirror.dynamic: true — requests that carry an X-Dragonfly-Registry header go where the header says; those without one use this URL and fail',
        );
    }
    for (const r of routes.slice(0, 3)) out.push(routeToDfdaemonText(r));
    return out;
  },

  steps({ url, config }) {
    const host = url.value.replace(/^\/\//, '');
    return [
      configSnippet(
        config,
        `proxy:\n  registryMirror:\n    url: https://${host}   # the scheme is required; http:// for a plain-HTTP registry`,
      ),
      ...applySteps(config),
    ];
  },
});
