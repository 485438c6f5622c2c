/** One source of the `hosts:` line, with its [STATUS=action] items. */
export interface NssSource {
  name: string;
  /** e.g. { NOTFOUND: 'return', UNAVAIL: '!return' } — '!' kept as written. */
  actions: Record<string, string>;
}

export interface NsswitchHosts {
  line: number;
  sources: NssSource[];
}

/** Reads the `hosts:` database from nsswitch.conf; null when there is none (glibc then uses "dns [!UNAVAIL=return] files"). */
export function parseNsswitchHosts(text: string): NsswitchHosts | null {
  const lines = text.split('\n');
  let found: NsswitchHosts | null = null;
  for (let i = 0; i < lines.length; i++) {
    const m = /^\s*hosts\s*:\s*(.*)$/.exec((lines[i] ?? '').replace(/#.*/, ''));
    if (!m) continue;
    const sources: NssSource[] = [];
    const re = /\[([^\]]*)\]|(\S+)/g;
    for (let t = re.exec(m[1] as string); t; t = re.exec(m[1] as string)) {
      if (t[1] !== undefined) {
        const last = sources[sources.length - 1];
        if (!last) continue;
        for (const item of t[1].trim().split(/\s+/)) {
          const [k, v] = item.split('=');
          if (k && v) last.actions[k.replace(/^!/, '!').toUpperCase()] = v.toLowerCase();
        }
      } else sources.push({ name: t[2] as string, actions: {} });
    }
    // glibc reads the last hosts: line
    found = { line: i + 1, sources };
  }
  return found;
}
