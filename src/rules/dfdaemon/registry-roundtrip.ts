import type { Counter } from '../../facts/dfdaemon-metrics.js';
import type { Setting } from '../../parsers/dfdaemon-config.js';
import { isBlobUrl, isManifestUrl, isTokenUrl, type ProxyRequest } from '../../parsers/dfdaemon-timeline.js';
import { cmd, prose } from '../steps.js';
import { defineRule } from '../rule.js';
import { lastPull } from '../../facts/dfdaemon-pulls.js';
import { gen } from './pull.js';
import { quote, secs, setting } from './text.js';

interface RoundtripFinding {
  /** The last pull's requests sent straight to the registry (manifests, tokens, anything not a blob). */
  direct: ProxyRequest[];
  /** From the first direct request to the first blob request, when both carry a time. */
  beforeFirstBlobMs?: number;
  /** A Go log at INFO: its routing lines are DEBUG, so only the counter tells. */
  routingNotLogged: boolean;
  counter?: Counter;
  mirror?: { setting: Setting<string>; file: string };
}

export const registryRoundtrip = defineRule<RoundtripFinding>({
  meta: {
    id: 'dfdaemon.registry-roundtrip',
    cause: 'registry-roundtrip',
    title: 'Manifest and token requests go to the origin registry on every pull',
    description:
      'The proxy logged manifest/token requests sent "directly" to the registry (only blobs go via P2P), or the metrics count direct requests',
    severities: ['warning', 'info'],
    remediationSummary:
      'Manifests are never cached by dfdaemon: every pull, cache hit or not, waits for the origin registry. Cut that latency or the number of round trips.',
  },

  detect(f) {
    const d = f.dfdaemon;
    if (!d) return null;
    const pull = lastPull(d.logs?.pulls);
    const direct = (pull?.direct ?? []).filter((p) => isManifestUrl(p.url) || isTokenUrl(p.url) || !isBlobUrl(p.url));
    const counter = d.metrics?.proxyDirect;
    const counted = counter !== undefined && counter.total > 0;
    if (direct.length === 0 && !counted) return null;
    let gapMs: number | undefined;
    if (pull && direct.length > 0) {
      const firstDirect = Math.min(...direct.map((p) => p.ref.tsMs ?? Number.POSITIVE_INFINITY));
      const firstBlob = Math.min(...pull.tasks.map((t) => t.startMs ?? Number.POSITIVE_INFINITY));
      if (Number.isFinite(firstDirect) && Number.isFinite(firstBlob) && firstBlob > firstDirect)
        gapMs = firstBlob - firstDirect;
    }
    const impactSeconds = gapMs === undefined ? undefined : gapMs / 1000;
    const mirror = d.config?.registryMirror;
    return {
      severity: impactSeconds !== undefined && impactSeconds >= 1 ? 'warning' : 'info',
      confidence: impactSeconds !== undefined ? 0.75 : 0.5,
      ...(impactSeconds === undefined ? {} : { impactSeconds }),
      data: {
        direct,
        beforeFirstBlobMs: gapMs,
        routingNotLogged:
          direct.length === 0 && gen(f) === 'go' && d.logs !== undefined && d.logs.stats.debugLines === 0,
        counter: counted ? counter : undefined,
        mirror: mirror && d.config ? { setting: mirror, file: d.config.file } : undefined,
      },
    };
  },

  evidence({ direct, beforeFirstBlobMs, routingNotLogged, counter, mirror }) {
    const out: string[] = [];
    if (direct.length > 0) {
      out.push(`last pull: ${direct.length} request(s) sent directly to the registry before/around the blobs:`);
      for (const p of direct.slice(0, 4)) out.push(`  ${quote(p.ref)}`);
    }
    if (beforeFirstBlobMs !== undefined)
      out.push(
        `first direct request → first blob request: ${secs(beforeFirstBlobMs)} spent on manifests/tokens at the origin before any byte came from the cache`,
      );
    if (routingNotLogged)
      out.push(
        'the Go log was written at INFO: its routing lines ("round trip directly …") are DEBUG, so the requests themselves and their timing are not visible; the counter below is all there is',
      );
    if (counter)
      out.push(
        `${counter.total} proxy request(s) not via P2P since dfdaemon started${counter.delta !== null ? `, ${counter.delta} during the scrape interval` : ''} (${counter.at})`,
      );
    if (mirror) out.push(setting(mirror.setting, mirror.file));
    return out;
  },

  steps({ mirror }) {
    return [
      prose(
        'Pull by digest (image@sha256:…) where you can: the runtime then skips the tag→manifest resolution round trip.',
      ),
      prose(
        'Put a registry cache that also serves manifests (e.g. a pull-through distribution/Harbor proxy project near the nodes) behind dfdaemon\'s registryMirror, so the "direct" requests stay local.',
      ),
      cmd(`time curl -sI ${registryOrigin(mirror?.setting.value)}/v2/   # the origin round trip every pull pays`),
    ];
  },
});

/**
 * The registry's URL for a command to paste, without the user and password a mirror URL may carry:
 * /v2/ answers 401 without them, which times the round trip as well.
 */
function registryOrigin(url: string | undefined): string {
  if (url === undefined) return 'https://index.docker.io';
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, '')}`;
  } catch {
    return url.replace(/\/+$/, '');
  }
}
