// dfdaemon-cache-miss: Go's task reuse switched off, so no finished task is served again.
import type { Setting } from '../../parsers/dfdaemon-config.js';
import type { TaskTimeline } from '../../parsers/dfdaemon-timeline.js';
import { applySteps, type ConfigAt, forGen, multiplexOn } from '../snippets/dfdaemon.js';
import { defineRule } from '../rule.js';
import { configAt, longestCost, nonLocal, pullTasks } from './pull.js';
import { sendsToDfdaemon } from '../../facts/containerd-routes.js';
import { describeTask, setting } from './text.js';

interface ReuseFinding {
  multiplex: Setting<boolean>;
  file: string;
  /** The last pull's blobs fetched again by P2P or from the source. */
  refetched: TaskTimeline[];
  /** containerd's registries whose pulls go through this dfdaemon. */
  routedRegistries: string[];
  /** Pulls in the daemon's logs (any outcome). */
  pulls: number;
  containerdRead: boolean;
  /** The config the steps change. */
  config: ConfigAt;
}

export const multiplexOff = defineRule<ReuseFinding>({
  meta: {
    id: 'dfdaemon.reuse-disabled',
    cause: 'dfdaemon-cache-miss',
    title: 'Go dfdaemon never reuses completed tasks (storage.multiplex is false)',
    description:
      'Go dfget.yaml storage.multiplex false (the code default): a finished task is not served again from the cache; critical when the last pull fetched blobs again, a warning when containerd routes pulls through the daemon or its logs hold pulls, info when nothing in the bundle sends it any (a package install on its own)',
    severities: ['critical', 'warning', 'info'],
    remediationSummary:
      'Set storage.multiplex: true so completed tasks are reused (the Go Helm chart, up to 1.1.65, sets it).',
  },

  detect(f) {
    const cfg = f.dfdaemon?.config;
    if (!cfg || cfg.generation !== 'go' || !cfg.multiplex || cfg.multiplex.value) return null;
    const pulls = pullTasks(f.dfdaemon);
    const refetched = nonLocal(pulls);
    const impactSeconds = longestCost(refetched);
    const routedRegistries = (f.containerd?.routes ?? []).filter(sendsToDfdaemon).map((r) => r.registry);
    // The setting only costs something once a pull asks for a task this daemon already finished. The Go
    // deb/rpm v2.0.0 ships without `multiplex` (dragonflyoss/dragonfly v2.0.0
    // build/package/nfpm/config/dfget.yaml; the key defaults to false, client/config/peerhost_linux.go:124)
    // and nothing routes a runtime to a package install: with no route and no pull in the bundle the
    // reuse that never happens is a note for whoever points containerd at the daemon, not a fault of
    // this node (as dfdaemon.mirror-disabled does for its 404s).
    const used = refetched.length > 0 || pulls.length > 0 || routedRegistries.length > 0;
    return {
      severity: refetched.length > 0 ? 'critical' : used ? 'warning' : 'info',
      confidence: used ? 0.9 : 0.6,
      ...(impactSeconds === undefined ? {} : { impactSeconds }),
      data: {
        multiplex: cfg.multiplex,
        file: cfg.file,
        refetched,
        routedRegistries,
        pulls: pulls.length,
        containerdRead: f.containerd !== undefined,
        config: forGen(configAt(f), 'go'),
      },
    };
  },

  evidence({ multiplex, file, refetched, routedRegistries, pulls, containerdRead }) {
    const out = [
      `${setting(multiplex, file)}${multiplex.from === 'default' ? ' — false in dragonfly v2.1.49 client/config/peerhost_linux.go:143' : ''}; tryReuse… runs only when it is true (peertask_manager.go:368)`,
    ];
    const first = refetched[0];
    if (first)
      out.push(
        `last pull: ${refetched.length} blob(s) fetched again by P2P/back-to-source, e.g. ${describeTask(first)}`,
      );
    if (routedRegistries.length > 0)
      out.push(`containerd sends ${routedRegistries.slice(0, 3).join(', ')} pulls through this dfdaemon`);
    if (refetched.length === 0 && pulls === 0 && routedRegistries.length === 0)
      out.push(
        `no pull in the daemon's logs${containerdRead ? ' and no containerd registry route through it' : "; containerd's config is not in the bundle"}: nothing here shows a finished task asked for again`,
      );
    return out;
  },

  steps({ config }) {
    return [multiplexOn(config), ...applySteps(config)];
  },
});
