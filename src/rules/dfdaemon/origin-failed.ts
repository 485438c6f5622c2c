// registry-roundtrip: dfdaemon's requests to the origin (the registry a blob went back-to-source to) failed.
// Rust logs each failed piece request as error!("backend get failed: {} {}", error_message, body) with the
// status's Display ("404 Not Found") or, for a request that could not be sent, reqwest's error
// (rust.log.backend-get-failed; v1.5.1 dragonfly-client/src/resource/piece.rs:570, :589), and a direct
// back-to-source that failed as "download from source error: {:?}" (resource/task.rs:533, :579, :624), its
// BackendError Debug-printed with status_code: Some(<code>). The scheduler's back-to-source order that
// fails is reported to the scheduler and logged by the piece line alone (task.rs:994-1013, :1821-1846). Go
// logs "back source status code %d/%s" (v2.1.49 client/daemon/peer/piece_manager.go:387) and "download from
// source error: %s" (peertask_conductor.go:515). The line's status or error says what to fix.
import type { LineRef, TaskTimeline } from '../../parsers/dfdaemon-timeline.js';
import { prose, tcpCheck } from '../steps.js';
import { defineRule } from '../rule.js';
import { pullTasks } from './pull.js';
import { describeTask, quote, refCount } from './text.js';

interface OriginFailedFinding {
  /** The tasks whose origin requests failed (of the last pull, else of the whole log), with what failed. */
  tasks: { task: TaskTimeline; failure?: string }[];
  /** Every failed origin request the log holds, the lines that name no task included. */
  lines: LineRef[];
  /** What the lines say failed, each once: a status ("404 Not Found") or an error ("timed out"). */
  failures: string[];
  /** Whether the failures are of the last pull (else older ones, or lines that name no task). */
  inLastPull: boolean;
  /** The origins the tasks' URLs name (at most three), to try from this node. */
  origins: { host: string; port: number }[];
}

/**
 * A storage failure the origin's download ends with (Go's "download from source error" repeats a piece's
 * "put piece to storage failed"): the disk's, dfdaemon.storage-full's to report.
 */
const DISK = /no space left on device|disk quota exceeded|read-only file system/i;

/** The errors of a request that got no answer, as reqwest/tokio (Rust) and Go's net/http print them. */
const NO_ANSWER: readonly (readonly [RegExp, string])[] = [
  [/TimedOut|timed out|i\/o timeout|deadline (?:has elapsed|exceeded)|Elapsed/, 'timed out'],
  [/connection refused|ConnectionRefused/i, 'connection refused'],
  [/connection reset|ConnectionReset|broken pipe|unexpected EOF|IncompleteMessage/i, 'connection cut off'],
  [/no such host|dns error|failed to lookup address/i, 'name not resolved'],
  [/certificate|tls|x509|InvalidCertificate/i, 'TLS failure'],
  [/error sending request/, 'request not sent (no connection)'],
  [/error decoding response body/, 'response body failed'],
];

/**
 * Go's source client lookup by the URL's scheme, which fails before any request is sent: "scheme %s: %w" with
 * ErrNoClientFound, "no source client found" (v2.1.49 pkg/source/source_client.go:44, :316-397; the same at
 * v2.3.4). An empty scheme is a registry URL written without https:// (proxy.registryMirror.url, or the
 * X-Dragonfly-Registry header the dynamic mirror takes: dragonflyoss/dragonfly#4006).
 */
const NO_CLIENT = /\bscheme (\S*): no source client found/;
const NO_CLIENT_FAILURE = /^no source client for scheme "(.*)"$/;

