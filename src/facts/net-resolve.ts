import type { GaiConf } from '../parsers/gai.js';
import { type HostsParse, hostsLookup } from '../parsers/hosts.js';
import { inNet, isIP, parseIp } from '../parsers/net-address.js';
import type { NsswitchHosts } from '../parsers/nsswitch.js';

// How glibc's getaddrinfo(name, AF_UNSPEC) would answer, from the bundle's copies of /etc/hosts,
// nsswitch.conf and gai.conf: the sources in nsswitch order, then RFC 3484 destination sorting by
// precedence (gai.conf's table when it has one). DNS cannot be replayed offline: a name that would
// reach the `dns` source comes back as `unresolved`, and the probe's live lookup fills that in.

export interface ResolvedAddress {
  address: string;
  /** Where it came from: "raw/net/hosts:3", "myhostname", "literal". */
  from: string;
}

export interface Resolution {
  host: string;
  addresses: ResolvedAddress[];
  /** The nss source that answered, or why none did. */
  via: 'literal' | 'files' | 'myhostname' | 'resolve' | 'unresolved';
  /** The sources consulted before an answer (e.g. "files: not found"). */
  trail: string[];
  /** An answer needs DNS (no local source knows the name). */
  needsDns: boolean;
}

// glibc's built-in RFC 3484 precedence table (used when gai.conf has no precedence line)
const DEFAULT_PRECEDENCE = [
  { prefix: '::1', len: 128, value: 50 },
  { prefix: '::', len: 0, value: 40 },
  { prefix: '2002::', len: 16, value: 30 },
  { prefix: '::', len: 96, value: 20 },
  { prefix: '::ffff:0:0', len: 96, value: 10 },
];

/** An IPv4 address as glibc's sorting sees it: mapped into ::ffff:0:0/96. */
function asV6(addr: string): string {
  return parseIp(addr)?.family === 4 ? `::ffff:${addr}` : addr;
}

export function precedenceOf(addr: string, gai?: GaiConf): number {
  const table = gai && gai.precedence.length > 0 ? gai.precedence : DEFAULT_PRECEDENCE;
  const a = asV6(addr);
  let best = { len: -1, value: 0 };
  for (const e of table) {
    if (e.len > best.len && inNet(a, `${e.prefix}/${e.len}`) === true) best = { len: e.len, value: e.value };
  }
  return best.value;
}

const LOCALHOST = /^(localhost|localhost\.localdomain|localhost6|localhost6\.localdomain6|.+\.localhost)$/i;

export function resolveLikeGlibc(
  host: string,
  files: { hosts?: HostsParse; hostsFile: string; nsswitch?: NsswitchHosts | null; gai?: GaiConf },
): Resolution {
  const bare = host.replace(/^\[|\]$/g, '');
  if (isIP(bare))
    return { host, addresses: [{ address: bare, from: 'literal' }], via: 'literal', trail: [], needsDns: false };
  // glibc's compiled-in default when nsswitch.conf has no hosts line
  const sources = files.nsswitch?.sources ?? [
    { name: 'dns', actions: { UNAVAIL: '!return' } },
    { name: 'files', actions: {} },
  ];
  const trail: string[] = [];
  let found: ResolvedAddress[] = [];
  let via: Resolution['via'] = 'unresolved';
  let needsDns = false;
  for (const s of sources) {
    if (s.name === 'files') {
      if (!files.hosts) {
        trail.push('files: no hosts file in the bundle');
        continue;
      }
      const hits = hostsLookup(files.hosts, bare);
      if (hits.length > 0) {
        found = hits.map((e) => ({ address: e.address, from: `${files.hostsFile}:${e.line}` }));
        via = 'files';
        break;
      }
      trail.push('files: not found');
      if (s.actions.NOTFOUND === 'return') break;
      continue;
    }
    if ((s.name === 'myhostname' || s.name === 'resolve') && LOCALHOST.test(bare)) {
      // both synthesise the loopback addresses for localhost names
      found = [
        { address: '::1', from: s.name },
        { address: '127.0.0.1', from: s.name },
      ];
      via = s.name;
      break;
    }
    if (s.name === 'dns' || s.name === 'resolve') {
      needsDns = true;
      trail.push(`${s.name}: needs a DNS answer (not replayable offline)`);
      if (s.name === 'resolve' && s.actions.UNAVAIL === '!return') break;
      continue;
    }
    trail.push(`${s.name}: not modelled`);
  }
  return { host, addresses: sortLikeGlibc(found, files.gai), via, trail, needsDns: via === 'unresolved' && needsDns };
}

/** RFC 3484 rule 6 (precedence), stable: the rule that decides ::1 against 127.0.0.1 on loopback. */
export function sortLikeGlibc(list: ResolvedAddress[], gai?: GaiConf): ResolvedAddress[] {
  const seen = new Set<string>();
  const unique = list.filter((a) => (seen.has(a.address) ? false : (seen.add(a.address), true)));
  return unique
    .map((a, i) => ({ a, i, p: precedenceOf(a.address, gai) }))
    .sort((x, y) => y.p - x.p || x.i - y.i)
    .map((x) => x.a);
}
