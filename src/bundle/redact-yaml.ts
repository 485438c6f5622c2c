// Line-wise YAML redaction (dfdaemon dfget.yaml / dfdaemon.yaml, kubelet config). Works on YAML that
// does not parse. Under a secret key every scalar of the subtree goes (a list of tokens, a block scalar
// holding a key); line count is kept, and parseable YAML stays parseable.
import { isKeyFileName, isPathLike, isSecretName, isSecretOnlyAsScalar, isTrivialValue, MARK } from './redact-keys.js';
import type { Tally } from './redact-tally.js';
import { redactLine, tallyHidden } from './redact-text.js';

const KEY = /^("(?:[^"\\]|\\.)*"|'[^']*'|[^\s#'"{[\]&*!|>%@`-][^#]*?|-[^\s#][^#]*?)\s*:(?:[ \t]+(.*?)|[ \t]*)$/;

interface Level {
  indent: number;
  key: string;
  secret: boolean;
  /** secret only if it holds a scalar (kubelet's `authorization:` mapping holds a mode, an HTTP header's holds a token) */
  scalarOnly: boolean;
}

type Continuation =
  | { kind: 'block'; indent: number; redact: boolean; what: string }
  | { kind: 'flow'; depth: number; quote: string | null; redact: boolean; what: string }
  | null;

export function redactYamlText(text: string, t: Tally): string {
  const lines = text.split('\n');
  let stack: Level[] = [];
  let cont: Continuation = null;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] as string;
    const line = raw.replace(/\r$/, '');
    const cr = raw.endsWith('\r') ? '\r' : '';
    const indentOf = /^\s*/.exec(line)?.[0].length ?? 0;
    if (cont?.kind === 'block') {
      if (line.trim() === '' || indentOf > cont.indent) {
        if (cont.redact && line.trim() !== '') {
          t.add(cont.what, line.trim());
          lines[i] = `${' '.repeat(indentOf)}# ${MARK}${cr}`;
        } else {
          lines[i] = redactLine(raw, t, { strict: true });
        }
        continue;
      }
      cont = null;
    }
    if (cont?.kind === 'flow') {
      const st = scanFlow(line, cont.depth, cont.quote);
      if (cont.redact) {
        // values replaced where they stand, brackets and commas kept: the file still parses
        const r = redactFlowInPlace(line, cont.quote);
        t.add(cont.what, ...r.values);
        lines[i] = `${r.text}${cr}`;
      } else {
        lines[i] = redactLine(raw, t, { strict: true });
      }
      cont =
        st.depth <= 0 && st.quote === null
          ? null
          : { kind: 'flow', depth: st.depth, quote: st.quote, redact: cont.redact, what: cont.what };
      continue;
    }
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) {
      lines[i] = redactLine(raw, t, { strict: true });
      continue;
    }
    if (/^(---|\.\.\.)(\s|$)/.test(line)) {
      stack = [];
      continue;
    }
    // "- - key: v": every dash opens a sequence item; the content starts after them
    const dashes = /^(\s*)((?:-[ \t]+)*)(.*)$/s.exec(line) as RegExpExecArray;
    const contentIndent = (dashes[1] as string).length + (dashes[2] as string).length;
    const body = dashes[3] as string;
    const kv = KEY.exec(body);
    if (!kv) {
      // a sequence item or a plain continuation: secret when its parent is
      stack = stack.filter(
        (l) => l.indent < contentIndent || (l.indent === (dashes[1] as string).length && (dashes[2] as string) !== ''),
      );
      const parent = stack.some((l) => l.secret);
      const value = body.trim();
      // under a secret key: a list item, or a plain scalar continued on the next lines
      if (parent && !isTrivialValue(value)) {
        const what = `${(dashes[2] as string) !== '' ? 'list item' : 'value'} under "${stack.map((l) => l.key).join('.')}"`;
        const r = redactScalar(value, stack[stack.length - 1]?.key ?? '');
        if (r) {
          t.add(what, ...r.values);
          lines[i] = `${line.slice(0, contentIndent)}${r.text}${cr}`;
          if (r.opens) cont = { ...r.opens, redact: true, what };
        }
        continue;
      }
      lines[i] = redactLine(raw, t, { strict: true });
      continue;
    }
    const keyText = kv[1] as string;
    const key = keyText.startsWith('"') || keyText.startsWith("'") ? keyText.slice(1, -1) : keyText.trim();
    const value = (kv[2] ?? '').trim();
    stack = stack.filter((l) => l.indent < contentIndent);
    const inherited = stack.some((l) => l.secret && !l.scalarOnly);
    const scalarOnly = !inherited && isSecretOnlyAsScalar(key);
    const path = [...stack.map((l) => l.key), key].join('.');
    if (value === '' || /^(&\S+|!\S+)$/.test(value)) {
      stack.push({ indent: contentIndent, key, secret: inherited || isSecretName(key), scalarOnly });
      continue;
    }
    const secret = inherited || (isSecretName(key) && !(scalarOnly && /^\{/.test(value)));
    // the value group runs to the end of the line (comment included), so the head is what precedes it
    const head = line.slice(0, line.length - (kv[2] ?? '').length);
    if (!secret) {
      const st = /^[[{]/.test(value)
        ? scanFlow(value, 0, null)
        : /^["']/.test(value)
          ? scanFlow(value, 0, null)
          : { depth: 0, quote: null };
      if (st.depth > 0 || st.quote !== null)
        cont = { kind: 'flow', depth: st.depth, quote: st.quote, redact: false, what: '' };
      else if (/^[|>]/.test(value)) cont = { kind: 'block', indent: contentIndent, redact: false, what: '' };
      lines[i] = `${head}${redactLine(kv[2] ?? '', t, { strict: true })}${cr}`;
      continue;
    }
    const what = `value of "${path}"`;
    if (/^[|>][-+0-9]*\s*(#.*)?$/.test(value)) {
      cont = { kind: 'block', indent: contentIndent, redact: true, what };
      t.add(what);
      lines[i] = `${head}"${MARK}"${cr}`;
      continue;
    }
    const r = redactScalar(value, key);
    if (r === null) continue;
    if (r.opens) cont = { ...r.opens, redact: true, what };
    tallyHidden(t, what, key, r.values);
    lines[i] = `${head}${r.text}${cr}`;
  }
  return lines.join('\n');
}

function redactScalar(
  value: string,
  key: string,
): {
  text: string;
  values: string[];
  opens?: { kind: 'flow'; depth: number; quote: string | null };
} | null {
  let v = cutComment(value.replace(/^(&\S+\s+|!\S+\s+)+/, ''));
  if (v.startsWith('*')) return null; // an alias names another node; that node is redacted where it stands
  if (/^[[{"']/.test(v)) {
    const st = scanFlow(v, 0, null);
    // in place: a JSON line's trailing comma, a flow mapping's braces and keys stay where they are
    const r = redactFlowInPlace(v, null);
    if (st.depth > 0 || st.quote !== null)
      return {
        text: r.text,
        values: r.values,
        opens: { kind: 'flow', depth: st.depth, quote: st.quote },
      };
    if (v.startsWith('"') || v.startsWith("'")) {
      const inner = r.values[0] ?? '';
      if (r.values.length === 0 || isTrivialValue(inner) || (isKeyFileName(key) && isPathLike(inner))) return null;
    } else if (r.values.length === 0) return null;
    return { text: r.text, values: r.values };
  }
  v = v.replace(/\s+#.*$/, '');
  if (isTrivialValue(v) || (isKeyFileName(key) && isPathLike(v))) return null;
  return { text: `"${MARK}"`, values: [v] };
}

/** The value without a trailing `# comment` (a # inside quotes or glued to text is not a comment). */
function cutComment(s: string): string {
  let quote: string | null = null;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quote) {
      if (quote === '"' && c === '\\') i++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#' && i > 0 && /\s/.test(s[i - 1] as string)) return s.slice(0, i).trimEnd();
  }
  return s;
}

/** Bracket depth and open quote after scanning `s` (YAML flow collections and quoted scalars). */
function scanFlow(s: string, depth: number, quote: string | null): { depth: number; quote: string | null } {
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quote) {
      if (quote === '"' && c === '\\') i++;
      else if (c === quote) {
        if (quote === "'" && s[i + 1] === "'") i++;
        else quote = null;
      }
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(s[i - 1] as string))) break;
    else if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') depth--;
  }
  return { depth, quote };
}

/**
 * Every value scalar of a line of flow content replaced by the mark where it stands; keys (a scalar
 * followed by `:`, on this line), brackets, commas and comments kept. `quote`: the line starts inside
 * a quoted scalar opened on an earlier line.
 */
function redactFlowInPlace(s: string, quote: string | null): { text: string; values: string[] } {
  const values: string[] = [];
  let out = '';
  let i = 0;
  const value = (raw: string, inner: string, q: string): void => {
    if (isTrivialValue(inner) || /^-?\d+(\.\d+)?$/.test(inner)) out += raw;
    else {
      values.push(inner);
      out += `${q}${MARK}${q}`;
    }
  };
  if (quote) {
    // the rest of a quoted scalar begun above: its text goes, its closing quote stays
    const end = closingQuote(s, 0, quote);
    const inner = s.slice(0, end < 0 ? s.length : end);
    if (inner.trim() !== '') values.push(inner.trim());
    out += inner.trim() === '' ? inner : `${/^\s*/.exec(inner)?.[0] ?? ''}${MARK}`;
    if (end < 0) return { text: out, values };
    out += quote;
    i = end + 1;
  }
  while (i < s.length) {
    const c = s[i] as string;
    if (c === '"' || c === "'") {
      const end = closingQuote(s, i + 1, c);
      const raw = s.slice(i, end < 0 ? s.length : end + 1);
      const inner = s.slice(i + 1, end < 0 ? s.length : end);
      i += raw.length;
      if (/^\s*:/.test(s.slice(i))) out += raw;
      else if (end < 0) {
        values.push(inner);
        out += `${c}${MARK}`;
      } else value(raw, inner, c);
      continue;
    }
    if (c === '#' && (i === 0 || /\s/.test(s[i - 1] as string))) {
      out += s.slice(i);
      break;
    }
    if ('{[,]}:'.includes(c) || /\s/.test(c)) {
      out += c;
      i++;
      continue;
    }
    // a plain scalar: `#` is part of it unless it follows white space (then it starts a comment, above)
    const m = /^[^,{}[\]\s]+(?:[ \t]+[^,{}[\]\s#:][^,{}[\]\s:]*)*/.exec(s.slice(i)) as RegExpExecArray;
    let raw = m[0];
    // a bare key ends at ": " (or ":" before a flow indicator / end of line)
    const colon = /:(?=[\s,{}[\]]|$)/.exec(raw);
    if (colon) raw = raw.slice(0, colon.index);
    i += raw.length || 1;
    if (raw === '') {
      out += s[i - 1];
      continue;
    }
    if (/^\s*:/.test(s.slice(i))) out += raw;
    else value(raw, raw, '"');
  }
  return { text: out, values };
}

function closingQuote(s: string, from: number, quote: string): number {
  for (let i = from; i < s.length; i++) {
    if (quote === '"' && s[i] === '\\') i++;
    else if (s[i] === quote) {
      if (quote === "'" && s[i + 1] === "'") i++;
      else return i;
    }
  }
  return -1;
}
