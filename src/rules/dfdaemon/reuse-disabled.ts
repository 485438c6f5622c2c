// dfdaemon-cache-miss: Go's task reuse switched off, so no finished task is served again.
import type { Setting } from '../../parsers/dfdaemon-config.js';
import type { TaskTimeline } from '../../parsers/dfdaemon-timeline.js';
import { applySteps, type ConfigAt, forGen, multiplexOn } from '../snippets/dfdaemon.js';
import { defineRule } from '../rule.js';
import { configAt, longestCost, nonLocal, pullTasks } from './pull.js';
import { describeTask, setting } from './text.js';

interface ReuseFinding {
  multiplex: Setting<boolean>;
  file: string;
  /** The last pull's blobs fetched again by P2P or from the source. */
  refetched: TaskTimeline[];
  /** The config the steps change. */
  config: ConfigAt;
}

export const multiplexOff = defineRule<ReuseFinding>({
  meta: {
    id: 'dfdaemon.reuse-disabled',
    cause: 'dfdaemon-cache-miss',
    title: 'Go dfdaemon never reuses completed tasks (storage.multiplex is false)',
    description:
      'Go dfget.yaml storage.multiplex false (the code default): a finished task is not served again from the cache',
    severities: ['critical', 'warning'],
    remediationSummary:
      'Set storage.multiplex: true so completed tasks are reused (the Go Helm chart, up to 1.1.65, sets it).',
  },

  detect(f) {
    const cfg = f.dfdaemon?.config;
    if (!cfg || cfg.generation !== 'go' || !cfg.multiplex || cfg.multiplex.value) return null;
    const refetched = nonLocal(pullTasks(f.dfdaemon));
    const impactSeconds = longestCost(refetched);
    return {
      severity: refetched.length > 0 ? 'critical' : 'warning',
      confidence: 0.9,
      ...(impactSeconds === undefined ? {} : { impactSeconds }),
      data: { multiplex: cfg.multiplex, file: cfg.file, refetched, config: forGen(configAt(f), 'go') },
    };
  },

  evidence({ multiplex, file, refetched }) {
    const out = [
      `${setting(multiplex, file)}${multiplex.from === 'default' ? ' — false in dragonfly v2.1.49 client/config/peerhost_linux.go:143' : ''}; tryReuse… runs only when it is true (peertask_manager.go:368)`,
    ];
    const first = refetched[0];
    if (first)
      out.push(
        `last pull: ${refetched.length} blob(s) fetched again by P2P/back-to-source, e.g. ${describeTask(first)}`,
      );
    return out;
  },

  steps({ config }) {
    return [multiplexOn(config), ...applySteps(config)];
  },
});
