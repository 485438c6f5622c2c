/**
 * What tells the Dragonfly scheduler's log from the Go dfdaemon's: both are zap logs of
 * dragonflyoss/dragonfly (same layouts, same ts/level/caller fields), and zap's caller names the source
 * file with its directory ("scheduling/scheduling.go:136"). These directories hold .go files under
 * scheduler/ and nowhere else in the repository (client/, pkg/, internal/, cmd/, manager/, trainer/),
 * at every tag checked: v2.0.0, v2.0.1, v2.0.2, v2.0.9, v2.1.0, v2.1.49, v2.2.0, v2.3.4 (non-test sources). A
 * line with such a caller was written by the scheduler, never by dfdaemon. (Its `service/` directory is
 * not one: manager/service and trainer/service share the name, trainer/service/service_v1.go the file.)
 */
export const SCHEDULER_CALLER_DIRS: ReadonlySet<string> = new Set([
  'scheduling', // scheduler/scheduling/scheduling.go
  'resource', // scheduler/resource/{peer,task,host,…}.go
  'standard', // scheduler/resource/standard/… (v2.2)
  'persistentcache', // scheduler/resource/persistentcache/… (v2.2)
  'evaluator', // scheduler/scheduling/evaluator/…
  // v2.0.0–v2.0.1 (dragonfly#701: "basic/basic_scheduler.go:261"; #692: "core/events.go:94"): scheduler/core/
  // and its scheduler/basic/ and evaluator/basic/, gone from v2.0.2. pkg/basic/ of v2.0.0–v2.0.2 shares the
  // name but logs nothing (no logger call in it at those tags)
  'core', // scheduler/core/{events,service,…}.go (v2.0.0–v2.0.1)
  'basic', // scheduler/core/scheduler/basic/basic_scheduler.go, scheduler/core/evaluator/basic/ (v2.0.0–v2.0.1)
]);

/**
 * Why the scheduler sent a peer to the origin. The scheduler logs the order with its reason, and from
 * v2.0.9 also puts a description in the v2 API's NeedBackToSourceResponse (the Rust client logs it up to
 * v1.4.0); the v1 API's Code_SchedNeedBackSource (the Go dfdaemon) carries none. Read at every v2.x tag
 * of dragonflyoss/dragonfly, scheduler/scheduling/scheduling.go (v2.2.0 line numbers unless named):
 *
 * - retry-limit: FindCandidateParents found no parent ("scheduling failed in %d times, because of candidate
 *   parents not found", :173, retryInterval apart) until the tries reached retryBackToSourceLimit, the task
 *   being allowed to go to the origin (Task.CanBackToSource, resource/standard/task.go:494-496: fewer peers went
 *   than scheduler.backToSourceCount, config/config.go:128, given to the task at service/service_v2.go:1480). Logged
 *   "send NeedBackToSourceResponse, because of scheduling exceeded RetryBackToSourceLimit %d" (:136, every
 *   tag v2.0.9–v2.5.1, description "scheduling exceeded RetryBackToSourceLimit", :137) and "send
 *   Code_SchedNeedBackSource to peer, because of scheduling exceeded RetryBackToSourceLimit %d" (:279, from
 *   v2.1.31); v2.0.9–v2.1.30 printed the v1 order "… because of scheduling exceeded RetryLimit %d" with
 *   retryLimit's value while testing retryBackToSourceLimit (v2.1.0 :261, :273). v2.0.3–v2.0.8:
 *   "peer downloads back-to-source, scheduling %d times, peer need back-to-source %t" (v2.0.8
 *   scheduler/scheduler/scheduler.go:88, the test `n >= RetryBackSourceLimit || needBackToSource`).
 * - peer-needs-source: the peer was marked for the origin when it registered (peer.NeedBackToSource): no
 *   peer held the task (pending, failed, left, or succeeded with no peer left) and no seed peer was
 *   triggered for it (seed peers disabled, or the seed peer failed this task) so its priority fell to
 *   LEVEL3 (service/service_v2.go:1012-1046, :1504-1564; v1 service/service_v1.go:765-766), or the peer is
 *   itself a seed peer (service_v1.go:724-727), or its download asked for it (service_v2.go:1009-1011, the
 *   seed peer's download the scheduler triggers). Logged "… because of peer's NeedBackToSource is true"
 *   (:110, :246), description "peer's NeedBackToSource is true" (:111).
 * - schedule-count (v2.1.22–v2.1.28 only): the peer had been scheduled maxScheduleCount times
 *   (default 30, v2.1.22 scheduler/config/constants.go:64): "… because of peer's NeedBackToSource is %t
 *   and peer's schedule count is %d" (v2.1.25 :107-108, :249-250), whose description still says "peer's
 *   NeedBackToSource is false" (:109).
 */
export type BackSourceReason = 'retry-limit' | 'peer-needs-source' | 'schedule-count';

/** A scheduler log line that orders a peer to the origin, and the reason it gives (see BackSourceReason). */
export const SCHEDULER_ORDER =
  /send (?:NeedBackToSourceResponse|Code_SchedNeedBackSource to peer), because of (scheduling exceeded Retry(?:BackToSource)?Limit \d+|peer's NeedBackToSource is (?:true|false)(?: and peer's schedule count is \d+)?)|peer downloads back-to-source, scheduling (\d+) times, peer need back-to-source (true|false)/;

