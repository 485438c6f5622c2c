import type { ContainerdFacts, RegistryRoute, RouteHost } from '../../facts/containerd.js';
import { pullInQuestion } from '../../facts/pull.js';
import { hostsDialTimeout } from '../../knowledge/containerd.js';
import { pick } from '../../knowledge/versioned.js';
import type { ContainerdLogEvent } from '../../parsers/containerd-log.js';
import { formatVersion } from '../../parsers/containerd-version.js';
import type { LineRef } from '../../parsers/dfdaemon-timeline.js';
import { parseGoDuration } from '../../parsers/go-duration.js';
import { defineRule } from '../rule.js';
import {
  dfdaemonHostSnippet,
  dfdaemonServerSnippet,
  progressTimeoutSnippet,
  proxyUrl,
} from '../snippets/containerd.js';
import { cmd, prose } from '../steps.js';
import { type FailingMirror, failingMirrors, failingMirrorSentence } from './mirror-checks.js';

const DEFAULT_DIAL_SECONDS = 30;

interface FallbackFinding {
  c: ContainerdFacts;
  /** containerd's "trying next host" / "fetch failed" lines for a mirror. */
  fallbacks: ContainerdLogEvent[];
  /** "cancel pulling image … no progress": the whole pull, origin included. */
  cancels: ContainerdLogEvent[];
  failing: FailingMirror[];
  blackholed?: RouteHost;
  hung?: RouteHost;
  /** dfdaemon's proxy errors, shown when containerd's side shows nothing. */
  proxyErrors: LineRef[];
  /** Where pulls go instead, when the mirror is fallen back from (not merely waited on). */
  fallbackRoutes: RegistryRoute[];
  /** What the dial timeouts of a black-holed mirror cost. */
  dialCost?: { requests: number; dial: number; pull?: string };
}

