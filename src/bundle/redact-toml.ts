// Line-wise TOML redaction (containerd config.toml, imports, config dump, certs.d hosts.toml).
// Works on text that does not parse: a broken config must not leak either. Keeps the line count and,
// for text that did parse, keeps it parseable (secrets become "REDACTED").
import {
  isBenignHeader,
  isKeyFileName,
  isPathLike,
  isSecretName,
  isTrivialValue,
  isUserNameKey,
  MARK,
  normaliseName,
} from './redact-keys.js';
import type { Tally } from './redact-tally.js';
import { headerSecrets, redactLine, tallyHidden } from './redact-text.js';

type TableKind = 'plain' | 'secret' | 'header';

const KEY_PART = String.raw`(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*')`;
const KV_LINE = new RegExp(String.raw`^(\s*)(${KEY_PART}(?:\s*\.\s*${KEY_PART})*)(\s*=\s*)(.*)$`);
const TABLE_LINE = /^\s*\[\[?\s*(.+?)\s*\]\]?\s*(#.*)?$/;
const STRING = /^("""[\s\S]*?"""|'''[\s\S]*?'''|"(?:[^"\\]|\\.)*"|'[^']*')/;

/** Splits a dotted TOML key (`a."b.c".d`) into its parts, unquoted. */
export function tomlKeyParts(key: string): string[] {
  const parts: string[] = [];
  const re = new RegExp(KEY_PART, 'g');
  for (const m of key.matchAll(re)) {
    const p = m[0];
    parts.push(p.startsWith('"') || p.startsWith("'") ? p.slice(1, -1) : p);
  }
  return parts;
}

// Table names that are host names, URLs or plugin ids ("io.containerd.grpc.v1.cri") say nothing about secrets.
function nameSays(part: string): boolean {
  return !/[.:/]/.test(part) && isSecretName(part);
}

function tableKind(parts: string[]): TableKind {
  const last = normaliseName(parts[parts.length - 1] ?? '');
  if (last === 'header' || last === 'headers') return 'header';
  return parts.some(nameSays) ? 'secret' : 'plain';
}

type Close = '"""' | "'''" | ']' | '"' | "'";
type Open = { close: Close; depth: number; redact: boolean } | null;

/** Depth change of [ ] outside strings and comments. */
function bracketDepth(s: string, start = 0): number {
  let depth = start;
  let q: string | null = null;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (q) {
      if (c === '\\' && q === '"') i++;
      else if (c === q) q = null;
    } else if (c === '"' || c === "'") q = c;
    else if (c === '#') break;
    else if (c === '[') depth++;
    else if (c === ']') depth--;
  }
  return depth;
}

export function redactTomlText(text: string, t: Tally): string {
  const lines = text.split('\n');
  let table: string[] = [];
  let kind: TableKind = 'plain';
  let open: Open = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (open) {
      const closes =
        open.close === ']' ? (open.depth = bracketDepth(line, open.depth)) <= 0 : line.includes(open.close);
      if (open.redact) {
        t.add(continued(table), ...stringsIn(line));
        lines[i] = `${/^\s*/.exec(line)?.[0] ?? ''}# ${MARK}`;
      } else {
        lines[i] = redactLine(line, t, { strict: true });
      }
      if (closes) open = null;
      continue;
    }
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) {
      lines[i] = redactLine(line, t, { strict: true });
      continue;
    }
    const th = TABLE_LINE.exec(line);
    if (th && !KV_LINE.test(line)) {
      table = tomlKeyParts(th[1] as string);
      kind = tableKind(table);
      continue;
    }
    const kv = KV_LINE.exec(line);
    if (!kv) {
      // inside a credential table a line that is no `key = value` can only be part of a secret value
      // (e.g. the rest of a multi-line string whose opening line was mangled before it got here)
      if (kind === 'secret') {
        t.add(continued(table), trimmed);
        lines[i] = `${/^\s*/.exec(line)?.[0] ?? ''}# ${MARK}`;
      } else {
        lines[i] = redactLine(line, t, { strict: true });
      }
      continue;
    }
    const [, indent, key, eq, rawValue] = kv as unknown as [string, string, string, string, string];
    const parts = tomlKeyParts(key);
    const name = parts[parts.length - 1] ?? key;
    const inHeader = kind === 'header' || parts.slice(0, -1).some((p) => /^headers?$/i.test(p));
    const secret = inHeader ? !isBenignHeader(name) : kind === 'secret' || parts.some(nameSays);
    const value = rawValue.trim();
    if (!secret && /^headers?$/i.test(name) && value.startsWith('{')) {
      // header = { Authorization = "…", X-Custom = "…" }: as in a [host."…".header] table, only harmless headers stay
      lines[i] = `${indent}${key}${eq}${redactInlineHeaders(rawValue, t, hostOf(table))}`;
      continue;
    }
    if (!secret) {
      if (value.startsWith('"""') && !value.slice(3).includes('"""')) open = { close: '"""', depth: 0, redact: false };
      else if (value.startsWith("'''") && !value.slice(3).includes("'''"))
        open = { close: "'''", depth: 0, redact: false };
      else if (value.startsWith('[') && bracketDepth(value) > 0)
        open = { close: ']', depth: bracketDepth(value), redact: false };
      lines[i] = `${indent}${key}${eq}${redactLine(rawValue, t, { strict: true })}`;
      continue;
    }
    const what = inHeader ? `header "${name}"${hostOf(table)}` : where(table, key);
    const r = redactTomlValue(value, name);
    if (r === null) continue;
    if (r.opens) open = { ...r.opens, redact: true };
    // a header named User is a header's value, not a user name
    if (inHeader && isUserNameKey(name)) t.add(what, ...r.values);
    else tallyHidden(t, what, name, r.values);
    lines[i] = `${indent}${key}${eq}${r.text}`;
  }
  return lines.join('\n');
}

