// Writes dfdaemon log lines in the real layouts of both generations (Go: dragonflyoss/dragonfly v2.1.49
// internal/dflog/logcore.go; Rust: dragonflyoss/client dragonfly-client/src/tracing/mod.rs),
// using only messages found in the Dragonfly sources. Used by tests, fixtures and the log benchmark.
import { compareRelease, parseRelease } from '../../src/knowledge/versioned.js';

export interface GoTask {
  startMs: number;
  peer: string;
  task: string;
  url: string;
  size: number;
  mode: 'hit' | 'p2p' | 'source' | 'timeout-source';
  costMs: number;
  registerMs?: number;
  scheduleTimeout?: string;
  pieceSize?: number;
  /** Log DEBUG lines (verbose: true). */
  verbose?: boolean;
  parentPeer?: string;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** zap "2006-01-02 15:04:05.000" as the Go dfdaemon writes it (zone-less; UTC here). */
export function zapTs(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`;
}

export function goJson(
  ms: number,
  level: 'debug' | 'info' | 'warn' | 'error',
  caller: string,
  msg: string,
  fields: Record<string, string> = {},
): string {
  const o: Record<string, string> = { level, ts: zapTs(ms), caller, msg, ...fields };
  if (level === 'warn' || level === 'error')
    o.stacktrace =
      'd7y.io/dragonfly/v2/client/daemon/peer.(*peerTaskConductor).register\n\t/go/src/d7y.io/dragonfly/v2/client/daemon/peer/peertask_conductor.go:296';
  return JSON.stringify(o);
}

export function goConsole(
  ms: number,
  level: 'debug' | 'info' | 'warn' | 'error',
  caller: string,
  msg: string,
  fields: Record<string, string> = {},
): string {
  const f =
    Object.keys(fields).length > 0 ? `\t${JSON.stringify(fields).replace(/":"/g, '": "').replace(/","/g, '", "')}` : '';
  return `${new Date(ms).toISOString()}\t${level.toUpperCase()}\t${caller}\t${msg}${f}`;
}

type GoLine = (
  ms: number,
  level: 'debug' | 'info' | 'warn' | 'error',
  caller: string,
  msg: string,
  fields?: Record<string, string>,
) => string;

/** One proxied blob request handled by the Go dfdaemon, as core.log shows it. */
export function goTaskLines(t: GoTask, line: GoLine = goJson): string[] {
  const out: string[] = [];
  const tr = { peer: t.peer, component: 'transport', task: t.task };
  const pt = { peer: t.peer, task: t.task, component: 'PeerTask' };
  let now = t.startMs;
  if (t.verbose) out.push(line(now, 'debug', 'transport/transport.go:242', `round trip with dragonfly: ${t.url}`));
  out.push(line(now, 'info', 'transport/transport.go:338', `start download with url: ${t.url}`, tr));
  if (t.mode === 'hit') {
    out.push(
      line(
        now + 1,
        'info',
        'peer/peertask_reuse.go:268',
        `reuse from peer task: ${t.parentPeer ?? `${t.peer.split('-')[0]}-1-0f3c5d2e-9b1a-4c8e-a1d2-3e4f5a6b7c8d`}, total size: ${t.size}`,
        { peer: t.peer, task: t.task, component: 'reuseStreamPeerTask' },
      ),
    );
    out.push(
      line(
        now + 2,
        'info',
        'transport/transport.go:385',
        `download stream attribute: map[Content-Length:[${t.size}] X-Dragonfly-Peer:[${t.peer}] X-Dragonfly-Task:[${t.task}]]`,
        tr,
      ),
    );
    return out;
  }
  out.push(line(now, 'info', 'peer/peertask_conductor.go:277', `step 1: peer ${t.peer} start to register`, pt));
  const reg = t.registerMs ?? 12;
  if (t.mode === 'timeout-source') {
    now += reg;
    out.push(
      line(
        now,
        'error',
        'peer/peertask_conductor.go:280',
        `scheduler did not response in ${t.scheduleTimeout ?? '30s'}`,
        pt,
      ),
    );
    out.push(
      line(
        now,
        'error',
        'peer/peertask_conductor.go:282',
        `step 1: peer ${t.peer} register failed: context deadline exceeded`,
        pt,
      ),
    );
    out.push(
      line(
        now,
        'warn',
        'peer/peertask_conductor.go:296',
        `register peer task failed: context deadline exceeded, peer id: ${t.peer}, try to back source`,
        pt,
      ),
    );
  } else {
    now += reg;
    out.push(line(now, 'info', 'peer/peertask_conductor.go:307', 'register task success, SizeScope: NORMAL', pt));
  }
  out.push(line(now + 1, 'info', 'peer/peertask_conductor.go:369', 'step 2: start report piece result', pt));
  out.push(
    line(
      now + 5,
      'info',
      'transport/transport.go:385',
      `download stream attribute: map[Content-Length:[${t.size}] X-Dragonfly-Peer:[${t.peer}] X-Dragonfly-Task:[${t.task}]]`,
      tr,
    ),
  );
  const end = t.startMs + t.costMs;
  const pieceSize = t.pieceSize ?? 4 * 1024 * 1024;
  const pieces = Math.max(1, Math.ceil(t.size / pieceSize));
  if (t.mode === 'p2p') {
    const parent = t.parentPeer ?? '10.0.3.17-7-6d1f0c2a-2b1e-4f7d-9a3c-5e8f7a6b5c4d';
    out.push(
      line(now + 3, 'info', 'peer/peertask_conductor.go:764', `receive new peer packet, main peer: ${parent}`, pt),
    );
    if (t.verbose) {
      for (let i = 0; i < pieces; i++) {
        const at = now + 4 + Math.round(((end - now - 4) * i) / pieces);
        out.push(
          line(
            at,
            'debug',
            'peer/peertask_conductor.go:1113',
            `peer download worker #${i % 4} receive piece task, dest peer id: ${parent}, piece num: ${i}, range start: ${i * pieceSize}, range size: ${Math.min(pieceSize, t.size - i * pieceSize)}`,
            pt,
          ),
        );
      }
    }
  } else {
    if (t.mode === 'source')
      out.push(line(now + 2, 'info', 'peer/peertask_conductor.go:738', 'receive back source code', pt));
    out.push(line(now + 3, 'info', 'peer/piece_manager.go:318', 'start to download from source', pt));
    out.push(line(end - 1, 'info', 'peer/peertask_conductor.go:421', 'download from source ok', pt));
  }
  out.push(line(end, 'info', 'peer/peertask_conductor.go:1393', `peer task done, cost: ${t.costMs}ms`, pt));
  out.push(line(end + 3, 'info', 'peer/peertask_conductor.go:1466', 'step 3: report successful peer result ok', pt));
  return out;
}

