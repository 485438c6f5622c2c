import type { ContainerdFacts } from '../../facts/containerd.js';
import { pullInQuestion } from '../../facts/pull.js';
import { parseGoDuration } from '../../parsers/go-duration.js';
import { logsAs } from '../../facts/containerd-routes.js';
import { formatVersion } from '../../parsers/containerd-version.js';
import { defineRule } from '../rule.js';
import { refCount } from '../dfdaemon/text.js';
import {
  dialCost,
  failingMirrors,
  failingMirrorSentence,
  hungCost,
  hungTimesOut,
  hungWait,
  logFallbacks,
  stopsAtUnansweredHost,
  triesNextAfterUnanswered,
} from './mirror-failures.js';
import type { FallbackFinding } from './mirror-fallback-finding.js';
import { answersErrors, fallbackSteps } from './mirror-fallback-steps.js';
import { type NotManifestPull, notManifestPulls } from './mirror-not-manifest.js';
import { loggedCost, loggedCostSentence, nextMirrorSentence, transitions } from './mirror-fallback-timing.js';

const FIX_SUMMARY =
  'Fix what makes the mirror fail (restart a hung dfdaemon: dial_timeout does not cover a mirror that accepts and never answers); on containerd ≥ 2.0.7 set a short dial_timeout so a dead mirror fails fast; make the mirror the `server` if silent WAN pulls are unwanted.';

