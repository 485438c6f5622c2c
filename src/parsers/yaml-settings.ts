// Reads settings out of a YAML config by dotted key path, keeping each value's line and saying when a
// value could not be read (the default then applies, as the daemon's would not: it names the line).
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';

export interface Setting<T> {
  value: T;
  /** Where the value came from: the file (with its key path and line) or the generation's code default. */
  from: 'config' | 'default';
  key: string;
  line?: number;
}

export interface ConfigProblem {
  line?: number;
  column?: number;
  message: string;
}

/** A value converter: the value as the daemon reads it, or undefined when it cannot. */
export type Convert<T> = (v: unknown) => T | undefined;

export interface SettingsReader {
  /** The node at a dotted path, if the file has it. */
  node(path: string): Node | undefined;
  lineOf(n: Node | null | undefined): number | undefined;
  /** The first of `paths` the file sets and `conv` reads; else `dflt`, marked as the default. */
  get<T>(paths: string[], conv: Convert<T>, dflt: T, what: string): Setting<T>;
  /** A sequence of mappings at `path`, each item read by `item` (null skips it), with each item's line. */
  list<T extends object>(
    path: string,
    item: (j: Record<string, unknown>, line: number | undefined) => T | null,
  ): Setting<T[]>;
  /** The raw value at a path (scalar value or plain JSON), for presence checks. */
  raw(path: string): unknown;
  /** When the file sets `path`, a problem at its line: "<path>: <why>" (a key this release does not read). */
  notRead(path: string, why: string): void;
  readonly problems: ConfigProblem[];
}

/** A key of the file's top-level mapping, with its line. */
export interface TopKey {
  key: string;
  line?: number;
}

/** topKeys: the top-level mapping's keys in file order, for checks on the keys themselves. */
export type ReadResult =
  { ok: true; reader: SettingsReader; topKeys: TopKey[] } | { ok: false; problems: ConfigProblem[] };

export function readYamlSettings(text: string): ReadResult {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: false, prettyErrors: true });
  const first = doc.errors[0];
  if (first) {
    // the first error only: those after it mostly follow from it (a stray character on line 1 makes every
    // line an error); the line and column go in the problem, not again in its text
    const pos = first.linePos?.[0];
    const more = doc.errors.length - 1;
    const message = (first.message.split('\n')[0] as string).replace(/ at line \d+, column \d+:?$/, '');
    return {
      ok: false,
      problems: [
        {
          ...(pos ? { line: pos.line, column: pos.col } : {}),
          message: `invalid YAML: ${message}${more > 0 ? ` (and ${more} more error${more === 1 ? '' : 's'} after it)` : ''}`,
        },
      ],
    };
  }
  const problems: ConfigProblem[] = [];
  const root = doc.contents;
  if (root !== null && root !== undefined && !isMap(root))
    return { ok: false, problems: [{ line: 1, message: 'the config is not a YAML mapping' }] };

  const lineOf = (n: Node | null | undefined) => (n?.range ? lc.linePos(n.range[0]).line : undefined);
  const node = (path: string) => (doc.getIn(path.split('.'), true) as Node | undefined) ?? undefined;
  const raw = (path: string): unknown => {
    const n = node(path);
    if (n === undefined) return undefined;
    return isScalar(n) ? n.value : n.toJSON();
  };
  const at = (line: number | undefined) => (line === undefined ? {} : { line });
  const reader: SettingsReader = {
    problems,
    node,
    lineOf,
    raw,
    notRead(path, why) {
      const n = node(path);
      if (n !== undefined) problems.push({ ...at(lineOf(n)), message: `${path}: ${why}` });
    },
    get(paths, conv, dflt, what) {
      for (const p of paths) {
        const v = raw(p);
        if (v === undefined || v === null) continue;
        const c = conv(v);
        const line = lineOf(node(p));
        if (c === undefined) {
          problems.push({ ...at(line), message: `${p}: cannot read ${shown(v)} as ${what}; using the default` });
          continue;
        }
        return { value: c, from: 'config', key: p, ...at(line) };
      }
      return { value: dflt, from: 'default', key: paths[0] as string };
    },
    list<T extends object>(path: string, item: (j: Record<string, unknown>, line: number | undefined) => T | null) {
      const n = node(path);
      if (!n) return { value: [], from: 'default', key: path };
      const out: T[] = [];
      if (isSeq(n))
        for (const it of n.items) {
          const j = (it as Node).toJSON() as Record<string, unknown>;
          const v = j ? item(j, lineOf(it as Node)) : null;
          if (v !== null) out.push(v);
        }
      return { value: out, from: 'config', key: path, ...at(lineOf(n)) };
    },
  };
  const topKeys: TopKey[] = isMap(root)
    ? root.items.map((pair) => {
        const k = pair.key as Node | null;
        const line = lineOf(k);
        return { key: String(isScalar(k) ? k.value : ''), ...(line === undefined ? {} : { line }) };
      })
    : [];
  return { ok: true, reader, topKeys };
}

// a mapping may carry keys like `toString`: String() on it would throw, JSON never does here
function shown(v: unknown): string {
  const text = typeof v === 'object' ? JSON.stringify(v) : String(v);
  return `"${text.length > 80 ? `${text.slice(0, 80)}…` : text}"`;
}

export const bool: Convert<boolean> = (v) =>
  typeof v === 'boolean' ? v : v === 'true' ? true : v === 'false' ? false : undefined;
export const num: Convert<number> = (v) =>
  typeof v === 'number' ? v : typeof v === 'string' && /^\d+(\.\d+)?$/.test(v) ? Number(v) : undefined;
export const str: Convert<string> = (v) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);