/** Startup lines of the Go daemon (piece manager settings). */
export function goStartupLines(
  ms: number,
  limitBytes: number,
  calculateDigest: boolean,
  line: GoLine = goJson,
): string[] {
  return [
    line(ms, 'info', 'peer/piece_manager.go:92', `set calculateDigest to ${calculateDigest} for piece manager`),
    line(ms, 'info', 'peer/piece_manager.go:100', `set download limiter ${limitBytes.toFixed(6)} for piece manager`),
  ];
}

export function goDirect(ms: number, method: string, url: string, line: GoLine = goJson): string {
  return line(ms, 'debug', 'transport/transport.go:246', `round trip directly, method: ${method}, url: ${url}`);
}

// ---- Rust ------------------------------------------------------------------------------------

/** RFC 3339 with nanoseconds and offset, as ChronoLocal::rfc_3339 prints in UTC. */
export function rustTs(ms: number, extraNs = 123456): string {
  return new Date(ms)
    .toISOString()
    .replace(/\.(\d{3})Z$/, (_m, f: string) => `.${f}${String(extraNs).padStart(6, '0')}+00:00`);
}

export function rustCompact(
  ms: number,
  level: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR',
  spans: string,
  file: string,
  msg: string,
  spanFields = '',
): string {
  return `${rustTs(ms)} ${level.padStart(5)} ${spans ? `${spans}: ` : ''}${file}: ${msg}${spanFields ? ` ${spanFields}` : ''}`;
}

export interface RustTask {
  startMs: number;
  host: string;
  peer: string;
  task: string;
  url: string;
  size: number;
  mode: 'hit' | 'p2p' | 'source';
  costMs: number;
  series: 'v0' | 'v1';
  parent?: string;
  pieceSize?: number;
  /**
   * The release that writes the log, for its levels: from v1.4.1 the piece lines and "download task
   * succeeded" are DEBUG (v1.5.1 dragonfly-client/src/resource/piece.rs:375, resource/task.rs:1474-1476,
   * grpc/dfdaemon_download.rs:548, proxy/task.rs:262), INFO before (v1.4.0). None: a release before v1.4.1.
   */
  release?: string;
  /** The daemon logs at DEBUG (`--log-level debug`; INFO, the default, leaves DEBUG lines out). */
  debug?: boolean;
  /**
   * mode 'source' only: the scheduler path failed with this error (its Debug form), and the task went to
   * the origin on its own (v1.5.1 resource/task.rs:556, :568-584), not on the scheduler's order.
   */
  schedulerError?: string;
}

