import type { LineRef, TaskTimeline } from '../../parsers/dfdaemon-timeline.js';
import { prose, tcpCheck } from '../steps.js';
import { defineRule } from '../rule.js';
import { pullTasks } from './pull.js';
import { quote } from './text.js';

interface ParentFailureFinding {
  /** The tasks with pieces that failed from a parent (of the last pull, else of the whole log). */
  tasks: TaskTimeline[];
  failures: LineRef[];
  /** The parents the failed lines name (at most three): a host:port when the line has the URL. */
  parents: Parent[];
  /** Whether the failures are of the last pull (else older ones: context, not its cause). */
  inLastPull: boolean;
  /** The upload port this node's config gives, which a parent of the same deployment likely listens on. */
  uploadPort?: number;
}

interface Parent {
  /** As the line names it: a peer id, or host:port. */
  name: string;
  host?: string;
  port?: number;
  /** What the first line naming it says went wrong ("i/o timeout"), when it says it in words dfdoctor knows. */
  failure?: string;
}

/**
 * dragonflyoss/client's Error variants (dragonfly-client-core/src/error/mod.rs) a piece from a parent fails
 * with, as "download piece {} from parent {:?} error: {:?}" (v1.5.1 resource/task.rs:1338-1343) and
 * "download from parent error: {:?}" (:877, :1577) Debug-print them: a connect to the parent past the
 * TCP downloader's 2 s (TokioTimeErrorElapsed, from v1.0.22: v1.5.1 dragonfly-client-storage/src/client/
 * tcp.rs:256-260, client/mod.rs:35), a piece whose bytes were not all stored within
 * storage.writePieceTimeout (DownloadPieceFinishedTimeout, from v1.0.22: storage/src/lib.rs:818, :876),
 * the parent's error answer on the piece protocol (VortexProtocolStatus(<code>, "<message>"), from v1.0.22:
 * client/tcp.rs:362-375), a gRPC status from the parent's upload server (TonicStatus(Status { code: … }),
 * tonic's Debug), and a piece every parent failed for (DownloadFromParentFailed, from v0.1.126:
 * resource/task.rs:1348-1355). A wrapped cause prints inside, after the variant: the last match wins.
 */
const RUST_FAILURE =
  'TokioTimeErrorElapsed|DownloadPieceFinishedTimeout|VortexProtocolStatus\\(\\w+|Status \\{ code: \\w+|DownloadFromParentFailed';

/**
 * The errors of a connection to a parent, as the daemons print them: Go's net package ("dial tcp …:
 * i/o timeout", "connect: connection refused", "read: connection reset by peer"), its HTTP client
 * ("context deadline exceeded"), Go's "download <url> with error status: 404 Not Found"
 * (piece_downloader.go:119), Go storage's "short read" for a parent's body that ended before the piece
 * did (v2.1.49 client/daemon/storage/const.go:33, in "put piece to storage failed"), Rust's std/tokio errors ("Connection refused (os error 111)",
 * "deadline has elapsed"), and the Rust client's own errors as the piece lines print them with {:?}
 * (RUST_FAILURE).
 */
const FAILURE = new RegExp(
  `i\\/o timeout|connection refused|no route to host|network is unreachable|connection reset by peer|context deadline exceeded|deadline has elapsed|timed out|broken pipe|unexpected EOF|short read|error status: \\d{3}[^,]*|${RUST_FAILURE}`,
  'gi',
);

/** Where a quote of a failed line should show: the error with the address it names, when it names one. */
const FAILURE_IN_CONTEXT = new RegExp(`(?:(?:dial|read|write) tcp \\S+: (?:\\w+: )?)?(?:${FAILURE.source})`, 'i');

/** What a failure says of the parent, for the steps: the first entry whose pattern it matches. */
const MEANINGS: readonly (readonly [RegExp, string])[] = [
  [
    /DownloadPieceFinishedTimeout/,
    "stalled: the parent answered, but the piece's bytes did not all come within storage.writePieceTimeout (a parent too slow or stuck mid-piece)",
  ],
  [
    /VortexProtocolStatus/,
    'answered with an error: the parent took the request and refused the piece (the code names why)',
  ],
  [
    /DownloadFromParentFailed/,
    'every parent failed: each parent the scheduler gave for that piece failed (the lines before say how)',
  ],
  [/gRPC status Unavailable/, "unavailable: the parent's upload server could not be reached"],
  [
    /timeout|timed out|deadline|elapsed/i,
    'timed out: no answer came in time (the host is gone, a firewall drops the packets, or the parent was too busy to answer)',
  ],
  [
    /refused/i,
    'refused: the host answered, but nothing listened on that port (its dfdaemon was down or restarting, or listens on another port)',
  ],
  [/no route|unreachable/i, 'no route: the host is gone, or the network between the nodes does not reach it'],
  [
    /reset|broken pipe|EOF|short read/i,
    "cut off: the connection broke mid-way (the parent's dfdaemon restarted or dropped it)",
  ],
  [/status: 404/, 'a 404: the parent no longer held the piece (its cache was cleaned or the task removed)'],
];

