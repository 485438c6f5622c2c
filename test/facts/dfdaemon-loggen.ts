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

export function rustTaskLines(t: RustTask): string[] {
  const out: string[] = [];
  // piece lines and "download task succeeded": DEBUG from v1.4.1, left out of a log written at INFO
  const quiet = quietRelease(t.release);
  const quietLevel = quiet ? 'DEBUG' : 'INFO';
  const quietShown = !quiet || t.debug === true;
  const f = `host_id="${t.host}" task_id="${t.task}" peer_id="${t.peer}" url="${t.url}" content_length=${t.size}`;
  const span = 'download_task';
  out.push(rustTaskStarted(t));
  const pieceSize = t.pieceSize ?? 4 * 1024 * 1024;
  const pieces = Math.max(1, Math.ceil(t.size / pieceSize));
  const end = t.startMs + t.costMs;
  const at = (i: number) => t.startMs + 2 + Math.round(((t.costMs - 3) * (i + 1)) / pieces);
  const v0 = t.series === 'v0';
  const taskFile = v0 ? 'dragonfly-client/src/task/mod.rs' : 'dragonfly-client/src/resource/task.rs';
  if (t.mode === 'hit') {
    out.push(
      rustCompact(
        t.startMs + 1,
        'INFO',
        span,
        `${taskFile}:293`,
        v0 ? 'download the pieces from local peer' : 'interested pieces after downloading from local: []',
        f,
      ),
    );
    for (let i = 0; i < pieces && quietShown; i++)
      out.push(
        rustCompact(
          at(i),
          quietLevel,
          span,
          `${taskFile}:1029`,
          `finished piece ${t.task}-${i} from local${v0 ? ' peer' : ''}`,
          f,
        ),
      );
    out.push(
      rustCompact(
        end - 1,
        'INFO',
        span,
        `${taskFile}:330`,
        v0 ? 'all pieces are downloaded from local peer' : 'all pieces are downloaded from local',
        f,
      ),
    );
  } else if (t.mode === 'p2p') {
    const parent = t.parent ?? '10.0.3.17-node-b-7d3f3a1e-58f1-4d7e-b0a5-3c9f0e1d2c3b';
    out.push(rustCompact(t.startMs + 2, 'INFO', span, `${taskFile}:813`, `normal task response: ["${parent}"]`, f));
    for (let i = 0; i < pieces && quietShown; i++)
      out.push(
        rustCompact(
          at(i),
          quietLevel,
          `${span}:download_from_remote_peer`,
          `${taskFile}:1025`,
          v0
            ? `finished piece ${t.task}-${i} from remote peer ${parent}`
            : `finished piece ${t.task}-${i} from parent ${parent} using protocol tcp`,
          `${f} piece_id="${t.task}-${i}"`,
        ),
      );
    out.push(schedulerEnd());
  } else {
    if (t.schedulerError === undefined)
      out.push(rustCompact(t.startMs + 2, 'INFO', span, `${taskFile}:755`, 'need back to source response', f));
    else
      out.push(
        rustCompact(
          t.startMs + 2,
          'ERROR',
          span,
          `${taskFile}:${v0 ? 350 : 556}`,
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
          `${taskFile}:1128`,
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
        : rustCompact(
            end - 1,
            'INFO',
            span,
            `${taskFile}:${v0 ? 396 : 583}`,
            'all pieces are downloaded from source',
            f,
          ),
    );
  }
  if (quietShown)
    out.push(
      quiet
        ? rustCompact(end, 'DEBUG', span, 'dragonfly-client/src/proxy/task.rs:262', 'download task succeeded', f)
        : rustCompact(
            end,
            'INFO',
            span,
            'dragonfly-client/src/grpc/dfdaemon_download.rs:459',
            'download task succeeded',
            f,
          ),
    );
  return out;

  /** INFO "all pieces are downloaded with scheduler" (v1.5.1 resource/task.rs:602, v0.1.82 task/mod.rs:415). */
  function schedulerEnd(): string {
    return rustCompact(
      end - 1,
      'INFO',
      span,
      `${taskFile}:${v0 ? 415 : 602}`,
      'all pieces are downloaded with scheduler',
      f,
    );
  }
}

export function rustProxy(ms: number, url: string, viaDfdaemon: boolean, series: 'v0' | 'v1' = 'v1'): string {
  const req = `Request { method: GET, uri: ${url}, version: HTTP/1.1, headers: {"host": "127.0.0.1:4001", "accept": "application/vnd.oci.image.manifest.v1+json"} }`;
  const msg = viaDfdaemon
    ? series === 'v0'
      ? `proxy HTTP request via dfdaemon for method: GET, uri: ${url}`
      : `proxy HTTP request via dfdaemon by rule config: ${req}`
    : `proxy HTTP request directly to remote server: ${req}`;
  return rustCompact(ms, 'INFO', 'handler', 'dragonfly-client/src/proxy/mod.rs:467', msg);
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
