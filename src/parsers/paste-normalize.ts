// Logs rarely reach a maintainer as the daemon wrote them: they are pasted into an issue, copied out
// of a terminal or a browser, quoted in a reply. This layer undoes what the paste did, line by line,
// before the containerd and dfdaemon log parsers see the text, so that those parsers keep matching the
// formats their daemons write and nothing else:
//   - colour codes, with or without their ESC byte (a browser drops the ESC and leaves "[2m");
//   - CRLF line ends;
//   - a reply's "> " quote prefix, a `grep -H` file-name prefix or a kubectl banner before the record;
//   - zap's console encoding whose TABs a paste turned into runs of spaces;
//   - logrus' terminal format (`INFO[2021-…] message   key=value`, `WARN[0000] …`), rewritten as the
//     `time=… level=… msg=…` a journal holds;
//   - a journal line that lost its head (`…ing next host" error=… host=…`), when the cut message is the
//     tail of a known one;
//   - "[TRUNCATED]" markers, and a record wrapped onto a second line inside a quoted value;
//   - a JSON record pretty-printed over several indented lines (jq, an editor), joined back as the
//     one line zap writes when it parses as a log record;
//   - redaction placeholders in IPv4 addresses (`x.y.z.14`), which ids are matched on.
// The output has as many lines as the input (a joined continuation leaves an empty line behind), so
// every line number a parser reports is still the line number in the file.

export interface PasteOptions {
  /** Rewrite logrus terminal lines into logfmt (containerd's log; no dfdaemon writes logrus). */
  logrus?: boolean;
  /** Messages whose cut tail may start a headless logfmt line, to restore `msg="…"` from. */
  knownMessages?: readonly string[];
}

// CSI colour sequences, and their residue when a paste dropped the ESC byte
const ANSI = /\x1b\[[0-9;]*[A-Za-z]|\[(?:\d{1,3};)*\d{1,3}m(?!\])/g;
const TRUNCATED = /\s*\[(?:TRUNCATED|truncated|\.\.\.truncated\.\.\.)\]\s*/g;
const ISO = String.raw`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)`;
const ISO_LEVEL = new RegExp(String.raw`(${ISO})\s+(?:TRACE|DEBUG|INFO|WARN|ERROR)\b`);
const ZAP_SPACED = new RegExp(
  String.raw`^(${ISO})[ \t]{2,}(DEBUG|INFO|WARN|ERROR|DPANIC|PANIC|FATAL)[ \t]+(\S+\.go:\d+)[ \t]+(.*)$`,
);
const LOGRUS = /^(TRAC|DEBU|INFO|WARN|ERRO|FATA|PANI)\[([^\]]*)\]\s?(.*)$/;
const LOGRUS_LEVEL: Record<string, string> = {
  TRAC: 'trace',
  DEBU: 'debug',
  INFO: 'info',
  WARN: 'warning',
  ERRO: 'error',
  FATA: 'fatal',
  PANI: 'panic',
};
const LOGFMT_TAIL = /^(?:\s*[A-Za-z_][\w.-]*=(?:"(?:[^"\\]|\\.)*"|\S*))+\s*$/;
const REDACTED_IP =
  /\b(?:[xX*]{1,3}|[a-wyzA-WYZ])\.(?:[xX*]{1,3}|[a-zA-Z])\.(?:[xX*]{1,3}|[a-zA-Z])\.(\d{1,3}|[xX*]{1,3})\b/g;