/** The failure a line names last (Go wraps an error's cause last). */
function failureOf(text: string): string | undefined {
  let last: string | undefined;
  for (const m of text.matchAll(FAILURE)) last = m[0];
  // Rust's Debug, as words: "Status { code: Unavailable" is a gRPC status, "VortexProtocolStatus(NotFound" the
  // parent's answer
  return last
    ?.replace(/^Status \{ code: (\w+)$/, 'gRPC status $1')
    .replace(/^VortexProtocolStatus\((\w+)$/, 'VortexProtocolStatus($1)');
}

export const parentFailures = defineRule<ParentFailureFinding>({
  meta: {
    id: 'dfdaemon.parent-failures',
    cause: 'dfdaemon-scheduler',
    title: 'Pieces failed from the parents the scheduler assigned',
    description:
      'Go "download piece failed" or "put piece to storage failed" whose error is the parent\'s stream (not the disk), or Rust "download piece … from parent … error" / "download from parent error" lines (other than digest mismatches) in the last pull; info for older ones',
    severities: ['warning', 'info'],
    remediationSummary:
      'Make the parents reachable from this node on their upload port, or get the hosts that are gone out of the scheduler.',
  },

  detect(f) {
    const d = f.dfdaemon;
    if (!d?.logs) return null;
    const recent = pullTasks(d).filter((t) => t.pieceFailures.length > 0);
    const tasks = recent.length > 0 ? recent : d.logs.summary.tasks.filter((t) => t.pieceFailures.length > 0);
    if (tasks.length === 0) return null;
    const failures = tasks.flatMap((t) => t.pieceFailures);
    const parents = new Map<string, Parent>();
    for (const x of failures) {
      const p = parentOf(x.text);
      if (!p || parents.has(p.name) || parents.size >= 3) continue;
      const failure = failureOf(x.text);
      parents.set(p.name, failure ? { ...p, failure } : p);
    }
    return {
      severity: recent.length > 0 ? 'warning' : 'info',
      confidence: 0.7,
      data: {
        tasks,
        failures,
        parents: [...parents.values()],
        inLastPull: recent.length > 0,
        ...(d.ports?.upload ? { uploadPort: d.ports.upload } : {}),
      },
    };
  },

  evidence({ tasks, failures, parents, inLastPull }) {
    return [
      `${failures.length} piece${failures.length === 1 ? '' : 's'} of ${tasks.length} task${tasks.length === 1 ? '' : 's'} ${inLastPull ? 'of the last pull' : 'logged (none of the last pull)'} failed from a parent${parents.length > 0 ? `: ${parents.map((p) => (p.failure ? `${p.name} (${p.failure})` : p.name)).join(', ')}` : ''}`,
      ...failures.slice(0, 3).map((x) => quote(x, FAILURE_IN_CONTEXT)),
    ];
  },

  steps({ parents, uploadPort }) {
    const meanings = [
      ...new Set(parents.flatMap((p) => MEANINGS.find(([re]) => p.failure && re.test(p.failure))?.[1] ?? [])),
    ];
    const reachable = parents.flatMap((p) => {
      const port = p.port ?? uploadPort;
      return p.host && port ? [tcpCheck(p.host, port)] : [];
    });
    return [
      prose(
        'Each failed piece waited on its parent (to connect, or for the piece) before the daemon asked another parent or the origin for it. A parent that cannot be reached is a host that is gone (a node scaled away that the scheduler still hands out) or an upload port closed between the nodes (a firewall, a cloud security group).',
      ),
      ...(meanings.length > 0 ? [prose(`What the lines say: ${meanings.join('; ')}.`)] : []),
      ...(reachable.length > 0
        ? [
            prose(
              `From this node, try each parent's upload port${parents.some((p) => p.port === undefined) && uploadPort ? ` (${uploadPort}, the port this node's config gives, where the line does not say)` : ''}:`,
            ),
            ...reachable,
          ]
        : [prose("From this node, try each parent's upload port (the line names the parent, not its port).")]),
    ];
  },
});

/**
 * The parent a failed piece line names: the URL of Go's error ("connect with http://<host:port>/download/…",
 * piece_downloader.go:117), else its peer id (Go "…, from peer: <id>", often past the part of a long line
 * that is kept; Rust `from parent "<id>"`). A peer id starts with its host's IP.
 */
function parentOf(text: string): Parent | undefined {
  // Go's "put piece to storage failed, …, error: read tcp <local>-><parent>:<port>: …" (net.OpError) names
  // the parent's upload address as the connection's remote end
  const url =
    /connect with https?:\/\/([^/\s:]+):(\d+)\//.exec(text) ??
    /\bread tcp \S+->(\d{1,3}(?:\.\d{1,3}){3}):(\d+): /.exec(text);
  if (url) return { name: `${url[1]}:${url[2]}`, host: url[1] as string, port: Number(url[2]) };
  // Rust's "download from parent error: DownloadFromParentFailed(DownloadFromParentFailed { …, parent_id: "<id>" })"
  // names the last parent tried (dragonfly-client-core/src/error/errors.rs:174-183, derived Debug)
  const name = quotedParent(text) ?? /from peer: (\S+)/.exec(text)?.[1] ?? /\bparent_id: "([^"]+)"/.exec(text)?.[1];
  if (!name) return undefined;
  const ip = /^(\d{1,3}(?:\.\d{1,3}){3})-/.exec(name)?.[1];
  return ip ? { name, host: ip } : { name };
}

/** The parent's id a Rust line quotes: error!("download piece {} from parent {:?} error: …"). */
export function quotedParent(text: string): string | undefined {
  return /from parent "([^"]+)"/.exec(text)?.[1];
}
