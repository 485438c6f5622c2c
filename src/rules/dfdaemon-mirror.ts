// A Go dfdaemon that containerd uses as its registry mirror while the daemon's own registry mirror is
// off: every mirror request is answered 404, containerd falls back to the origin, nothing goes P2P.
import { GO_KEYS } from '../knowledge/dfdaemon-go.js';
import { applySteps, configSnippet, quote } from './dfdaemon-evidence.js';
import { defineLegacyRule } from './rule.js';

const URL_FACT = GO_KEYS.find((k) => k.key === 'proxy.registryMirror.url');

export const mirrorDisabled = defineLegacyRule({
  id: 'dfdaemon.mirror-disabled',
  // containerd does send its pulls to dfdaemon (so not mirror-misconfigured); the mirror answers 404
  // and containerd goes on to the origin: the mirror fails and containerd falls back
  cause: 'mirror-fallback',
  title: 'Go dfdaemon has no registryMirror.url: every mirror request gets a 404 and containerd pulls from the origin',
  description:
    'Go dfget.yaml without proxy.registryMirror.url (the code has no default) or the daemon\'s startup warning "registry mirror feature is disabled"; critical when containerd\'s hosts route a registry through this dfdaemon; info when nothing in the bundle does (a mirror no runtime asks costs nothing)',
  severities: ['critical', 'info'],
  remediationSummary:
    'Set proxy.registryMirror.url in dfget.yaml to the registry the mirror stands for, and restart dfdaemon.',
  when(f) {
    const d = f.dfdaemon;
    const cfg = d?.config;
    const gen = cfg?.generation ?? d?.generation ?? null;
    if (gen !== 'go') return null;
    const logged = d?.logs?.summary.mirrorDisabled;
    const unset = cfg !== undefined && cfg.registryMirror === undefined;
    if (!unset && !logged) return null;
    const evidence: string[] = [];
    if (unset && cfg)
      evidence.push(
        `proxy.registryMirror.url: not set in ${cfg.file} — the Go daemon has no default for it (dragonflyoss/dragonfly ${URL_FACT?.source ?? 'client/daemon/proxy/proxy.go'})`,
      );
    if (logged) evidence.push(quote(logged));
    evidence.push(
      'with it unset the daemon answers every registry-mirror request with 404 "registry mirror feature is disabled"',
    );
    const routes = (f.containerd?.routes ?? []).filter(
      (r) => r.hosts.some((h) => h.isDfdaemon) && !r.shadowedBy && !r.rejected,
    );
    for (const r of routes.slice(0, 3)) {
      const h = r.hosts.find((x) => x.isDfdaemon);
      evidence.push(
        `containerd sends ${r.registry} pulls to ${h?.url ?? 'dfdaemon'} (${r.file ?? r.source}${h?.line ? `:${h.line}` : ''})${r.originFallback ? ', then falls back to the origin registry: pulls succeed without P2P' : ''}`,
      );
    }
    if (routes.length === 0)
      evidence.push(
        f.containerd
          ? 'no containerd registry route in the bundle goes through this dfdaemon'
          : "containerd's config is not in the bundle: whether it uses this dfdaemon as a mirror is not known",
      );
    // with no runtime routed to this proxy (a package's stock dfget.yaml, dfget used alone) the 404s
    // never happen: a note for whoever later points containerd at it, not a fault of this node
    return {
      severity: routes.length > 0 ? 'critical' : 'info',
      confidence: routes.length > 0 ? 0.9 : 0.6,
      evidence,
      remediation: {
        summary: this.remediationSummary,
        steps: [
          configSnippet(
            'go',
            "proxy:\n  registryMirror:\n    url: https://index.docker.io   # the registry this mirror stands for\n    dynamic: true   # take the registry from containerd's ?ns= parameter",
          ),
          ...applySteps('go'),
        ],
      },
    };
  },
});
