// What mirror-fallback advises, by what made the mirror fail.
import { hostsDialTimeout } from '../../knowledge/containerd.js';
import { pick } from '../../knowledge/versioned.js';
import { formatVersion } from '../../parsers/containerd-version.js';
import type { Step } from '../../report/model.js';
import {
  configPathSnippet,
  dfdaemonHostSnippet,
  mirrorsFiles,
  dfdaemonServerSnippet,
  logGrep,
  onThisNode,
  progressTimeoutSnippet,
  proxyUrl,
} from '../snippets/containerd.js';
import { cmd, prose } from '../steps.js';
import { defaultServerFor } from '../../parsers/hosts-toml.js';
import { splitImageRef } from '../../parsers/image-ref.js';
import type { FallbackFinding } from './mirror-fallback-finding.js';
import { type HostFailure, quotedRequest } from '../../parsers/containerd-log.js';
import {
  dfdaemonProxyPorts,
  isDfdaemonHost,
  routeMirror,
  stopsAtUnansweredHost,
  triesNextAfterUnanswered,
} from './mirror-failures.js';

/**
 * The mirrors to check by hand: those the log or the live check found failing, as their route writes
 * them (a few at most), else dfdaemon's proxy.
 */
function mirrorsToCheck({ c, fallbacks, failing, failedPulls }: FallbackFinding): string[] {
  const urls = new Set<string>();
  for (const m of failing) urls.add(m.host.url);
  for (const e of failedPulls) {
    const u = requestUrl(c, e.what);
    if (u) urls.add(u.origin);
  }
  for (const e of fallbacks) {
    if (!e.host) continue;
    const h = routeMirror(c, e.host);
    // without a route to say it, the request in the error does: `Head "http://127.0.0.1:4001/v2/…"`
    const scheme = h ? null : quotedRequest(e.error ?? '', e.host)?.scheme;
    if (h) urls.add(h.url);
    else if (scheme) urls.add(`${scheme}://${e.host}`);
  }
  return urls.size > 0 ? [...urls].slice(0, 3).map((u) => u.replace(/\/v2\/?$|\/$/, '')) : [proxyUrl(c)];
}

/**
 * The mirror answered every failed request with an error status, and nothing else is known of it: it is
 * up, so neither a dial timeout nor a `server` that keeps pulls on it helps; why it answers so is the fix.
 */
export function answersErrors(f: FallbackFinding): boolean {
  return (
    f.failedPulls.length > 0 &&
    f.failedPulls.every((e) => 'status' in e.what) &&
    f.fallbacks.length === 0 &&
    f.failing.length === 0 &&
    f.blackholed === undefined &&
    f.hung === undefined
  );
}

