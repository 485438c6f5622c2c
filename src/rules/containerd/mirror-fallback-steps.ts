// What mirror-fallback advises, by what made the mirror fail.
import { hostsDialTimeout } from '../../knowledge/containerd.js';
import { pick } from '../../knowledge/versioned.js';
import { formatVersion } from '../../parsers/containerd-version.js';
import type { Step } from '../../report/model.js';
import {
  dfdaemonHostSnippet,
  dfdaemonServerSnippet,
  logGrep,
  onThisNode,
  progressTimeoutSnippet,
  proxyUrl,
} from '../snippets/containerd.js';
import { cmd, prose } from '../steps.js';
import type { FallbackFinding } from './mirror-fallback.js';

export function fallbackSteps({ c, blackholed, hung, cancels }: FallbackFinding): Step[] {
  const url = proxyUrl(c);
  const out: Step[] = [
    logGrep(c, 'trying next host|fetch failed', 'why the mirror fails'),
    cmd(`curl -sS -m 5 -o /dev/null -w '%{http_code} %{time_total}s\\n' ${url}/v2/`),
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
  const dial = pick(hostsDialTimeout, c.version);
  // a hung mirror accepts the connection, so no dial timeout fires for it: restarting dfdaemon (above) is the fix
  const refusedOrDropped = !hung || blackholed;
  if (refusedOrDropped && dial.kind !== 'none' && dial.value)
    out.push(
      prose('In each hosts.toml, fail fast when dfdaemon is down:'),
      dfdaemonHostSnippet(c, { dialTimeout: '1s' }),
    );
  else if (refusedOrDropped)
    out.push(
      prose(
        `containerd ${c.version ? formatVersion(c.version) : '< 2.1'} has no per-host dial_timeout (added in 2.1): keep dfdaemon healthy, or upgrade to use dial_timeout = "1s".`,
      ),
    );
  if (cancels.length > 0)
    out.push(
      prose(
        `A stalled mirror cancelled the whole pull (image_pull_progress_timeout ${c.imagePullProgressTimeout ?? 'default'}); while fixing the mirror, give slow pulls more room:`,
      ),
      progressTimeoutSnippet(c),
    );
  out.push(
    prose('If pulls must never bypass dfdaemon, make the mirror the `server` (no origin fallback):'),
    dfdaemonServerSnippet(c),
  );
  return onThisNode(c, out);
}
