// Issue 15 item 8: every report says what dfdoctor read — the settings that decided the verdicts, each
// with where it came from — so a reader can check the tool's view of the node.
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderJson } from '../../src/report/json.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import type { Report } from '../../src/report/model.js';
import { renderJunit } from '../../src/report/junit.js';
import { renderTable } from '../../src/report/table.js';
import { factsFrom } from '../helpers/bundle.js';
import { buildReadSettings } from '../../src/report/read-settings.js';
import { fixtureReport } from '../helpers/fleet-reports.js';

let seed: Report;
beforeAll(async () => {
  seed = await fixtureReport('seed-cache-hit-slow', 'node-seed', '2026-11-25T00:00:00Z');
});

const find = (r: Report, area: string, setting: RegExp) =>
  r.read?.settings.find((s) => s.area === area && setting.test(s.setting));

describe('what dfdoctor read', () => {
  it('says a setting a config excerpt may hold is not known, and its default only where the config sets none', async () => {
    // containerd/containerd#11647: a paste with `...` lines for what it leaves out
    const f = await factsFrom({
      'raw/containerd/config.toml':
        '...\n[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "/etc/containerd/certs.d"\n...\n',
    });
    const rows = buildReadSettings(f);
    expect(rows.find((s) => s.setting.endsWith('max_concurrent_downloads'))?.value).toBe(
      'not known (config.toml is an excerpt); 3 (per image pull) where it sets none',
    );
    expect(rows.find((s) => s.setting === 'pull path')?.from).toBe(
      'assumed: the version is unknown and config.toml is an excerpt',
    );
    // a config that was read keeps its default as the value
    const read = await factsFrom({ 'raw/containerd/config.toml': 'version = 2\n' });
    expect(buildReadSettings(read).find((s) => s.setting.endsWith('max_concurrent_downloads'))?.value).toBe(
      '3 (per image pull)',
    );
  });

  it("names containerd's own default config_path as the default, not the config file that does not set it", async () => {
    const f = await factsFrom({
      'raw/containerd/version.txt': 'containerd github.com/containerd/containerd/v2 v2.2.4 abc\n',
      'raw/containerd/config.toml': 'version = 3\n',
    });
    expect(buildReadSettings(f).find((s) => s.setting === 'config_path')).toMatchObject({
      value: '/etc/containerd/certs.d:/etc/docker/certs.d',
      from: 'default (containerd)',
    });
    const set = await factsFrom({
      'raw/containerd/version.txt': 'containerd github.com/containerd/containerd/v2 v2.2.4 abc\n',
      'raw/containerd/config.toml':
        "version = 3\n[plugins.'io.containerd.cri.v1.images'.registry]\n  config_path = '/etc/containerd/certs.d'\n",
    });
    expect(buildReadSettings(set).find((s) => s.setting === 'config_path')?.from).toBe('raw/containerd/config.toml:3');
  });

  it('names the imported file that sets config_path, the last to set it as containerd merges them', async () => {
    const from = async (files: Record<string, string>) => {
      const f = await factsFrom({
        'raw/containerd/version.txt': 'containerd github.com/containerd/containerd/v2 v2.1.4 abc\n',
        ...files,
      });
      return buildReadSettings(f).find((s) => s.setting === 'config_path');
    };
    // Talos (siderolabs/talos hack/cri-containerd.toml @ ad882317): the main file only imports
    // /etc/cri/conf.d/cri.toml, whose registries part (GenerateCRIConfig) sets config_path, unversioned
    const main = 'version = 3\n\nimports = [\n    "/etc/cri/conf.d/cri.toml",\n]\n';
    const registries =
      "[plugins]\n  [plugins.'io.containerd.cri.v1.images']\n    [plugins.'io.containerd.cri.v1.images'.registry]\n      config_path = '/etc/cri/conf.d/hosts'\n";
    expect(
      await from({ 'raw/containerd/config.toml': main, 'raw/containerd/imports/01-registries.toml': registries }),
    ).toMatchObject({ value: '/etc/cri/conf.d/hosts', from: 'raw/containerd/imports/01-registries.toml:4' });
    // both set it: the import, merged after the main file, wins
    const mainSets = `${main}\n[plugins.'io.containerd.cri.v1.images'.registry]\n  config_path = '/etc/containerd/certs.d'\n`;
    expect(
      await from({ 'raw/containerd/config.toml': mainSets, 'raw/containerd/imports/01-registries.toml': registries }),
    ).toMatchObject({ value: '/etc/cri/conf.d/hosts', from: 'raw/containerd/imports/01-registries.toml:4' });
    // an import that sets other keys leaves it to the main file
    const other = "version = 3\n[plugins.'io.containerd.cri.v1.images']\n  discard_unpacked_layers = true\n";
    expect(
      await from({ 'raw/containerd/config.toml': mainSets, 'raw/containerd/imports/00-base.toml': other }),
    ).toMatchObject({ value: '/etc/containerd/certs.d', from: 'raw/containerd/config.toml:8' });
  });

  it("shows the origin containerd appends after a _default hosts.toml's hosts, unless `server` names the last host", async () => {
    const route = async (hostsToml: string) =>
      buildReadSettings(
        await factsFrom({
          'raw/containerd/version.txt': 'containerd github.com/containerd/containerd/v2 v2.1.4 abc\n',
          'raw/containerd/config.toml':
            "version = 3\n[plugins.'io.containerd.cri.v1.images'.registry]\n  config_path = '/etc/containerd/certs.d'\n",
          'raw/containerd/certs.d/_default/hosts.toml': hostsToml,
        }),
      ).find((s) => s.setting === 'mirror route _default')?.value;
    expect(await route('[host."http://127.0.0.1:4001"]\n  capabilities = ["pull", "resolve"]\n')).toBe(
      "http://127.0.0.1:4001 (dfdaemon) → the image's own registry (origin)",
    );
    expect(
      await route(
        'server = "https://mirror.example.com"\n[host."http://127.0.0.1:4001"]\n  capabilities = ["pull", "resolve"]\n',
      ),
    ).not.toContain('origin');
  });

  it('the seed report names containerd, kubelet, dfdaemon settings with their source', () => {
    expect(find(seed, 'containerd', /^version$/)?.value).toBe('1.6.20');
    expect(find(seed, 'containerd', /^version$/)?.from).toBe('raw/containerd/version.txt');
    // the seed's `containerd config dump` prints the value in effect, at line 57
    expect(find(seed, 'containerd', /max_concurrent_downloads/)).toMatchObject({
      value: expect.stringMatching(/^3\b/),
      from: 'raw/containerd/config-dump.toml:57',
    });
    expect(find(seed, 'kubelet', /maxParallelImagePulls/)?.from).toBe('default (kubelet)');
    expect(find(seed, 'containerd', /^config layout$/)?.value).toMatch(/^v\d/);
    expect(find(seed, 'containerd', /^mirror route docker\.io$/)?.value).toMatch(/127\.0\.0\.1:\d+ \(dfdaemon\)/);
    expect(find(seed, 'containerd', /^mirror route docker\.io$/)?.from).toMatch(/hosts\.toml:\d+$/);
    expect(find(seed, 'kubelet', /serializeImagePulls/)).toMatchObject({
      value: 'true',
      from: expect.stringMatching(/default/),
    });
    expect(find(seed, 'dfdaemon', /^generation$/)?.value).toBe('go');
    expect(find(seed, 'dfdaemon', /^version$/)).toMatchObject({ value: 'v2.1.49', from: 'metrics' });
    expect(find(seed, 'dfdaemon', /^keepStorage$/)?.from).toMatch(/^raw\/dfdaemon\/config\/dfget\.yaml:\d+$/);
    for (const s of seed.read?.settings ?? []) expect(s.from, `${s.area} ${s.setting}`).not.toBe('');
  });

  it('a max_concurrent_downloads set in config.toml points at its line', async () => {
    const facts = await factsFrom({
      'raw/containerd/version.txt': 'containerd containerd.io 1.6.20 2806fc1057397dbaeefbea0e4e17bddfbd388f38\n',
      'raw/containerd/config.toml':
        'version = 2\n\n[plugins."io.containerd.grpc.v1.cri"]\n  max_concurrent_downloads = 1\n',
    });
    const s = buildReadSettings(facts).find((x) => /max_concurrent_downloads/.test(x.setting));
    expect(s).toMatchObject({ value: expect.stringMatching(/^1\b/), from: 'raw/containerd/config.toml:4' });
  });

  it('every format carries it; JSON validates against the schema', () => {
    const t = renderTable(seed, { color: false, failOn: 'critical', width: 100 });
    expect(t).toMatch(/^What dfdoctor read$/m);
    expect(t).toMatch(/max_concurrent_downloads = 3 \(per image pull\)\s+←\s+raw\/containerd\/config-dump\.toml:57/);
    const md = renderMarkdown(seed);
    expect(md).toContain('What dfdoctor read');
    expect(md).toMatch(
      /^\| containerd \| .*max_concurrent_downloads.* \| 3 \(per image pull\) \| raw\/containerd\/config-dump\.toml:57 \|$/m,
    );
    const ajv = new Ajv2020({ strict: false });
    const validate = ajv.compile(JSON.parse(readFileSync('schema/report.schema.json', 'utf8')));
    const json = JSON.parse(renderJson(seed));
    expect(validate(json), JSON.stringify(validate.errors)).toBe(true);
    expect(json.read.settings.length).toBeGreaterThan(8);
  });
  it("junit carries what dfdoctor read as the suite's properties", () => {
    const xml = renderJunit(seed, { color: false, failOn: 'critical', width: 100 });
    expect(xml).toMatch(
      /<properties>[\s\S]*<property name="read\.containerd\.version" value="1\.6\.20 \(from raw\/containerd\/version\.txt\)"\/>[\s\S]*<\/properties>/,
    );
    expect(xml).toMatch(
      /<property name="read\.containerd\.[^"]*max_concurrent_downloads" value="3\b[^"]*config-dump\.toml:57\)"\/>/,
    );
    // properties precede the testcases, as the JUnit schema wants
    expect(xml.indexOf('<properties>')).toBeLessThan(xml.indexOf('<testcase'));
  });
});
