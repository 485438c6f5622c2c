/**
 * What dfdoctor knows about the Rust client (dragonflyoss/client `dfdaemon`, v0.1.0–v1.5.1), each fact
 * with the releases it holds for and the upstream file it was read from. Ranges were found by
 * searching every release tag of dragonflyoss/client; citations are `tag path:line` in that repository.
 */
import { form, message, type MessageFact } from './dfdaemon-log-messages.js';
import type { VersionedEntry, VersionedFact } from './versioned.js';

const TASK = 'dragonfly-client/src/resource/task.rs';
const PROXY = 'dragonfly-client/src/proxy/mod.rs';
/** Piece lines and `download task succeeded` went from INFO to DEBUG in v1.4.1. */
const QUIET = 'v1.4.1';
const LOUD_TO = 'v1.4.0';

export const RUST_MESSAGES: readonly MessageFact[] = [
  // from v1.4.2 the proxy's download span (v1.5.1 proxy/task.rs:50) records no url: it is only in this message
  // (v1.4.1's span still records url and remote_ip, its proxy/task.rs:50-53, :126-133)
  message(
    'dfdaemon-rust',
    'rust.log.task-started',
    'task-start',
    form(
      { from: 'v0.1.0' },
      'v1.5.1 dragonfly-client/src/proxy/task.rs:127; grpc/dfdaemon_download.rs:393',
      'download task started: ',
      'info',
    ),
  ),
  message(
    'dfdaemon-rust',
    'rust.log.task-succeeded',
    'task-succeeded',
    form(
      { from: 'v0.1.13', to: LOUD_TO },
      'v1.4.0 dragonfly-client/src/grpc/dfdaemon_download.rs',
      'download task succeeded',
      'info',
    ),
    form(
      { from: QUIET },
      'v1.5.1 dragonfly-client/src/proxy/task.rs:262; grpc/dfdaemon_download.rs:548',
      'download task succeeded',
      'debug',
    ),
  ),
  // WARN only for tasks below 4 MiB (Level0–2) that took more than 500 ms
  message(
    'dfdaemon-rust',
    'rust.log.task-slow',
    'task-slow',
    form({ from: 'v1.1.11' }, 'v1.5.1 dragonfly-client-metric/src/lib.rs:1001-1005', 'download task, cost: ', 'warn'),
  ),
  message(
    'dfdaemon-rust',
    'rust.log.task-failed',
    'task-failed',
    form({ from: 'v0.1.0' }, `v1.5.1 ${PROXY}:845, :854`, 'download task failed', 'error'),
  ),
  message(
    'dfdaemon-rust',
    'rust.log.local-start',
    'local-start',
    form(
      { from: 'v0.1.0', to: 'v0.1.118' },
      'v0.1.82 dragonfly-client/src/task/mod.rs:293',
      'download the pieces from local',
      'info',
      { format: 'download the pieces from local peer' },
    ),
    form(
      { from: 'v0.1.119', to: 'v0.1.125' },
      'v0.1.119 dragonfly-client/src/resource/task.rs:346',
      'download the pieces from local',
      'debug',
      { format: 'download the pieces from local peer' },
    ),
    form({ from: 'v0.1.126' }, `v1.5.1 ${TASK}:429`, 'download the pieces from local', 'debug', {
      format: 'download the pieces from local',
    }),
  ),
  message(
    'dfdaemon-rust',
    'rust.log.local-interested',
    'local-start',
    form({ from: 'v1.1.3' }, `v1.5.1 ${TASK}:452-453`, 'interested pieces after downloading from local', 'info'),
  ),
  // a task a prefetch is fetching (is_prefetched: set when the prefetch starts, storage metadata.rs:726-735),
  // asked for by another download: after the line above it waits up to 1 s for the pieces in flight
  // (wait_for_in_flight_pieces, DEFAULT_WAIT_FOR_IN_FLIGHT_PIECE_TIMEOUT, v1.5.1 task.rs:80, :2060-2157)
  // and prints the pieces still wanted: never a cache hit by itself (localPiecesFound)
  message(
    'dfdaemon-rust',
    'rust.log.local-in-flight',
    'local-start',
    form(
      { from: 'v1.4.1' },
      `v1.4.1 ${TASK}:494; v1.5.1 ${TASK}:465-499`,
      'interested pieces after waiting for in-flight pieces',
      'info',
    ),
  ),
  message(
    'dfdaemon-rust',
    'rust.log.local-all',
    'local-all',
    form({ from: 'v0.1.0' }, `v1.5.1 ${TASK}:462, :503`, 'all pieces are downloaded from local', 'info'),
  ),
  message(
    'dfdaemon-rust',
    'rust.log.hit-local-cache',
    'local-hit-announced',
    form({ from: 'v1.4.1' }, `v1.5.1 ${TASK}:1175`, 'hit local cache response', 'info'),
  ),
  message(
    'dfdaemon-rust',
    'rust.log.piece-local',
    'piece-local',
    form({ from: 'v0.1.0', to: LOUD_TO }, 'v1.4.0 dragonfly-client/src/resource/piece.rs', 'finished piece ', 'info', {
      contains: ' from local',
    }),
    form(
      { from: QUIET },
      'v1.5.1 dragonfly-client/src/resource/piece.rs:375; task.rs:1963',
      'finished piece ',
      'debug',
      { contains: ' from local' },
    ),
  ),
  message(
    'dfdaemon-rust',
    'rust.log.piece-remote-peer',
    'piece-remote',
    form(
      { from: 'v0.1.0', to: 'v0.1.125' },
      'v0.1.82 dragonfly-client/src/task/mod.rs:1025-1026',
      'finished piece ',
      'info',
      { contains: ' from remote peer ' },
    ),
  ),
  message(
    'dfdaemon-rust',
    'rust.log.piece-parent',
    'piece-remote',
    form({ from: 'v0.1.126', to: LOUD_TO }, `v1.4.0 ${TASK}`, 'finished piece ', 'info', { contains: ' from parent ' }),
    form({ from: QUIET }, `v1.5.1 ${TASK}:1474-1476`, 'finished piece ', 'debug', { contains: ' from parent ' }),
  ),
  message(
    'dfdaemon-rust',
    'rust.log.piece-source',
    'piece-source',
    form({ from: 'v0.1.0', to: LOUD_TO }, `v1.4.0 ${TASK}`, 'finished piece ', 'info', { contains: ' from source' }),
    form({ from: QUIET }, `v1.5.1 ${TASK}:1765, :2312`, 'finished piece ', 'debug', { contains: ' from source' }),
  ),
  message(
    'dfdaemon-rust',
    'rust.log.source-all',
    'source-all',
    form({ from: 'v0.1.0' }, `v1.5.1 ${TASK}:537, :583, :628`, 'all pieces are downloaded from source', 'info'),
  ),
  // the scheduler path's success, the task's end at INFO: printed once every interested piece came
  // through the scheduler, from parents or, on its NeedBackToSourceResponse, from the origin (v1.5.1
  // task.rs:948-991 returns those pieces to download(), which then logs this at :602); the "download task
  // succeeded" after it is DEBUG from v1.4.1. v0.1.76 alone words it "from remote peer"
  message(
    'dfdaemon-rust',
    'rust.log.sched-all',
    'sched-all',
    form(
      { from: 'v0.1.0', to: 'v0.1.75' },
      'v0.1.0 src/task/mod.rs:331; v0.1.75 dragonfly-client/src/task/mod.rs:398',
      'all pieces are downloaded with scheduler',
      'info',
    ),
    form(
      { from: 'v0.1.76', to: 'v0.1.76' },
      'v0.1.76 dragonfly-client/src/task/mod.rs:415',
      'all pieces are downloaded from remote peer',
      'info',
    ),
    form(
      { from: 'v0.1.77' },
      `v0.1.77 dragonfly-client/src/task/mod.rs:415; v1.5.1 ${TASK}:602, persistent_task.rs:1491`,
      'all pieces are downloaded with scheduler',
      'info',
    ),
  ),
  message(
    'dfdaemon-rust',
    'rust.log.need-back-source',
    'sched-back-source',
    form({ from: 'v0.1.0' }, `v1.5.1 ${TASK}:950`, 'need back to source response', 'info'),
  ),
  message(
    'dfdaemon-rust',
    'rust.log.normal-task',
    'remote-peer',
    form({ from: 'v0.1.0' }, `v1.5.1 ${TASK}:813-820`, 'normal task response: ', 'info'),
  ),
  message(
    'dfdaemon-rust',
    'rust.log.source-error',
    'source-error',
    form({ from: 'v0.1.0' }, `v1.5.1 ${TASK}:533, :579, :624`, 'download from source error', 'error'),
  ),
  // a piece's request to the origin that failed, once per piece, in every back-to-source path (the
  // scheduler's order included, whose failure goes to the scheduler and is logged nowhere else, v1.5.1
  // task.rs:994-1013, :1821-1846): error!("backend get failed: {}", err) when the backend's get errs, and
  // error!("backend get failed: {} {}", error_message, body) when it answers !success, before
  // Error::BackendError { message, status_code, header } is returned. The HTTP backend's error_message is
  // the status's Display ("404 Not Found"), or from v1.0.13 on, for a request that could not be sent, reqwest's
  // Display of that error ("error sending request for url (…)"; http.rs get). v0.1.71–v0.1.82
  // dragonfly-client/src/task/piece.rs:421, :437; v0.1.83 resource/piece.rs:495, :514; v1.5.1 :570, :589
  message(
    'dfdaemon-rust',
    'rust.log.backend-get-failed',
    'source-error',
    form(
      { from: 'v0.1.71' },
      'v0.1.71 dragonfly-client/src/task/piece.rs:421, :437; v1.5.1 dragonfly-client/src/resource/piece.rs:570, :589',
      'backend get failed: ',
      'error',
      { format: 'backend get failed: {} {}' },
    ),
  ),
  message(
    'dfdaemon-rust',
    'rust.log.back-source-disabled',
    'source-error',
    form({ from: 'v0.1.22' }, `v1.5.1 ${TASK}:561, :608`, 'download back-to-source is disabled', 'error'),
  ),
  message(
    'dfdaemon-rust',
    'rust.log.remote-peer-error',
    'piece-failed',
    form(
      { from: 'v0.1.0', to: 'v0.1.125' },
      'v0.1.82 dragonfly-client/src/task/mod.rs:679, :1103',
      'download from remote peer error',
      'error',
    ),
  ),
  // error!("download from parent error: {:?}", err): a CRC mismatch would read DigestMismatch("…", "…")
  message(
    'dfdaemon-rust',
    'rust.log.parent-error',
    'piece-failed',
    form({ from: 'v0.1.126' }, `v1.5.1 ${TASK}:877, :1577`, 'download from parent error', 'error'),
  ),
  // error!("download piece {} from parent {:?} error: {:?}", …), once per parent a piece fails from:
  // the parent's id Debug-quoted and the error Debug-formatted, so a CRC mismatch reads
  // DigestMismatch("crc32:…", "crc32:…") (a real line: dragonflyoss/dragonfly issue #4160, client 0.2.42)
  message(
    'dfdaemon-rust',
    'rust.log.piece-from-parent-digest',
    'digest-failed',
    form(
      { from: 'v0.1.126' },
      `v1.5.1 ${TASK}:1338-1343 + dragonfly-client-core/src/error/mod.rs:117-119`,
      'download piece ',
      'error',
      { contains: 'DigestMismatch(' },
    ),
  ),
  message(
    'dfdaemon-rust',
    'rust.log.piece-from-parent-error',
    'piece-failed',
    form({ from: 'v0.1.126' }, `v1.5.1 ${TASK}:1338-1343`, 'download piece ', 'error', {
      contains: ' from parent "',
    }),
  ),
  message(
    'dfdaemon-rust',
    'rust.log.scheduler-error',
    'scheduler-error',
    form({ from: 'v0.1.0' }, `v1.5.1 ${TASK}:556`, 'download with scheduler error', 'error'),
  ),
  // dynconfig's refresh checks each scheduler the manager lists, and leaves out one that fails
  // (helm-charts#350: an Istio sidecar answered "upstream connect error" for every scheduler)
  message(
    'dfdaemon-rust',
    'rust.log.scheduler-health-failed',
    'scheduler-error',
    form(
      { from: 'v0.1.17' },
      'v1.5.1 dragonfly-client/src/dynconfig/remote.rs:182, local.rs:219',
      'check scheduler health failed',
      'error',
    ),
  ),
  // the daemon's start names its release: init_announce_host is #[instrument(skip(self))], so every line in
  // its span carries `request=AnnounceHostRequest { host: Some(Host { …, build: Some(Build { git_version:
  // "<CARGO_PKG_VERSION>", … }) … }) }` (announcer/mod.rs: git_version: CARGO_PKG_VERSION; dragonflyoss/api
  // common.v2 Build), and it logs "announce host to <addr>" in it, at INFO up to v1.4.0 (v1.4.0
  // dragonfly-client/src/grpc/scheduler.rs:226-239; v0.1.12 src/grpc/scheduler.rs:155, :201, the periodic
  // announce_host too before v1.1.3). From v1.4.1 the span is level = "debug" (v1.4.1 :229-243): at INFO
  // the line names no release, at DEBUG it still does
  message(
    'dfdaemon-rust',
    'rust.log.announce-host',
    'daemon-version',
    form(
      { from: 'v0.1.12' },
      'v0.1.12 src/grpc/scheduler.rs:155, :201; v1.4.0 dragonfly-client/src/grpc/scheduler.rs:239; v1.5.1 :243',
      'announce host to ',
      'info',
      { format: 'announce host to {:?}' },
    ),
  ),
  message(
    'dfdaemon-rust',
    'rust.log.announce-peer-failed',
    'scheduler-error',
    form({ from: 'v0.1.73' }, `v1.5.1 ${TASK}:715, :1148`, 'announce peer failed', 'error'),
  ),
  message(
    'dfdaemon-rust',
    'rust.log.scheduler-receive-failed',
    'scheduler-error',
    form({ from: 'v0.2.6' }, `v1.5.1 ${TASK}:725, :1163`, 'receive message from scheduler failed', 'error'),
  ),
  // composed at run time: error!("download piece finished: {}", err) with Error::DigestMismatch's Display
  // "digest mismatch expected: …, actual: …" (a real line: dragonflyoss/dragonfly issue #4160)
  message(
    'dfdaemon-rust',
    'rust.log.piece-digest-mismatch',
    'digest-failed',
    form(
      { from: 'v0.1.50' },
      'v1.5.1 dragonfly-client/src/resource/piece.rs:466, :625 + dragonfly-client-core/src/error/mod.rs:118-119',
      'download piece finished: ',
      'error',
      { contains: 'digest mismatch' },
    ),
  ),
  // dfget output-path downloads only, never proxy pulls: error!("verify file digest: {}", err) once the
  // whole output file is written, its digest against the one dfget was given (Download.digest), whichever
  // source its pieces came from (each already passed its CRC). err is DigestMismatch's Display on a
  // mismatch, or the error reading the file (verify_file_digest, v1.5.1
  // dragonfly-client-util/src/digest/mod.rs:207-222): only the first is a digest failure
  message(
    'dfdaemon-rust',
    'rust.log.verify-file-digest',
    'digest-failed',
    form(
      { from: 'v0.2.41' },
      'v1.5.1 dragonfly-client/src/grpc/dfdaemon_download.rs:615-638, :1407, :1964, dfdaemon_upload.rs:1524 + dragonfly-client-core/src/error/mod.rs:117-119',
      'verify file digest: ',
      'error',
      { contains: 'digest mismatch', format: 'verify file digest: {}' },
    ),
  ),
  message(
    'dfdaemon-rust',
    'rust.log.proxy-via',
    'proxy-p2p',
    form({ from: 'v0.1.14' }, `v1.5.1 ${PROXY}:467-470, :485-488`, 'proxy HTTP request via dfdaemon', 'info'),
  ),
  message(
    'dfdaemon-rust',
    'rust.log.proxy-direct',
    'proxy-direct',
    form({ from: 'v0.1.14' }, `v1.5.1 ${PROXY}:517-520`, 'proxy HTTP request directly', 'info'),
  ),
  message(
    'dfdaemon-rust',
    'rust.log.proxy-https-direct',
    'proxy-direct',
    form({ from: 'v0.1.0' }, `v1.5.1 ${PROXY}:509-512`, 'proxy HTTPS request directly', 'info'),
  ),
  message(
    'dfdaemon-rust',
    'rust.log.proxy-rate-limited',
    'proxy-rate-limited',
    // answered 429 Too Many Requests (`error!`, not a warning: v1.4.1 :276, v1.5.1 :305, :684)
    form({ from: 'v1.4.1' }, `v1.5.1 ${PROXY}:302-311`, 'proxy request rate limit exceeded', 'error'),
  ),
  // every CONNECT is upgraded and its TLS answered by dfdaemon (https_handler → upgraded_tunnel); with
  // proxy.server.caCert unset the leaf cert is self-signed, per connection, and "the client should not
  // verify the server cert and set insecure to true" (v0.1.122 dragonfly-client-config/src/dfdaemon.rs:925-949,
  // v1.5.1 :1211-1233). Logged inside upgraded_tunnel, so only when a client did connect.
  message(
    'dfdaemon-rust',
    'rust.log.proxy-self-signed',
    'proxy-self-signed',
    form(
      { from: 'v0.1.31' },
      `v0.1.122 ${PROXY}:476-479; v1.5.1 ${PROXY}:606-609`,
      'generate simple self-signed certificate',
      'info',
    ),
  ),
  // the tunnel's error (upgraded_tunnel's Err) when the client's TLS alert ends the handshake: rustls's
  // Error::AlertReceived displays "received fatal alert: {:?}" (rustls v/0.22.4 rustls/src/error.rs:506,
  // v/0.23.12 :573), e.g. BadCertificate from a client that does not trust the proxy's cert
  message(
    'dfdaemon-rust',
    'rust.log.proxy-tunnel-alert',
    'proxy-tls-refused',
    form({ from: 'v0.1.31' }, `v0.1.122 ${PROXY}:440; v1.5.1 ${PROXY}:563`, 'server io error: ', 'error', {
      contains: 'received fatal alert: ',
      format: 'server io error: {}',
    }),
  ),
  // The proxy's listener is plain HTTP: each accepted connection goes straight to hyper's HTTP/1 server
  // (TcpListener + ServerBuilder::serve_connection, no TLS acceptor, v0.1.73 ${PROXY}:188, v1.5.1
  // :231-265), and its error is logged with the peer's address. hyper's "invalid HTTP method parsed"
  // (Parse::Method, hyperium/hyper v1.5.2 src/error.rs:420) is httparse's Error::Token on the request's
  // first token (hyper src/proto/h1/role.rs:191-197); httparse takes a byte outside 0x20–0x7E as no token
  // char (seanmonstar/httparse v1.8.0 src/lib.rs:44-46, :481-495, :821-825), and a TLS ClientHello
  // starts with the handshake record type 0x16: a client that speaks TLS to the proxy port, i.e. a mirror
  // configured as https://. v0.1.0–v0.1.72 logged "failed to serve connection: {}" without the address,
  // also used for a CONNECT's inner connection (v0.1.72 :187, :402): not read.
  message(
    'dfdaemon-rust',
    'rust.log.proxy-not-http',
    'proxy-not-http',
    form(
      { from: 'v0.1.73' },
      `v0.1.73 ${PROXY}:188; v0.2.0 :206; v1.5.1 :265`,
      'failed to serve connection from ',
      'error',
      { contains: 'invalid HTTP method parsed', format: 'failed to serve connection from {}: {}' },
    ),
  ),
];

