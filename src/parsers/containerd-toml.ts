import { parse, TomlError } from 'smol-toml';

export type TomlTable = Record<string, unknown>;

/** A TOML parse that never throws: bad input comes back with the line and column containerd would also choke on. */
export type TomlParse =
  | {
      ok: true;
      value: TomlTable;
      /** 1-based line where the key at `path` (table headers and dotted keys resolved) is written. */
      lineOf(path: readonly string[]): number | undefined;
      /** The `[table]` headers in file order (not `[[array]]` ones): containerd 2.x orders hosts.toml hosts by them. */
      tableHeaders(): readonly TableHeader[];
    }
  | { ok: false; line?: number; column?: number; message: string };

export interface TableHeader {
  path: string[];
  /** 1-based. */
  line: number;
}

export function parseTomlLocated(text: string): TomlParse {
  try {
    const value = parse(text) as TomlTable;
    let found: Layout | undefined;
    const layout = () => (found ??= layoutOf(text));
    return {
      ok: true,
      value,
      lineOf: (path) => layout().keys.get(JSON.stringify(path)),
      tableHeaders: () => layout().headers,
    };
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

/** A key as one part of a dotted TOML key or table header: bare when it may be (`cri`), else quoted (`"io.containerd.grpc.v1.cri"`). */
export function tomlKeyPart(key: string): string {
  return /^[A-Za-z0-9_-]+$/.test(key) ? key : JSON.stringify(key);
}

/**
 * A header of a containerd `header`/`headers` table by its name in lower case (names are case-insensitive
 * on the wire): a string, or a list's first value (the one a server's HeaderMap::get gives).
 */
export function headerValue(headers: unknown, lower: string): string | undefined {
  if (!isTable(headers)) return undefined;
  const v = Object.entries(headers).find(([name]) => name.toLowerCase() === lower)?.[1];
  return typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : undefined;
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

interface Layout {
  /** A key's full path (as JSON) → the 1-based line where it is first written. */
  keys: Map<string, number>;
  headers: TableHeader[];
}

/**
 * Where each key of a document smol-toml accepted is written, and its table headers in order.
 * smol-toml keeps no positions, so this walks the text once more, knowing it is valid TOML: table
 * headers set the prefix, dotted and quoted keys split as TOML says, values (multi-line strings and
 * arrays, inline tables, whose keys are recorded too) are skipped over. The first place a path is
 * written wins (a `[[table]]` repeats its keys).
 */
function layoutOf(text: string): Layout {
  const out = new Map<string, number>();
  const headers: TableHeader[] = [];
  let i = 0;
  let line = 1;
  const step = (n = 1) => {
    for (const end = i + n; i < end && i < text.length; i++) if (text[i] === '\n') line++;
  };
  const skipBlank = (newlines: boolean) => {
    while (i < text.length) {
      const c = text[i];
      if (c === ' ' || c === '\t' || c === '\r' || (newlines && c === '\n')) step();
      else if (c === '#') while (i < text.length && text[i] !== '\n') step();
      else return;
    }
  };
  const string = (): string => {
    const q = text[i] as '"' | "'";
    const multi = text.startsWith(q.repeat(3), i);
    step(multi ? 3 : 1);
    let v = '';
    while (i < text.length) {
      if (multi ? text.startsWith(q.repeat(3), i) && text[i + 3] !== q : text[i] === q) {
        step(multi ? 3 : 1);
        return v;
      }
      if (q === '"' && text[i] === '\\') {
        v += text.slice(i, i + 2);
        step(2);
      } else {
        v += text[i];
        step();
      }
    }
    return v;
  };
  const key = (): string[] => {
    const path: string[] = [];
    for (;;) {
      skipBlank(false);
      const c = text[i];
      if (c === '"') path.push(unescapeBasic(string()));
      else if (c === "'") path.push(string());
      else {
        const m = /^[A-Za-z0-9_-]+/.exec(text.slice(i, i + 256));
        path.push(m?.[0] ?? '');
        step(m?.[0].length ?? 1);
      }
      skipBlank(false);
      if (text[i] !== '.') return path;
      step();
    }
  };
  const value = (prefix: string[]): void => {
    skipBlank(false);
    const c = text[i];
    if (c === '"' || c === "'") string();
    else if (c === '[') {
      step();
      for (skipBlank(true); i < text.length && text[i] !== ']'; skipBlank(true)) {
        const from = i;
        value([]);
        skipBlank(true);
        if (text[i] === ',' || i === from) step();
      }
      step();
    } else if (c === '{') {
      step();
      for (skipBlank(true); i < text.length && text[i] !== '}'; skipBlank(true)) {
        keyValue(prefix);
        skipBlank(true);
        if (text[i] === ',') step();
      }
      step();
    } else while (i < text.length && !/[,\]}\n#]/.test(text[i] as string)) step();
  };
  const keyValue = (prefix: string[]): void => {
    const at = line;
    const path = [...prefix, ...key()];
    // a dotted key writes the tables it passes through too (`host."x".capabilities` writes host."x")
    for (let n = prefix.length + 1; n <= path.length; n++) {
      const p = JSON.stringify(path.slice(0, n));
      if (!out.has(p)) out.set(p, at);
    }
    skipBlank(false);
    step(); // '='
    value(path);
  };
  let table: string[] = [];
  for (skipBlank(true); i < text.length; skipBlank(true)) {
    if (text[i] === '[') {
      const brackets = text[i + 1] === '[' ? 2 : 1;
      step(brackets);
      table = key();
      if (!out.has(JSON.stringify(table))) out.set(JSON.stringify(table), line);
      if (brackets === 1) headers.push({ path: table, line });
      step(brackets);
    } else keyValue(table);
  }
  return { keys: out, headers };
}

const ESCAPES: Record<string, string> = {
  b: '\b',
  t: '\t',
  n: '\n',
  f: '\f',
  r: '\r',
  e: '\x1b',
  '"': '"',
  '\\': '\\',
};

/** A basic string's escapes, as TOML has them. */
function unescapeBasic(raw: string): string {
  return raw.replace(
    /\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|x([0-9A-Fa-f]{2})|(.))/g,
    (m, u?: string, U?: string, x?: string, c?: string) => {
      const hex = u ?? U ?? x;
      return hex ? String.fromCodePoint(parseInt(hex, 16)) : (ESCAPES[c ?? ''] ?? m);
    },
  );
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