/**
 * Where each release logs INFO "download task started: {:?}" for a proxy pull, as [first release, file:line]
 * (every tag of dragonflyoss/client searched): the download gRPC server's download_task, which the proxy
 * called through until v1.4.0, then the proxy's own download (proxy/task.rs, v1.4.1 on).
 */
const TASK_STARTED_AT: readonly (readonly [string, string])[] = [
  ['v0.1.0', 'src/grpc/dfdaemon_download.rs:181'],
  ['v0.1.8', 'src/grpc/dfdaemon_download.rs:185'],
  ['v0.1.13', 'src/grpc/dfdaemon_download.rs:186'],
  ['v0.1.14', 'src/grpc/dfdaemon_download.rs:195'],
  ['v0.1.15', 'src/grpc/dfdaemon_download.rs:190'],
  ['v0.1.17', 'dragonfly-client/src/grpc/dfdaemon_download.rs:192'],
  ['v0.1.29', 'dragonfly-client/src/grpc/dfdaemon_download.rs:197'],
  ['v0.1.31', 'dragonfly-client/src/grpc/dfdaemon_download.rs:200'],
  ['v0.1.32', 'dragonfly-client/src/grpc/dfdaemon_download.rs:201'],
  ['v0.1.47', 'dragonfly-client/src/grpc/dfdaemon_download.rs:208'],
  ['v0.1.82', 'dragonfly-client/src/grpc/dfdaemon_download.rs:210'],
  ['v0.1.83', 'dragonfly-client/src/grpc/dfdaemon_download.rs:218'],
  ['v0.1.84', 'dragonfly-client/src/grpc/dfdaemon_download.rs:220'],
  ['v0.1.85', 'dragonfly-client/src/grpc/dfdaemon_download.rs:221'],
  ['v0.1.96', 'dragonfly-client/src/grpc/dfdaemon_download.rs:224'],
  ['v0.1.98', 'dragonfly-client/src/grpc/dfdaemon_download.rs:223'],
  ['v0.1.104', 'dragonfly-client/src/grpc/dfdaemon_download.rs:226'],
  ['v0.1.107', 'dragonfly-client/src/grpc/dfdaemon_download.rs:225'],
  ['v0.1.110', 'dragonfly-client/src/grpc/dfdaemon_download.rs:226'],
  ['v0.1.112', 'dragonfly-client/src/grpc/dfdaemon_download.rs:227'],
  ['v0.1.114', 'dragonfly-client/src/grpc/dfdaemon_download.rs:223'],
  ['v0.1.117', 'dragonfly-client/src/grpc/dfdaemon_download.rs:220'],
  ['v0.1.118', 'dragonfly-client/src/grpc/dfdaemon_download.rs:227'],
  ['v0.1.121', 'dragonfly-client/src/grpc/dfdaemon_download.rs:230'],
  ['v0.1.123', 'dragonfly-client/src/grpc/dfdaemon_download.rs:241'],
  ['v0.2.12', 'dragonfly-client/src/grpc/dfdaemon_download.rs:259'],
  ['v0.2.13', 'dragonfly-client/src/grpc/dfdaemon_download.rs:260'],
  ['v0.2.15', 'dragonfly-client/src/grpc/dfdaemon_download.rs:261'],
  ['v0.2.21', 'dragonfly-client/src/grpc/dfdaemon_download.rs:262'],
  ['v0.2.25', 'dragonfly-client/src/grpc/dfdaemon_download.rs:268'],
  ['v0.2.31', 'dragonfly-client/src/grpc/dfdaemon_download.rs:278'],
  ['v0.2.34', 'dragonfly-client/src/grpc/dfdaemon_download.rs:279'],
  ['v0.2.36', 'dragonfly-client/src/grpc/dfdaemon_download.rs:280'],
  ['v0.2.41', 'dragonfly-client/src/grpc/dfdaemon_download.rs:281'],
  ['v1.0.3', 'dragonfly-client/src/grpc/dfdaemon_download.rs:288'],
  ['v1.0.4', 'dragonfly-client/src/grpc/dfdaemon_download.rs:295'],
  ['v1.0.10', 'dragonfly-client/src/grpc/dfdaemon_download.rs:296'],
  ['v1.0.19', 'dragonfly-client/src/grpc/dfdaemon_download.rs:297'],
  ['v1.0.23', 'dragonfly-client/src/grpc/dfdaemon_download.rs:298'],
  ['v1.1.3', 'dragonfly-client/src/grpc/dfdaemon_download.rs:299'],
  ['v1.1.4', 'dragonfly-client/src/grpc/dfdaemon_download.rs:308'],
  ['v1.1.8', 'dragonfly-client/src/grpc/dfdaemon_download.rs:310'],
  ['v1.1.10', 'dragonfly-client/src/grpc/dfdaemon_download.rs:319'],
  ['v1.2.9', 'dragonfly-client/src/grpc/dfdaemon_download.rs:332'],
  ['v1.2.11', 'dragonfly-client/src/grpc/dfdaemon_download.rs:368'],
  ['v1.2.12', 'dragonfly-client/src/grpc/dfdaemon_download.rs:375'],
  ['v1.2.16', 'dragonfly-client/src/grpc/dfdaemon_download.rs:383'],
  ['v1.2.17', 'dragonfly-client/src/grpc/dfdaemon_download.rs:384'],
  ['v1.2.19', 'dragonfly-client/src/grpc/dfdaemon_download.rs:393'],
  ['v1.3.9', 'dragonfly-client/src/grpc/dfdaemon_download.rs:394'],
  ['v1.4.1', 'dragonfly-client/src/proxy/task.rs:135'],
  ['v1.4.2', 'dragonfly-client/src/proxy/task.rs:127'],
];