const CFG = 'dragonfly-client-config/src/dfdaemon.rs';
const GB = 1e9;
const GiB = 2 ** 30;
const KiB = 1024;
const MiB = 2 ** 20;

function fact<T>(id: string, entries: VersionedEntry<T>[]): VersionedFact<T> {
  return { id, component: 'dfdaemon-rust', entries, assumeWhenUnknown: entries.length - 1 };
}

/**
 * Whether the proxy reads `X-Dragonfly-Use-P2P`: a GET carrying it as "true" (any case) goes through P2P
 * when no proxy rule matched, on the registry-mirror path too (containerd's mirror requests: no host in
 * the URI, registry_mirror_http_handler → make_registry_mirror_request, which keeps the headers, →
 * http_handler). Not read before v0.1.108.
 */
export const RUST_USE_P2P_HEADER = fact<boolean>('rust.proxy.use-p2p-header', [
  { range: { to: 'v0.1.107' }, value: false, source: `v0.1.107 dragonfly-client/src/proxy (no X-Dragonfly-Use-P2P)` },
  {
    range: { from: 'v0.1.108' },
    value: true,
    source: `v0.1.108 ${PROXY}:294-302, :367 and proxy/header.rs:133-146; v1.5.1 ${PROXY}:373-391, :482-506, :1231-1262 and proxy/header.rs:223-236`,
  },
]);