/** What an origin failure line says went wrong: the status it answered, else the error. */
export function originFailureOf(text: string): string | undefined {
  const scheme = NO_CLIENT.exec(text);
  if (scheme) return `no source client for scheme "${scheme[1] as string}"`;
  // Rust's piece line: "backend get failed: 404 Not Found <body>" (the status's Display, then the body)
  const piece = /^backend get failed: (\d{3}(?: [A-Z][A-Za-z'-]*)*)/.exec(text);
  if (piece) return piece[1];
  // Rust's Debug of Error::BackendError: BackendError { message: "404 Not Found", status_code: Some(404), … }
  const debug = /BackendError \{ message: "(\d{3}[^"]*)"/.exec(text);
  if (debug) return debug[1];
  // Go: "back source status code 404/404 Not Found", "… source response 404/404 Not Found is not valid"
  const go = /\b\d{3}\/(\d{3} [A-Za-z' -]+?)(?: is not valid|,|$)/.exec(text);
  if (go) return go[1];
  return NO_ANSWER.find(([re]) => re.test(text))?.[1];
}

const failedOf = (t: TaskTimeline) => t.originFailures.filter((r) => !DISK.test(r.text));

/** Where a status sends the reader, by its class. */
function meaning(failure: string): string | undefined {
  const scheme = NO_CLIENT_FAILURE.exec(failure)?.[1];
  if (scheme !== undefined)
    return scheme === ''
      ? `${failure}: nothing was sent — the URL dfdaemon was to fetch has no scheme, a registry URL written without https:// (the Go daemon's proxy.registryMirror.url, or the X-Dragonfly-Registry header containerd sends)`
      : `${failure}: nothing was sent — dfdaemon has no source client for that URL scheme`;
  const code = /^(\d{3})/.exec(failure)?.[1];
  if (code === '401' || code === '403')
    return `${failure}: the registry refused the request's credentials (a private registry: the pull secret or registry credentials the runtime sends)`;
  if (code === '404') return `${failure}: the registry does not hold that blob or manifest (the image reference)`;
  if (code === '429') return `${failure}: the registry's own rate limit (e.g. Docker Hub's pull limit)`;
  if (code?.startsWith('5')) return `${failure}: the registry itself failed`;
  if (code === undefined)
    return `${failure}: the registry did not answer, or stopped mid-answer (its reachability from this node, its speed)`;
  return undefined;
}

export const originFailed = defineRule<OriginFailedFinding>({
  meta: {
    id: 'dfdaemon.origin-failed',
    cause: 'registry-roundtrip',
    title: "dfdaemon's back-to-source requests to the origin registry failed",
    description:
      'Rust "backend get failed: <status> …" / "download from source error: …", Go "back source status code …" / "download from source error: …" lines (other than a full disk): the status or error the origin answered a blob with, per task; warning in the last pull, info for older ones or lines that name no task',
    severities: ['warning', 'info'],
    remediationSummary:
      'Make the origin registry answer this node: the status or error it gave names what to fix (credentials, the image reference, its rate limit, its reachability).',
  },

  detect(f) {
    const d = f.dfdaemon;
    if (!d?.logs) return null;
    const lines = d.logs.summary.originErrors.filter((r) => !DISK.test(r.text));
    if (lines.length === 0) return null;
    const recent = pullTasks(d).filter((t) => failedOf(t).length > 0);
    const tasks = recent.length > 0 ? recent : d.logs.summary.tasks.filter((t) => failedOf(t).length > 0);
    const failureOf = (refs: LineRef[]) =>
      refs.map((r) => originFailureOf(r.text)).find((x): x is string => x !== undefined);
    const origins = new Map<string, { host: string; port: number }>();
    for (const t of tasks) {
      const m = t.url ? /^(https?):\/\/([^/:?#\s]+)(?::(\d+))?/.exec(t.url) : null;
      if (!m || origins.size >= 3) continue;
      const port = m[3] ? Number(m[3]) : m[1] === 'https' ? 443 : 80;
      origins.set(`${m[2] as string}:${port}`, { host: m[2] as string, port });
    }
    return {
      severity: recent.length > 0 ? 'warning' : 'info',
      confidence: 0.8,
      data: {
        tasks: tasks.map((task) => {
          const failure = failureOf(failedOf(task));
          return failure ? { task, failure } : { task };
        }),
        lines,
        failures: [...new Set(lines.flatMap((r) => originFailureOf(r.text) ?? []))],
        inLastPull: recent.length > 0,
        origins: [...origins.values()],
      },
    };
  },

  evidence({ tasks, lines, failures, inLastPull }) {
    const where = inLastPull
      ? 'in the last pull'
      : tasks.length > 0
        ? 'in the log (none in the last pull)'
        : 'in the log';
    const out = [
      `${refCount(lines)} request(s) to the origin failed ${where}${failures.length > 0 ? `: ${failures.join(', ')}` : ''}`,
    ];
    for (const { task, failure } of tasks.slice(0, 4)) {
      out.push(
        `${describeTask(task)}: ${failure === undefined ? 'the origin request failed' : /^\d{3}/.test(failure) ? `the origin answered ${failure}` : `the origin request failed: ${failure}`}${task.failed ? '; the download failed' : ''}`,
      );
      out.push(`  ${quote(failedOf(task)[0] as LineRef)}`);
    }
    if (tasks.length === 0) for (const r of lines.slice(0, 2)) out.push(quote(r));
    return out;
  },

  steps({ failures, origins }) {
    const said = failures.flatMap((x) => meaning(x) ?? []);
    const unanswered = failures.some((x) => !/^\d{3}/.test(x) && !NO_CLIENT_FAILURE.test(x));
    return [
      prose(
        "A blob goes back-to-source when no parent has it (a first pull, or the scheduler's order): its pieces come from the origin registry, and a failed request fails the piece, then the download, which the runtime may retry or take from the registry itself.",
      ),
      ...(said.length > 0 ? [prose(`What the lines say: ${said.join('; ')}.`)] : []),
      ...(unanswered && origins.length > 0
        ? [prose('From this node, try the origin:'), ...origins.map((o) => tcpCheck(o.host, o.port))]
        : []),
    ];
  },
});
