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

/**
 * How keys are matched. 'exact': as written (serde, the Rust client). 'fold': the Go dfdaemon's viper, which
 * lowercases every key of every mapping when it reads the file (viper v1.7.1 viper.go:1543 `insensitiviseMap(c)`
 * in unmarshalReader, util.go insensitiviseMap; the same in v1.18.2 viper.go:1812) and builds the map it
 * decodes from lowercased paths (AllSettings, v1.7.1 viper.go:1901-1917); mapstructure then finds each field
 * by a case-insensitive match (v1.4.1 and v1.5.0 mapstructure.go decodeStructFromMap, `strings.EqualFold`), so
 * `Proxy:` is `proxy:`. `inLists`: mappings inside sequences too, which viper does from v1.13.0 (util.go
 * insensitiviseVal → insensitiveArray, spf13/viper 5247643) and not before, where their keys keep their case.
 */
export interface KeyMatch {
  fold: boolean;
  inLists: boolean;
}

const EXACT: KeyMatch = { fold: false, inLists: false };

export function readYamlSettings(text: string, keys: KeyMatch = EXACT): ReadResult {
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
  const node = (path: string): Node | undefined =>
    keys.fold
      ? foldedNode(root, path.split('.'))
      : ((doc.getIn(path.split('.'), true) as Node | undefined) ?? undefined);
  const json = (n: Node): unknown => (keys.fold ? lowerKeys(n.toJSON(), keys.inLists) : n.toJSON());
  const raw = (path: string): unknown => {
    const n = node(path);
    if (n === undefined) return undefined;
    return isScalar(n) ? n.value : json(n);
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
          // the value as the file writes it, not with its keys folded
          const written = (n: Node | undefined) => (isScalar(n) ? n.value : n?.toJSON());
          problems.push({
            ...at(line),
            message: `${p}: cannot read ${shown(written(node(p)))} as ${what}; using the default`,
          });
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
          const j = (keys.inLists ? json(it as Node) : (it as Node).toJSON()) as Record<string, unknown>;
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
        return { key: keyText(k), ...(line === undefined ? {} : { line }) };
      })
    : [];
  if (keys.fold) problems.push(...caseTwins(root, keys.inLists, lineOf));
  return { ok: true, reader, topKeys };
}

/** The key of a mapping pair as text ('' for a key that is not a scalar). */
function keyText(k: unknown): string {
  return isScalar(k) ? String(k.value) : '';
}

/** The node at `path`, each step matching a mapping key whatever its case; the first such key when several do. */
function foldedNode(root: unknown, path: readonly string[]): Node | undefined {
  let at: unknown = root;
  for (const step of path) {
    if (!isMap(at)) return undefined;
    const want = step.toLowerCase();
    const pair = at.items.find((p) => keyText(p.key).toLowerCase() === want);
    if (!pair) return undefined;
    at = pair.value;
  }
  return (at as Node | null) ?? undefined;
}

/** A plain JSON value with the keys of its mappings lowercased (and of mappings in arrays when `inLists`). */
function lowerKeys(v: unknown, inLists: boolean, inList = false): unknown {
  if (Array.isArray(v)) return v.map((x) => lowerKeys(x, inLists, true));
  if (v === null || typeof v !== 'object') return v;
  if (inList && !inLists) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    const lk = k.toLowerCase();
    if (!Object.hasOwn(out, lk)) out[lk] = lowerKeys(x, inLists, inList);
  }
  return out;
}

/**
 * Keys of one mapping that differ only in case: viper keeps one of them, and which is not fixed (it walks a Go
 * map, whose order is random: v1.7.1 util.go insensitiviseMap), so neither value can be taken as the daemon's.
 */
function caseTwins(
  root: unknown,
  inLists: boolean,
  lineOf: (n: Node | null | undefined) => number | undefined,
): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  const walk = (n: unknown, inList: boolean): void => {
    if (isSeq(n)) for (const it of n.items) walk(it, true);
    if (!isMap(n)) return;
    const seen = new Map<string, string>();
    for (const pair of n.items) {
      const k = keyText(pair.key);
      const lk = k.toLowerCase();
      const first = seen.get(lk);
      if (first !== undefined && first !== k && (!inList || inLists)) {
        const line = lineOf(pair.key as Node);
        out.push({
          ...(line === undefined ? {} : { line }),
          message: `${k}: the same key as ${first} to the daemon, which reads keys whatever their case (viper lowercases them) and keeps one of the two, not always the same: neither value is certain`,
        });
      } else if (first === undefined) seen.set(lk, k);
      walk(pair.value, inList);
    }
  };
  walk(root, false);
  return out;
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
