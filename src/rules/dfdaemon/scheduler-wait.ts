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
 * Scheduler errors whose cause no timeout or load setting touches, each with what it means:
 * - undecoded: prost's DecodeError, "failed to decode Protobuf message: <message>.<field>: …: invalid wire
 *   type …", inside the tonic Status the client logs (dragonflyoss/client#1008, v0.2.14–v0.2.20
 *   task.rs:406): the two ends were built from different versions of the API's messages;
 * - unhealthy: the client's dynconfig checks each scheduler the manager lists and leaves out one that
 *   fails (v1.5.1 dynconfig/remote.rs:182): a scheduler this node does not reach.
 */
type Special = 'undecoded' | 'unhealthy';
const SPECIAL: Readonly<Record<Special, RegExp>> = {
  undecoded: /failed to decode Protobuf message/,
  unhealthy: /^check scheduler health failed/,
};
/** Envoy's own error text: a proxy (an Istio sidecar, helm-charts#350) answered instead of the scheduler. */
const ENVOY = /upstream connect error or disconnect\/reset before headers/;

const specialOf = (e: LineRef): Special | null =>
  (Object.keys(SPECIAL) as Special[]).find((k) => SPECIAL[k].test(e.text)) ?? null;

interface SchedulerWaitFinding {
  slow: TaskTimeline[];
  errors: LineRef[];
  /** The kinds of special errors among them. */
  specials: Special[];
  /** Whether nothing else was seen: no slow wait, no other scheduler error. */
  onlySpecial: boolean;
  /** Whether a proxy (Envoy) answered for the scheduler. */
  envoy: boolean;
  cfg?: Config;
  config: ConfigAt;
}

const SPECIAL_SUMMARY: Readonly<Record<Special, string>> = {
  undecoded:
    'Run a client and a scheduler of one Dragonfly release: this client cannot decode what the scheduler answers',
  unhealthy: "Make the schedulers reachable from this node: the client's health checks of them failed",
};

const SPECIAL_STEP: Readonly<Record<Special, string>> = {
  undecoded:
    'The scheduler\'s answers did not decode ("failed to decode Protobuf message"): this client and the scheduler were built from different versions of Dragonfly\'s API messages (dragonflyoss/api), which change between releases. Run a client and a scheduler of one Dragonfly release (a release of the dragonfly Helm chart pins both images); no timeout or load setting helps.',
  unhealthy:
    'The client\'s health checks of the schedulers the manager lists failed ("check scheduler health failed"): it leaves out each scheduler that fails them, and with none left it has no scheduler to ask for parents. From this node, check that each scheduler answers on its gRPC port (8002).',
};

const ENVOY_STEP =
  'The error text is Envoy\'s ("upstream connect error or disconnect/reset before headers"): a proxy, such as an Istio sidecar injected into the dragonfly pods, answered for the scheduler it could not reach (helm-charts#350). Take the dragonfly pods or their ports out of the mesh, or make the mesh pass their gRPC through.';

const wait = (t: TaskTimeline) => Math.max(t.registerWaitMs ?? 0, t.backSourceOrderWaitMs ?? 0);

export const schedulerWait = defineRule<SchedulerWaitFinding>({
  meta: {
    id: 'dfdaemon.scheduler-wait',
    cause: 'dfdaemon-scheduler',
    title: 'Scheduler register/schedule waits delay the download',
    description: `Register waits ≥ ${SLOW_REGISTER_MS} ms, "scheduler did not response" / schedule timeouts that end in back-to-source, or scheduler errors (stream errors, answers the client cannot decode, failed health checks)`,
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
        specials: [...new Set(errors.flatMap((e) => specialOf(e) ?? []))],
        onlySpecial: slow.length === 0 && errors.every((e) => specialOf(e) !== null),
        envoy: errors.some((e) => ENVOY.test(e.text)),
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

  summary({ specials, onlySpecial }) {
    const first = specials.map((k) => SPECIAL_SUMMARY[k]).join('; ');
    if (onlySpecial) return `${first}.`;
    return first
      ? `${first}; then fix the scheduler path (reachability, load) or shorten scheduler.scheduleTimeout.`
      : SUMMARY;
  },

  steps({ config, specials, onlySpecial, envoy }) {
    const logs = cmd(
      "kubectl -n dragonfly-system logs deploy/dragonfly-scheduler | grep -i error    # the scheduler's errors",
    );
    const said = specials.map((k) => prose(SPECIAL_STEP[k]));
    if (envoy) said.push(prose(ENVOY_STEP));
    if (onlySpecial) return [...said, logs];
    return [
      ...said,
      logs,
      prose(
        "Check the scheduler's load (dragonfly_scheduler_* metrics), and that this node reaches it on its gRPC port (8002) without loss.",
      ),
      scheduleTimeout(config),
      ...applySteps(config),
    ];
  },
});