/**
 * Whether the registry-mirror proxy (containerd's mirror requests) takes the registry from containerd's
 * `?ns=<registry>` when the request carries no `X-Dragonfly-Registry` header. Until v1.3.4 it fetches from
 * proxy.registryMirror.addr (default https://index.docker.io) with the request's path, the registry
 * `?ns=` names ignored (read at v0.1.94 and v1.3.4); from v1.3.5 from that registry, addr only when neither
 * is there (client f54846be, "infer upstream registry from containerd ns= query parameter").
 */
export const RUST_NS_REGISTRY = fact<boolean>('rust.proxy.registry-from-ns', [
  {
    range: { to: 'v1.3.4' },
    value: false,
    source: `v0.1.94 ${PROXY}:800-817; v1.3.4 ${PROXY}:1128-1156 (header, else proxy.registryMirror.addr); v0.1.94 ${CFG}:305-307 (addr default)`,
  },
  {
    range: { from: 'v1.3.5' },
    value: true,
    source: `v1.3.5 ${PROXY}:1134-1152 and dragonfly-client/src/proxy/query.rs get_ns_from_query`,
  },
]);

/** The key name of the download/upload limits (`rateLimit` → `bandwidthLimit` in v1.2.8). */
export const RUST_RATE_KEY = fact<'rateLimit' | 'bandwidthLimit'>('rust.config.rate-limit.key', [
  { range: { to: 'v1.2.7' }, value: 'rateLimit', source: `v1.2.7 ${CFG} (rate_limit)` },
  { range: { from: 'v1.2.8' }, value: 'bandwidthLimit', source: `v1.2.8 ${CFG} (bandwidth_limit)` },
]);