export const mirrorFallback = defineRule<FallbackFinding>({
  meta: {
    id: 'containerd.mirror-fallback',
    cause: 'mirror-fallback',
    title: 'The mirror fails and containerd falls back to the origin registry',
    description:
      'containerd\'s log shows "trying next host"/"fetch failed" for a mirror or "cancel pulling image … no progress", or the live check finds dfdaemon\'s port black-holed / erroring, or dfdaemon\'s log has proxy errors while the origin is the fallback',
    severities: ['critical', 'warning'],
    remediationSummary:
      'Fix what makes the mirror fail; on containerd ≥ 2.1 set a short dial_timeout so a dead mirror fails fast; make the mirror the `server` if silent WAN pulls are unwanted.',
  },

  detect(f) {
    const c = f.containerd;
    if (!c) return null;
    const mirrors = new Set(
      c.routes.flatMap((r) => r.hosts.filter((h) => h.role !== 'origin').map((h) => `${h.host}:${h.port}`)),
    );
    const events = c.log?.events ?? [];
    const fallbacks = events.filter(
      (e) =>
        (e.kind === 'trying-next-host' || e.kind === 'fetch-failed') &&
        (e.host === undefined || mirrors.has(e.host) || mirrors.size === 0),
    );
    const cancels = events.filter((e) => e.kind === 'progress-cancel');
    const failing = failingMirrors(c.routes);
    const blackholed = failing.findLast((m) => m.verdict === 'blackholed')?.host;
    const hung = failing.findLast((m) => m.verdict === 'hung')?.host;
    let shown = (fallbacks.length > 0 ? 1 : 0) + (cancels.length > 0 ? 1 : 0) + failing.length;
    // dfdaemon answering a proxied request with an error sends containerd to the next host as well
    const dfRoute = c.routes.some((r) => r.firstIsDfdaemon && r.originFallback);
    const proxyErrors = shown === 0 && dfRoute ? (f.dfdaemon?.logs?.summary.proxyErrors ?? []) : [];
    if (proxyErrors.length > 0) shown++;
    if (shown === 0) return null;
    // a hung mirror alone is waited on, not fallen back from
    const fallsBack = fallbacks.length > 0 || blackholed !== undefined || shown > (hung ? 1 : 0);
    const pull = pullInQuestion(f);
    // resolve + one request per blob each wait the dial timeout (containerd#10660)
    const dialCost = blackholed && {
      requests: pull ? pull.layers + 2 : fallbacks.length > 0 ? fallbacks.length : 1,
      dial: seconds(blackholed.dialTimeout) ?? DEFAULT_DIAL_SECONDS,
      pull: pull?.evidence,
    };
    const stalledMs = hung && c.imagePullProgressTimeout ? parseGoDuration(c.imagePullProgressTimeout) : null;
    const fallbackRoutes = fallsBack ? c.routes.filter((r) => r.originFallback) : [];
    return {
      severity: blackholed || hung || cancels.length > 0 || fallbacks.length >= 3 ? 'critical' : 'warning',
      confidence: fallbacks.length > 0 || cancels.length > 0 ? 0.9 : 0.7,
      impactSeconds: dialCost
        ? dialCost.requests * dialCost.dial
        : stalledMs !== null && stalledMs > 0
          ? stalledMs / 1000
          : undefined,
      data: { c, fallbacks, cancels, failing, blackholed, hung, proxyErrors, fallbackRoutes, dialCost },
    };
  },

  evidence(d) {
    const { c, fallbacks, cancels, proxyErrors, dialCost } = d;
    const out: string[] = [];
    const first = fallbacks[0];
    if (first)
      out.push(
        `${fallbacks.length} "${first.msg}" line(s) for ${[...new Set(fallbacks.map((e) => e.host ?? '?'))].join(', ')} in ${c.log?.file}, first at line ${first.line}${first.error ? `: ${first.error}` : ''}`,
      );
    if (cancels[0])
      out.push(
        `${cancels.length} "${cancels[0].msg}" line(s) in ${c.log?.file} (line ${cancels[0].line}): the whole pull was cancelled, remaining mirrors and the origin skipped`,
      );
    out.push(...d.failing.map((m) => failingMirrorSentence(m, c)));
    const e = proxyErrors[0];
    if (e)
      out.push(
        `${proxyErrors.length}${proxyErrors.length >= 20 ? '+' : ''} proxy error line(s) in dfdaemon's log, first ${e.file}:${e.line}: ${e.text.slice(0, 160)}`,
      );
    if (d.fallbackRoutes.length > 0)
      out.push(
        `fallback target after the mirror: ${d.fallbackRoutes.map((r) => `${r.registry} → ${r.hosts.at(-1)?.url}`).join(', ')}`,
      );
    if (dialCost) {
      const { requests, dial, pull } = dialCost;
      out.push(
        `~${requests} requests × ${dial} s dial timeout ≈ ${(requests * dial).toFixed(0)} s${pull ? ` (${pull})` : ''}`,
      );
    }
    return out;
  },

  steps({ c, blackholed, hung, cancels }) {
    const dial = pick(hostsDialTimeout, c.version);
    return [
      cmd(`journalctl -u containerd --since -1h | grep -E 'trying next host|fetch failed'    # why the mirror fails`),
      cmd(`curl -sS -m 5 -o /dev/null -w '%{http_code} %{time_total}s\\n' ${proxyUrl(c)}/v2/`),
      ...(blackholed
        ? [
            prose('Remove the rule that drops traffic to the mirror port:'),
            cmd('iptables-save | grep -E "DROP|REJECT" ; nft list ruleset'),
          ]
        : []),
      ...(hung
        ? [
            prose(
              `dfdaemon is up but stuck: look at its log and CPU, then restart it (kubectl -n <ns> delete pod <dfdaemon pod on this node>, or systemctl restart dfdaemon); curl -m 5 ${hung.url}/v2/ must answer before pulls use it again.`,
            ),
          ]
        : []),
      ...(dial.kind !== 'none' && dial.value
        ? [prose('In each hosts.toml, fail fast when dfdaemon is down:'), dfdaemonHostSnippet(c, { dialTimeout: '1s' })]
        : [
            prose(
              `containerd ${c.version ? formatVersion(c.version) : '< 2.1'} has no per-host dial_timeout (added in 2.1): keep dfdaemon healthy, or upgrade to use dial_timeout = "1s".`,
            ),
          ]),
      ...(cancels.length > 0
        ? [
            prose(
              `A stalled mirror cancelled the whole pull (image_pull_progress_timeout ${c.imagePullProgressTimeout ?? 'default'}); while fixing the mirror, give slow pulls more room:`,
            ),
            progressTimeoutSnippet(c),
          ]
        : []),
      prose('If pulls must never bypass dfdaemon, make the mirror the `server` (no origin fallback):'),
      dfdaemonServerSnippet(c),
    ];
  },
});

function seconds(s: string | undefined): number | null {
  if (!s) return null;
  const ms = parseGoDuration(s.trim());
  return ms === null ? null : ms / 1000;
}