/**
 * The scheduler gave up on a peer without an order: it found no parent in retryLimit tries and the task
 * was not allowed to the origin (Task.CanBackToSource false: more than scheduler.backToSourceCount peers of
 * the task already went, v2.2.0 resource/standard/task.go:494-496). What the peer gets differs by API:
 * - v2 (the Rust client): "scheduling failed, because of scheduling exceeded RetryLimit %d" and the
 *   AnnouncePeer stream ends with FailedPrecondition "scheduling exceeded RetryLimit" (v2.0.9
 *   scheduling.go:151-152, v2.2.0 :157-158, v2.3.4 :164-165). The Rust client logs "download with
 *   scheduler error" and downloads the task from the origin itself, unless back-to-source is disabled
 *   (dragonflyoss/client v1.5.1 dragonfly-client/src/resource/task.rs:553-585): the pull waited out the
 *   tries and the origin served it all the same.
 * - v1 (the Go dfdaemon): "send SchedulePeerFailed to peer, because of scheduling exceeded RetryLimit %d"
 *   after sending Code_SchedTaskStatusError (5006) (v2.0.9 :309, v2.2.0 :315, v2.3.4 :316);
 *   v2.0.2–v2.0.8 "peer scheduling exceeds the limit %d times and return code %d" (v2.0.2
 *   scheduler/scheduler/scheduler.go:133, v2.0.8 :127). The Go daemon's task ends on that code
 *   (isExitPeerPacketCode, v2.1.49 client/daemon/peer/peertask_conductor.go:868-876) and its proxy answers
 *   the request with the error, with no fallback of its own (client/daemon/transport/transport.go:230-255).
 * Capture 1: the v2 wording; 2: the limit (retryLimit); 3: the limit of the v2.0.2–v2.0.8 wording.
 */
export const SCHEDULER_GAVE_UP =
  /(scheduling failed|send SchedulePeerFailed to peer), because of scheduling exceeded RetryLimit (\d{1,9})\b|peer scheduling exceeds the limit (\d{1,9}) times and return code \d+/;

/** One failed try to find a parent before the order (:172, every tag v2.0.9–v2.5.1). */
export const SCHEDULER_NO_PARENT = /scheduling failed in \d+ times, because of candidate parents not found/;

/**
 * The reason in a scheduler line's "because of …" or in a NeedBackToSourceResponse's description, and the
 * limit it names: the v2 order's number is retryBackToSourceLimit in effect; the v1 order of v2.0.9–v2.1.30
 * printed retryLimit's, which is not the limit that applied, so it is dropped.
 */
export function backSourceReason(because: string): { reason: BackSourceReason; limit?: number } | null {
  const m = /^scheduling exceeded Retry(BackToSource)?Limit(?: (\d{1,9})(?!\d))?/.exec(because);
  if (m) return m[1] && m[2] ? { reason: 'retry-limit', limit: Number(m[2]) } : { reason: 'retry-limit' };
  const p = /^peer's NeedBackToSource is (true|false)/.exec(because);
  if (p) return { reason: p[1] === 'true' ? 'peer-needs-source' : 'schedule-count' };
  return null;
}

/**
 * The scheduler's settings that decide these orders: their keys in scheduler.yaml (scheduler.* , read
 * with `yaml:"…"` tags in scheduler/config/config.go) and in the Dragonfly Helm chart's values
 * (scheduler.config.scheduler.*, charts/dragonfly/values.yaml), with the code defaults by release
 * (scheduler/config/config.go and constants.go, checked at every tag from v2.0.2, where the keys first
 * appear; v2.0.9–v2.0.10 read the old retryBackSourceLimit too, config.go:612-613) and the chart's.
 */
export const SCHEDULER_RETRY_SETTINGS = {
  retryBackToSourceLimit:
    'scheduler.retryBackToSourceLimit (scheduler.yaml; chart value scheduler.config.scheduler.retryBackToSourceLimit; `retryBackSourceLimit` in v2.0.2–v2.0.8, v2.0.9–v2.0.10 reading both): code default 4 from v2.1.35, 3 in v2.1.31–v2.1.34, 10 in v2.1.29–v2.1.30, 5 in v2.0.2–v2.1.28; the chart sets 3 from dragonfly-1.3.11 (5 in 1.1.36–1.3.10)',
  retryInterval:
    'scheduler.retryInterval (chart scheduler.config.scheduler.retryInterval): code default 500ms from v2.1.35, 400ms in v2.1.31–v2.1.34, 300ms in v2.1.29–v2.1.30, 200ms in v2.1.28, 50ms in v2.0.2–v2.1.27; the chart sets 2s from dragonfly-1.5.0 (1s in 1.3.29–1.4.x, 50ms in 1.3.11–1.3.28, 700ms in 1.1.36–1.3.10)',
  backToSourceCount:
    'scheduler.backToSourceCount (chart scheduler.config.scheduler.backToSourceCount; `backSourceCount` in v2.0.2–v2.0.8, v2.0.9 reading both): the peers of one task the scheduler lets go to the origin; code default 200 from v2.1.31, 3 in v2.0.5–v2.1.30; the chart sets 200 from dragonfly-1.1.30 (3 before)',
  retryLimit:
    'scheduler.retryLimit (chart scheduler.config.scheduler.retryLimit): code default 5 from v2.1.31, 15 in v2.1.29–v2.1.30, 10 in v2.0.2–v2.1.28; the chart sets 5 from dragonfly-1.3.11 (7 in 1.1.36–1.3.10)',
} as const;