/** download/upload limit default, bytes per second. */
export const RUST_RATE_DEFAULT = fact<number>('rust.config.rate-limit.default', [
  { range: { to: 'v0.1.87' }, value: 10 * GB, source: `v0.1.82 ${CFG}:105-108` },
  { range: { from: 'v0.1.88', to: 'v1.2.7' }, value: 10 * GiB, source: `v1.2.7 ${CFG} (ByteSize::gib(10))` },
  { range: { from: 'v1.2.8', to: 'v1.2.8' }, value: 10 * GB, source: `v1.2.8 ${CFG}` },
  { range: { from: 'v1.2.9' }, value: 50 * GB, source: `v1.5.1 ${CFG}:128-129, :152-153` },
]);

/** download.backToSourceBandwidthLimit: absent before v1.2.8. */
export const RUST_BACK_TO_SOURCE_DEFAULT = fact<number | null>('rust.config.back-to-source-limit.default', [
  { range: { to: 'v1.2.7' }, value: null, source: `v1.2.7 ${CFG} (no such key)` },
  { range: { from: 'v1.2.8', to: 'v1.2.8' }, value: 10 * GB, source: `v1.2.8 ${CFG}` },
  { range: { from: 'v1.2.9' }, value: 50 * GB, source: `v1.5.1 ${CFG}:158-159, :514-516` },
]);

