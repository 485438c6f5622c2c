// Prometheus text exposition format 0.0.4, the format both dfdaemon generations serve on /metrics
// (Go: promhttp; Rust: the prometheus crate's TextEncoder). npm has no well-kept parser, so this is ours.
// It never throws: a line it cannot read becomes an error with its line number and is skipped.

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

export type Labels = Readonly<Record<string, string>>;

export interface Sample {
  /** The sample's own name (e.g. `x_bucket` for a histogram `x`). */
  name: string;
  labels: Labels;
  value: number;
  /** Milliseconds since the epoch, when the exposition carried one. */
  timestampMs?: number;
  /** 1-based line in the exposition, for evidence. */
  line: number;
}

export interface MetricFamily {
  name: string;
  type: MetricType;
  help?: string;
  samples: Sample[];
}

export interface ParseError {
  line: number;
  message: string;
}

export interface Exposition {
  /** Families by name, in the order first seen. */
  families: Map<string, MetricFamily>;
  errors: ParseError[];
}

const NAME_RE = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function isMetricName(s: string): boolean {
  return NAME_RE.test(s);
}

export function isLabelName(s: string): boolean {
  return LABEL_NAME_RE.test(s);
}

const TYPES: readonly MetricType[] = ['counter', 'gauge', 'histogram', 'summary', 'untyped'];

/** Parses one exposition. */
export function parsePrometheus(text: string): Exposition {
  const families = new Map<string, MetricFamily>();
  const errors: ParseError[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    let raw = lines[i] as string;
    if (raw.endsWith('\r')) raw = raw.slice(0, -1);
    const line = raw.trim();
    if (line === '') continue;
    if (line.startsWith('#')) {
      const m = /^#\s*(HELP|TYPE)\s+(\S+)(?:\s(.*))?$/.exec(line);
      if (!m) continue; // a plain comment
      const [, kw, name, restRaw] = m as unknown as [string, string, string, string | undefined];
      if (!isMetricName(name)) {
        errors.push({ line: lineNo, message: `invalid metric name "${name}" in # ${kw}` });
        continue;
      }
      if (kw === 'HELP') {
        familyFor(families, name).help = unescapeHelp(restRaw ?? '');
      } else {
        const t = (restRaw ?? '').trim();
        if (!(TYPES as readonly string[]).includes(t)) {
          errors.push({ line: lineNo, message: `unknown metric type "${t}" for ${name}` });
          continue;
        }
        const fam = familyFor(families, name);
        if (fam.samples.length > 0) {
          errors.push({ line: lineNo, message: `# TYPE for ${name} after its samples` });
        }
        fam.type = t as MetricType;
      }
      continue;
    }
    const s = parseSampleLine(raw, lineNo);
    if ('message' in s) {
      errors.push(s);
      continue;
    }
    const fam = familyFor(families, familyName(families, s.name));
    fam.samples.push(s);
  }
  return { families, errors };
}

function familyFor(families: Map<string, MetricFamily>, name: string): MetricFamily {
  let f = families.get(name);
  if (!f) {
    f = { name, type: 'untyped', samples: [] };
    families.set(name, f);
  }
  return f;
}

/** `x_bucket`, `x_sum`, `x_count` belong to a declared histogram/summary `x`. */
function familyName(families: Map<string, MetricFamily>, sample: string): string {
  for (const suffix of ['_bucket', '_sum', '_count']) {
    if (!sample.endsWith(suffix)) continue;
    const base = sample.slice(0, -suffix.length);
    const f = families.get(base);
    if (f && (f.type === 'histogram' || (f.type === 'summary' && suffix !== '_bucket'))) return base;
  }
  return sample;
}

function unescapeHelp(s: string): string {
  return s.replace(/\\(\\|n)/g, (_m, c: string) => (c === 'n' ? '\n' : '\\'));
}

