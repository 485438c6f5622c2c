import type { LineRef, TaskTimeline } from '../../parsers/dfdaemon-timeline.js';
import { applySteps, type ConfigAt, scheduleTimeout } from '../snippets/dfdaemon.js';
import { cmd, prose, tcpCheck } from '../steps.js';
import { defineRule } from '../rule.js';
import { configAt, pullTasks, type Config } from './pull.js';
import { describeTask, quote, secs, setting, SCHEDULER_LOGS } from './text.js';
import {
  ENVOY,
  ENVOY_STEP,
  type Special,
  SPECIAL_STEP,
  SPECIAL_SUMMARY,
  specialOf,
  unreachableSchedulers,
} from './scheduler-errors.js';
import { type OrderReason, reasonEvidence, reasonOf, reasonSteps } from './scheduler-reason.js';

const SUMMARY =
  'Fix the scheduler path (reachability, load) or shorten scheduler.scheduleTimeout so a stuck scheduler falls back to the source sooner.';

/** A register/schedule wait from which it counts as a delay worth naming. */
const SLOW_REGISTER_MS = 1000;

interface SchedulerWaitFinding {
  slow: TaskTimeline[];
  errors: LineRef[];
  /** The kinds of special errors among them. */
  specials: Special[];
  /** Whether nothing else was seen: no slow wait, no other scheduler error. */
  onlySpecial: boolean;
  /** Whether a proxy (Envoy) answered for the scheduler. */
  envoy: boolean;
  /** Whether a slow task failed on its schedule timeout, back-to-source being disabled. */
  sourceDisabled: boolean;
  /** The schedulers a line names as unreachable, to try from this node. */
  unreachable: { host: string; port: number }[];
  /** Why the scheduler sent the slow tasks it ordered to the origin, where its log or the daemon's line says. */
  reasons: OrderReason[];
  cfg?: Config;
  config: ConfigAt;
}

/**
 * The Go daemon's schedule timeout when back-to-source is disabled (scheduler.disableAutoBackSource):
 * "wait first peer packet from scheduler timeout, auto back source disabled" (v2.0.0–v2.0.1
 * peertask_base.go:538-543), "download from source disabled, auto back source disabled" (v2.1.49
 * peertask_conductor.go:1030-1034). The task fails there: it does not go to the origin.
 */
const SOURCE_DISABLED = /auto back source disabled|^download from source disabled/;

const failedOnTimeout = (t: TaskTimeline): boolean =>
  t.scheduleTimeout && t.refs.timeout !== undefined && SOURCE_DISABLED.test(t.refs.timeout.text);

const wait = (t: TaskTimeline) => Math.max(t.registerWaitMs ?? 0, t.backSourceOrderWaitMs ?? 0);

export const schedulerWait = defineRule<SchedulerWaitFinding>({
  meta: {
    id: 'dfdaemon.scheduler-wait',
    cause: 'dfdaemon-scheduler',
    title: 'Scheduler waits or errors delay or fail the download',
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
    const kinds = errors.map(specialOf);
    const impactSeconds = waits.length > 0 ? Math.max(...waits) / 1000 : undefined;
    return {
      severity: impactSeconds !== undefined && impactSeconds >= 5 ? 'critical' : 'warning',
      confidence: 0.8,
      ...(impactSeconds === undefined || impactSeconds === 0 ? {} : { impactSeconds }),
      data: {
        slow,
        errors,
        specials: [...new Set(kinds.flatMap((k) => k ?? []))],
        onlySpecial: slow.length === 0 && kinds.every((k) => k !== null),
        envoy: errors.some((e) => ENVOY.test(e.text)),
        sourceDisabled: slow.some(failedOnTimeout),
        unreachable: unreachableSchedulers(errors),
        reasons: slow.flatMap((t) => (t.schedulerBackSource ? (reasonOf(t, d.schedulerLog) ?? []) : [])),
        cfg: d.config,
        config: configAt(f),
      },
    };
  },

  evidence({ slow, errors, reasons, cfg }) {
    const out: string[] = [];
    for (const t of slow.slice(0, 4)) {
      out.push(
        `${describeTask(t)}${t.registerWaitMs !== null ? `, register wait ${secs(t.registerWaitMs)}` : ''}${t.backSourceOrderWaitMs !== null ? `, ${secs(t.backSourceOrderWaitMs)} from registering to the scheduler's back-to-source order` : ''}${t.scheduleTimeout ? (failedOnTimeout(t) ? ', schedule timeout with back-to-source disabled: the task failed' : ', schedule timeout → back-to-source') : ''}`,
      );
      for (const r of [t.refs.register, t.refs.schedulerOrder, t.refs.timeout]) if (r) out.push(`  ${quote(r)}`);
    }
    // the wait up to an order is the scheduler's tries: its reason says how many
    out.push(...reasonEvidence(reasons));
    for (const e of errors.slice(0, 2)) out.push(quote(e));
    if (cfg) out.push(setting(cfg.scheduleTimeoutSeconds, cfg.file, (v) => `${v} s`));
    return out;
  },

  summary({ specials, onlySpecial, sourceDisabled }) {
    if (sourceDisabled && specials.length === 0)
      return 'Make the scheduler answer within scheduleTimeout, or let the daemon go to the origin: with back-to-source disabled, a schedule timeout fails the task.';
    const first = specials.map((k) => SPECIAL_SUMMARY[k]).join('; ');
    if (onlySpecial) return `${first}.`;
    return first
      ? `${first}; then fix the scheduler path (reachability, load) or shorten scheduler.scheduleTimeout.`
      : SUMMARY;
  },

  steps({ config, specials, onlySpecial, envoy, sourceDisabled, unreachable, reasons }) {
    const logs = cmd(`${SCHEDULER_LOGS} | grep -i error    # the scheduler's errors`);
    const said = specials.map((k) => prose(SPECIAL_STEP[k]));
    if (envoy) said.push(prose(ENVOY_STEP));
    for (const u of unreachable) said.push(tcpCheck(u.host, u.port));
    if (onlySpecial) return [...said, logs];
    return [
      ...said,
      logs,
      ...reasonSteps(reasons),
      prose(
        "Check the scheduler's load (dragonfly_scheduler_* metrics), and that this node reaches it on its gRPC port (8002) without loss.",
      ),
      // with back-to-source disabled a shorter timeout only fails the task sooner
      sourceDisabled
        ? prose(
            'Back-to-source is disabled (scheduler.disableAutoBackSource: true): a task the scheduler does not answer within scheduleTimeout fails instead of going to the origin, and the runtime gets an error for it (dragonfly#728: 502 Bad Gateway on pulls). Make the scheduler answer in time, or set disableAutoBackSource: false so that such a task goes to the origin.',
          )
        : scheduleTimeout(config),
      ...applySteps(config),
    ];
  },
});