/** A secret value → its replacement, or null when there is nothing to hide (a switch, a key file's path). */
function redactTomlValue(
  value: string,
  name: string,
): { text: string; values: string[]; opens?: { close: Close; depth: number } } | null {
  for (const fence of ['"""', "'''"] as const) {
    if (value.startsWith(fence)) {
      const end = value.indexOf(fence, 3);
      if (end < 0) return { text: `"${MARK}"`, values: [value.slice(3)], opens: { close: fence, depth: 0 } };
      return { text: `"${MARK}"${comment(value.slice(end + 3))}`, values: [value.slice(3, end)] };
    }
  }
  const s = STRING.exec(value);
  if (s) {
    const inner = (s[0] as string).slice(1, -1);
    const rest = value.slice(s[0].length);
    // a quote left dangling after the string: the value goes on over the next lines (a mangled """, or broken TOML)
    const dangling = /^\s*(["'])/.exec(rest)?.[1] as '"' | "'" | undefined;
    if (dangling)
      return { text: `"${MARK}"`, values: inner === MARK ? [] : [inner], opens: { close: dangling, depth: 0 } };
    // a probe blanked it already: still a redaction the manifest should list
    if (inner === MARK) return { text: `"${MARK}"${comment(rest)}`, values: [] };
    if (isTrivialValue(inner) || (isKeyFileName(name) && isPathLike(inner))) return null;
    return { text: `"${MARK}"${comment(rest)}`, values: [inner, inner.replace(/\\(.)/g, '$1')] };
  }
  if (value.startsWith('[')) {
    const depth = bracketDepth(value);
    const values = stringsIn(value);
    if (depth > 0) return { text: `["${MARK}"]`, values, opens: { close: ']', depth } };
    if (values.every(isTrivialValue) && !/[^\s[\],"']/.test(value.replace(/#.*$/, ''))) return null;
    return { text: `["${MARK}"]`, values };
  }
  if (value.startsWith('{')) {
    const values = stringsIn(value);
    const text = value.replace(/"(?:[^"\\]|\\.)*"|'[^']*'/g, `"${MARK}"`);
    return values.length > 0 ? { text, values } : null;
  }
  const bare = value.replace(/\s*#.*$/, '');
  if (isTrivialValue(bare)) return null;
  return { text: `"${MARK}"`, values: [bare] };
}

const INLINE_PAIR = new RegExp(String.raw`(${KEY_PART})(\s*=\s*)("(?:[^"\\]|\\.)*"|'[^']*'|\[[^\]]*\])`, 'g');

function redactInlineHeaders(value: string, t: Tally, host: string): string {
  return value.replace(INLINE_PAIR, (m, k: string, eq: string, v: string) => {
    const name = tomlKeyParts(k)[0] ?? k;
    if (isBenignHeader(name)) return m;
    const values = stringsIn(v);
    if (values.length === 0) return m;
    t.add(`header "${name}"${host}`, ...headerSecrets(values));
    return `${k}${eq}${v.startsWith('[') ? `["${MARK}"]` : `"${MARK}"`}`;
  });
}

function stringsIn(s: string): string[] {
  return [...s.matchAll(/"((?:[^"\\]|\\.)*)"|'([^']*)'/g)]
    .map((m) => m[1] ?? m[2] ?? '')
    .filter((v) => !isTrivialValue(v));
}

function comment(rest: string): string {
  const m = /^\s*(#.*)?$/.exec(rest);
  return m?.[1] ? ` ${m[1]}` : '';
}

function where(table: string[], key: string): string {
  const t = table.length > 0 ? ` in [${table.map((p) => (/^[A-Za-z0-9_-]+$/.test(p) ? p : `"${p}"`)).join('.')}]` : '';
  return `value of "${key}"${t}`;
}

function hostOf(table: string[]): string {
  const h = table.find((p) => p.includes('://') || p.includes('.'));
  return h ? ` for ${h}` : '';
}

function continued(table: string[]): string {
  return `continuation of a multi-line secret${table.length > 0 ? ` in [${table.map((p) => (/^[A-Za-z0-9_-]+$/.test(p) ? p : `"${p}"`)).join('.')}]` : ''}`;
}