function parseSampleLine(raw: string, line: number): Sample | ParseError {
  let i = 0;
  const n = raw.length;
  const skipWs = () => {
    while (i < n && (raw[i] === ' ' || raw[i] === '\t')) i++;
  };
  skipWs();
  const nameStart = i;
  while (i < n && /[a-zA-Z0-9_:]/.test(raw[i] as string)) i++;
  const name = raw.slice(nameStart, i);
  if (!isMetricName(name)) return { line, message: `invalid metric name at "${clip(raw.slice(nameStart))}"` };
  const labels: Record<string, string> = {};
  skipWs();
  if (raw[i] === '{') {
    i++;
    for (;;) {
      skipWs();
      if (raw[i] === '}') {
        i++;
        break;
      }
      const ls = i;
      while (i < n && /[a-zA-Z0-9_]/.test(raw[i] as string)) i++;
      const lname = raw.slice(ls, i);
      if (!isLabelName(lname)) return { line, message: `invalid label name in ${name} at "${clip(raw.slice(ls))}"` };
      skipWs();
      if (raw[i] !== '=') return { line, message: `expected "=" after label ${lname} of ${name}` };
      i++;
      skipWs();
      if (raw[i] !== '"') return { line, message: `expected a quoted value for label ${lname} of ${name}` };
      i++;
      let value = '';
      let closed = false;
      while (i < n) {
        const c = raw[i] as string;
        if (c === '\\') {
          const e = raw[i + 1];
          if (e === 'n') value += '\n';
          else if (e === '\\') value += '\\';
          else if (e === '"') value += '"';
          else if (e === undefined) break;
          else value += `\\${e}`;
          i += 2;
          continue;
        }
        if (c === '"') {
          closed = true;
          i++;
          break;
        }
        value += c;
        i++;
      }
      if (!closed) return { line, message: `unterminated value of label ${lname} in ${name}` };
      if (Object.prototype.hasOwnProperty.call(labels, lname))
        return { line, message: `duplicate label ${lname} in ${name}` };
      labels[lname] = value;
      skipWs();
      if (raw[i] === ',') {
        i++;
        continue;
      }
      if (raw[i] === '}') {
        i++;
        break;
      }
      return { line, message: `expected "," or "}" in the labels of ${name}` };
    }
  }
  const rest = raw
    .slice(i)
    .trim()
    .split(/[ \t]+/);
  if (rest.length === 0 || rest[0] === '') return { line, message: `no value for ${name}` };
  if (rest.length > 2) return { line, message: `unexpected text after the value of ${name}` };
  const value = parseValue(rest[0] as string);
  if (value === undefined) return { line, message: `invalid value "${clip(rest[0] as string)}" for ${name}` };
  const s: Sample = { name, labels, value, line };
  if (rest.length === 2) {
    const ts = rest[1] as string;
    if (!/^-?\d+$/.test(ts)) return { line, message: `invalid timestamp "${clip(ts)}" for ${name}` };
    s.timestampMs = Number(ts);
  }
  return s;
}

export function parseValue(s: string): number | undefined {
  switch (s) {
    case 'NaN':
      return Number.NaN;
    case '+Inf':
    case 'Inf':
      return Number.POSITIVE_INFINITY;
    case '-Inf':
      return Number.NEGATIVE_INFINITY;
  }
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return undefined;
  return Number(s);
}

