import type { BundleReader } from '../bundle/reader.js';
import { parseGaiConf } from '../parsers/gai.js';
import { parseHosts } from '../parsers/hosts.js';
import { isIP } from '../parsers/net-address.js';
import { parseNsswitchHosts } from '../parsers/nsswitch.js';
import { parseResolvConf } from '../parsers/resolv.js';
import { type Listener, listenerAccepts } from '../parsers/ss-listeners.js';
import type { InputProblem } from './problems.js';
import { NET_FILES } from './net-netfilter.js';
import { type Resolution, resolveLikeGlibc } from './net-resolve.js';

// Name resolution of the mirror hosts containerd uses, compared with the addresses dfdaemon listens on.

export interface MirrorTarget {
  /** As containerd has it: a URL (http://localhost:4001) or host:port. */
  url: string;
  host: string;
  port: number;
  scheme: 'http' | 'https';
  /** Where we learnt it: a hosts.toml, the probe's endpoint list, or the fallback. */
  from: string;
  /** containerd's own config, the probe's endpoint (--dfdaemon-proxy or dfdaemon's config), or the fallback localhost check. */
  source: 'containerd' | 'probe' | 'fallback';
}

export interface NameCheck {
  target: MirrorTarget;
  /** The order glibc would return, from the bundle's hosts/nsswitch/gai.conf. */
  modelled: Resolution;
  /** The order the node's own getaddrinfo returned during the probe (raw/net/resolve.json), when recorded. */
  live?: { addresses: string[]; error?: string };
  /** The order that counts: the live one when present, else the modelled one. */
  order: string[];
  /** Listeners on the target's port (raw/net/listeners.txt). */
  listeners: Listener[];
  /** Index in `order` of the first address some listener accepts; -1 when none does. */
  firstAccepted: number;
  /** Where localhost's answer would come from DNS (no local source knows it). */
  viaDns: boolean;
  nameservers: string[];
}

export function targetFromUrl(u: string, from: string, source: MirrorTarget['source']): MirrorTarget | null {
  try {
    const url = new URL(u.includes('://') ? u : `http://${u}`);
    const scheme = url.protocol === 'https:' ? 'https' : 'http';
    const port = url.port ? Number(url.port) : scheme === 'https' ? 443 : 80;
    return { url: u, host: url.hostname.replace(/^\[|\]$/g, ''), port, scheme, from, source };
  } catch {
    return null;
  }
}

export async function checkNames(
  b: BundleReader,
  targets: MirrorTarget[],
  listeners: Listener[] | null,
  problem: (p: InputProblem) => void,
): Promise<NameCheck[]> {
  const hostsText = await b.text(NET_FILES.hosts);
  const hosts = hostsText === undefined ? undefined : parseHosts(hostsText);
  for (const bad of (hosts?.invalid ?? []).slice(0, 3))
    problem({
      file: NET_FILES.hosts,
      line: bad.line,
      message: `not an "address name…" line, ignored as glibc does: ${bad.text.slice(0, 120)}`,
    });
  const nssText = await b.text(NET_FILES.nsswitch);
  const nsswitch = nssText === undefined ? undefined : parseNsswitchHosts(nssText);
  const gaiText = await b.text(NET_FILES.gai);
  const gai = gaiText === undefined ? undefined : parseGaiConf(gaiText);
  for (const bad of (gai?.unparsed ?? []).slice(0, 3))
    problem({ file: NET_FILES.gai, line: bad.line, message: `unrecognised gai.conf line: ${bad.text.slice(0, 120)}` });
  const resolvText = await b.text(NET_FILES.resolv);
  const nameservers = resolvText === undefined ? [] : parseResolvConf(resolvText).nameservers;
  const live = await readLive(b, problem);

  const out: NameCheck[] = [];
  const seen = new Set<string>();
  for (const t of targets) {
    const key = `${t.host}:${t.port}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const files: Parameters<typeof resolveLikeGlibc>[1] = { hostsFile: NET_FILES.hosts };
    if (hosts) files.hosts = hosts;
    if (nsswitch !== undefined) files.nsswitch = nsswitch;
    if (gai) files.gai = gai;
    const modelled = resolveLikeGlibc(t.host, files);
    const l = live.get(t.host);
    const order = l && !l.error ? l.addresses : l?.error ? [] : modelled.addresses.map((a) => a.address);
    const onPort = (listeners ?? []).filter((x) => x.port === t.port);
    const firstAccepted = order.findIndex((a) => onPort.some((x) => listenerAccepts(x, a)));
    const check: NameCheck = {
      target: t,
      modelled,
      order,
      listeners: onPort,
      firstAccepted,
      viaDns: !isIP(t.host) && (modelled.needsDns || (l !== undefined && modelled.via === 'unresolved')),
      nameservers,
    };
    if (l) check.live = l;
    out.push(check);
  }
  return out;
}

async function readLive(
  b: BundleReader,
  problem: (p: InputProblem) => void,
): Promise<Map<string, { addresses: string[]; error?: string }>> {
  const out = new Map<string, { addresses: string[]; error?: string }>();
  const text = await b.text(NET_FILES.resolve);
  if (text === undefined) return out;
  try {
    const j = JSON.parse(text) as Record<string, { addresses?: unknown; error?: unknown }>;
    for (const [host, v] of Object.entries(j)) {
      const addresses = Array.isArray(v?.addresses)
        ? v.addresses.filter((a): a is string => typeof a === 'string')
        : [];
      const entry: { addresses: string[]; error?: string } = { addresses };
      if (typeof v?.error === 'string') entry.error = v.error;
      out.set(host, entry);
    }
  } catch (e) {
    problem({ file: NET_FILES.resolve, message: `not JSON: ${(e as Error).message}` });
  }
  return out;
}