export const mirrorFallback = defineRule<FallbackFinding>({
  meta: {
    id: 'containerd.mirror-fallback',
    cause: 'mirror-fallback',
    title: 'The mirror fails and containerd falls back to the origin registry',
    description:
      'containerd\'s log shows "trying next host"/"fetch failed" for a mirror, "cancel pulling image … no progress", or a pull that failed with the mirror\'s error status or no answer from it (the hosts after it failed too), or the live check finds dfdaemon\'s port black-holed / erroring / hung (waited on until the progress timeout before 2.3.0, 30 s per request from 2.3.0), or dfdaemon\'s log has proxy errors while the origin is the fallback',
    severities: ['critical', 'warning'],
    remediationSummary: FIX_SUMMARY,
  },

  detect(f) {
    const c = f.containerd;
    if (!c) return null;
    const { fallbacks, cancels, failedPulls } = logFallbacks(c, f.kubelet?.pullFailures);
    const failing = failingMirrors(c.routes);
    const blackholed = failing.findLast((m) => m.verdict === 'blackholed')?.host;
    const hung = failing.findLast((m) => m.verdict === 'hung')?.host;
    // a mirror that answered a manifest request with no manifest was not fallen back from: the pull failed on it
    const notManifest = notManifestPulls(c, f.kubelet?.pullFailures ?? [], fallbacks);
    let shown =
      (fallbacks.length > 0 ? 1 : 0) + (cancels.length > 0 ? 1 : 0) + (failedPulls.length > 0 ? 1 : 0) + failing.length;
    // dfdaemon answering a proxied request with an error sends containerd to the next host as well
    const dfRoute = c.routes.some((r) => r.firstIsDfdaemon && r.originFallback);
    const proxyErrors = shown === 0 && dfRoute ? (f.dfdaemon?.logs?.summary.proxyErrors ?? []) : [];
    if (proxyErrors.length > 0) shown++;
    if (shown === 0 && notManifest.length === 0) return null;
    // a hung mirror alone is waited on, not fallen back from — before 2.3.0; from 2.3.0 containerd gives up
    // on it after its response-header timeout and tries the next host, when there is one
    const wait = hung && hungWait(hung, c);
    const timesOut = wait ? hungTimesOut(wait) : null;
    const hungFallsBack = wait ? timesOut !== null && wait.next.length > 0 : false;
    const fallsBack = fallbacks.length > 0 || blackholed !== undefined || hungFallsBack || shown > (hung ? 1 : 0);
    const fallbackRoutes = fallsBack ? c.routes.filter((r) => r.originFallback) : [];
    const pull = pullInQuestion(f);
    const cost = blackholed
      ? dialCost(blackholed, pull, fallbacks.length)
      : wait
        ? hungCost(wait, pull, fallbacks.length)
        : undefined;
    // waited on until the progress timeout cancels the pull (a hung mirror that is the last host on 2.3+ fails the pull: no figure)
    const stalledMs =
      wait && timesOut === null && c.imagePullProgressTimeout ? parseGoDuration(c.imagePullProgressTimeout) : null;
    const fellBack = triesNextAfterUnanswered({ c, failedPulls, fallbacks, cancels, failing, proxyErrors });
    const stalled = stalledMs !== null && stalledMs > 0 ? stalledMs / 1000 : undefined;
    // no live check gave a cost: the log's timestamps may show what each failing mirror cost the resolve
    const logged = cost || stalled !== undefined ? undefined : loggedCost(c, fallbacks);
    const { toMirrors, toOrigin } = transitions(c, fallbacks);
    // 1.3.0–1.3.3 try nothing after a mirror that gives no answer: the pull fails there; a mirror that answers
    // with a page is not fallen back from; a log that shows mirror after mirror, and no origin, says so
    const title = !fellBack
      ? noFallbackTitle(c)
      : shown === 0
        ? notManifestTitle(notManifest)
        : toMirrors.length > 0 && !toOrigin && fallbackRoutes.length === 0
          ? 'A mirror fails and containerd moves on to the next mirror'
          : undefined;
    return {
      ...(title === undefined ? {} : { title }),
      severity:
        blackholed ||
        hung ||
        cancels.length > 0 ||
        failedPulls.length > 0 ||
        notManifest.length > 0 ||
        fallbacks.length >= 3
          ? 'critical'
          : 'warning',
      confidence:
        fallbacks.length > 0 || cancels.length > 0 || failedPulls.length > 0 || notManifest.length > 0 ? 0.9 : 0.7,
      impactSeconds: cost
        ? cost.requests * cost.wait
        : (stalled ?? (logged ? Math.round(logged.seconds * 100) / 100 : undefined)),
      data: {
        c,
        fallbacks,
        cancels,
        failedPulls,
        notManifest,
        failing,
        blackholed,
        hung,
        proxyErrors,
        fallbackRoutes,
        requestCost: cost,
        ...(logged ? { logged } : {}),
        toMirrors,
      },
    };
  },

  evidence({
    c,
    fallbacks,
    cancels,
    failedPulls,
    notManifest,
    failing,
    proxyErrors,
    fallbackRoutes,
    requestCost,
    logged,
    toMirrors,
  }) {
    const out: string[] = notManifestEvidence(notManifest);
    const [first, cancel, error] = [fallbacks[0], cancels[0], proxyErrors[0]];
    if (first) {
      const hosts = [...new Set(fallbacks.map((e) => e.host ?? '?'))].join(', ');
      const why = first.error ? `: ${first.error}` : '';
      // the lines as containerd wrote them: "trying next host", and 2.0+'s "fetch failed" for a last host
      const said = [...new Set(fallbacks.map((e) => `"${e.msg}"`))].join(' / ');
      out.push(`${fallbacks.length} ${said} line(s) for ${hosts} in ${c.log?.file}, first at line ${first.line}${why}`);
      // resolver.go logs a host it leaves; fetcher.go's loop over the hosts for a digest does not
      out.push(
        `containerd logs this when it resolves the image reference; a blob or manifest it then fetches by digest that goes past the mirror logs nothing at info level (core/remotes/docker/fetcher.go), so more requests than these may have gone past it`,
      );
      out.push(...toMirrors.map((n) => nextMirrorSentence(n, c.log?.file)));
      if (logged) out.push(loggedCostSentence(logged, c));
    }
    const failed = failedPulls[0];
    if (failed) {
      const at = failed.what;
      const text = failed.text;
      const how =
        'status' in at
          ? `with the mirror ${at.host}'s ${at.status}`
          : `with no answer from the mirror ${at.host} (${clip(at.transport, 120)})`;
      out.push(
        `${failedPulls.reduce((n, p) => n + p.count, 0)} pull(s) failed ${how} in ${failed.file}, first at ${failed.at}: "${clipText(text)}"`,
        'status' in at
          ? `containerd tries every host of the route when one answers an error status (since 1.4.12, 1.5.5 and 1.6.0), and names the mirror's error only when the hosts after it failed as well (the first error up to 1.7, the highest-ranked from 2.0): the mirror failed the request, and ${afterMirror(c, at.host, true)}`
          : unansweredMeaning(c, at.host),
      );
    }
    if (cancel)
      out.push(
        `${cancels.length} "${cancel.msg}" line(s) in ${c.log?.file} (line ${cancel.line}): the whole pull was cancelled, remaining mirrors and the origin skipped`,
      );
    out.push(...failing.map((m) => failingMirrorSentence(m, c)));
    if (error) {
      out.push(
        `${refCount(proxyErrors)} proxy error line(s) in dfdaemon's log, first ${error.file}:${error.line}: ${error.text.slice(0, 160)}`,
      );
    }
    if (fallbackRoutes.length > 0) {
      const targets = fallbackRoutes.map((r) => `${r.registry} → ${r.hosts.at(-1)?.url}`).join(', ');
      out.push(`fallback target after the mirror: ${targets}`);
    }
    if (requestCost) {
      const { requests, wait, timeout, pull } = requestCost;
      const of = pull ? ` (${pull})` : '';
      out.push(`~${requests} requests × ${wait} s ${timeout} ≈ ${(requests * wait).toFixed(0)} s${of}`);
    }
    return out;
  },

  summary: (f) =>
    !triesNextAfterUnanswered(f)
      ? 'Bring the mirror back or take it out of the config; upgrade containerd to 1.3.4 or later, which tries the hosts after a mirror that gives no answer.'
      : answersErrors(f)
        ? 'Find out why the mirror answers an error status (its log of the request; for dfdaemon: the registry refused it, or dfdaemon could not reach the registry or its scheduler) and fix that; the mirror is up, so no timeout helps.'
        : FIX_SUMMARY,
  steps: fallbackSteps,
});

