// Address arithmetic for the network facts: parsing IPv4/IPv6 text to bigints and matching CIDRs.
// node:net's isIP is off limits in the pure layer, hence this small version.

export type ParsedIp = { family: 4 | 6; value: bigint };

function parseV4(s: string): bigint | null {
  const parts = s.split('.');
  if (parts.length !== 4) return null;
  let v = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return null;
    const n = Number(p);
    if (n > 255) return null;
    v = (v << 8n) | BigInt(n);
  }
  return v;
}

function parseV6(s: string): bigint | null {
  let text = s;
  let tailV4: bigint | null = null;
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    tailV4 = parseV4(text.slice(lastColon + 1));
    if (tailV4 === null) return null;
    text = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const dbl = text.split('::');
  if (dbl.length > 2) return null;
  const head = dbl[0] === '' ? [] : (dbl[0] as string).split(':');
  const tail = dbl.length === 2 ? (dbl[1] === '' ? [] : (dbl[1] as string).split(':')) : [];
  const groups = dbl.length === 2 ? [...head, ...Array(8 - head.length - tail.length).fill('0'), ...tail] : head;
  if (groups.length !== 8) return null;
  let v = 0n;
  for (const g of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
    v = (v << 16n) | BigInt(parseInt(g, 16));
  }
  if (tailV4 !== null) v = (v & ~0xffffffffn) | tailV4;
  return v;
}

export function parseIp(s: string): ParsedIp | null {
  const t = s.trim().replace(/^\[|\]$/g, '');
  if (t.includes(':')) {
    const v = parseV6(t.replace(/%.*$/, ''));
    return v === null ? null : { family: 6, value: v };
  }
  const v = parseV4(t);
  return v === null ? null : { family: 4, value: v };
}

export function isIP(s: string): boolean {
  return parseIp(s) !== null;
}

/** Whether `ip` lies in `net` (an address, "a/len", or an iptables/nft range "a-b"). Null when `net` is unreadable. */
export function inNet(ip: string, net: string): boolean | null {
  const a = parseIp(ip);
  if (!a) return null;
  const range = /^([^/-]+)-([^/-]+)$/.exec(net);
  if (range) {
    const lo = parseIp(range[1] as string);
    const hi = parseIp(range[2] as string);
    if (!lo || !hi || lo.family !== hi.family) return null;
    return a.family === lo.family && a.value >= lo.value && a.value <= hi.value;
  }
  const [base, lenText] = net.split('/');
  const b = parseIp(base ?? '');
  if (!b) return null;
  const bits = b.family === 4 ? 32 : 128;
  let len = bits;
  if (lenText !== undefined) {
    if (/^\d+$/.test(lenText)) len = Number(lenText);
    else {
      // iptables-save may print a dotted mask: 255.255.255.0
      const mask = parseIp(lenText);
      if (!mask || mask.family !== b.family) return null;
      len = mask.value.toString(2).replace(/0+$/, '').length;
    }
  }
  if (len > bits) return null;
  if (a.family !== b.family) return false;
  const shift = BigInt(bits - len);
  return a.value >> shift === b.value >> shift;
}

export function isLoopback(ip: string): boolean {
  const p = parseIp(ip);
  if (!p) return false;
  return p.family === 4 ? p.value >> 24n === 127n : p.value === 1n || inNet(ip, '::ffff:127.0.0.0/104') === true;
}

/** The TCP port a URL names (its scheme's default when none is written), or undefined for no URL. */
export function urlPort(url: string): number | undefined {
  try {
    const u = new URL(url);
    const p = Number(u.port || (u.protocol === 'https:' ? 443 : 80));
    return p > 0 ? p : undefined;
  } catch {
    return undefined;
  }
}