/**
 * proxy.server.requestRateLimit, requests per second the proxy admits; past it, 429 and an error line
 * (client #1913). Absent before v1.4.1. Chart 1.7.2+ sets 50 (dragonflyoss/helm-charts
 * charts/dragonfly/values.yaml `client.config.proxy.server.requestRateLimit`).
 */
export const RUST_PROXY_REQUEST_RATE_LIMIT = fact<number | null>('rust.config.proxy-request-rate-limit.default', [
  { range: { to: 'v1.4.0' }, value: null, source: `v1.4.0 ${CFG} (no such key)` },
  { range: { from: 'v1.4.1' }, value: 4000, source: `v1.5.1 ${CFG}:355-358, :1204-1207; ${PROXY}:302-311` },
]);

/** gc.policy.taskTTL, seconds. */
export const RUST_TASK_TTL = fact<number>('rust.config.task-ttl.default', [
  { range: { to: 'v1.2.0' }, value: 6 * 3600, source: `v1.2.0 ${CFG}` },
  { range: { from: 'v1.2.1' }, value: 30 * 86400, source: `v1.5.1 ${CFG}:308-309` },
]);

/** scheduler.scheduleTimeout, seconds. */
export const RUST_SCHEDULE_TIMEOUT = fact<number>('rust.config.schedule-timeout.default', [
  { range: { to: 'v0.1.96' }, value: 30, source: `v0.1.96 ${CFG}` },
  { range: { from: 'v0.1.97', to: 'v0.2.5' }, value: 10, source: `v0.2.5 ${CFG}` },
  { range: { from: 'v0.2.6', to: 'v0.2.26' }, value: 180, source: `v0.2.26 ${CFG}` },
  { range: { from: 'v0.2.27' }, value: 3 * 3600, source: `v1.5.1 ${CFG}:240-241` },
]);