/** What a record can start with; a line that starts otherwise after an open quote or record continues the last one. */
// a digit starts a record only as a date does: a wrapped value often goes on with a hex id ("0c86…")
const RECORD_HEAD =
  /^(?:\s|\{|\[|\d{4}[-/]\d\d[-/]\d\d|time=|level=|[A-Z]{4}\[|(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) )/;

/** One line, cleaned of what a paste adds; never joins or drops lines. */
export function normalizePastedLine(raw: string, o: PasteOptions = {}): string {
  let l = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
  if (l.includes('[')) l = l.replace(ANSI, '').replace(TRUNCATED, '');
  // a reply's quote ("> " once or nested)
  if (l.startsWith('>')) l = l.replace(/^(?:>\s?)+/, '');
  // junk before the record: a grep -H file name, a kubectl banner, a lost journal head
  const json = l.indexOf('{"level"');
  if (json > 0) l = l.slice(json);
  else if (json < 0 && !/^\s/.test(l) && !new RegExp(`^${ISO}`).test(l)) {
    const m = ISO_LEVEL.exec(l);
    if (m && m.index > 0 && !/\b(?:time|ts)="?$/.test(l.slice(0, m.index))) l = l.slice(m.index);
  }
  const z = ZAP_SPACED.exec(l);
  if (z) {
    // zap console: ts, LEVEL, caller, message, then the fields as one JSON object — TAB-separated
    const rest = (z[4] as string).replace(/[ \t]{2,}(\{".*\})$/, '\t$1');
    l = `${z[1]}\t${z[2]}\t${z[3]}\t${rest}`;
  }
  if (o.logrus) l = logrusToLogfmt(l);
  if (o.knownMessages && !l.includes('msg=')) l = restoreHeadlessMessage(l, o.knownMessages);
  if (l.includes('.')) l = l.replace(REDACTED_IP, (_m, last: string) => `0.0.0.${/^\d+$/.test(last) ? last : '0'}`);
  return l;
}

/** `INFO[2021-04-14T13:44:53.18-05:00] PullImage "x"        host=h` → `time="…" level=info msg="PullImage \"x\"" host=h`. */
export function logrusToLogfmt(l: string): string {
  const m = LOGRUS.exec(l);
  if (!m) return l;
  const [, lvl, when, body] = m as unknown as [string, string, string, string];
  // the terminal formatter pads the message to a column, then writes the fields
  let msg = body.trimEnd();
  let fields = '';
  const pad = /\s{2,}(?=[A-Za-z_][\w.-]*=)/.exec(body);
  if (pad && LOGFMT_TAIL.test(body.slice(pad.index))) {
    msg = body.slice(0, pad.index).trimEnd();
    fields = body.slice(pad.index).trim();
  } else {
    // no padding (a long message): the fields are the longest logfmt tail after a space
    for (let i = body.indexOf(' '); i >= 0; i = body.indexOf(' ', i + 1)) {
      if (/^\s*[A-Za-z_][\w.-]*=/.test(body.slice(i)) && LOGFMT_TAIL.test(body.slice(i))) {
        msg = body.slice(0, i).trimEnd();
        fields = body.slice(i).trim();
        break;
      }
    }
  }
  // "[0000]" is seconds since start, not a time
  const time = /^\d+$/.test(when) ? '' : `time="${when}" `;
  return `${time}level=${LOGRUS_LEVEL[lvl]} msg="${msg.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"${fields ? ` ${fields}` : ''}`;
}

/**
 * `…ing next host" error="…" host="…"`: the line lost its head inside msg; put a known message back. The
 * paste may have cut the line's end too, inside its last quoted value (`…cri" error="invalid plugin
 * config: …`, dragonflyoss/dragonfly#3372), which stays open as it was.
 */
function restoreHeadlessMessage(l: string, known: readonly string[]): string {
  const m =
    /^([^"=]{4,}?)"((?:\s+[A-Za-z_][\w.-]*=(?:"(?:[^"\\]|\\.)*"|\S*))*(?:\s+[A-Za-z_][\w.-]*="(?:[^"\\]|\\.)*)?)\s*$/.exec(
      l,
    );
  if (!m || (m[2] as string).trim() === '') return l;
  const tail = m[1] as string;
  const full = known.filter((k) => k.endsWith(tail) || k.endsWith(tail.trimStart()));
  return full.length === 1 ? `msg="${full[0]}"${m[2]}` : l;
}

/** An odd number of unescaped double quotes: a quoted value runs on past the line end. */
function openQuote(l: string): boolean {
  let n = 0;
  for (let i = 0; i < l.length; i++) {
    const c = l.charCodeAt(i);
    if (c === 0x5c /* \ */) i++;
    else if (c === 0x22) n++;
  }
  return n % 2 === 1;
}

/**
 * A zap JSON record whose closing brace is not on the line: a paste wrapped at a fixed width can break it
 * between a key and its value, where no quote is open (dragonfly#729: `"component":` / `"streamPeerTask"}`).
 */
function openRecord(l: string): boolean {
  return l.startsWith('{"') && !l.trimEnd().endsWith('}');
}

/** How many lines, and characters, one pretty-printed record may take: a zap record has a handful of keys. */
const MAX_PRETTY_LINES = 64;
const MAX_PRETTY_CHARS = 256 * 1024;

/**
 * The keys zap's JSON encoder writes first, in its order, with the production config's names (zap v1.27.0
 * zapcore/json_encoder.go EncodeEntry :365-423: level, time, logger name, caller, message, then the
 * fields, the stack trace last; config.go NewProductionEncoderConfig :124-139 names them level, ts,
 * logger, caller, msg, stacktrace), which the Go dfdaemon uses (dragonfly v2.1.49
 * internal/dflog/logcore.go:67).
 */
const ZAP_HEAD = ['level', 'ts', 'logger', 'caller', 'msg'] as const;

/**
 * A record pretty-printed from line `i` on (`{` alone, or `{"key": value,` ending with a comma, then
 * indented `"key": value` lines up to the closing brace): the record on one line as zap writes it, and
 * the lines it took; null when the lines do not parse as one JSON object with a string level and msg.
 */
function prettyRecord(out: readonly string[], i: number): { line: string; used: number } | null {
  const first = (out[i] as string).trim();
  if (first !== '{' && !(first.startsWith('{"') && first.endsWith(','))) return null;
  let text = first;
  for (let j = i + 1; j < out.length && j - i < MAX_PRETTY_LINES && text.length < MAX_PRETTY_CHARS; j++) {
    const l = (out[j] as string).trim();
    text += l;
    if (!l.startsWith('}')) continue;
    let v: unknown;
    try {
      v = JSON.parse(text.replace(/,$/, ''));
    } catch {
      continue;
    }
    const rec = v as Record<string, unknown>;
    if (!v || typeof v !== 'object' || Array.isArray(v) || typeof rec.level !== 'string' || typeof rec.msg !== 'string')
      return null;
    const ordered: Record<string, unknown> = {};
    for (const k of ZAP_HEAD) if (k in rec) ordered[k] = rec[k];
    for (const [k, x] of Object.entries(rec)) if (!(k in ordered) && k !== 'stacktrace') ordered[k] = x;
    if ('stacktrace' in rec) ordered.stacktrace = rec.stacktrace;
    return { line: JSON.stringify(ordered), used: j - i };
  }
  return null;
}

/** Whole lines: each cleaned, and a record wrapped inside a quoted value joined back (the consumed line left empty). */
export function normalizePastedLines(lines: readonly string[], o: PasteOptions = {}): string[] {
  const out = lines.map((l) => normalizePastedLine(l, o));
  for (let i = 0; i < out.length; i++) {
    const pretty = (out[i] as string).includes('{') ? prettyRecord(out, i) : null;
    if (pretty) {
      out[i] = pretty.line;
      for (let j = 1; j <= pretty.used; j++) out[i + j] = '';
      i += pretty.used;
      continue;
    }
    let joined = 0;
    // at most a few continuation lines: a cut line with no continuation stays cut
    while (joined < 3 && (openQuote(out[i] as string) || openRecord(out[i] as string)) && i + joined + 1 < out.length) {
      const next = out[i + joined + 1] as string;
      if (next === '' || RECORD_HEAD.test(next)) break;
      out[i] = (out[i] as string) + next;
      out[i + joined + 1] = '';
      joined++;
    }
    i += joined;
  }
  return out;
}

/** True when some line of the sample reads differently after normalising: the text was pasted or re-wrapped. */
export function looksPasted(sample: string, o: PasteOptions = {}): boolean {
  const lines = sample.split('\n');
  // the last line of a sample may be cut by the sample's end, not by a paste
  if (lines.length > 1) lines.pop();
  const norm = normalizePastedLines(lines, o);
  return norm.some((l, i) => l !== lines[i]);
}

/** How much of a log's head is looked at to tell whether it was pasted. */
export const SAMPLE_BYTES = 64 * 1024;
const PASTE_MAX_BYTES = 32 * 1024 * 1024;

/** Whether a log whose first SAMPLE_BYTES (or whole content, when `whole`) are `head` looks pasted. */
export function headLooksPasted(head: Uint8Array, whole: boolean, o: PasteOptions = {}): boolean {
  const sample = new TextDecoder().decode(head);
  return looksPasted(whole ? `${sample}\n` : sample, o);
}

/**
 * Streams a log's bytes through the line normaliser when its first 64 KiB look pasted; a log as the
 * daemon wrote it passes through untouched, chunk for chunk, at no cost but the sample check.
 */
export async function* normalizePastedChunks(
  chunks: AsyncIterable<Uint8Array>,
  o: PasteOptions = {},
): AsyncGenerator<Uint8Array> {
  const it = chunks[Symbol.asyncIterator]();
  const head: Uint8Array[] = [];
  let size = 0;
  let done = false;
  while (size < SAMPLE_BYTES) {
    const r = await it.next();
    if (r.done) {
      done = true;
      break;
    }
    head.push(r.value);
    size += r.value.byteLength;
  }
  const dec = new TextDecoder();
  // the first chunk alone may be far larger than the sample (a file read 1 MiB at a time): only the
  // sample is decoded and checked
  const whole = done && size <= SAMPLE_BYTES;
  const pasted = headLooksPasted(Buffer.concat(head, Math.min(size, SAMPLE_BYTES)), whole, o);
  if (!pasted) {
    yield* head;
    if (!done) for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
    return;
  }
  // pasted: what a person pastes is small; normalise it whole (joins need the next line), up to a
  // bound past which the rest passes through as it is
  const parts = [...head];
  let total = size;
  let r = done ? null : await it.next();
  for (; r && !r.done && total < PASTE_MAX_BYTES; r = await it.next()) {
    parts.push(r.value);
    total += r.value.byteLength;
  }
  const text = parts.map((c) => dec.decode(c, { stream: true })).join('') + dec.decode();
  const lines = text.split('\n');
  // a final line without its newline stays one: the parsers count it either way
  const last = lines.pop() as string;
  const norm = normalizePastedLines(lines, o);
  const enc = new TextEncoder();
  yield enc.encode(norm.map((l) => `${l}\n`).join('') + (last === '' ? '' : normalizePastedLine(last, o)));
  for (; r && !r.done; r = await it.next()) yield r.value;
}
