import { describe, expect, it } from 'vitest';
import { assumptionsMeet, ContainerdVersionPicker } from '../../src/facts/containerd-versioned.js';
import { configVersionCeiling } from '../../src/knowledge/containerd.js';
import type { VersionedFact } from '../../src/knowledge/versioned.js';

const fact: VersionedFact<number> = {
  id: 'test.max',
  component: 'containerd',
  entries: [
    { range: { below: '1.7.0' }, value: 1, source: 's' },
    { range: { from: '1.7.0', below: '2.0.0' }, value: 2, source: 's' },
    { range: { from: '2.0.0', below: '2.3.0' }, value: 3, source: 's' },
    { range: { from: '2.3.0' }, value: 4, source: 's' },
  ],
  assumeWhenUnknown: 3,
};

describe('assumptions of a version-dependent fact when the release is unknown', () => {
  it('span every adjacent release range for which what is assumed holds', () => {
    const pk = new ContainerdVersionPicker(null);
    expect(pk.value(fact, (v) => (v >= 2 ? 'version 2 is read' : 'version 2 stops it'))).toBe(4);
    expect(pk.assumptions).toEqual([
      { fact: 'test.max', assumed: 'version 2 is read', range: '≥ 1.7.0', releases: { from: '1.7.0' } },
    ]);
  });

  it('stay on the assumed entry where its neighbour says otherwise', () => {
    const pk = new ContainerdVersionPicker(null);
    pk.value(fact, (v) => (v >= 4 ? 'version 4 is read' : 'version 4 stops it'));
    expect(pk.assumptions[0]?.range).toBe('≥ 2.3.0');
  });

  it('name every 2.x release for a version 3 config, which they all read', () => {
    const pk = new ContainerdVersionPicker(null);
    pk.value(configVersionCeiling, (c) =>
      c.kind === 'by-uri' ? 'read as version 2' : 3 > c.max ? 'stops containerd' : 'config version 3 is read',
    );
    expect(pk.assumptions[0]).toMatchObject({ assumed: 'config version 3 is read', range: '≥ 2.0.0' });
  });

  it('assume nothing when the release is known', () => {
    const pk = new ContainerdVersionPicker({ major: 2, minor: 1, patch: 0 });
    expect(pk.value(fact)).toBe(3);
    expect(pk.assumptions).toEqual([]);
  });
});

describe('whether the assumptions made without a version hold for one release together', () => {
  const r = (releases: { from?: string; to?: string; below?: string }) => ({ releases });
  it('meet where their ranges overlap, an exclusive bound excluded', () => {
    expect(assumptionsMeet([])).toBe(true);
    expect(assumptionsMeet([r({ from: '2.0.0' }), r({ below: '2.2.0' }), r({ below: '2.1.0' })])).toBe(true);
    expect(assumptionsMeet([r({ from: '1.7.10' }), r({ to: '1.7.10' })])).toBe(true);
    expect(assumptionsMeet([r({ from: '2.1.0' }), r({ below: '2.1.0' })])).toBe(false);
    expect(assumptionsMeet([r({ from: '2.3.0' }), r({ below: '2.2.0' }), r({ below: '2.1.0' })])).toBe(false);
    expect(assumptionsMeet([r({ from: '1.7.11' }), r({ to: '1.7.10' })])).toBe(false);
  });
});
