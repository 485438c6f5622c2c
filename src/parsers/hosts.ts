import { isIP } from './net-address.js';

/** One address line of /etc/hosts. */
export interface HostsEntry {
  line: number;
  address: string;
  names: string[];
}

export interface HostsParse {
  entries: HostsEntry[];
  /** Lines whose first field is not an IP address: glibc skips them, and so do we. */
  invalid: { line: number; text: string }[];
}

/** Parses /etc/hosts. Pure. */
export function parseHosts(text: string): HostsParse {
  const entries: HostsEntry[] = [];
  const invalid: { line: number; text: string }[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const body = (lines[i] ?? '').replace(/#.*/, '').trim();
    if (body === '') continue;
    const [addr, ...names] = body.split(/\s+/);
    // glibc accepts a zone suffix on link-local v6 addresses
    const bare = (addr ?? '').replace(/%.*$/, '');
    if (!isIP(bare) || names.length === 0) {
      invalid.push({ line: i + 1, text: lines[i] ?? '' });
      continue;
    }
    entries.push({ line: i + 1, address: bare, names });
  }
  return { entries, invalid };
}

/** The addresses /etc/hosts gives `name` (case-insensitive, file order), with the lines they came from. */
export function hostsLookup(p: HostsParse, name: string): HostsEntry[] {
  const n = name.toLowerCase();
  return p.entries.filter((e) => e.names.some((x) => x.toLowerCase() === n));
}