function atLeast(release: string, from: string): boolean {
  const v = parseRelease(release);
  const f = parseRelease(from);
  return v !== null && f !== null && compareRelease(v, f) >= 0;
}

/** The line and span fields of a task's "download task started", as its release prints them. */
export function rustTaskStarted(t: RustTask): string {
  const ids = `host_id="${t.host}" task_id="${t.task}" peer_id="${t.peer}"`;
  // a log with no release: the form this generator wrote before it knew releases (v0.1.85–v0.1.95's place)
  const legacy = `download task started: Download { url: "${t.url}", digest: None, range: None, type: 0, tag: None, application: None, priority: 0, filtered_query_params: [], request_header: {}, piece_length: None, output_path: None, timeout: None, need_back_to_source: false }`;
  if (t.release === undefined)
    return rustCompact(
      t.startMs,
      'INFO',
      'download_task',
      'dragonfly-client/src/grpc/dfdaemon_download.rs:221',
      legacy,
      `${ids} url="${t.url}"`,
    );
  const release = t.release;
  const at = TASK_STARTED_AT.filter(([from]) => atLeast(release, from)).at(-1);
  if (!at) throw new Error(`rustTaskStarted: no "download task started" place known for ${release}`);
  // the generated pulls come to the proxy from containerd on this node
  const remoteIp = '127.0.0.1';
  if (atLeast(release, 'v1.4.1')) {
    // proxy/task.rs download (span fields recorded before the line: v1.4.1 :50-53, :126-133; v1.5.1 :50,
    // :122-124, content_length only after it), called from the INFO spans http_handler and
    // proxy_via_dfdaemon (v1.5.1 proxy/mod.rs:425, :800; handler and registry_mirror_http_handler are DEBUG)
    if (!atLeast(release, 'v1.5.0'))
      throw new Error(`rustTaskStarted: the RedactedDownload form of ${release} is not written here`);
    // RedactedDownload's Debug (v1.5.1 dragonfly-client-util/src/types/redacted.rs:97-115): key headers only
    // (range, user-agent, host, x-request-id, :143-152), Host taken off by the proxy (proxy/mod.rs:1285)
    const msg = `download task started: Download { url: "${t.url}", range: None, tag: None, application: None, piece_length: None, output_path: None, prefetch: false, is_prefetch: false, remote_ip: Some("${remoteIp}"), request_header: {}, object_storage: None, hdfs: None, hugging_face: None, model_scope: None, .. }`;
    const fields = atLeast(release, 'v1.4.2') ? ids : `${ids} url="${t.url}" remote_ip="${remoteIp}"`;
    return rustCompact(t.startMs, 'INFO', 'http_handler:proxy_via_dfdaemon:download', at[1], msg, fields);
  }
  // the download gRPC server's download_task span: host_id, task_id, peer_id (v0.1.0
  // src/grpc/dfdaemon_download.rs:139, :176-178), then url (v0.2.36 dragonfly-client/src/grpc/
  // dfdaemon_download.rs:225), then remote_ip (v1.0.4 :235, :284-291). The Download's own Debug (prost's,
  // of the dragonfly-api release the client pins) is left abridged: url first, as every release prints it
  let fields = ids;
  if (atLeast(release, 'v0.2.36')) fields += ` url="${t.url}"`;
  if (atLeast(release, 'v1.0.4')) fields += ` remote_ip="${remoteIp}"`;
  return rustCompact(t.startMs, 'INFO', 'download_task', at[1], legacy, fields);
}