export function fallbackSteps(f: FallbackFinding): Step[] {
  const { c, blackholed, hung, cancels } = f;
  // registry.mirrors without config_path: containerd appends the registry itself after the endpoints and
  // has no per-host dial timeout (v1.6.38 pkg/cri/server/image_pull.go registryEndpoints), so the
  // hosts.toml settings below need the mirrors moved to hosts.toml first
  const legacy = c.configPath.length === 0 && c.routes.some((r) => r.source === 'legacy-mirrors');
  const curls = mirrorsToCheck(f).map((url) =>
    cmd(`curl -sS -m 5 -o /dev/null -w '%{http_code} %{time_total}s\\n' ${url}/v2/`),
  );
  // 1.3.0–1.3.3 fall back from nothing and log no "trying next host": the mirror and the upgrade are all there is
  if (!triesNextAfterUnanswered(f)) return onThisNode(c, [...curls, ...failedPullSteps(f)]);
  // a mirror that answers with a page is up and answering: what it answers is the fix, not a timeout or `server`
  const onlyNotManifest =
    f.notManifest.length > 0 &&
    f.failedPulls.length === 0 &&
    f.fallbacks.length === 0 &&
    f.cancels.length === 0 &&
    f.failing.length === 0 &&
    f.proxyErrors.length === 0;
  if (onlyNotManifest) return onThisNode(c, notManifestSteps(f));
  const out: Step[] = [
    logGrep(c, 'trying next host|fetch failed', 'why the mirror fails'),
    ...curls,
    ...failedPullSteps(f),
  ];
  if (blackholed)
    out.push(
      prose('Remove the rule that drops traffic to the mirror port:'),
      cmd('iptables-save | grep -E "DROP|REJECT" ; nft list ruleset'),
    );
  if (hung)
    out.push(
      prose(
        `dfdaemon is up but stuck: look at its log and CPU, then restart it (kubectl -n <ns> delete pod <dfdaemon pod on this node>, or systemctl restart dfdaemon); curl -m 5 ${hung.url}/v2/ must answer before pulls use it again.`,
      ),
    );
  // Bottlerocket renders these mirrors from its settings: no file of the node is the place to change them
  if (legacy && c.rewrittenAtBoot?.by === 'bottlerocket') {
    out.push(
      prose(
        "On Bottlerocket these mirrors come from settings.container-registry.mirrors, and containerd still tries the default registry when they fail: fix or remove the failing endpoints there (`apiclient set`, or the instance's user data).",
      ),
    );
    return onThisNode(c, out);
  }
  const dial = pick(hostsDialTimeout, c.version);
  const errorsOnly = answersErrors(f);
  // a hung mirror accepts the connection, so no dial timeout fires for it: restarting dfdaemon (above) is the fix
  const refusedOrDropped = (!hung || blackholed) && !errorsOnly;
  if (legacy)
    out.push(
      prose(
        `These mirrors are set in ${mirrorsFiles(c)} as registry.mirrors, where containerd tries the registry itself after them and has no per-host dial timeout. To fail fast, or never to fall back, move them to hosts.toml files under config_path (containerd 1.5 and later), and delete the registry.mirrors tables in the same change: containerd refuses config_path beside them. Then set the hosts.toml settings below:`,
      ),
      configPathSnippet(c),
    );
  if (refusedOrDropped && dial.kind !== 'none' && dial.value)
    out.push(
      prose('In each hosts.toml, fail fast when dfdaemon is down:'),
      dfdaemonHostSnippet(c, { dialTimeout: '1s' }),
    );
  else if (refusedOrDropped)
    out.push(
      prose(
        `containerd ${c.version ? formatVersion(c.version) : '< 2.0.7'} has no per-host dial_timeout (added in 2.0.7 and 2.1.0): keep dfdaemon healthy, or upgrade to use dial_timeout = "1s".`,
      ),
    );
  if (cancels.length > 0)
    out.push(
      prose(
        `A stalled mirror cancelled the whole pull (image_pull_progress_timeout ${c.imagePullProgressTimeout ?? 'default'}); while fixing the mirror, give slow pulls more room:`,
      ),
      progressTimeoutSnippet(c),
    );
  if (!errorsOnly)
    out.push(
      prose('If pulls must never bypass dfdaemon, make the mirror the `server` (no origin fallback):'),
      dfdaemonServerSnippet(c),
    );
  return onThisNode(c, out);
}

/**
 * A pull the mirror failed, the hosts after it failing too: why the mirror answered an error status
 * (dfdaemon's log of that request) or did not answer (is anything listening), and whether the registry
 * answers this node at all.
 */
function failedPullSteps({ c, failedPulls }: FallbackFinding): Step[] {
  const at = failedPulls.find((e) => requestUrl(c, e.what))?.what;
  const u = at && requestUrl(c, at);
  if (!at || !u) return [];
  const registry = u.searchParams.get('ns');
  const dfdaemon = isDfdaemonHost(c, at.host);
  const why =
    'status' in at ? statusSteps(u, at.host, at.status, dfdaemon, c) : unansweredSteps(u, at.transport, dfdaemon, c);
  // 1.3.0–1.3.3 never tried the hosts after the mirror: whether the registry answers says nothing of this pull
  const triedNext = 'status' in at || stopsAtUnansweredHost(c) === null;
  return [
    ...why,
    // the registry's own host serves it when the route is not known: containerd's default `server`
    ...(triedNext && registry && /^[A-Za-z0-9.-]+(?::\d+)?$/.test(registry)
      ? [
          cmd(
            `curl -sS -m 10 -o /dev/null -w '%{http_code}\\n' ${defaultServerFor(registry)}/v2/    # any code, 401 included, means this node reaches the registry`,
          ),
        ]
      : []),
  ];
}

function statusSteps(u: URL, host: string, status: number, dfdaemon: boolean, c: FallbackFinding['c']): Step[] {
  // both come from a log: a command is written only with what cannot break its quoting
  const path = /^[\w/.:@%+-]+$/.test(u.pathname) ? u.pathname : null;
  return [
    prose(
      dfdaemon
        ? `The mirror answered ${status} to ${u.pathname}: dfdaemon's log of that request says why (the registry refused dfdaemon, or it could not reach it or its scheduler)${path ? ':' : '.'}`
        : `The mirror ${host} answered ${status} to ${u.pathname}; it is not dfdaemon's proxy (${dfdaemonPorts(c)}): its own log says why.`,
    ),
    ...(path && dfdaemon
      ? [
          cmd(
            `grep -n '${path}' /var/log/dragonfly/daemon/core.log /var/log/dragonfly/dfdaemon/dfdaemon.log 2>/dev/null | tail -20`,
          ),
        ]
      : []),
  ];
}

