/** One line of `tc qdisc show dev lo`. */
export interface Qdisc {
  line: number;
  kind: string;
  handle: string;
  /** "root", "ingress", or the parent handle. */
  parent: string;
  /** For shapers that print one (tbf, htb root has none here): bits per second. */
  rateBitsPerSecond?: number;
  text: string;
}

const UNIT: Record<string, number> = {
  bit: 1,
  kbit: 1e3,
  mbit: 1e6,
  gbit: 1e9,
  tbit: 1e12,
  bps: 8,
  kbps: 8e3,
  mbps: 8e6,
  gbps: 8e9,
};

export function parseTcRate(s: string): number | null {
  const m = /^(\d+(?:\.\d+)?)([KMGT]?(?:bit|bps))$/i.exec(s);
  if (!m) return null;
  const mult = UNIT[(m[2] as string).toLowerCase()];
  return mult === undefined ? null : Number(m[1]) * mult;
}

/** Parses `tc qdisc show` output; unrecognised lines are returned by number. */
export function parseQdiscs(text: string): { qdiscs: Qdisc[]; unrecognised: number[] } {
  const qdiscs: Qdisc[] = [];
  const unrecognised: number[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const l = (lines[i] ?? '').trim();
    if (l === '') continue;
    const m = /^qdisc\s+(\S+)\s+(\S+)\s+(?:dev\s+\S+\s+)?(root|ingress|parent\s+\S+)/.exec(l);
    if (!m) {
      // tc prints option lines (e.g. " Sent … bytes") under -s; only qdisc lines matter here
      if (!/^(Sent|backlog|rate|maxpacket|new_flows|drop_overlimit)\b/.test(l)) unrecognised.push(i + 1);
      continue;
    }
    const q: Qdisc = {
      line: i + 1,
      kind: m[1] as string,
      handle: m[2] as string,
      parent: (m[3] as string).replace(/^parent\s+/, ''),
      text: l,
    };
    const r = /\brate\s+(\S+)/.exec(l);
    const bps = r ? parseTcRate(r[1] as string) : null;
    if (bps !== null) q.rateBitsPerSecond = bps;
    qdiscs.push(q);
  }
  return { qdiscs, unrecognised };
}

/** lo is IFF_NO_QUEUE: its default root qdisc is noqueue; anything else was added by someone. */
export function isDefaultLoQdisc(q: Qdisc): boolean {
  return q.kind === 'noqueue' && q.parent === 'root';
}
