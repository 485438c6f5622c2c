/** A precedence or label entry of gai.conf: prefix (v6 text, v4 as ::ffff:a.b.c.d) and its value. */
export interface GaiEntry {
  line: number;
  prefix: string;
  len: number;
  value: number;
}

export interface GaiConf {
  precedence: GaiEntry[];
  label: GaiEntry[];
  unparsed: { line: number; text: string }[];
}

/** Parses /etc/gai.conf (precedence/label lines; the rest is kept as unparsed only when malformed). */
export function parseGaiConf(text: string): GaiConf {
  const out: GaiConf = { precedence: [], label: [], unparsed: [] };
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const body = (lines[i] ?? '').replace(/#.*/, '').trim();
    if (body === '') continue;
    const m = /^(precedence|label|scopev4|reload)\s+(.*)$/.exec(body);
    if (!m) {
      out.unparsed.push({ line: i + 1, text: lines[i] ?? '' });
      continue;
    }
    if (m[1] === 'reload' || m[1] === 'scopev4') continue;
    const e = /^([0-9a-fA-F:.]+)\/(\d+)\s+(\d+)$/.exec((m[2] as string).trim());
    if (!e) {
      out.unparsed.push({ line: i + 1, text: lines[i] ?? '' });
      continue;
    }
    const entry = { line: i + 1, prefix: e[1] as string, len: Number(e[2]), value: Number(e[3]) };
    (m[1] === 'precedence' ? out.precedence : out.label).push(entry);
  }
  return out;
}