function clip(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

/** Formats a number the way Go's promhttp does for the values that matter to tests. */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(v);
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

/** Serialises families back to the text format (used by tests and the stand-in). */
export function formatPrometheus(families: Iterable<MetricFamily>): string {
  let out = '';
  for (const f of families) {
    if (f.help !== undefined) out += `# HELP ${f.name} ${f.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}\n`;
    out += `# TYPE ${f.name} ${f.type}\n`;
    for (const s of f.samples) {
      const l = Object.entries(s.labels);
      const ls = l.length === 0 ? '' : `{${l.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}`;
      out += `${s.name}${ls} ${formatValue(s.value)}${s.timestampMs === undefined ? '' : ` ${s.timestampMs}`}\n`;
    }
  }
  return out;
}

// ---- queries ---------------------------------------------------------------------------------

/** Samples of a sample name whose labels include `match`. */
export function select(e: Exposition, sampleName: string, match: Labels = {}): Sample[] {
  const fam = e.families.get(familyName(e.families, sampleName));
  if (!fam) return [];
  return fam.samples.filter((s) => s.name === sampleName && Object.entries(match).every(([k, v]) => s.labels[k] === v));
}

/** Sum of matching samples, or undefined when there are none. */
export function sum(e: Exposition, sampleName: string, match: Labels = {}): number | undefined {
  const s = select(e, sampleName, match);
  if (s.length === 0) return undefined;
  return s.reduce((a, b) => a + b.value, 0);
}

export function labelKey(labels: Labels, without: readonly string[] = []): string {
  return Object.keys(labels)
    .filter((k) => !without.includes(k))
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`)
    .join(',');
}

/**
 * Increase of a counter between two scrapes, summed over series present in both. A series whose
 * value fell was reset (process restart): its later value is the increase, as Prometheus' rate() does.
 */
export function increase(a: Exposition, b: Exposition, sampleName: string, match: Labels = {}): number | undefined {
  const after = select(b, sampleName, match);
  if (after.length === 0) return undefined;
  const before = new Map(select(a, sampleName, match).map((s) => [labelKey(s.labels), s.value]));
  let total = 0;
  for (const s of after) {
    const prev = before.get(labelKey(s.labels)) ?? 0;
    total += s.value >= prev ? s.value - prev : s.value;
  }
  return total;
}

export interface Bucket {
  le: number;
  count: number;
}

/** Cumulative buckets of one histogram summed over every series matching `match` (other labels merged). */
export function histogramBuckets(e: Exposition, family: string, match: Labels = {}): Bucket[] {
  const byLe = new Map<number, number>();
  for (const s of select(e, `${family}_bucket`, match)) {
    const le = parseValue(s.labels.le ?? '');
    if (le === undefined || Number.isNaN(le)) continue;
    byLe.set(le, (byLe.get(le) ?? 0) + s.value);
  }
  return [...byLe.entries()].map(([le, count]) => ({ le, count })).sort((x, y) => x.le - y.le);
}

/** Bucket-wise difference (b − a): the observations made between two scrapes. */
export function bucketDelta(a: Bucket[], b: Bucket[]): Bucket[] {
  const prev = new Map(a.map((x) => [x.le, x.count]));
  return b.map((x) => ({ le: x.le, count: Math.max(0, x.count - (prev.get(x.le) ?? 0)) }));
}

/**
 * The q-quantile of cumulative buckets with Prometheus' histogram_quantile interpolation (linear
 * inside a bucket, the lower bound of the first bucket taken as 0). Null without observations; when
 * the quantile falls in the +Inf bucket, the largest finite bound is returned (a floor, not a value).
 */
export function histogramQuantile(q: number, buckets: Bucket[]): number | null {
  if (buckets.length === 0) return null;
  const sorted = [...buckets].sort((x, y) => x.le - y.le);
  const last = sorted[sorted.length - 1] as Bucket;
  if (last.le !== Number.POSITIVE_INFINITY) return null;
  const total = last.count;
  if (!(total > 0)) return null;
  const rank = q * total;
  let prevLe = 0;
  let prevCount = 0;
  for (const b of sorted) {
    if (b.count >= rank) {
      if (b.le === Number.POSITIVE_INFINITY) {
        const finite = sorted.filter((x) => Number.isFinite(x.le));
        return finite.length > 0 ? (finite[finite.length - 1] as Bucket).le : null;
      }
      const inBucket = b.count - prevCount;
      if (inBucket <= 0) return b.le;
      return prevLe + (b.le - prevLe) * ((rank - prevCount) / inBucket);
    }
    prevLe = b.le;
    prevCount = b.count;
  }
  return null;
}
