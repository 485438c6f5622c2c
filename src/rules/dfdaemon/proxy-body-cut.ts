// A response dfdaemon's proxy cut short: Go's ReverseProxy had sent the status and headers when the read of
// the body failed, so it logged "httputil: ReverseProxy read error during body copy: <err>" on the std
// logger and aborted the handler (panic(http.ErrAbortHandler)): the client's connection closed mid-body
// (golang/go src/net/http/httputil/reverseproxy.go copyBuffer and ServeHTTP; GO_STDLOG_BODY_COPY_ERROR).
// The client's download of that blob failed: containerd reconnects from where the body stopped with a
// Range request from v1.5.8 (up to 3 times without progress, remotes/docker/httpreadseeker.go:57-76
// @v1.7.20, maxRetry :28), releases before it and clients without such a retry fail it. No host
// fallback helps: the mirror had answered.
//
// For a P2P request that body is the stream task's pipe, closed with "stream close with peer task fail:
// <code>/<reason>" when the peer task fails after the response began (v2.1.0
// client/daemon/peer/peertask_stream.go:256-258). "receive exit peer packet with code <n>" is the
// scheduler ending the task (isExitPeerPacketCode, v2.1.0 peertask_conductor.go:833-845). The code the
// scheduler sends most, 5006 SchedTaskStatusError (d7y api v2.0.16 common.proto:68), has two causes
// (dragonfly v2.1.0): scheduling the peer exceeded scheduler.retryLimit (v2.1.0's default 10, 50 ms apart,
// scheduler/config/constants.go:73, :76; other releases' in SCHEDULER_RETRY_SETTINGS) with no parent found,
// which happens when the task may not send this peer to the origin either (after retryBackToSourceLimit,
// v2.1.0's default 5, tries it would: at most backToSourceCount peers of a task, v2.1.0's default 3, go
// back to the source, constants.go:67, :70;
// scheduler/scheduling/scheduling.go:225-309, resource/task.go:462-464), or more than 200 peers of the
// task had failed (FailedPeerCountLimit, resource/task.go:50; service/service_v1.go:1325-1331).
import type { LineRef } from '../../parsers/dfdaemon-timeline.js';
import { D7Y_CODES, GO_STREAM_TASK_FAILED } from '../../knowledge/dfdaemon-go.js';
import { SCHEDULER_RETRY_SETTINGS } from '../../knowledge/dragonfly-scheduler.js';
import type { Step } from '../../report/model.js';
import { cmd, prose } from '../steps.js';
import { defineRule } from '../rule.js';
import { quote, refCount, SCHEDULER_LOGS } from './text.js';

/** The P2P task failure a cut line names: its code and reason. */
interface TaskFail {
  ref: LineRef;
  code: number;
  reason: string;
}

interface BodyCutFinding {
  cuts: LineRef[];
  fails: TaskFail[];
}

const TASK_FAIL = new RegExp(`${GO_STREAM_TASK_FAILED.entries[0]!.value}(\\d+)/(.*)$`);
/**
 * The client went away: the stream task's context was cancelled with the request ("context done due to:
 * context canceled", peertask_stream.go:251-255@v2.1.0); Go leaves out a bare context.Canceled itself.
 */
const CLIENT_GONE = /context canceled\s*$/;
/** The scheduler ended the task (isExitPeerPacketCode). */
const EXIT_PACKET = /^receive exit peer packet with code \d+/;

const codeName = (c: number) => `${c}${D7Y_CODES[c] ? ` (${D7Y_CODES[c]})` : ''}`;

function taskFail(ref: LineRef): TaskFail | null {
  const m = TASK_FAIL.exec(ref.text);
  return m ? { ref, code: Number(m[1]), reason: (m[2] as string).trim() } : null;
}

