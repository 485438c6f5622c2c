// Lines a paste leaves out, marked by a line of dots: issues post config files and logs with `...`
// above, between and below the part they show (containerd/containerd#11647, #11478, #13246). Such a
// text is an excerpt: what the marked lines held is not known, and no parse error of the marker is the
// file's. Pure.

/** A line that is only an elision mark: three or more dots, or the ellipsis character, indented or not. */
const ELISION = /^\s*(?:\.{3,}|\u2026)\s*$/;

/** The 1-based numbers of the text's elision lines (empty for a text that elides nothing). */
export function elidedLines(text: string): number[] {
  const out: number[] = [];
  for (const [i, l] of text.split('\n').entries()) if (ELISION.test(l)) out.push(i + 1);
  return out;
}
