// dfdaemon.scheduler-gave-up: the scheduler's log shows peers it gave up on with no order, past its
// retryLimit (knowledge/dragonfly-scheduler.ts SCHEDULER_GAVE_UP, with the upstream lines). The peer had
// no parent in retryLimit tries, retryInterval apart, and its task was not allowed to the origin (more
// than backToSourceCount of its peers already went). What the pull saw depends on the API the peer was
// told on: a Go dfdaemon (v1) had its task ended with 5006 and its proxy answered the request with the
// error; a Rust client (v2) went to the origin itself after the tries, so it waited and loaded the
// registry all the same.
import type { SchedulerLogFacts } from '../../facts/scheduler-log.js';
import { SCHEDULER_RETRY_SETTINGS } from '../../knowledge/dragonfly-scheduler.js';
import { cmd, prose } from '../steps.js';
import { defineRule } from '../rule.js';
import { quote, SCHEDULER_LOGS } from './text.js';

type GaveUp = SchedulerLogFacts['gaveUp'];

export const schedulerGaveUp = defineRule<GaveUp>({
  meta: {
    id: 'dfdaemon.scheduler-gave-up',
    cause: 'dfdaemon-scheduler',
    title: 'The scheduler gave up on peers: no parent within its retryLimit, and no back-to-source allowed',
    description:
      'The scheduler\'s log (handed over with dfdaemon\'s) says it gave a peer up past retryLimit with no order: "send SchedulePeerFailed to peer, because of scheduling exceeded RetryLimit <n>" (v1, Go dfdaemon; "peer scheduling exceeds the limit <n> times and return code 5006" in v2.0.2–v2.0.8) or "scheduling failed, because of scheduling exceeded RetryLimit <n>" (v2, Rust client). The task had no parent for the peer in retryLimit tries and more than backToSourceCount of its peers had gone to the origin. Critical for v1: the Go task ends with 5006 and the request through its proxy fails. Warning for v2: the Rust client waited out the tries, then downloaded from the origin itself',
    severities: ['critical', 'warning'],
    remediationSummary:
      "Let the peers of a new blob find a parent or the origin: preheat the image into the seed peers, check that the seed peers took the task, and raise the scheduler's backToSourceCount (or retryLimit × retryInterval) when many nodes start the same blob at once.",
  },

  detect(f) {
    const g = f.dfdaemon?.schedulerLog?.gaveUp;
    if (!g || g.count === 0) return null;
    return {
      severity: g.v1 > 0 ? 'critical' : 'warning',
      confidence: 0.8,
      data: g,
    };
  },

  evidence(g) {
    const limit = g.limit === undefined ? 'retryLimit' : `${g.limit} tries (its retryLimit)`;
    return [
      `the scheduler gave up on ${g.count} peer(s) with no parent after ${limit}, retryInterval apart, their task being refused the origin (more than backToSourceCount of its peers had gone there), first ${g.first ? quote(g.first) : 'in its log'}`,
      ...(g.v1 > 0
        ? [
            `${g.v1} of them were Go dfdaemon peers (v1 API): the scheduler sent them 5006 (SchedTaskStatusError), the daemon ended the task ("receive exit peer packet with code 5006") and its proxy answered the request with the error: the blob's download failed, and containerd retried it or went on to its next host`,
          ]
        : []),
      ...(g.v2 > 0
        ? [
            `${g.v2} of them were Rust client peers (v2 API): the scheduler ended their announce with "scheduling exceeded RetryLimit", and the client ("download with scheduler error") downloaded from the origin itself after the wait, unless back-to-source is disabled`,
          ]
        : []),
    ];
  },

  steps(g) {
    const peer = g.peers.find((p) => /^[\w.:-]{1,120}$/.test(p)) ?? '<peer id>';
    return [
      prose(
        `The settings behind it, in scheduler.yaml: ${SCHEDULER_RETRY_SETTINGS.backToSourceCount}; ${SCHEDULER_RETRY_SETTINGS.retryLimit}; ${SCHEDULER_RETRY_SETTINGS.retryInterval}.`,
      ),
      prose(
        "Read the peer's tries, and the task's peers that did go to the origin and how long they took (the parents it was waiting for):",
      ),
      cmd(`${SCHEDULER_LOGS} | grep -F -- '${peer}' | grep -E 'candidate parents not found|exceeded RetryLimit'`),
      cmd(`${SCHEDULER_LOGS} | grep -F -- '<task id>' | grep -E 'peer state is BackToSource|back-to-source'`),
      prose(
        'Check that the seed peers took the task and reached the registry (their log of that task id), and preheat new images into them (manager preheat job) so that the first nodes find a parent; when many nodes start one large blob at once, raise backToSourceCount or retryLimit × retryInterval.',
      ),
    ];
  },
});
