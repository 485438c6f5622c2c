// The one choke point for secrets: BundleWriter passes every text it writes through a Redactor.
// Per file: private key blocks, then a line scanner for the file's syntax (TOML, YAML, JSON, env, free
// text), then values the parsed structure names as secrets, then every secret already seen in an earlier
// file of the same bundle (a registry password from config.toml printed in containerd's journal).
import { isAscii } from 'node:buffer';
import type { Redaction } from './manifest.js';
import { isKeyFileName, isPathLike, MARK, secretStrength } from './redact-keys.js';
import { harvestSecrets, redactJsonText } from './redact-structured.js';
import { Tally } from './redact-tally.js';
import { redactLine, redactLogLines, redactPem } from './redact-text.js';
import { GuardSearch } from './redact-triggers.js';
import { holdsPemBegin } from './text-parts.js';
import { redactTriggersWasm } from './wasm-modules.js';
import { redactTomlText } from './redact-toml.js';
import { redactYamlText } from './redact-yaml.js';
import type { Redactor } from './writer.js';
import { BUNDLE } from './layout.js';

export type Syntax = 'toml' | 'yaml' | 'json' | 'env' | 'config-text' | 'log' | 'system';

/** How a bundle file is read for redaction, by its path in the bundle (docs/architecture.md#bundle). */
export function syntaxOf(relPath: string): Syntax {
  const p = relPath.replace(/\\/g, '/').toLowerCase();
  if (/(^|\/)logs?\//.test(p) || /\.log(\.\d+)?$/.test(p) || /(journal|dmesg)[^/]*$/.test(p)) return 'log';
  if (p.endsWith('.toml') || p.startsWith(`${BUNDLE.containerd.imports}/`) || p.includes('/certs.d/')) return 'toml';
  // kubelet drop-ins are KubeletConfiguration in YAML or JSON (a YAML subset) under a `.conf` name
  if (
    /\.ya?ml$/.test(p) ||
    p.startsWith(`${BUNDLE.dfdaemon.configDir}/`) ||
    p.startsWith(`${BUNDLE.kubelet.configDir}/`)
  )
    return 'yaml';
  if (p.endsWith('.json')) return 'json';
  if (/(^|\/)env(\.txt)?$/.test(p) || p.endsWith('.env')) return 'env';
  // system databases and command outputs: names there are not settings (nsswitch.conf's "passwd:")
  if (/^raw\/(net|disk|system)\//.test(p) && !/dmesg/.test(p)) return 'system';
  if (/\.(conf|cfg|ini|service|txt)$/.test(p)) return 'config-text';
  return 'log';
}

// Shorter values would match ordinary words; they are still removed where they stand as a secret.
const MIN_REPEAT_LENGTH = 6;

/** A redactor with its own memory of the secrets it has seen: one per bundle. */
export function createRedactor(): Redactor {
  const known = new Set<string>();
  const knownNames = new Set<string>();
  const redact: Redactor = (relPath, text) => {
    const t = new Tally();
    let out = redactPem(text, t);
    const syntax = syntaxOf(relPath);
    out = redactBySyntax(out, syntax, t);
    if (syntax === 'toml' || syntax === 'yaml') {
      const h = harvestSecrets(text, syntax);
      const missed = h.values.filter((v) => v.length >= MIN_REPEAT_LENGTH && out.includes(v));
      for (const v of missed) t.values.add(v);
      out = scrub(out, missed, t, 'secret value found by parsing the file');
      for (const n of h.names) t.name(n);
      out = scrubNames(out, nameForms(h.names), t, 'user name found by parsing the file');
    }
    for (const v of t.values) for (const form of forms(v)) known.add(form);
    for (const form of nameForms(t.names)) knownNames.add(form);
    out = scrub(out, [...known], t, 'secret value seen elsewhere in the bundle');
    out = scrubNames(out, [...knownNames], t, 'user name seen elsewhere in the bundle');
    const redactions: Redaction[] = [...t.counts].map(([what, count]) => ({ file: relPath, what, count }));
    return { text: out, redactions };
  };
  let guards: GuardSearch | undefined;
  // A log's ASCII bytes are its text (latin1), so that text is what the call would redact. The call
  // leaves it as it is when: it holds no key block; no secret seen earlier occurs in it; and every line
  // that holds a guard, the only lines redactLogLines redacts, comes out of redactLine as it went in,
  // with nothing counted (a line that does not would change what the call records, so the call decides).
  redact.leaves = (relPath, bytes) => {
    if (syntaxOf(relPath) !== 'log' || !isAscii(bytes) || holdsPemBegin(bytes)) return false;
    for (const seen of [known, knownNames]) for (const v of seen) if (bytes.includes(v, 0, 'latin1')) return false;
    guards ??= new GuardSearch(redactTriggersWasm());
    for (const [s, e] of guards.lines(bytes)) {
      const line = bytes.toString('latin1', s, e);
      const t = new Tally();
      if (redactLine(line, t, { strict: false }) !== line || t.counts.size > 0 || t.values.size > 0) return false;
    }
    return true;
  };
  return redact;
}

function redactBySyntax(text: string, syntax: Syntax, t: Tally): string {
  switch (syntax) {
    case 'toml':
      return redactTomlText(text, t);
    case 'yaml':
      return redactYamlText(text, t);
    case 'json':
      return redactJsonText(text, t) ?? lineByLine(text, t);
    case 'env':
      return text
        .split('\n')
        .map((l) => {
          const m = /^(\s*(?:export\s+)?)([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(l);
          return m
            ? `${m[1]}${redactLine(`${m[2]}=${m[3]}`, t, { strict: true })}`
            : redactLine(l, t, { strict: true });
        })
        .join('\n');
    case 'config-text':
      return lineByLine(text, t);
    case 'log':
      return redactLogLines(text, t);
    case 'system':
      return text
        .split('\n')
        .map((l) => redactLine(l, t, { strict: false, names: false }))
        .join('\n');
  }
}

/** A config file's lines: every one redacted, then flags whose value sits on the next line. */
function lineByLine(text: string, t: Tally): string {
  const lines = text.split('\n').map((l) => redactLine(l, t, { strict: true }));
  hideFlagValueLines(lines, t);
  return lines.join('\n');
}

/** A command line saved one argument per line (kubelet flags.txt): `--token` alone, its value on the next line. */
function hideFlagValueLines(lines: string[], t: Tally): void {
  for (let i = 0; i + 1 < lines.length; i++) {
    const flag = /^\s*(--?[A-Za-z][A-Za-z0-9_-]*)\s*$/.exec(lines[i] as string)?.[1];
    const next = (lines[i + 1] as string).trim();
    if (!flag || secretStrength(flag) === null || next === '' || next.startsWith('-') || next === MARK) continue;
    if (isKeyFileName(flag) && isPathLike(next)) continue;
    t.add(`value of "${flag.replace(/^-+/, '')}"`, next);
    lines[i + 1] = MARK;
  }
}

/** The forms a secret may take elsewhere: as is, base64, URL-encoded. */
function forms(v: string): string[] {
  const s = v.trim();
  if (s.length < MIN_REPEAT_LENGTH || s === MARK || /^\d{1,7}$/.test(s) || /^\/[\w./-]*$/.test(s)) return [];
  const out = new Set([s, Buffer.from(s).toString('base64').replace(/=+$/, ''), encodeURIComponent(s)]);
  return [...out].filter((f) => f.length >= MIN_REPEAT_LENGTH);
}

/** A user name's forms: as is and URL-encoded (alone, its base64 is not how it is printed). */
function nameForms(names: Iterable<string>): string[] {
  const out = new Set<string>();
  for (const n of names) {
    const s = n.trim();
    if (s.length < MIN_REPEAT_LENGTH || s === MARK || /^\d{1,7}$/.test(s)) continue;
    out.add(s);
    out.add(encodeURIComponent(s));
  }
  return [...out];
}

/**
 * Name characters: a user name next to one of these is part of a longer name, a host name or a path
 * (harbor.corp.example, /metrics, mirror-user), which must stay as they are for the analysis.
 */
const NAME_CHAR = '[A-Za-z0-9._/-]';

/** Removes the user names where each stands alone (not inside a word, host name or path; not a host's `name:port`). */
function scrubNames(text: string, names: string[], t: Tally, what: string): string {
  let out = text;
  for (const v of [...names].sort((a, b) => b.length - a.length)) {
    if (!out.includes(v)) continue;
    const re = new RegExp(`(?<!${NAME_CHAR})${v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?!${NAME_CHAR}|:\\d)`, 'g');
    let n = 0;
    out = out.replace(re, () => {
      n++;
      return MARK;
    });
    if (n > 0) t.counts.set(what, (t.counts.get(what) ?? 0) + n);
  }
  return out;
}

function scrub(text: string, values: string[], t: Tally, what: string): string {
  let out = text;
  // longest first, so a token is not left half-visible by a shorter secret inside it
  for (const v of [...values].sort((a, b) => b.length - a.length)) {
    if (!out.includes(v)) continue;
    const parts = out.split(v);
    t.counts.set(what, (t.counts.get(what) ?? 0) + parts.length - 1);
    out = parts.join(MARK);
  }
  return out;
}

/** The redactor `collect` (and `diagnose`, so both analyse the same bytes) gives its BundleWriter. */
export const redactor: Redactor = createRedactor();
