/** Kernel messages that say netfilter dropped packets on its own: a full conntrack table or NFQUEUE. */
export interface NetfilterKernelMessages {
  /** "table full, dropping packet" in all its spellings: ip_conntrack (2.6), "packet." (old nf_conntrack), and the doubled pr_fmt prefix. */
  conntrackFull: { count: number; first?: { line: number; text: string }; last?: { line: number; text: string } };
  /** "nf_queue: full at N entries, dropping packets(s)": the NFQUEUE reader cannot keep up. */
  queueFull: { count: number; first?: { line: number; text: string } };
  /** net_ratelimit suppressions: each hides further drops the log does not show. */
  suppressed: number;
}

const CONNTRACK_FULL = /\b(?:ip|nf)_conntrack:\s+(?:nf_conntrack:\s+)?table full, dropping packet/;
const QUEUE_FULL = /\bnf_queue:\s+full at \d+ entries, dropping packet/;
const SUPPRESSED = /net_ratelimit:\s+(\d+)\s+callbacks suppressed/;

/** Scans dmesg text (any timestamp format) for netfilter's own drop messages. Pure. */
export function scanNetfilterKernelMessages(text: string): NetfilterKernelMessages {
  const out: NetfilterKernelMessages = { conntrackFull: { count: 0 }, queueFull: { count: 0 }, suppressed: 0 };
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i] ?? '';
    if (CONNTRACK_FULL.test(l)) {
      const at = { line: i + 1, text: l.trim() };
      out.conntrackFull.count++;
      out.conntrackFull.first ??= at;
      out.conntrackFull.last = at;
    } else if (QUEUE_FULL.test(l)) {
      out.queueFull.count++;
      out.queueFull.first ??= { line: i + 1, text: l.trim() };
    } else {
      const s = SUPPRESSED.exec(l);
      // only count suppressions right after a netfilter message: other subsystems rate-limit too
      if (s && i > 0 && (CONNTRACK_FULL.test(lines[i - 1] ?? '') || QUEUE_FULL.test(lines[i - 1] ?? '')))
        out.suppressed += Number(s[1]);
    }
  }
  return out;
}
