// The timestamp of one dfdaemon log line, whatever its layout, read from its first bytes: what a seek
// by time needs (probes/dfdaemon-log-window.ts), without the message matching of the scanner.
//   go-json      {"level":"info","ts":"2024-06-21 10:00:00.123",…   (zap production, Go dfdaemon core.log)
//   go-console   2024-06-21T10:00:00.123Z<TAB>INFO<TAB>…            (zap development console)
//   rust-compact 2024-06-21T10:00:00.123456Z  INFO …                 (tracing-subscriber compact)
//   rust-pretty  "  2024-06-21T10:00:00.123456Z  INFO …", possibly wrapped in ANSI colour codes
// Go std-log lines ("2023/08/14 16:18:32 …") carry local time without a zone: they have no timestamp
// here, as they have none in the scanner.
import { parseZapTs } from './dfdaemon-log-details.js';

/** How far into a line the timestamp may sit (zap JSON puts "ts" after "level"). */
const HEAD = 160;

function latin1(buf: Uint8Array, s: number, e: number): string {
  let out = '';
  for (let i = s; i < e; i++) out += String.fromCharCode(buf[i] as number);
  return out;
}

const isDigit = (c: number | undefined) => c !== undefined && c >= 0x30 && c <= 0x39;

/** An ISO-8601 date-time starting at s ("2024-06-21T10:00:00.123Z", zone optional), or null. */
function isoAt(buf: Uint8Array, s: number, e: number): number | null {
  if (s + 19 > e || !isDigit(buf[s]) || buf[s + 4] !== 0x2d || buf[s + 7] !== 0x2d || buf[s + 10] !== 0x54) return null;
  let i = s + 19;
  while (i < e && i < s + 40 && buf[i] !== 0x20 && buf[i] !== 0x09 && buf[i] !== 0x1b) i++;
  const text = latin1(buf, s, i);
  // a zone-less ISO time is UTC to parseZapTs, local to Date.parse: the scanner uses Date.parse for
  // these layouts, and both write a zone (zap's ISO8601 encoder, tracing's RFC 3339)
  const t = Date.parse(text);
  return Number.isNaN(t) ? null : t;
}

/** Milliseconds since the epoch of the line buf[s, e), or null when it carries no timestamp. */
export function lineTimeMs(buf: Uint8Array, s: number, e: number): number | null {
  const end = Math.min(e, s + HEAD);
  const c0 = buf[s];
  if (c0 === 0x7b /* { */) {
    // "ts":"…" (zap's production encoder writes a string with the chart's timeEncoder) or "ts":<seconds>
    for (let i = s + 1; i + 5 < end; i++) {
      if (buf[i] !== 0x22 || buf[i + 1] !== 0x74 || buf[i + 2] !== 0x73 || buf[i + 3] !== 0x22 || buf[i + 4] !== 0x3a)
        continue;
      const v = i + 5;
      if (buf[v] === 0x22) {
        let q = v + 1;
        while (q < e && q < v + 40 && buf[q] !== 0x22) q++;
        return buf[q] === 0x22 ? parseZapTs(latin1(buf, v + 1, q)) : null;
      }
      let q = v;
      while (
        q < e &&
        q < v + 30 &&
        (isDigit(buf[q]) || buf[q] === 0x2e || buf[q] === 0x65 || buf[q] === 0x2b || buf[q] === 0x2d)
      )
        q++;
      const n = Number(latin1(buf, v, q));
      return q > v && Number.isFinite(n) ? n * 1000 : null;
    }
    return null;
  }
  if (isDigit(c0)) return isoAt(buf, s, e);
  // rust-pretty: indented, perhaps coloured ("\x1b[2m2024-…\x1b[0m")
  let i = s;
  while (i < end) {
    const c = buf[i] as number;
    if (c === 0x20 || c === 0x09) i++;
    else if (c === 0x1b) {
      // an ANSI escape: ESC [ params letter
      i++;
      if (buf[i] === 0x5b) i++;
      while (i < end && ((buf[i] as number) < 0x40 || (buf[i] as number) > 0x7e)) i++;
      i++;
    } else break;
  }
  return i > s && isDigit(buf[i]) ? isoAt(buf, i, e) : null;
}