/** download.pieceTimeout, seconds (the key exists from v0.1.17). */
export const RUST_PIECE_TIMEOUT = fact<number>('rust.config.piece-timeout.default', [
  { range: { to: 'v0.1.38' }, value: 30, source: `v0.1.17 ${CFG} (default_download_piece_timeout)` },
  { range: { from: 'v0.1.39', to: 'v0.1.88' }, value: 180, source: `v0.1.39 ${CFG}` },
  { range: { from: 'v0.1.89', to: 'v0.1.119' }, value: 60, source: `v0.1.89 ${CFG}` },
  { range: { from: 'v0.1.120', to: 'v0.1.122' }, value: 10, source: `v0.1.120 ${CFG}` },
  { range: { from: 'v0.1.123', to: 'v0.2.26' }, value: 15, source: `v0.1.123 ${CFG}` },
  { range: { from: 'v0.2.27', to: 'v1.0.35' }, value: 120, source: `v0.2.27 ${CFG}` },
  { range: { from: 'v1.0.36' }, value: 360, source: `v1.5.1 ${CFG}:164-165` },
]);

/** download.concurrentPieceCount. */
export const RUST_CONCURRENT_PIECES = fact<number>('rust.config.concurrent-piece-count.default', [
  { range: { to: 'v0.1.44' }, value: 32, source: `v0.1.44 ${CFG}` },
  { range: { from: 'v0.1.45', to: 'v0.2.26' }, value: 16, source: `v0.2.26 ${CFG}` },
  { range: { from: 'v0.2.27' }, value: 8, source: `v1.5.1 ${CFG}:176` },
]);