/** Releases from v1.4.1 on write piece lines and "download task succeeded" at DEBUG. */
function quietRelease(release: string | undefined): boolean {
  const v = release === undefined ? null : parseRelease(release);
  const from = parseRelease('v1.4.1');
  return v !== null && from !== null && compareRelease(v, from) >= 0;
}

/**
 * Where and how a release prints a task's lines: each entry is the file:line of the macro call (what the
 * compact layout shows) and the wording. The piece id is `<task>-<n>`; a parent's id is Option<String>,
 * Debug-printed (PieceMetadata.parent_id, dragonfly-client-storage/src/metadata.rs).
 */
interface RustTaskForms {
  /** "download the pieces from local[ peer]": INFO until v0.1.125's move to resource/ (v0.1.82), DEBUG after. */
  localStart: { at: string; level: 'INFO' | 'DEBUG'; text: string };
  /** The INFO list of the pieces still wanted after the cache (an empty one is a whole hit), when printed. */
  localList?: { at: string; text: string };
  localPiece: { at: string; text: (piece: string) => string };
  localAll: { at: string; text: string };
  normalTask: string;
  parentPiece: { at: string; text: (piece: string, parent: string) => string };
  /** "need back to source response", with `: {:?}` of the response until v1.4.0. */
  needBackSource: { at: string; text: string };
  sourcePiece: string;
  schedulerError: string;
  sourceAll: string;
  schedEnd: string;
  succeeded: string;
}

const V0 = 'dragonfly-client/src/task/mod.rs';
const RES = 'dragonfly-client/src/resource/task.rs';
const GRPC = 'dragonfly-client/src/grpc/dfdaemon_download.rs';
/** The scheduler's NeedBackToSourceResponse, prost's Debug (dragonflyoss/api scheduler.v2), no description. */
const NEED_BACK_TO_SOURCE = 'need back to source response: NeedBackToSourceResponse { description: None }';
const parentDebug = (piece: string, parent: string) => `finished piece ${piece} from parent Some("${parent}")`;

/** v0.1.126 (the "from parent" wording) to v1.1.2: "interested pieces after removing the finished piece". */
function v0_2(lines: {
  localStart: number;
  localList: number;
  localAll: number;
  schedulerError: number;
  sourceAll: number;
  schedEnd: number;
  normalTask: number;
  needBackSource: number;
  parentPiece: number;
  sourcePiece: number;
  localPiece: number;
  succeeded: number;
}): RustTaskForms {
  return {
    localStart: { at: `${RES}:${lines.localStart}`, level: 'DEBUG', text: 'download the pieces from local' },
    localList: {
      at: `${RES}:${lines.localList}`,
      text: 'interested pieces after removing the finished piece: []',
    },
    localPiece: { at: `${RES}:${lines.localPiece}`, text: (p) => `finished piece ${p} from local` },
    localAll: { at: `${RES}:${lines.localAll}`, text: 'all pieces are downloaded from local' },
    normalTask: `${RES}:${lines.normalTask}`,
    parentPiece: { at: `${RES}:${lines.parentPiece}`, text: parentDebug },
    needBackSource: { at: `${RES}:${lines.needBackSource}`, text: NEED_BACK_TO_SOURCE },
    sourcePiece: `${RES}:${lines.sourcePiece}`,
    schedulerError: `${RES}:${lines.schedulerError}`,
    sourceAll: `${RES}:${lines.sourceAll}`,
    schedEnd: `${RES}:${lines.schedEnd}`,
    succeeded: `${GRPC}:${lines.succeeded}`,
  };
}

/** From v1.1.3: "interested pieces after downloading from local", and the parent's protocol. */
function v1(
  lines: Parameters<typeof v0_2>[0],
  needBackSource: string = NEED_BACK_TO_SOURCE,
  localPiece = RES,
): RustTaskForms {
  const f = v0_2(lines);
  return {
    ...f,
    localList: { at: `${RES}:${lines.localList}`, text: 'interested pieces after downloading from local: []' },
    localPiece: { at: `${localPiece}:${lines.localPiece}`, text: (p) => `finished piece ${p} from local` },
    parentPiece: { at: f.parentPiece.at, text: (p, parent) => `${parentDebug(p, parent)} using protocol tcp` },
    needBackSource: { at: f.needBackSource.at, text: needBackSource },
  };
}

