import { parse, TomlError } from 'smol-toml';

export type TomlTable = Record<string, unknown>;

/** A TOML parse that never throws: bad input comes back with the line and column containerd would also choke on. */
export type TomlParse = { ok: true; value: TomlTable } | { ok: false; line?: number; column?: number; message: string };

export function parseTomlLocated(text: string): TomlParse {
  try {
    return { ok: true, value: parse(text) as TomlTable };
  } catch (e) {
    const message = (e as Error).message.split('\n')[0]?.replace(/^Invalid TOML document:\s*/, '') ?? 'invalid TOML';
    if (e instanceof TomlError)
      return { ok: false, line: e.line, column: e.column, message: `invalid TOML: ${message}` };
    return { ok: false, message: `invalid TOML: ${message}` };
  }
}

export function isTable(v: unknown): v is TomlTable {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

/** Follows a key path through nested tables; undefined where any step is missing or not a table. */
export function dig(t: unknown, ...path: string[]): unknown {
  let cur: unknown = t;
  for (const k of path) {
    if (!isTable(cur)) return undefined;
    cur = cur[k];
  }
  return cur;
}

/** 1-based line of the first line that assigns `key` (or names it in a header), to locate a value problem. */
export function lineOfKey(text: string, key: string): number | undefined {
  const re = new RegExp(`^\\s*(?:${escape(key)}\\s*=|\\[.*${escape(key)})`);
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) if (re.test(lines[i] ?? '')) return i + 1;
  return undefined;
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
