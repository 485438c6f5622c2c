#!/usr/bin/env node
// Rewrites the example outputs in docs/report-formats.md from the built CLI (`npm run build` first):
// `analyze --example` in each format at 100 columns, the JSON with its long arrays cut, the head of the
// JUnit and of `rules`. The page says every output on it is real; with --check it only compares (times
// aside) and exits 1 at the first block that differs, so a change to the report cannot leave it stale.
// Usage: node scripts/report-formats.mjs [--check]
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DOC = `${ROOT}docs/report-formats.md`;
const CLI = `${ROOT}bin/dfdoctor.js`;
const check = process.argv.includes('--check');

function run(args) {
  const env = { ...process.env, COLUMNS: '100', NO_COLOR: '1' };
  try {
    return execFileSync(process.execPath, [CLI, ...args], { cwd: ROOT, env, encoding: 'utf8' });
  } catch (e) {
    // the example's warnings reach --fail-on: exit 1 with the report on stdout
    if (e.status === 1 && e.stdout) return e.stdout;
    throw e;
  }
}

// paths as a clone shows them; no trailing blanks (the page's formatter drops them)
const tidy = (s) =>
  s
    .replaceAll(ROOT, '')
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n')
    .replace(/\n+$/, '');

/** What each fenced block after `marker` holds: its fence and a way to make its text. */
const BLOCKS = [
  { marker: '`dfdoctor analyze --example`\n', fence: '```', text: () => run(['analyze', '--example']) },
  {
    marker: '`dfdoctor analyze --example --format markdown`',
    fence: '````',
    text: () => run(['analyze', '--example', '--format', 'markdown']),
  },
  {
    marker: '`dfdoctor analyze --example --format json`',
    fence: '```',
    text: () => {
      const r = JSON.parse(run(['analyze', '--example', '--format', 'json']));
      r.diagnoses = r.diagnoses.slice(0, 2);
      r.read.settings = r.read.settings.slice(0, 8);
      r.rules = r.rules.slice(0, 3);
      r.notes = r.notes.slice(0, 1);
      return JSON.stringify(r, null, 2);
    },
  },
  {
    marker: '`dfdoctor analyze --example --format junit',
    fence: '```',
    text: () => {
      const lines = run(['analyze', '--example', '--format', 'junit', '--fail-on', 'warning']).split('\n');
      const open = lines.findIndex((l) => l.includes('<properties>'));
      const close = lines.findIndex((l) => l.includes('</properties>'));
      return [...lines.slice(0, open + 4), ...lines.slice(close, close + 24)].join('\n');
    },
  },
  {
    marker: '`dfdoctor rules`',
    fence: '```',
    // the header and the first three rules: up to the fourth row rule
    text: () => {
      const lines = run(['rules']).split('\n');
      const rows = lines.flatMap((l, i) => (l.startsWith('├') ? [i] : []));
      return lines.slice(0, rows[3]).join('\n');
    },
  },
];

const TIME = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g;
let doc = readFileSync(DOC, 'utf8');
for (const b of BLOCKS) {
  const at = doc.indexOf(b.marker);
  if (at < 0) throw new Error(`${DOC}: no ${b.marker}`);
  const start = doc.indexOf('\n', doc.indexOf(b.fence, at)) + 1;
  const end = doc.indexOf(`\n${b.fence}\n`, start);
  const text = tidy(b.text());
  if (check) {
    if (doc.slice(start, end).replace(TIME, 'T') !== text.replace(TIME, 'T')) {
      process.stderr.write(
        `docs/report-formats.md: the block after ${b.marker.trim()} is not what the CLI prints: run \`node scripts/report-formats.mjs\`\n`,
      );
      process.exit(1);
    }
  } else doc = doc.slice(0, start) + text + doc.slice(end);
}
if (!check) writeFileSync(DOC, doc);
