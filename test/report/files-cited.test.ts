// The bundle files a report cites, with where each came from on the node.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { filesCited } from '../../src/report/files-cited.js';
import type { Report } from '../../src/report/model.js';
import { renderTable } from '../../src/report/table.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { openBundle } from '../../src/bundle/open.js';
import { analyse } from '../../src/pipeline.js';
import { reportOrigin } from '../../src/commands/analysis.js';

const SOURCES = {
  'raw/dfdaemon/config/dfget.yaml': '/etc/dragonfly/dfget.yaml (read at /proc/4188/root/etc/dragonfly/dfget.yaml)',
  'raw/containerd/config-dump.toml': '`containerd --config /etc/containerd/config.toml config dump`',
  'raw/kubelet/config.yaml': '/var/lib/kubelet/config.yaml',
  'raw/system/loadavg': '/proc/loadavg',
};

const diagnosis = (evidence: string[]) =>
  ({ evidence, remediation: { summary: '', steps: [] } }) as unknown as Report['diagnoses'][number];

describe('filesCited', () => {
  it('names the cited files that have a source, each once, in path order', () => {
    const files = filesCited(
      {
        diagnoses: [
          diagnosis(['keepStorage: false (raw/dfdaemon/config/dfget.yaml:3)', 'see raw/kubelet/config.yaml.']),
          diagnosis(['again raw/dfdaemon/config/dfget.yaml:9, and raw/net/iptables-save.txt:4']),
        ],
        read: {
          settings: [{ area: 'containerd', setting: 'x', value: '3', from: 'raw/containerd/config-dump.toml:57' }],
        },
        notes: [],
      },
      SOURCES,
    );
    expect(files).toEqual([
      { path: 'raw/containerd/config-dump.toml', from: SOURCES['raw/containerd/config-dump.toml'] },
      { path: 'raw/dfdaemon/config/dfget.yaml', from: SOURCES['raw/dfdaemon/config/dfget.yaml'] },
      { path: 'raw/kubelet/config.yaml', from: '/var/lib/kubelet/config.yaml' },
    ]);
  });

  it('leaves out a damaged entry (a hand-edited manifest) and names the rest', () => {
    const files = filesCited(
      { diagnoses: [diagnosis(['raw/system/loadavg', 'raw/kubelet/config.yaml'])], read: { settings: [] }, notes: [] },
      { 'raw/system/loadavg': 7, 'raw/kubelet/config.yaml': '/var/lib/kubelet/config.yaml' },
    );
    expect(files).toEqual([{ path: 'raw/kubelet/config.yaml', from: '/var/lib/kubelet/config.yaml' }]);
  });

  it('nothing for a bundle that records no sources, or when nothing cited has one', () => {
    const r = { diagnoses: [diagnosis(['raw/system/loadavg'])], read: { settings: [] }, notes: [] };
    expect(filesCited(r, undefined)).toBeUndefined();
    expect(filesCited({ ...r, diagnoses: [diagnosis(['raw/net/nft.txt:1'])] }, SOURCES)).toBeUndefined();
  });
});

describe('a hand-edited manifest', () => {
  it('with a damaged source still opens: the bundle is analysed, that file is not named', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dfdoctor-sources-'));
    try {
      await cp(new URL('../../fixtures/seed-cache-hit-slow/', import.meta.url).pathname, dir, { recursive: true });
      const m = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
      m.sources['raw/dfdaemon/config/dfget.yaml'] = 7;
      await writeFile(join(dir, 'manifest.json'), JSON.stringify(m));
      const b = await openBundle(dir);
      try {
        const r = await analyse(b.reader, b, {}, reportOrigin({ kind: 'bundle' }));
        expect(r.diagnoses.length).toBeGreaterThan(0);
        expect(r.files?.map((f) => f.path)).toContain('raw/kubelet/config.yaml');
        expect(r.files?.map((f) => f.path)).not.toContain('raw/dfdaemon/config/dfget.yaml');
      } finally {
        await b.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('the example report', () => {
  it('lists the files it cites with their node paths, in the table and in markdown', async () => {
    const b = await openBundle(new URL('../../fixtures/seed-cache-hit-slow/', import.meta.url).pathname);
    try {
      const r = await analyse(b.reader, b, {}, reportOrigin({ kind: 'bundle' }));
      expect(r.files).toContainEqual({
        path: 'raw/dfdaemon/config/dfget.yaml',
        from: '/etc/dragonfly/dfget.yaml (read at /proc/4188/root/etc/dragonfly/dfget.yaml)',
      });
      const table = renderTable(r, { color: false, width: 100, failOn: 'critical' });
      expect(table).toMatch(
        /Files cited[^\n]*\n(.*\n)*\s+raw\/dfdaemon\/config\/dfget\.yaml\s+←\s\/etc\/dragonfly\/dfget\.yaml \(read at \/proc\/4188\/root\/etc\/dragonfly\/dfget\.yaml\)\n/,
      );
      expect(renderMarkdown(r)).toContain(
        '| `raw/dfdaemon/config/dfget.yaml` | /etc/dragonfly/dfget.yaml (read at /proc/4188/root/etc/dragonfly/dfget.yaml) |',
      );
    } finally {
      await b.close();
    }
  });
});
