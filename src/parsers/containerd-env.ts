/**
 * Environment of the containerd service: raw/containerd/env.txt (`KEY=VALUE` lines, written by the
 * probe from /proc/<pid>/environ) and `Environment=` lines of its systemd drop-ins.
 */
export function parseEnvLines(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (t === '' || t.startsWith('#')) continue;
    const eq = t.indexOf('=');
    if (eq <= 0) continue;
    out[t.slice(0, eq)] = t.slice(eq + 1);
  }
  return out;
}

/** `Environment=` assignments of a systemd unit or drop-in (quoted words, several per line). */
export function parseSystemdEnvironment(text: string): { key: string; value: string; line: number }[] {
  const out: { key: string; value: string; line: number }[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^\s*Environment\s*=\s*(.*)$/.exec(lines[i] ?? '');
    if (!m) continue;
    for (const word of splitWords(m[1] ?? '')) {
      const eq = word.indexOf('=');
      if (eq > 0) out.push({ key: word.slice(0, eq), value: word.slice(eq + 1), line: i + 1 });
    }
  }
  return out;
}

function splitWords(s: string): string[] {
  const words: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null) words.push((m[1] ?? m[2] ?? m[3] ?? '').replace(/\\(.)/g, '$1'));
  return words;
}

/** Go's strconv.ParseBool truthy values (how containerd reads CONTAINERD_DISABLE_PIGZ / _IGZIP). */
export function goParseBoolTrue(v: string | undefined): boolean {
  return v !== undefined && ['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v);
}
