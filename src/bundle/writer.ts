import { createReadStream, createWriteStream } from 'node:fs';
import { appendFile, type FileHandle, mkdir, writeFile } from 'node:fs/promises';
import { isAscii } from 'node:buffer';
import { lineEnd, openPemLine, pemBlockEnd } from './text-parts.js';
import { dirname, join, relative } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { BUNDLE_FORMAT_VERSION, type Host, type Manifest, type ProbeRecord, type Redaction } from './manifest.js';
import { type Measurements, storedMeasurements } from './measurements.js';

/** Applied to every text before it is written: the single choke point for secrets (see redact.ts). */
export interface Redactor {
  (relPath: string, text: string): { text: string; redactions: Redaction[] };
  /**
   * True only when the call would give these bytes' text back as it is, with no redaction: the writer
   * then writes them without decoding them. False whenever it cannot tell cheaply.
   */
  leaves?(relPath: string, bytes: Buffer): boolean;
}

export const noRedaction: Redactor = (_p, text) => ({ text, redactions: [] });

/**
 * A stretch of a node file that a bundle holds by reference instead of a copy (BundleWriter.link): the
 * file stays open, so a rotation that renames it away does not change what is read.
 */
export interface LinkedRange {
  /** The file on the node, for messages. */
  path: string;
  file: FileHandle;
  start: number;
  end: number;
}

const MANIFEST = 'manifest.json';
const MEASUREMENTS = 'measurements.json';

/** Writes a bundle in directory form. Probes only ever write through this. */
export class BundleWriter {
  private readonly measurements: Measurements = {};
  private readonly probes: Record<string, ProbeRecord> = {};
  private readonly redactions: Redaction[] = [];
  private readonly caps: Record<string, string> = {};
  private readonly sources: Record<string, string> = {};
  private readonly linked = new Map<string, LinkedRange>();

  /**
   * `linking`: the bundle is read on this node and removed (diagnose), so a log window that the redactor
   * leaves as it is may be held by reference (link) rather than written to the temp dir and read back.
   */
  constructor(
    readonly dir: string,
    private readonly redactor: Redactor = noRedaction,
    readonly linking = false,
  ) {}

  private path(rel: string): string {
    const p = join(this.dir, rel);
    if (relative(this.dir, p).startsWith('..')) throw new Error(`bundle path escapes the bundle: ${rel}`);
    return p;
  }

  /**
   * Writes a text file through the redactor. `from`: where it came from on the node (a path, a
   * `command`, or what dfdoctor made it from), for the report to name beside the bundle path.
   */
  async writeText(rel: string, text: string, from: string): Promise<void> {
    this.sources[rel] = from;
    const r = this.redactor(rel, text);
    this.redactions.push(...r.redactions);
    const p = this.path(rel);
    await mkdir(dirname(p), { recursive: true });
    await writeFile(p, r.text);
  }

  /**
   * Appends to a text file (created when absent), through the same redactor: for files too large to
   * hold in memory at once, written in parts that each end at a line end.
   */
  async appendText(rel: string, text: string): Promise<void> {
    const r = this.redactor(rel, text);
    this.redactions.push(...r.redactions);
    const p = this.path(rel);
    await mkdir(dirname(p), { recursive: true });
    await appendFile(p, r.text);
  }

  /**
   * appendText for UTF-8 bytes that end at a line end (or at least at a character's end). The text is
   * decoded and redacted in pieces of about PIECE bytes, and where the redactor leaves a piece as it
   * was, its bytes are written as read instead of encoding the text again: a log window is mostly lines
   * without a secret. A piece the redactor can tell from its bytes that it leaves (Redactor.leaves) is
   * not decoded at all.
   */
  async appendUtf8(rel: string, bytes: Buffer): Promise<void> {
    const { out, changed } = this.redactPieces(rel, bytes, this.redactions);
    const p = this.path(rel);
    await mkdir(dirname(p), { recursive: true });
    await appendFile(p, changed ? Buffer.concat(out) : bytes);
  }

  /**
   * What appendUtf8 would write of these bytes, without writing it: true when the redactor leaves them
   * as they are. What the redactor recorded goes into `redactions`.
   */
  unchangedBy(rel: string, bytes: Buffer, redactions: Redaction[]): boolean {
    return !this.redactPieces(rel, bytes, redactions).changed;
  }

  private redactPieces(rel: string, bytes: Buffer, redactions: Redaction[]): { out: Buffer[]; changed: boolean } {
    const out: Buffer[] = [];
    let changed = false;
    for (let s = 0; s < bytes.length;) {
      const e = pieceEnd(bytes, s);
      const part = bytes.subarray(s, e);
      s = e;
      if (this.redactor.leaves?.(rel, part)) {
        out.push(part);
        continue;
      }
      // ASCII (most logs) decodes as latin1, a copy; UTF-8 decoding checks every byte
      const text = isAscii(part) ? part.toString('latin1') : part.toString('utf8');
      const r = this.redactor(rel, text);
      redactions.push(...r.redactions);
      if (r.text === text) out.push(part);
      else {
        out.push(Buffer.from(r.text, 'utf8'));
        changed = true;
      }
    }
    return { out, changed };
  }

  /**
   * Holds `range` of a node file as the bundle's file `rel`, by reference: only in a linking writer, and
   * only for bytes every part of which unchangedBy found unchanged (`redactions`: what it recorded then).
   */
  link(rel: string, range: LinkedRange, from: string, redactions: readonly Redaction[]): void {
    if (!this.linking) throw new Error(`bundle file ${rel}: this bundle leaves the node, so it holds copies only`);
    this.path(rel);
    this.sources[rel] = from;
    this.redactions.push(...redactions);
    this.linked.set(rel, range);
  }

