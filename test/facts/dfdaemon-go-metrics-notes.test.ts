// The Go notes on where a cache hit shows name dfdaemon's metrics only for releases that have them:
// v2.0.0 and v2.0.1 have no metrics server (no client/daemon/metrics; dragonflyoss/dragonfly #960 came
// with v2.0.2-beta.0), so their notes send the reader to the "reuse from peer task" lines alone.
import { describe, expect, it } from 'vitest';
import { factsFrom } from '../helpers/bundle.js';
import { goChartConfig } from './dfdaemon-fixture-configs.js';

async function notes(version: string): Promise<string> {
  const f = await factsFrom({
    'raw/dfdaemon/generation.txt': 'go\n',
    'raw/dfdaemon/version.txt': `${version}\n`,
    'raw/dfdaemon/config/dfget.yaml': goChartConfig({ keepStorage: true }),
  });
  return f.notes.map((n) => n.text).join('\n');
}

describe('Go dfdaemon notes on metrics, by release', () => {
  it('names no metric for v2.0.0–v2.0.1, which export none', async () => {
    for (const v of ['v2.0.0', 'v2.0.1', 'v2.0.1-rc.6', 'v2.0.2-alpha.3']) {
      const text = await notes(v);
      expect(text, v).toContain(`This release (${v}) has no metrics server`);
      expect(text, v).not.toContain('dragonfly_scheduler_traffic');
      expect(text, v).not.toContain('metrics server is off (dfget.yaml `metrics:` empty');
    }
  });

  it('keeps the metric names from v2.0.2 on', async () => {
    for (const v of ['v2.0.2', 'v2.0.6', 'v2.1.49', 'v2.0.10']) {
      const text = await notes(v);
      expect(text, v).toContain("never appear in the scheduler's dragonfly_scheduler_traffic");
      expect(text, v).toContain('metrics server is off (dfget.yaml `metrics:` empty');
      expect(text, v).not.toContain('has no metrics server');
    }
  });
});