/**
 * The failed request's URL: as the log wrote it, else the host's scheme and the request's path where the
 * error names only the host (1.4.12–1.6.24): the scheme of the route's host that containerd logs so, else
 * http for dfdaemon's proxy on loopback, which serves plain HTTP; else not known.
 */
function requestUrl(c: FallbackFinding['c'], at: HostFailure): URL | null {
  let written: string | null = null;
  if ('url' in at) written = at.url;
  else if (at.request) {
    const scheme = schemeOf(c, at.host);
    if (scheme) written = `${scheme}://${at.host}${at.request}`;
  }
  if (written === null) return null;
  try {
    return new URL(written);
  } catch {
    return null;
  }
}

function schemeOf(c: FallbackFinding['c'], host: string): string | null {
  const h = routeMirror(c, host);
  if (h) return h.scheme;
  return isDfdaemonHost(c, host) ? 'http' : null;
}

/** A mirror whose request got no answer: dfdaemon down (nothing listens), or a name or route that fails. */
function unansweredSteps(u: URL, transport: string, dfdaemon: boolean, c: FallbackFinding['c']): Step[] {
  const port = u.port || (u.protocol === 'https:' ? '443' : '80');
  const out: Step[] = dfdaemon
    ? [
        prose(
          `Nothing answered at dfdaemon's proxy ${u.host} (${transport}): dfdaemon was not running or not listening there. Check that it listens now, and read in its log (or its pod's previous log) why it stopped:`,
        ),
        cmd(`ss -ltn 'sport = :${port}'    # dfdaemon's proxy must be listed`),
      ]
    : [
        prose(
          `Nothing answered at the mirror ${u.host} (${transport}); it is not dfdaemon's proxy (${dfdaemonPorts(c)}): check from this node that its name resolves and it listens (the curl above).`,
        ),
      ];
  const stops = stopsAtUnansweredHost(c);
  if (stops)
    out.push(
      prose(
        `containerd ${formatVersion(stops)} does not try the next host after one that gives no answer: while the mirror is down, every pull through it fails. Upgrade containerd (1.3.4 and later fall back to the hosts after it), or take the mirror out until it answers.`,
      ),
    );
  return out;
}

/** A mirror that answered a manifest request with no manifest: see what it answers, and where its URL is set. */
function notManifestSteps({ c, notManifest }: FallbackFinding): Step[] {
  const p = notManifest[0];
  if (!p) return [];
  const ref = splitImageRef(p.what.image);
  // ":v1" or "@sha256:…": the manifest URL takes the tag or the digest
  const tag = ref?.suffix.slice(1);
  const url = ref && tag ? `${p.host.url.replace(/\/$/, '')}/v2/${ref.repo}/manifests/${tag}?ns=${p.registry}` : null;
  const where = p.host.line
    ? `${c.routes.find((r) => r.hosts.includes(p.host))?.file ?? 'its hosts.toml'}:${p.host.line}`
    : 'its route';
  // the URL comes from a log and a config: a command is written only with what cannot break its quoting
  return [
    ...(url && /^[\w/.:@%+?=-]+$/.test(url)
      ? [
          cmd(
            `curl -sS -m 10 -D - -o /dev/null -H 'Accept: application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json' '${url}'    # Content-Type must be a manifest's`,
          ),
        ]
      : []),
    prose(
      p.host.isDfdaemon
        ? `dfdaemon passes on what the registry it forwards to answered: check the registry its proxy is set to (the X-Dragonfly-Registry header in ${where}, Go dfdaemon's proxy.registryMirror.url), which answered with a page instead of the registry API.`
        : `Check the mirror's URL in ${where}: ${p.host.url} answered with a page (a web server, a login or proxy page, or a path that is not the registry API) instead of the registry API.`,
    ),
  ];
}

/** Where dfdaemon's proxy listens, as the bundle tells it (else either generation's default). */
function dfdaemonPorts(c: FallbackFinding['c']): string {
  return `port ${dfdaemonProxyPorts(c).join(' or ')} on loopback`;
}