export const proxyBodyCut = defineRule<BodyCutFinding>({
  meta: {
    id: 'dfdaemon.proxy-body-cut',
    cause: 'dfdaemon-scheduler',
    title: "dfdaemon's proxy cut responses off mid-body: the P2P task failed after the download began",
    description:
      'Go std-log "httputil: ReverseProxy read error during body copy: …": the proxy had sent the headers when the body failed, so the client got a body cut short and its download failed. Critical when the body was a P2P task that failed ("stream close with peer task fail: <code>/<reason>"; 5006 = the scheduler gave up on the task: no parent within its retry limit while the task\'s back-to-source quota was taken, or too many failed peers), warning for another read error; a client that went away ("context canceled") is left out',
    severities: ['critical', 'warning'],
    remediationSummary:
      "Find why the body dfdaemon's proxy was streaming failed: the downloads that got it were cut short.",
  },

  detect(f) {
    const s = f.dfdaemon?.logs?.summary;
    const cuts = (s?.proxyBodyCut ?? []).filter((r) => !CLIENT_GONE.test(r.text));
    if (cuts.length === 0) return null;
    const fails = cuts.map(taskFail).filter((t): t is TaskFail => t !== null);
    return {
      severity: fails.length > 0 ? 'critical' : 'warning',
      confidence: fails.length > 0 ? 0.9 : 0.7,
      ...(fails.length > 0
        ? {}
        : { title: "dfdaemon's proxy cut responses off mid-body: the body it was streaming failed" }),
      data: { cuts, fails },
    };
  },

  evidence({ cuts, fails }) {
    const out = [
      `${refCount(cuts)} proxied response(s) cut off mid-body, first ${quote(fails[0]?.ref ?? cuts[0]!)}`,
      "Go's ReverseProxy had already sent the status and headers when the read of the body failed: it aborted the response, so the client got a body cut short and its download of that blob failed (containerd from v1.5.8 asks again for the rest with a Range request, up to 3 times without progress; older releases and clients without such a retry fail the pull). No fallback to another host helps: the mirror had answered",
    ];
    if (fails.length > 0) {
      const codes = [...new Set(fails.map((t) => t.code))];
      const exit = fails.some((t) => EXIT_PACKET.test(t.reason));
      out.push(
        `the body was a P2P download, and its peer task failed with code ${codes.map(codeName).join(', ')}${exit ? ': "receive exit peer packet" is the scheduler ending the task' : ''}`,
      );
      if (codes.includes(5006))
        out.push(
          `5006 (SchedTaskStatusError): the scheduler gave up on the task. Either it found this peer no parent within scheduler.retryLimit tries, scheduler.retryInterval apart, and could not send it to the origin either, the task's back-to-source quota (scheduler.backToSourceCount peers per task) being taken, which many nodes starting one large blob at once reach; or more than 200 peers of the task had failed. The defaults differ by release: ${SCHEDULER_RETRY_SETTINGS.retryLimit}; ${SCHEDULER_RETRY_SETTINGS.retryInterval}; ${SCHEDULER_RETRY_SETTINGS.backToSourceCount}`,
        );
    }
    return out;
  },

  summary({ fails }) {
    if (fails.some((t) => t.code === 5006))
      return "Find why the scheduler gave up on these P2P tasks (no parent in time while the task's back-to-source quota was taken, or too many failed peers): their responses were cut off mid-body and the downloads failed.";
    if (fails.length > 0)
      return 'Find why these P2P tasks failed after their responses began: the responses were cut off mid-body and the downloads failed.';
    return "Find why the body dfdaemon's proxy was streaming failed: the downloads that got it were cut short.";
  },

  steps({ fails }) {
    const steps: Step[] = [];
    if (fails.length > 0) {
      steps.push(
        cmd(
          "grep -E 'stream close with peer task fail|receive exit peer packet' /var/log/dragonfly/daemon/core.log | tail -n 20    # the failed tasks, with their task and peer ids",
        ),
        cmd(`${SCHEDULER_LOGS} | grep -E '<task id>|exceeded RetryLimit'    # the scheduler's view of that task`),
      );
      if (fails.some((t) => t.code === 5006))
        steps.push(
          prose(
            "\"send SchedulePeerFailed to peer, because of scheduling exceeded RetryLimit\" in the scheduler's log is the first cause: no peer held the task's pieces for this one in time, and its back-to-source quota was taken. Check that the seed peers are up and took the task (the seed peers' log of that task id: component=seed-peer, seed-client from chart 1.1; their download from the registry), and how long the peers that did go back to the source took. When many nodes start the same large blob at once, raise scheduler.backToSourceCount or scheduler.retryLimit/retryInterval in the scheduler's config, or preheat the image into the seed peers. Without that line, the task had more than 200 failed peers: read why those peers failed in their dfdaemon logs.",
          ),
        );
      else
        steps.push(
          prose(
            "Read the failure of that task in dfdaemon's core.log (its task id) and, for a 5xxx code, in the scheduler's log: the code names who gave up on it.",
          ),
        );
    } else {
      steps.push(
        cmd(
          "grep -E 'ReverseProxy read error|write to pipe error|context done due to' /var/log/dragonfly/daemon/*.log | tail -n 20",
        ),
        prose(
          "The error after \"during body copy:\" is what dfdaemon's body read failed with: the registry's connection (a direct request), or dfdaemon's own storage or pipe for a P2P one. Fix that source; the client's download fails with it.",
        ),
      );
    }
    return steps;
  },
});