/**
 * The releases whose task lines this writer knows, read at each tag of dragonflyoss/client (line numbers
 * are the macro calls'). v0.1.82 dragonfly-client/src/task/mod.rs:293, :320, :330, :350, :396, :415, :617,
 * :755, :1025, :1226, :1355, grpc/dfdaemon_download.rs:366; v0.2.16 and v0.2.17 resource/task.rs:353, :376,
 * :386, :406, :433, :452, :637, :777, :1114, :1365, :1530, grpc :421; v1.2.7 resource/task.rs:418, :441, :451,
 * :470, :497, :516, :697, :834, :1183, :1447, :1631, grpc :485; v1.2.8 :420, :443, :453, :472, :499, :518,
 * :699, :836, :1185, :1449, :1633, grpc :485; v1.5.1 :429, :452, :462, :556, :583, :602, :813, :950 (no
 * Debug of the response from v1.4.1), :1474, :1765, piece.rs:375, grpc :548.
 */
const RUST_TASK_FORMS: Readonly<Record<string, RustTaskForms>> = {
  'v0.1.82': {
    localStart: { at: `${V0}:293`, level: 'INFO', text: 'download the pieces from local peer' },
    localList: { at: `${V0}:320`, text: 'interested pieces after removing the finished piece: []' },
    localPiece: { at: `${V0}:1355`, text: (p) => `finished piece ${p} from local peer` },
    localAll: { at: `${V0}:330`, text: 'all pieces are downloaded from local peer' },
    normalTask: `${V0}:617`,
    parentPiece: { at: `${V0}:1025`, text: (p, parent) => `finished piece ${p} from remote peer Some("${parent}")` },
    needBackSource: { at: `${V0}:755`, text: NEED_BACK_TO_SOURCE },
    sourcePiece: `${V0}:1226`,
    schedulerError: `${V0}:350`,
    sourceAll: `${V0}:396`,
    schedEnd: `${V0}:415`,
    succeeded: `${GRPC}:366`,
  },
  'v0.2.16': v0_2({
    localStart: 353,
    localList: 376,
    localAll: 386,
    schedulerError: 406,
    sourceAll: 433,
    schedEnd: 452,
    normalTask: 637,
    needBackSource: 777,
    parentPiece: 1114,
    sourcePiece: 1365,
    localPiece: 1530,
    succeeded: 421,
  }),
  'v1.2.7': v1({
    localStart: 418,
    localList: 441,
    localAll: 451,
    schedulerError: 470,
    sourceAll: 497,
    schedEnd: 516,
    normalTask: 697,
    needBackSource: 834,
    parentPiece: 1183,
    sourcePiece: 1447,
    localPiece: 1631,
    succeeded: 485,
  }),
  'v1.2.8': v1({
    localStart: 420,
    localList: 443,
    localAll: 453,
    schedulerError: 472,
    sourceAll: 499,
    schedEnd: 518,
    normalTask: 699,
    needBackSource: 836,
    parentPiece: 1185,
    sourcePiece: 1449,
    localPiece: 1633,
    succeeded: 485,
  }),
  'v1.5.1': v1(
    {
      localStart: 429,
      localList: 452,
      localAll: 462,
      schedulerError: 556,
      sourceAll: 583,
      schedEnd: 602,
      normalTask: 813,
      needBackSource: 950,
      parentPiece: 1474,
      sourcePiece: 1765,
      localPiece: 375,
      succeeded: 548,
    },
    'need back to source response',
    'dragonfly-client/src/resource/piece.rs',
  ),
};

/** What this writer printed before it knew releases, by series (kept for the logs written without one). */
function legacyForms(v0: boolean): RustTaskForms {
  const file = v0 ? V0 : RES;
  return {
    localStart: {
      at: `${file}:293`,
      level: 'INFO',
      text: v0 ? 'download the pieces from local peer' : 'interested pieces after downloading from local: []',
    },
    localPiece: { at: `${file}:1029`, text: (p) => `finished piece ${p} from local${v0 ? ' peer' : ''}` },
    localAll: {
      at: `${file}:330`,
      text: v0 ? 'all pieces are downloaded from local peer' : 'all pieces are downloaded from local',
    },
    normalTask: `${file}:813`,
    parentPiece: {
      at: `${file}:1025`,
      text: (p, parent) =>
        v0
          ? `finished piece ${p} from remote peer ${parent}`
          : `finished piece ${p} from parent ${parent} using protocol tcp`,
    },
    needBackSource: { at: `${file}:755`, text: 'need back to source response' },
    sourcePiece: `${file}:1128`,
    schedulerError: `${file}:${v0 ? 350 : 556}`,
    sourceAll: `${file}:${v0 ? 396 : 583}`,
    schedEnd: `${file}:${v0 ? 415 : 602}`,
    succeeded: 'dragonfly-client/src/grpc/dfdaemon_download.rs:459',
  };
}