/** proxy.readBufferSize: the buffer every proxied response (cache hits included) is copied through. */
export const RUST_PROXY_READ_BUFFER = fact<number>('rust.config.proxy-read-buffer.default', [
  { range: { to: 'v0.1.61' }, value: 16 * KiB, source: `v0.1.44 ${CFG}` },
  { range: { from: 'v0.1.62', to: 'v0.2.16' }, value: 32 * KiB, source: `v0.2.16 ${CFG}` },
  {
    range: { from: 'v0.2.17', to: 'v1.4.0' },
    value: 4 * MiB,
    source: `commit 22c37712 (dragonflyoss/client PR #1021, first tag v0.2.17) ${CFG}`,
  },
  {
    range: { from: 'v1.4.1' },
    value: 512 * KiB,
    source: `commit 7bb8d7ca (dragonflyoss/client PR #1929, first tag v1.4.1) ${CFG}:363`,
  },
]);

/** storage.readBufferSize. */
export const RUST_STORAGE_READ_BUFFER = fact<number>('rust.config.storage-read-buffer.default', [
  { range: { to: 'v0.2.16' }, value: 128 * KiB, source: `v0.2.16 ${CFG}` },
  { range: { from: 'v0.2.17', to: 'v1.4.0' }, value: 4 * MiB, source: `v0.2.17 ${CFG}` },
  { range: { from: 'v1.4.1' }, value: 512 * KiB, source: `v1.5.1 ${CFG}:289` },
]);

/** The log level piece lines are written at (INFO until v1.4.0, DEBUG from v1.4.1). */
export const RUST_PIECE_LINES_LEVEL = fact<'info' | 'debug'>('rust.log.piece-lines.level', [
  { range: { to: LOUD_TO }, value: 'info', source: 'v1.4.0 dragonfly-client/src/resource/piece.rs' },
  {
    range: { from: QUIET },
    value: 'debug',
    source: 'v1.5.1 dragonfly-client/src/resource/piece.rs:375; task.rs:1474-1476, :1765',
  },
]);

