// Where a file parses, its structure names the secrets the line scanners might miss (an escaped
// string, a key spelt across lines): they are harvested here and scrubbed from the text afterwards.
// JSON files are redacted structurally and written back in the same shape.
import { parse as parseToml } from 'smol-toml';
import { parseAllDocuments } from 'yaml';
import {
  isBenignHeader,
  isKeyFileName,
  isPathLike,
  isSecretName,
  isSecretOnlyAsScalar,
  isTrivialValue,
  isUserNameKey,
  MARK,
  normaliseName,
} from './redact-keys.js';
import type { Tally } from './redact-tally.js';
import { decodedBasic, redactLine, tallyHidden } from './redact-text.js';

/** What a parsed file names as secret: values, and user names beside a password (Tally.names). */
export interface Harvest {
  values: string[];
  names: string[];
}

/** Secret values of a TOML or YAML text that parses; none when it does not parse. */
export function harvestSecrets(text: string, syntax: 'toml' | 'yaml'): Harvest {
  let roots: unknown[];
  try {
    roots =
      syntax === 'toml'
        ? [parseToml(text)]
        : parseAllDocuments(text).flatMap((d) => ('errors' in d && d.errors.length > 0 ? [] : [d.toJS()]));
  } catch {
    return { values: [], names: [] };
  }
  const out: Harvest = { values: [], names: [] };
  for (const r of roots) walk(r, [], false, out);
  return out;
}

/** Does this key make its value secret? A mapping under `authorization` is kubelet's mode, not a header. */
function nameSays(part: string, value: unknown): boolean {
  if (isSecretOnlyAsScalar(part) && value !== null && typeof value === 'object' && !Array.isArray(value)) return false;
  return !/[.:/]/.test(part) && isSecretName(part);
}

function walk(v: unknown, path: string[], secret: boolean, out: Harvest): void {
  if (v === null || v === undefined) return;
  if (Array.isArray(v)) {
    for (const x of v) walk(x, path, secret, out);
    return;
  }
  if (typeof v === 'object' && !(v instanceof Date)) {
    const parentIsHeader = /^headers?$/i.test(path[path.length - 1] ?? '');
    const obj = v as Record<string, unknown>;
    for (const [k, x] of Object.entries(obj)) {
      const s = secret || (parentIsHeader ? !isBenignHeader(k) : nameSays(k, x));
      walk(x, [...path, k], s, out);
    }
    // a username is a secret next to a password; basic auth of the pair may be printed elsewhere
    const user = obj.username ?? obj.user;
    const pass = obj.password ?? obj.pass;
    if (typeof user === 'string' && typeof pass === 'string') {
      out.names.push(user);
      out.values.push(Buffer.from(`${user}:${pass}`).toString('base64'));
    }
    return;
  }
  if (!secret) return;
  const s = String(v);
  const key = path[path.length - 1] ?? '';
  if (isTrivialValue(s) || (isKeyFileName(key) && isPathLike(s))) return;
  if (isUserNameKey(key)) out.names.push(s);
  else out.values.push(s, ...(normaliseName(key) === 'auth' ? decodedBasic(s) : []));
}

/** A JSON text with every secret-named value and every secret inside strings removed; null when it is not JSON. */
export function redactJsonText(text: string, t: Tally): string | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  let changed = false;
  const visit = (v: unknown, path: string[], secret: boolean): unknown => {
    if (Array.isArray(v)) return v.map((x) => visit(x, path, secret));
    if (v !== null && typeof v === 'object') {
      const parentIsHeader = /^headers?$/i.test(path[path.length - 1] ?? '');
      return Object.fromEntries(
        Object.entries(v as Record<string, unknown>).map(([k, x]) => [
          k,
          visit(x, [...path, k], secret || (parentIsHeader ? !isBenignHeader(k) : nameSays(k, x))),
        ]),
      );
    }
    if (secret && (typeof v === 'string' || typeof v === 'number')) {
      const s = String(v);
      const key = path[path.length - 1] ?? '';
      if (isTrivialValue(s) || (isKeyFileName(key) && isPathLike(s))) return v;
      const what = `value of "${path.join('.')}"`;
      // a user name is hidden here and elsewhere only where it stands alone, as in TOML and YAML
      if (isUserNameKey(key)) tallyHidden(t, what, key, [s]);
      else t.add(what, s, ...decodedBasic(s));
      changed = true;
      return MARK;
    }
    if (typeof v === 'string') {
      const r = redactLine(v, t, { strict: false });
      if (r !== v) changed = true;
      return r;
    }
    return v;
  };
  const out = visit(value, [], false);
  if (!changed) return text;
  return `${JSON.stringify(out, null, 2)}${text.endsWith('\n') ? '\n' : ''}`;
}
