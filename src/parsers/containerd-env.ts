/**
 * Environment of the containerd service: raw/containerd/env.txt (`KEY=VALUE` lines, written by the
 * probe from /proc/<pid>/environ) and `Environment=` lines of its systemd drop-ins. One reader for
 * both, used by the containerd facts (CONTAINERD_DISABLE_PIGZ …) and the proxy facts (HTTP_PROXY …).
 */

/** A variable's value and where it was set (`file:line`). */
export interface EnvValue {
  value: string;
  from: string;
}

/** KEY=VALUE lines (raw/containerd/env.txt); an `export ` prefix and quotes around the value are dropped. */
export function parseEnvLines(text: string, file: string): Map<string, EnvValue> {
  const out = new Map<string, EnvValue>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(lines[i] ?? '');
    if (m) out.set(m[1] as string, { value: unquote((m[2] as string).trim()), from: `${file}:${i + 1}` });
  }
  return out;
}

function unquote(s: string): string {
  return /^"(.*)"$/.test(s) || /^'(.*)'$/.test(s) ? s.slice(1, -1) : s;
}

/**
 * `Environment=` assignments in the [Service] section of a systemd unit or drop-in, added to `into`:
 * later assignments override earlier ones, an empty assignment resets the list (systemd.exec(5)).
 */
export function parseSystemdEnvironment(
  text: string,
  file: string,
  into = new Map<string, EnvValue>(),
): Map<string, EnvValue> {
  const lines = text.split('\n');
  let inService = false;
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').trim();
    const sec = /^\[(.+)\]$/.exec(line);
    if (sec) {
      inService = sec[1] === 'Service';
      continue;
    }
    if (!inService) continue;
    const m = /^Environment\s*=\s*(.*)$/.exec(line);
    if (!m) continue;
    if ((m[1] as string).trim() === '') {
      into.clear();
      continue;
    }
    // systemd splits on whitespace, honouring double and single quotes around whole assignments
    for (const item of splitWords(m[1] as string)) {
      const eq = item.indexOf('=');
      if (eq > 0) into.set(item.slice(0, eq), { value: item.slice(eq + 1), from: `${file}:${i + 1}` });
    }
  }
  return into;
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
