import type { LineRef, TaskTimeline } from '../../parsers/dfdaemon-timeline.js';
import { applySteps, type ConfigAt, scheduleTimeout } from '../snippets/dfdaemon.js';
import { cmd, prose } from '../steps.js';
import { defineRule } from '../rule.js';
import { configAt, pullTasks, type Config } from './pull.js';
import { describeTask, quote, secs, setting } from './text.js';

const SUMMARY =
  'Fix the scheduler path (reachability, load) or shorten scheduler.scheduleTimeout so a stuck scheduler falls back to the source sooner.';

/** A register/schedule wait from which it counts as a delay worth naming. */
const SLOW_REGISTER_MS = 1000;

/**
 * An answer of the scheduler the client could not decode: prost's DecodeError, "failed to decode Protobuf
 * message: <message>.<field>: …: invalid wire type …", inside the tonic Status the client logs
 * (dragonflyoss/client#1008, v0.2.14–v0.2.20 task.rs:406). The two ends were built from different
 * versions of the API's messages: no timeout or load explains it.
 */
const UNDECODED = /failed to decode Protobuf message/;

interface SchedulerWaitFinding {
  slow: TaskTimeline[];
  errors: LineRef[];
  /** Whether every scheduler error is an answer the client could not decode (and no wait was slow). */
  onlyUndecoded: boolean;
  /** Whether any is. */
  undecoded: boolean;
  cfg?: Config;
  config: ConfigAt;
}

const wait = (t: TaskTimeline) => Math.max(t.registerWaitMs ?? 0, t.backSourceOrderWaitMs ?? 0);

export const schedulerWait = defineRule<SchedulerWaitFinding>({
  meta: {
    id: 'dfdaemon.scheduler-wait',
    cause: 'dfdaemon-scheduler',
    title: 'Scheduler register/schedule waits delay the download',
    description: `Register waits ≥ ${SLOW_REGISTER_MS} ms, "scheduler did not response" / schedule timeouts that end in back-to-source, or scheduler stream errors`,
    severities: ['critical', 'warning'],
    remediationSummary: SUMMARY,
  },

  detect(f) {
    const d = f.dfdaemon;
    if (!d?.logs) return null;
    const slow = pullTasks(d).filter((t) => t.scheduleTimeout || wait(t) >= SLOW_REGISTER_MS);
    const errors = d.logs.summary.schedulerErrors;
    if (slow.length === 0 && errors.length === 0) return null;
    const waits = slow.map(wait);
    const impactSeconds = waits.length > 0 ? Math.max(...waits) / 1000 : undefined;
    return {
      severity: impactSeconds !== undefined && impactSeconds >= 5 ? 'critical' : 'warning',
      confidence: 0.8,
      ...(impactSeconds === undefined || impactSeconds === 0 ? {} : { impactSeconds }),
      data: {
        slow,
        errors,
        undecoded: errors.some((e) => UNDECODED.test(e.text)),
        onlyUndecoded: slow.length === 0 && errors.every((e) => UNDECODED.test(e.text)),
        cfg: d.config,
        config: configAt(f),
      },
    };
  },

  evidence({ slow, errors, cfg }) {
    const out: string[] = [];
    for (const t of slow.slice(0, 4)) {
      out.push(
        `${describeTask(t)}${t.registerWaitMs !== null ? `, register wait ${secs(t.registerWaitMs)}` : ''}${t.backSourceOrderWaitMs !== null ? `, ${secs(t.backSourceOrderWaitMs)} from registering to the scheduler's back-to-source order` : ''}${t.scheduleTimeout ? ', schedule timeout → back-to-source' : ''}`,
      );
      for (const r of [t.refs.register, t.refs.schedulerOrder, t.refs.timeout]) if (r) out.push(`  ${quote(r)}`);
    }
    for (const e of errors.slice(0, 2)) out.push(quote(e));
    if (cfg) out.push(setting(cfg.scheduleTimeoutSeconds, cfg.file, (v) => `${v} s`));
    return out;
  },

  summary({ onlyUndecoded, undecoded }) {
    if (onlyUndecoded)
      return 'Run a client and a scheduler of one Dragonfly release: this client cannot decode what the scheduler answers.';
    return undecoded
      ? 'Run a client and a scheduler of one Dragonfly release; then fix the scheduler path (reachability, load) or shorten scheduler.scheduleTimeout.'
      : SUMMARY;
  },

  steps({ config, undecoded, onlyUndecoded }) {
    const versions = prose(
      'The scheduler\'s answers did not decode ("failed to decode Protobuf message"): this client and the scheduler were built from different versions of Dragonfly\'s API messages (dragonflyoss/api), which change between releases. Run a client and a scheduler of one Dragonfly release (a release of the dragonfly Helm chart pins both images); no timeout or load setting helps.',
    );
    const logs = cmd(
      "kubectl -n dragonfly-system logs deploy/dragonfly-scheduler | grep -i error    # the scheduler's errors",
    );
    if (onlyUndecoded) return [versions, logs];
    return [
      ...(undecoded ? [versions] : []),
      logs,
      prose(
        "Check the scheduler's load (dragonfly_scheduler_* metrics), and that this node reaches it on its gRPC port (8002) without loss.",
      ),
      scheduleTimeout(config),
      ...applySteps(config),
    ];
  },
});