/** The command that removes one task from the daemon's cache by its id (dfctl, over the download socket). */
export const RUST_TASK_REMOVE = fact<string | null>('rust.cli.task-remove', [
  { range: { below: 'v1.3.0' }, value: null, source: 'v1.2.19 dragonfly-client/src/bin/dfctl (no task subcommand)' },
  {
    range: { from: 'v1.3.0' },
    value: 'dfctl task rm',
    source: 'v1.5.1 dragonfly-client/src/bin/dfctl/task.rs:73-80, :335-337, :468-480 (DeleteTaskRequest)',
  },
]);

/** Config keys dfdoctor reads whose name and default do not change by release. */
export interface RustKey {
  key: string;
  default: string | number | boolean | 'none' | 'by release';
  source: string;
}
export const RUST_KEYS: readonly RustKey[] = [
  { key: 'download.rateLimit', default: 'by release', source: RUST_RATE_KEY.entries[0]!.source },
  { key: 'upload.rateLimit', default: 'by release', source: RUST_RATE_KEY.entries[0]!.source },
  { key: 'download.bandwidthLimit', default: 'by release', source: RUST_RATE_KEY.entries[1]!.source },
  { key: 'upload.bandwidthLimit', default: 'by release', source: RUST_RATE_KEY.entries[1]!.source },
  {
    key: 'download.backToSourceBandwidthLimit',
    default: 'by release',
    source: RUST_BACK_TO_SOURCE_DEFAULT.entries[2]!.source,
  },
  { key: 'storage.dir', default: '/var/lib/dragonfly', source: 'v1.5.1 dragonfly-client-config/src/lib.rs:105-107' },
  {
    key: 'storage.keep',
    default: false,
    source: `v1.5.1 ${CFG}:270-272; dragonfly-client-storage/src/content_linux.rs:57-62`,
  },
  { key: 'gc.policy.taskTTL', default: 'by release', source: RUST_TASK_TTL.entries[1]!.source },
  { key: 'gc.policy.diskHighThresholdPercent', default: 80, source: `v1.5.1 ${CFG}:339-341` },
  { key: 'gc.policy.distHighThresholdPercent', default: 80, source: `v1.5.1 ${CFG}:1121 (serde alias)` },
  { key: 'scheduler.scheduleTimeout', default: 'by release', source: RUST_SCHEDULE_TIMEOUT.entries[3]!.source },
  { key: 'download.pieceTimeout', default: 'by release', source: RUST_PIECE_TIMEOUT.entries[6]!.source },
  { key: 'download.concurrentPieceCount', default: 'by release', source: RUST_CONCURRENT_PIECES.entries[2]!.source },
  // no rule: every request goes directly (proxy/mod.rs:1433-1441)
  { key: 'proxy.rules', default: 'none', source: `v1.5.1 ${CFG}:1377; ${PROXY}:1433-1441` },
  { key: 'proxy.registryMirror.addr', default: 'https://index.docker.io', source: `v1.5.1 ${CFG}:376-378` },
  { key: 'proxy.prefetch', default: false, source: `v1.5.1 ${CFG}:1386` },
  { key: 'proxy.readBufferSize', default: 'by release', source: RUST_PROXY_READ_BUFFER.entries[3]!.source },
  { key: 'storage.readBufferSize', default: 'by release', source: RUST_STORAGE_READ_BUFFER.entries[2]!.source },
  { key: 'proxy.server.port', default: 4001, source: `v1.5.1 ${CFG}:351-355` },
  {
    key: 'proxy.server.requestRateLimit',
    default: 'by release',
    source: RUST_PROXY_REQUEST_RATE_LIMIT.entries[1]!.source,
  },
  { key: 'upload.server.port', default: 4000, source: `v1.5.1 ${CFG}:110-146` },
  { key: 'metrics.server.port', default: 4002, source: `v1.5.1 ${CFG}:110-146` },
  { key: 'health.server.port', default: 4003, source: `v1.5.1 ${CFG}:110-146` },
];
