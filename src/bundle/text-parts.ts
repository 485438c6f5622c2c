// Where a text written in parts may be cut. The redactor sees one part at a time and works line by
// line, except for PEM blocks, which it recognises only from their BEGIN line: a part must not end
// between a "-----BEGIN" and its "-----END", or the rest of the key would be written as it is.

const BEGIN = Buffer.from('-----BEGIN');
const END = Buffer.from('-----END');
/** The dashes before BEGIN. */
const DASHES = 5;

/**
 * Whether the text holds "-----BEGIN". Searched as "BEGIN", then its dashes checked: a search for the
 * whole needle stops at every "-", which fills a log's dates, UUIDs and peer ids (8 ms against 1 ms on
 * 20 MB of Go log, as bytes or as text; a log copy searches each part twice, then the redactor once).
 */
export function holdsPemBegin(text: Buffer | string): boolean {
  for (let i = text.indexOf('BEGIN', DASHES); i >= 0; i = text.indexOf('BEGIN', i + 1)) {
    let d = 1;
    while (d <= DASHES && (typeof text === 'string' ? text.charCodeAt(i - d) : text[i - d]) === 0x2d) d++;
    if (d > DASHES) return true;
  }
  return false;
}

/**
 * The start of the line holding a PEM block that begins in `bytes[from, to)` and does not end there, or
 * -1 when every block there is closed.
 */
export function openPemLine(bytes: Buffer, from: number, to: number): number {
  if (to <= from) return -1;
  // searched forward first: most logs hold no block, and a backward search of a long text is slow
  const part = bytes.subarray(from, to);
  if (!holdsPemBegin(part)) return -1;
  const begin = part.lastIndexOf(BEGIN);
  if (part.lastIndexOf(END) > begin) return -1;
  return from + part.lastIndexOf(0x0a, begin) + 1;
}

/** Just after the line end at or after `i`, or the end of `bytes`. */
export function lineEnd(bytes: Buffer, i: number): number {
  const nl = bytes.indexOf(0x0a, i);
  return nl < 0 ? bytes.length : nl + 1;
}

/** Just after the line that ends the PEM block opened at `open`, or the end of `bytes` when none does. */
export function pemBlockEnd(bytes: Buffer, open: number): number {
  const end = bytes.indexOf(END, open);
  return end < 0 ? bytes.length : lineEnd(bytes, end);
}