  /** The files held by reference, for the reader (DirBundle) that reads this bundle on the node. */
  get links(): ReadonlyMap<string, LinkedRange> {
    return this.linked;
  }

  /** Closes the linked files: once the bundle has been read. */
  async closeLinks(): Promise<void> {
    const open = [...this.linked.values()];
    this.linked.clear();
    await Promise.all(open.map((r) => r.file.close().catch(() => undefined)));
  }

  async writeJson(rel: string, value: unknown, from: string): Promise<void> {
    await this.writeText(rel, `${JSON.stringify(value, null, 2)}\n`, from);
  }

  /** Copies at most `maxBytes` of a node file into the bundle, unredacted: only for binary-safe, secret-free data. */
  async copyRaw(src: string, rel: string, maxBytes: number): Promise<number> {
    const p = this.path(rel);
    await mkdir(dirname(p), { recursive: true });
    let seen = 0;
    const limit = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        const room = maxBytes - seen;
        if (room <= 0) return cb();
        const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
        seen += part.length;
        cb(null, part);
      },
    });
    await pipeline(createReadStream(src, { end: maxBytes - 1 }), limit, createWriteStream(p));
    return seen;
  }

  setMeasurement<K extends keyof Measurements>(area: K, value: NonNullable<Measurements[K]>): void {
    this.measurements[area] = value;
  }

  getMeasurement<K extends keyof Measurements>(area: K): Measurements[K] {
    return this.measurements[area];
  }

  /**
   * A probe's record goes into manifest.json, which leaves the node with the bundle: its strings pass
   * the redactor too (a URL given on the command line, `--dfdaemon-metrics http://user:pass@…`, may be
   * quoted in a reason).
   */
  recordProbe(name: string, record: ProbeRecord): void {
    this.probes[name] = this.redactedInManifest(record);
  }

  /** A value that goes into manifest.json, through the redactor; the value itself when nothing was taken out. */
  private redactedInManifest<T>(value: T): T {
    const json = JSON.stringify(value);
    const r = this.redactor(MANIFEST, json);
    this.redactions.push(...r.redactions);
    return r.text === json ? value : (JSON.parse(r.text) as T);
  }

  noteRedaction(r: Redaction): void {
    this.redactions.push(r);
  }

  /** States a cap (e.g. "logs": "at most 64 MiB, errors first") so a reader knows the bundle is partial. */
  noteCap(what: string, cap: string): void {
    this.caps[what] = cap;
  }

  /** A JSON file dfdoctor writes itself, as text through the redactor. */
  private redactedText(rel: string, value: unknown): string {
    const json = `${JSON.stringify(value, null, 2)}\n`;
    const r = this.redactor(rel, json);
    this.redactions.push(...r.redactions);
    return r.text;
  }

  async finish(info: { tool: { name: string; version: string }; host: Host; createdAt: string }): Promise<Manifest> {
    // first: what redacting them finds counts among the redactions. The sources leave the node in
    // manifest.json: a path or a command line passes the redactor as a record does
    const sources = Object.keys(this.sources).length > 0 ? this.redactedInManifest(this.sources) : undefined;
    // the figures name what was measured, a URL given on the command line included
    // (`--dfdaemon-metrics http://user:pass@…` is the loopback probe's endpoint): they pass the redactor too
    const measured =
      Object.keys(this.measurements).length > 0
        ? this.redactedText(MEASUREMENTS, storedMeasurements(this.measurements))
        : null;
    const manifest: Manifest = {
      format: 'dfdoctor-bundle',
      version: BUNDLE_FORMAT_VERSION,
      createdAt: info.createdAt,
      tool: info.tool,
      host: info.host,
      probes: this.probes,
      ...(this.redactions.length > 0 ? { redactions: mergeRedactions(this.redactions) } : {}),
      ...(Object.keys(this.caps).length > 0 ? { caps: this.caps } : {}),
      ...(sources ? { sources } : {}),
    };
    if (measured !== null) await writeFile(this.path(MEASUREMENTS), measured);
    await writeFile(this.path(MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
    return manifest;
  }
}

function mergeRedactions(list: Redaction[]): Redaction[] {
  const byKey = new Map<string, Redaction>();
  for (const r of list) {
    const key = `${r.file}\u0000${r.what}`;
    const prev = byKey.get(key);
    byKey.set(key, prev ? { ...prev, count: prev.count + r.count } : { ...r });
  }
  return [...byKey.values()];
}

/**
 * Bytes decoded and redacted at a time by appendUtf8. A string longer than V8's largest regular object
 * (128 KiB) is placed in its large-object space, a fresh mapping each time: decoding 20 MB of log took
 * 60 ms in 1 MiB strings and 2 ms in 64 KiB ones.
 */
const PIECE = 64 * 1024;

/**
 * Where the piece of `bytes` from `s` ends: at the last line end within PIECE bytes (a longer line is
 * taken whole), before the line of a PEM block that does not end in the piece, or, when the piece
 * starts with such a block, after the block.
 */
function pieceEnd(bytes: Buffer, s: number): number {
  if (bytes.length - s <= PIECE) return bytes.length;
  const nl = bytes.lastIndexOf(0x0a, s + PIECE - 1);
  const e = nl >= s ? nl + 1 : lineEnd(bytes, s + PIECE);
  const open = openPemLine(bytes, s, e);
  if (open < 0) return e;
  return open > s ? open : pemBlockEnd(bytes, open);
}
