import type { Severity } from '../../causes.js';
import type { NameCheck } from '../../facts/net-names.js';
import { NET_FILES } from '../../facts/net.js';
import type { Step } from '../../report/model.js';
import { cmd, prose, snippet } from '../steps.js';
import { defineRule } from '../rule.js';
import { describeListeners, describeOrder, modelledDiffers, problemText, type NameProblem } from './names-text.js';
import { worst } from './severity.js';

const LOCALHOST = /^(localhost|localhost\.localdomain|.+\.localhost)$/i;

interface NameFinding {
  n: NameCheck;
  problem: NameProblem | null;
  /** A configured localhost name that only DNS answers. */
  dnsLocalhost: boolean;
}

/** Why the mirror cannot use this name, and how bad that is; null when it can. */
function problemOf(n: NameCheck, configured: boolean): { severity: Severity; problem: NameProblem } | null {
  if (n.listeners.length === 0) return null;
  const failing = configured ? 'critical' : 'warning';
  if (n.order.length === 0 && (n.live?.error || n.modelled.via === 'unresolved') && !(n.viaDns && !n.live))
    return { severity: failing, problem: 'unresolved' };
  if (n.order.length > 0 && n.firstAccepted === -1) return { severity: failing, problem: 'refused' };
  if (n.firstAccepted > 0 && configured) return { severity: 'info', problem: 'first-refused' };
  return null;
}

/** What is wrong with one name, and how bad; a null severity when nothing is. */
function judge(n: NameCheck): { severity: Severity | null; finding: NameFinding } {
  const configured = n.target.source !== 'fallback';
  const p = problemOf(n, configured);
  const dnsLocalhost = n.viaDns && LOCALHOST.test(n.target.host) && configured;
  const severity = dnsLocalhost ? worst(p?.severity ?? null, 'warning') : (p?.severity ?? null);
  return { severity, finding: { n, problem: p?.problem ?? null, dnsLocalhost } };
}

export const localhostResolution = defineRule<{ found: NameFinding[] }>({
  meta: {
    id: 'net.localhost-resolution',
    cause: 'localhost-resolution',
    title: "The mirror's host name resolves first to an address dfdaemon does not listen on",
    description:
      "the mirror host containerd uses (hosts.toml, --dfdaemon-proxy) resolves — by the node's getaddrinfo, or glibc's order from hosts/nsswitch/gai.conf — to addresses none of which, or not the first of which, a listener on that port accepts; or localhost is only answered by DNS",
    severities: ['critical', 'warning', 'info'],
    remediationSummary:
      'Address the mirror as http://127.0.0.1:<port>, or make the name and the listener agree (hosts file, gai.conf, or dfdaemon listening on ::).',
  },

  detect(f) {
    const names = f.net?.names ?? [];
    let sev: Severity | null = null;
    const found: NameFinding[] = [];
    for (const n of names) {
      if (n.modelled.via === 'literal') continue;
      const { severity, finding } = judge(n);
      if (severity === null) continue;
      sev = worst(sev, severity);
      found.push(finding);
    }
    if (sev === null) return null;
    const confidence = names.some((n) => n.live && n.target.source !== 'fallback') ? 0.9 : 0.7;
    return { severity: sev, confidence, data: { found } };
  },

  evidence({ found }) {
    return found.flatMap(({ n, problem, dnsLocalhost }) => [
      ...(dnsLocalhost
        ? [
            `"${n.target.host}" is not in ${NET_FILES.hosts} and no local nss source answers it: it is looked up in DNS (${n.nameservers.join(', ') || 'no nameserver'}) on every new connection`,
          ]
        : []),
      ...(problem ? [problemText(problem, n)] : []),
      describeOrder(n),
      describeListeners(n),
      ...modelledDiffers(n),
    ]);
  },

  steps({ found }) {
    // keyed by content: several names may ask for the same step
    const steps = new Map<string, Step>();
    const add = (s: Step) => steps.set(JSON.stringify(s), s);
    for (const { n } of found) {
      const port = n.target.port;
      add(cmd(`getent ahosts ${n.target.host}                    # the order getaddrinfo returns`));
      add(cmd(`ss -ltn 'sport = :${port}'                        # the addresses dfdaemon listens on`));
      add(
        prose(
          `In hosts.toml use [host."http://127.0.0.1:${port}"] instead of ${n.target.host} (containerd re-reads hosts.toml without a restart)`,
        ),
      );
      if (n.order[0]?.includes(':')) {
        add(prose('Or prefer IPv4 for getaddrinfo:'));
        add(snippet({ file: '/etc/gai.conf', format: 'text', text: 'precedence ::ffff:0:0/96 100' }));
        add(prose('Or let dfdaemon listen on IPv6 too (Rust client: network.enableIPv6: true → listens on ::)'));
      }
      if (n.viaDns)
        add(
          prose(
            'Add "127.0.0.1 localhost" to /etc/hosts (and keep "files" before "dns" on the hosts: line of /etc/nsswitch.conf)',
          ),
        );
    }
    return [...steps.values()];
  },
});
