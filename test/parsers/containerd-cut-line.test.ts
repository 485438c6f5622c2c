import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { assembleLooseFiles } from '../../src/bundle/loose-files.js';
import { sniffKind } from '../../src/bundle/sniff.js';
import { parseCutLine } from '../../src/parsers/containerd-cut-line.js';
import { factsFrom } from '../helpers/bundle.js';

// the journal line of dragonflyoss/dragonfly#3419 whose head the paste cut (its case's SOURCE.md)
const CUT = readFileSync(
  new URL(
    '../../fixtures/real/dfdaemon-rust-0.1.94-mirror-without-registry-header-3419/pasted/containerd-journal.txt',
    import.meta.url,
  ),
  'utf8',
);

describe('parseCutLine', () => {
  it('places what is left of the real #3419 line: the host, the request and its transport error', () => {
    expect(parseCutLine(CUT.split('\n')[0] as string, 1)).toEqual({
      line: 1,
      tail: '127.0.0.1:4001/v2/devops/rockylinux/manifests/9.3.20231119-minimal?ns=harbor-core.71djy.cn": EOF',
      host: '127.0.0.1:4001',
      request: '/v2/devops/rockylinux/manifests/9.3.20231119-minimal?ns=harbor-core.71djy.cn',
      outcome: { transport: 'EOF' },
    });
  });

  it("reads an error status at the tail's end, and places nothing the tail does not say", () => {
    expect(
      parseCutLine('a/b/manifests/1?ns=docker.io: 500 Internal Server Error" host="127.0.0.1:65001"', 3),
    ).toMatchObject({ host: '127.0.0.1:65001', outcome: { status: 500 } });
    // the caller giving up is no answer of the host's
    expect(parseCutLine('b/manifests/1\\": context canceled" host="h:1"', 1)).not.toHaveProperty('outcome');
    expect(parseCutLine('some words" host="h:1"', 1)).toEqual({ line: 1, tail: 'some words', host: 'h:1' });
  });

  it('leaves lines that are not cut inside a value, or name no host', () => {
    expect(parseCutLine('time="2024-08-06T19:49:57Z" level=info msg="resolving" host="h:1"', 1)).toBeNull();
    expect(parseCutLine('level=info msg="x" host="h:1"', 1)).toBeNull();
    expect(parseCutLine('…\\": EOF" error="x"', 1)).toBeNull();
    expect(parseCutLine('plain text with no quote host=h', 1)).toBeNull();
  });
});

describe('a containerd journal whose head the paste cut', () => {
  it('is taken for a containerd log, and says what is left of the line instead of calling it unrecognised', async () => {
    expect(sniffKind('journal.txt', CUT)?.kind).toBe('containerd-log');
    const a = assembleLooseFiles([{ path: 'journal.txt', text: CUT }], '2026-01-01T00:00:00Z', {
      name: 'dfdoctor',
      version: '0',
    });
    expect(a.taken.map((t) => t.bundlePath)).toEqual(['raw/containerd/journal.txt']);
    const facts = await factsFrom(a.files, { manifest: a.manifest });
    expect(facts.problems.filter((p) => p.file === 'raw/containerd/journal.txt')).toEqual([]);
    expect(facts.notes.map((n) => n.text)).toContain(
      'raw/containerd/journal.txt:1: the paste cut this line\'s head, and its message and time with it; what is left ("…2/devops/rockylinux/manifests/9.3.20231119-minimal?ns=harbor-core.71djy.cn": EOF") says host 127.0.0.1:4001 gave no answer (EOF) to /v2/devops/rockylinux/manifests/9.3.20231119-minimal?ns=harbor-core.71djy.cn',
    );
    // no time is made up for it: the host attempts the log times have none of it
    expect(facts.containerd?.log?.events).toEqual([]);
  });
});
