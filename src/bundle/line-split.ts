/** Splits a stream of byte chunks into lines (LF, with a trailing CR dropped), decoding UTF-8 leniently. */
export async function* splitLines(chunks: AsyncIterable<Uint8Array>): AsyncIterable<string> {
  const decoder = new TextDecoder('utf-8', { fatal: false });
  let rest = '';
  for await (const chunk of chunks) {
    const text = rest + decoder.decode(chunk, { stream: true });
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) break;
      yield stripCr(text.slice(start, nl));
      start = nl + 1;
    }
    rest = text.slice(start);
  }
  rest += decoder.decode();
  if (rest.length > 0) yield stripCr(rest);
}

function stripCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

/**
 * Like splitLines, but a line longer than `maxLineBytes` comes out cut to that length: memory stays
 * bounded by the cap whatever the input (a 100 MB log written on one line), and line numbers still
 * count it as one line. Works on bytes, so a long line costs no repeated string concatenation.
 */
export async function* splitLinesBounded(
  chunks: AsyncIterable<Uint8Array>,
  maxLineBytes: number,
): AsyncIterable<string> {
  let parts: Buffer[] = [];
  let len = 0;
  let over = false;
  const flush = (): string => {
    const s = Buffer.concat(parts, len).toString('utf8');
    parts = [];
    len = 0;
    over = false;
    return stripCr(s);
  };
  for await (const c of chunks) {
    const buf = Buffer.isBuffer(c) ? c : Buffer.from(c.buffer, c.byteOffset, c.byteLength);
    let start = 0;
    for (;;) {
      const nl = buf.indexOf(10, start);
      const end = nl < 0 ? buf.length : nl;
      if (!over) {
        const take = Math.min(end - start, maxLineBytes - len);
        if (take > 0) {
          parts.push(buf.subarray(start, start + take));
          len += take;
        }
        if (end - start > take) over = true;
      }
      if (nl < 0) break;
      yield flush();
      start = nl + 1;
    }
  }
  if (len > 0 || over) yield flush();
}