/** The title where the mirror's silence ended the pull (a release that tries no host after it: its version is known). */
const noFallbackTitle = (c: ContainerdFacts): string =>
  `The mirror gives no answer and containerd${c.version ? ` ${formatVersion(c.version)}` : ''} fails the pull without trying the registry`;

/** The part of a failed pull's error that names the request and what it got (what wraps it says only that the pull failed). */
function clipText(s: string): string {
  const at = s.search(/unexpected status from |pulling from host |failed to do request: /);
  return clip(at > 0 ? `…${s.slice(at)}` : s, 240);
}

const clip = (s: string, max: number): string => (s.length <= max ? s : `${s.slice(0, max)}…`);

/** What a pull that failed on a mirror's unanswered request says of the hosts after it, by release. */
function unansweredMeaning(c: ContainerdFacts, host: string): string {
  const stops = stopsAtUnansweredHost(c);
  if (stops)
    return `containerd ${formatVersion(stops)} fails a pull at the first host whose request gets no answer, without trying the hosts after it (it tries them from 1.3.4): the dead mirror alone failed the pull, and ${afterMirror(c, host, false)}`;
  const since = c.version ? 'containerd' : `containerd's version is unknown; from 1.3.4 containerd`;
  return `${since} tries the next host when a request gets no answer, and names that error only when the hosts after it failed as well (up to 1.7 the first failing host's error, from 2.0 the highest-ranked, where no answer ranks lowest): nothing answered at the mirror, and ${afterMirror(c, host, true)}`;
}

/** What came after the failing mirror, as far as the bundle tells: tried and failed, or never tried. */
function afterMirror(c: ContainerdFacts, host: string, tried: boolean): string {
  const fate = tried ? 'did not serve it either' : 'was never tried';
  const route = c.routes.find((r) => r.hosts.some((h) => h.role !== 'origin' && logsAs(h, host)));
  if (!route) return `the hosts after it (the origin registry, unless the mirror is the \`server\`) ${fate}`;
  const rest = route.hosts.slice(route.hosts.findIndex((h) => logsAs(h, host)) + 1);
  return rest.length === 0
    ? 'no host comes after it in the route for ' + route.registry
    : `${rest.map((h) => h.url).join(', ')} ${fate}`;
}

/** The title where a mirror's answer that is no manifest failed the pull (nothing else was seen). */
const notManifestTitle = (p: readonly NotManifestPull[]): string =>
  `The mirror answers manifest requests with ${p[0]?.what.mediaType ?? 'something else'}, not a manifest, and containerd fails the pull`;

/** What the pulls that failed on a mirror's non-manifest answer show. */
function notManifestEvidence(pulls: readonly NotManifestPull[]): string[] {
  const first = pulls[0];
  if (!first) return [];
  const n = pulls.reduce((k, p) => k + p.count, 0);
  const images = [...new Set(pulls.map((p) => p.what.image))];
  const out = [
    `${n} pull(s) failed on "unexpected media type ${first.what.mediaType} for ${first.what.digest}" in ${first.file}, first at ${first.at} (${first.what.image}): the first host of ${first.registry}'s route, ${first.host.url}, answered its manifest request with Content-Type ${first.what.mediaType}, which is no manifest`,
    `containerd takes the first host that answers 2xx (only a status above 299 or an error sends it to the next host), with that answer's Content-Type as the media type and, without a Docker-Content-Digest header, the digest of its body; the pull then fails on the type, and the hosts after the mirror are never tried (v2.2.0 core/remotes/docker/resolver.go:322-410, core/images/image.go:242)`,
  ];
  const digests = new Set(pulls.map((p) => p.what.digest));
  if (images.length > 1 && digests.size === 1)
    out.push(
      `${images.length} different images (${images.slice(0, 3).join(', ')}) resolved to the same digest ${first.what.digest}: the same body answered for each, a page rather than a registry`,
    );
  return out;
}
