// Issue 15 item 5: remediation steps are typed (command / snippet / prose) and each format renders
// them as what they are, so commands can be pasted into a shell and nothing else lands in one.
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBundle, type OpenedBundle } from '../../src/bundle/open.js';
import { reportOrigin } from '../../src/commands/analysis.js';
import { analyse } from '../../src/pipeline.js';
import { renderJson } from '../../src/report/json.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import type { Report, Step } from '../../src/report/model.js';
import { renderTable } from '../../src/report/table.js';

const SEED = new URL('../../fixtures/seed-cache-hit-slow/', import.meta.url).pathname;
let b: OpenedBundle;
let report: Report;
beforeAll(async () => {
  b = await openBundle(SEED);
  report = await analyse(b.reader, b, {}, reportOrigin({ kind: 'bundle', path: 'fixtures/seed-cache-hit-slow' }));
});
afterAll(() => b.close());

const steps = (): Step[] => report.diagnoses.flatMap((d) => d.remediation.steps);

/** The bodies of fenced code blocks with this info string. */
function fences(md: string, lang: string): string[] {
  return [...md.matchAll(new RegExp('^```' + lang + '\\n([\\s\\S]*?)^```$', 'gm'))].map((m) => m[1] as string);
}

describe('typed remediation steps', () => {
  it('the seed case has commands, snippets with their file and format, and prose', () => {
    const kinds = new Set(steps().map((s) => s.kind));
    expect(kinds).toEqual(new Set(['command', 'snippet', 'prose']));
    const kubelet = steps().find((s) => s.kind === 'snippet' && s.file === '/var/lib/kubelet/config.yaml');
    expect(kubelet).toMatchObject({ kind: 'snippet', format: 'yaml' });
    expect((kubelet as { text: string }).text).toContain('serializeImagePulls: false');
    const toml = steps().find((s) => s.kind === 'snippet' && s.format === 'toml');
    expect((toml as { text: string }).text).toContain('max_concurrent_downloads = 5');
    // the example: a Helm key is not a shell command
    for (const s of steps()) if (s.kind === 'command') expect(s.command).not.toMatch(/^(Helm|Or|In |Put|Pull by)/);
  });

  it('markdown: commands in sh blocks, snippets in toml/yaml blocks under their file, prose as text', () => {
    const md = renderMarkdown(report);
    const sh = fences(md, 'sh').flatMap((b) => b.trimEnd().split('\n'));
    const commands = steps().flatMap((s) => (s.kind === 'command' ? [s.command] : []));
    expect(sh.length).toBeGreaterThan(0);
    expect(new Set(sh)).toEqual(new Set(commands));
    expect(fences(md, 'yaml').join('')).toContain('serializeImagePulls: false');
    expect(fences(md, 'toml').join('')).toContain('max_concurrent_downloads = 5');
    expect(md).toContain('`/var/lib/kubelet/config.yaml`');
    // no untyped fence: every block says its language
    const opening = md
      .split('\n')
      .filter((l) => l.startsWith('```'))
      .filter((_, i) => i % 2 === 0);
    for (const l of opening) expect(l).toMatch(/^```[a-z]+$/);
    for (const s of steps()) if (s.kind === 'prose') expect(md).toContain(s.text.replace(/\|/g, '\\|').slice(0, 40));
    for (const body of fences(md, 'sh')) expect(body).not.toMatch(/Helm:/);
  });

  it('table: commands prefixed $, snippets indented under their file name, prose without $', () => {
    const t = renderTable(report, { color: false, failOn: 'critical' });
    expect(t).toMatch(/^ +\$ systemctl restart kubelet$/m);
    expect(t).toMatch(/^ +\/var\/lib\/kubelet\/config\.yaml:\n +serializeImagePulls: false$/m);
    expect(t).not.toMatch(/\$ (Helm|Pull by|Put a|Mount the)/);
    expect(t).toMatch(/^ +Pull by digest/m);
  });

  it('json keeps the kind and validates against the schema; an untyped step does not', () => {
    const ajv = new Ajv2020({ strict: false });
    const validate = ajv.compile(JSON.parse(readFileSync(join(SEED, '../../schema/report.schema.json'), 'utf8')));
    const json = JSON.parse(renderJson(report));
    expect(validate(json), JSON.stringify(validate.errors)).toBe(true);
    expect(json.diagnoses[0].remediation.steps[0]).toHaveProperty('kind');
    json.diagnoses[0].remediation.steps.push('Helm: dfdaemon.config.keepStorage: true.');
    expect(validate(json)).toBe(false);
  });
});