function formsOf(t: RustTask): RustTaskForms {
  if (t.release === undefined) return legacyForms(t.series === 'v0');
  const release = t.release === 'v0.2.17' ? 'v0.2.16' : t.release;
  const forms = RUST_TASK_FORMS[release];
  if (!forms) throw new Error(`rustTaskLines: the task lines of ${t.release} are not written here`);
  return forms;
}

export function rustTaskLines(t: RustTask): string[] {
  const out: string[] = [];
  // piece lines and "download task succeeded": DEBUG from v1.4.1, left out of a log written at INFO
  const quiet = quietRelease(t.release);
  const quietLevel = quiet ? 'DEBUG' : 'INFO';
  const quietShown = !quiet || t.debug === true;
  const f = `host_id="${t.host}" task_id="${t.task}" peer_id="${t.peer}" url="${t.url}" content_length=${t.size}`;
  const span = 'download_task';
  const forms = formsOf(t);
  out.push(rustTaskStarted(t));
  const pieceSize = t.pieceSize ?? 4 * 1024 * 1024;
  const pieces = Math.max(1, Math.ceil(t.size / pieceSize));
  const end = t.startMs + t.costMs;
  const at = (i: number) => t.startMs + 2 + Math.round(((t.costMs - 3) * (i + 1)) / pieces);
  if (t.mode === 'hit') {
    const start = forms.localStart;
    if (start.text && (start.level === 'INFO' || t.debug === true))
      out.push(rustCompact(t.startMs + 1, start.level, span, start.at, start.text, f));
    for (let i = 0; i < pieces && quietShown; i++)
      out.push(rustCompact(at(i), quietLevel, span, forms.localPiece.at, forms.localPiece.text(`${t.task}-${i}`), f));
    // the list of pieces still wanted is printed once the cache was read (v1.5.1 task.rs:452-458, after the pieces)
    if (forms.localList) out.push(rustCompact(end - 2, 'INFO', span, forms.localList.at, forms.localList.text, f));
    out.push(rustCompact(end - 1, 'INFO', span, forms.localAll.at, forms.localAll.text, f));
  } else if (t.mode === 'p2p') {
    const parent = t.parent ?? '10.0.3.17-node-b-7d3f3a1e-58f1-4d7e-b0a5-3c9f0e1d2c3b';
    out.push(rustCompact(t.startMs + 2, 'INFO', span, forms.normalTask, `normal task response: ["${parent}"]`, f));
    for (let i = 0; i < pieces && quietShown; i++)
      out.push(
        rustCompact(
          at(i),
          quietLevel,
          `${span}:download_from_remote_peer`,
          forms.parentPiece.at,
          forms.parentPiece.text(`${t.task}-${i}`, parent),
          `${f} piece_id="${t.task}-${i}"`,
        ),
      );
    out.push(schedulerEnd());
  } else {
    if (t.schedulerError === undefined)
      out.push(rustCompact(t.startMs + 2, 'INFO', span, forms.needBackSource.at, forms.needBackSource.text, f));
    else
      out.push(
        rustCompact(
          t.startMs + 2,
          'ERROR',
          span,
          forms.schedulerError,
          `download with scheduler error: ${t.schedulerError}`,
          f,
        ),
      );
    for (let i = 0; i < pieces && quietShown; i++)
      out.push(
        rustCompact(
          at(i),
          quietLevel,
          `${span}:download_from_source`,
          forms.sourcePiece,
          `finished piece ${t.task}-${i} from source`,
          `${f} piece_id="${t.task}-${i}"`,
        ),
      );
    // the scheduler's back-to-source order is served inside download_partial_with_scheduler, which hands
    // its pieces back to download(): the task ends as a peer-served one does (v1.5.1 task.rs:948-991, :602;
    // v0.1.82 task/mod.rs:755, :415), not with "…from source" (that is the path after a scheduler error)
    out.push(
      t.schedulerError === undefined
        ? schedulerEnd()
        : rustCompact(end - 1, 'INFO', span, forms.sourceAll, 'all pieces are downloaded from source', f),
    );
  }
  if (quietShown)
    out.push(
      quiet
        ? rustCompact(end, 'DEBUG', span, 'dragonfly-client/src/proxy/task.rs:262', 'download task succeeded', f)
        : rustCompact(end, 'INFO', span, forms.succeeded, 'download task succeeded', f),
    );
  return out;

  /** INFO "all pieces are downloaded with scheduler" (v1.5.1 resource/task.rs:602, v0.1.82 task/mod.rs:415). */
  function schedulerEnd(): string {
    return rustCompact(end - 1, 'INFO', span, forms.schedEnd, 'all pieces are downloaded with scheduler', f);
  }
}

/**
 * Where each release's proxy logs a request it sends through dfdaemon / straight to the registry, and in
 * what words (dragonflyoss/client dragonfly-client/src/proxy/mod.rs, the info!( line): "… for method: {},
 * uri: {}" until v0.2.x ("via dfdaemon by rule config …" from v0.1.108), the request's Debug from v1.0.
 */
const PROXY_AT: Readonly<Record<string, { via: number; direct: number; words: 'v0' | 'rule' | 'debug' }>> = {
  'v0.1.82': { via: 287, direct: 304, words: 'v0' },
  'v0.2.16': { via: 370, direct: 414, words: 'rule' },
  'v0.2.17': { via: 398, direct: 442, words: 'rule' },
  'v1.2.7': { via: 392, direct: 433, words: 'debug' },
  'v1.2.8': { via: 392, direct: 433, words: 'debug' },
  'v1.5.1': { via: 467, direct: 517, words: 'debug' },
};

export function rustProxy(
  ms: number,
  url: string,
  viaDfdaemon: boolean,
  series: 'v0' | 'v1' = 'v1',
  release?: string,
): string {
  const req = `Request { method: GET, uri: ${url}, version: HTTP/1.1, headers: {"host": "127.0.0.1:4001", "accept": "application/vnd.oci.image.manifest.v1+json"} }`;
  const at = release === undefined ? undefined : PROXY_AT[release];
  if (release !== undefined && !at) throw new Error(`rustProxy: the proxy lines of ${release} are not written here`);
  const words = at?.words ?? (series === 'v0' ? 'v0' : 'debug');
  const msg = viaDfdaemon
    ? words === 'v0'
      ? `proxy HTTP request via dfdaemon for method: GET, uri: ${url}`
      : words === 'rule'
        ? `proxy HTTP request via dfdaemon by rule config for method: GET, uri: ${url}`
        : `proxy HTTP request via dfdaemon by rule config: ${req}`
    : words === 'debug' || !at
      ? `proxy HTTP request directly to remote server: ${req}`
      : `proxy HTTP request directly to remote server for method: GET, uri: ${url}`;
  const line = at ? (viaDfdaemon ? at.via : at.direct) : 467;
  return rustCompact(ms, 'INFO', 'handler', `dragonfly-client/src/proxy/mod.rs:${line}`, msg);
}

/** A layer digest-like hex string from a seed. */
export function hex64(seed: number): string {
  let s = '';
  let x = (seed * 2654435761) >>> 0;
  while (s.length < 64) {
    x = (x * 1103515245 + 12345) >>> 0;
    s += x.toString(16).padStart(8, '0');
  }
  return s.slice(0, 64);
}

/** One 8 MB blob download by a given release's daemon, the task the per-release wording tests write. */
export function rustReleaseTask(release: string, mode: RustTask['mode'] = 'p2p'): RustTask {
  return {
    startMs: Date.UTC(2026, 10, 20, 8, 0, 0),
    host: '10.244.2.9-node-b',
    peer: '10.244.2.9-node-b-e94f66c0',
    task: hex64(1),
    url: `https://index.docker.io/v2/library/app/blobs/sha256:${hex64(2)}`,
    size: 8e6,
    mode,
    costMs: 900,
    series: 'v1',
    release,
  };
}

/**
 * The i-th download of a generated Rust log, starting at t0 + i × 0.9 s: a proxy request, then the
 * task's lines (served from the cache, a parent or the origin in turn; both log series).
 */
export function rustSampleTask(t0: number, i: number): string[] {
  const url = `https://index.docker.io/v2/library/app${i % 9}/blobs/sha256:${hex64(i)}`;
  return [
    rustProxy(t0 + i * 900, url, i % 3 !== 0, i % 2 ? 'v0' : 'v1'),
    ...rustTaskLines({
      startMs: t0 + i * 900,
      host: 'node-1',
      peer: `10.0.0.5-node-1-${hex64(i).slice(0, 36)}`,
      task: hex64(i + 7),
      url,
      size: 20 * 2 ** 20 + i,
      mode: (['hit', 'p2p', 'source'] as const)[i % 3] as 'hit',
      costMs: 400 + i,
      series: i % 2 ? 'v0' : 'v1',
    }),
  ];
}
