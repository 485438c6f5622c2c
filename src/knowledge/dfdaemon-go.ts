/**
 * What dfdoctor knows about the Go dfdaemon (dragonflyoss/dragonfly `dfget daemon`, v2.0.0–v2.3.4: every
 * release that ships it; v2.4.0 dropped `client/`), each fact with the releases it holds for and the
 * upstream file it was read from. Ranges were found by searching every release tag of
 * dragonflyoss/dragonfly for the literal; citations are `tag path:line` in that repository. An open
 * range (`from` only) holds through v2.3.4.
 */
import { form, message, type MessageFact } from './dfdaemon-log-messages.js';
import type { VersionedFact } from './versioned.js';

const P = 'client/daemon/peer/';
const T = 'client/daemon/transport/transport.go';

export const GO_MESSAGES: readonly MessageFact[] = [
  message(
    'dfdaemon-go',
    'go.log.start-download',
    'task-start',
    form({ from: 'v2.0.0', to: 'v2.0.7' }, `v2.0.0 ${T}`, 'start download with url: ', 'info', {
      format: 'start download with url: %s',
    }),
    // the header dump carries the request's Authorization header: never kept as url or evidence
    form({ from: 'v2.0.8', to: 'v2.1.11' }, `v2.0.10 ${T}:243`, 'start download with url: ', 'info', {
      format: 'start download with url: %s, header: %#v',
    }),
    form({ from: 'v2.1.12' }, `v2.1.49 ${T}:338`, 'start download with url: ', 'info', {
      format: 'start download with url: %s',
    }),
  ),
  message(
    'dfdaemon-go',
    'go.log.stream-attribute',
    'stream-ready',
    form({ from: 'v2.0.0' }, `v2.1.49 ${T}:397`, 'download stream attribute: ', 'info'),
  ),
  message(
    'dfdaemon-go',
    'go.log.round-trip-dragonfly',
    'proxy-p2p',
    form({ from: 'v2.0.0' }, `v2.1.49 ${T}:242 (Debugf)`, 'round trip with dragonfly: ', 'debug'),
  ),
  message(
    'dfdaemon-go',
    'go.log.round-trip-directly',
    'proxy-direct',
    form({ from: 'v2.0.0', to: 'v2.0.0' }, `v2.0.0 ${T}:141 (Debugf)`, 'round trip directly: ', 'debug', {
      format: 'round trip directly: %s %s',
    }),
    form({ from: 'v2.0.1' }, `v2.0.1 ${T}:155; v2.1.49 :246 (Debugf)`, 'round trip directly, method: ', 'debug'),
  ),
  message(
    'dfdaemon-go',
    'go.log.round-trip-directly-error',
    'proxy-error',
    form({ from: 'v2.1.56' }, `v2.1.67 ${T}:246`, 'round trip directly error: ', 'error'),
  ),
  message(
    'dfdaemon-go',
    'go.log.round-trip-dragonfly-error',
    'proxy-error',
    form({ from: 'v2.1.56' }, `v2.1.67 ${T}:235`, 'round trip with dragonfly error: ', 'error'),
  ),
  // at startup, when proxy.registryMirror.url is unset: every mirror request is then answered 404
  message(
    'dfdaemon-go',
    'go.log.mirror-disabled',
    'mirror-disabled',
    form(
      { from: 'v2.0.1' },
      'v2.1.49 client/daemon/proxy/proxy.go:182',
      'registry mirror url is empty, registry mirror feature is disabled',
      'warn',
    ),
  ),
  // the HTTPS hijack (proxy.hijackHTTPS, or SNI) answers the client's TLS with a leaf cert it signs with
  // its own CA; "remote error: tls: …" is the client's alert (crypto/tls: a net.OpError "remote error"
  // wrapping the alert): the client refused that cert, i.e. does not trust dfdaemon's hijack CA, and
  // the request fails. Other handshake failures (the client hanging up) are not read.
  message(
    'dfdaemon-go',
    'go.log.hijack-handshake-refused',
    'proxy-tls-refused',
    form(
      { from: 'v2.0.0' },
      'v2.0.3 client/daemon/proxy/proxy_sni.go:105, proxy.go:446; v2.3.4 proxy_sni.go:108, proxy.go:526',
      'handshake failed for ',
      'error',
      { contains: 'remote error: tls: ', format: 'handshake failed for %s: %v' },
    ),
  ),
  // the HTTPS hijack, once the client's TLS is accepted, dials the registry to "confirm remote is valid":
  // tls.Dial("tcp", r.Host, cConfig), a plain net.Dialer with no timeout that reads no HTTPS_PROXY. On
  // failure it logs this and returns, closing the client's connection with no HTTP response (the CONNECT
  // had been answered "200 OK" by handshake(): v2.3.4 proxy.go:524-529, :770). The error is the dial's
  // ("dial tcp …: connect: connection refused", "dial tcp: lookup …") or the registry's TLS ("x509: …",
  // cConfig from the proxy.hijackHTTPS.hosts entry, remoteConfig proxy.go:616). Only hijacked hosts
  // log it: a tunneled CONNECT that cannot dial is answered 503 unlogged (tunnelHTTPS, proxy.go:704-708).
  message(
    'dfdaemon-go',
    'go.log.hijack-dial-failed',
    'proxy-hijack-dial-failed',
    form(
      { from: 'v2.0.0' },
      'v2.0.0 client/daemon/proxy/proxy.go:381-383; v2.0.3 proxy.go:452-454; v2.3.4 proxy.go:532-534',
      'dial failed for ',
      'error',
      { format: 'dial failed for %s: %v' },
    ),
  ),
  // the daemon's start names its release: logger.Infof("Version:\n%s", version.Version()), whose text is
  // "Major: …, Minor: …, GitVersion: v2.1.0, GitCommit: …" (version/version.go:35-38@v2.1.0); dfget's own
  // command prints it too, in its own log (cmd/dfget/cmd/root.go), not in the daemon's core.log
  message(
    'dfdaemon-go',
    'go.log.version',
    'daemon-version',
    form(
      { from: 'v2.0.0' },
      'v2.0.0 cmd/dfget/cmd/daemon.go:92; v2.1.0 :143; v2.1.49 :148; v2.3.4 :151',
      'Version:',
      'info',
      { format: 'Version:\n%s' },
    ),
  ),
  // the daemon could not open a listener and exits (cmd/dfget/cmd/daemon.go RunE → root.go Execute:
  // logger.Error(err), os.Exit(1), v2.0.2 :119-121): the proxy's own line, then the root command's
  message(
    'dfdaemon-go',
    'go.log.proxy-listen-failed',
    'listen-failed',
    form(
      { from: 'v2.0.0' },
      'v2.0.0 client/daemon/daemon.go:357; v2.0.2 :398-401; v2.1.0 :607; v2.3.4 :500',
      'failed to listen for proxy service: ',
      'error',
    ),
  ),
  message(
    'dfdaemon-go',
    'go.log.no-available-port',
    'listen-failed',
    form(
      { from: 'v2.0.0' },
      'v2.0.2 pkg/rpc/server_listen.go:60 (v2.1.0-v2.3.4 :69), logged by cmd/dfget/cmd/root.go:120',
      'no available port to listen, port: ',
      'error',
      { format: 'no available port to listen, port: %d - %d' },
    ),
  ),
  // the proxy's RoundTrip answering an error; the same prefix at WARN with ", dest peer: %#v" (v2.1.40–v2.3.4,
  // transport.go:454 at v2.3.4) is peer exchange trying one peer of several, which the timeline leaves out
  message(
    'dfdaemon-go',
    'go.log.round-trip-error',
    'proxy-error',
    form({ from: 'v2.0.1', to: 'v2.1.55' }, `v2.0.1 ${T}:162; v2.1.49 :254`, 'round trip error: ', 'error'),
  ),
  // v2.0.0–v2.0.2 also logged the scheduler client's own register lines (fields taskId/peerID)
  message(
    'dfdaemon-go',
    'go.log.register-start-client',
    'register-start',
    form(
      { from: 'v2.0.0', to: 'v2.0.2' },
      'v2.0.0 pkg/rpc/scheduler/client/client.go:83',
      'generate hash key taskId: ',
      'info',
      { contains: 'start to register peer task' },
    ),
  ),
  message(
    'dfdaemon-go',
    'go.log.register-ok-client',
    'register-ok',
    form(
      { from: 'v2.0.0', to: 'v2.0.2' },
      'v2.0.0 pkg/rpc/scheduler/client/client.go:105',
      'register peer task result success',
      'info',
    ),
  ),
  message(
    'dfdaemon-go',
    'go.log.register-start',
    'register-start',
    form({ from: 'v2.0.0' }, `v2.1.49 ${P}peertask_conductor.go:270`, 'step 1: peer ', 'info', {
      contains: 'start to register',
    }),
  ),
  message(
    'dfdaemon-go',
    'go.log.register-failed-step',
    'register-failed',
    form({ from: 'v2.0.0' }, `v2.1.49 ${P}peertask_conductor.go:281`, 'step 1: peer ', 'error', {
      contains: 'register failed',
    }),
  ),
  message(
    'dfdaemon-go',
    'go.log.register-ok',
    'register-ok',
    form({ from: 'v2.0.0' }, `v2.1.49 ${P}peertask_conductor.go:298`, 'register task success', 'info'),
  ),
  // v2.0.0–v2.0.1 file tasks prefixed their register's success with the step, as they still do its start:
  // `logger.Infof("step 1: register task success, task id: %s, peer id: %s, SizeScope: %s", …)` (v2.0.0
  // ${P}peertask_file.go:128, v2.0.1 :127). These releases log a file or stream task's register lines
  // with the package logger (no peer/task field): the ids are read from the text (goDetails)
  message(
    'dfdaemon-go',
    'go.log.register-ok-file',
    'register-ok',
    form(
      { from: 'v2.0.0', to: 'v2.0.1' },
      `v2.0.0 ${P}peertask_file.go:128; v2.0.1 :127`,
      'step 1: register task success',
      'info',
      { format: 'step 1: register task success, task id: %s, peer id: %s, SizeScope: %s' },
    ),
  ),
  message(
    'dfdaemon-go',
    'go.log.register-failed',
    'register-failed',
    form({ from: 'v2.0.0' }, `v2.1.49 ${P}peertask_conductor.go:288, :296`, 'register peer task failed: ', 'warn'),
  ),
  // dynconfig's resolver checks each scheduler the manager lists and leaves out one that fails
  // (dragonfly#2993: a seed peer given another cluster's scheduler; dragonfly#4040: a scheduler whose
  // name no longer resolves). v2.0.9–v2.2.1 check its IP, then its host name, and log each failure
  // (v2.1.31 client/config/dynconfig_manager.go:127, :132), then "has not reachable addresses" (:142)
  // when both failed. The IP's line decides nothing, since the host name may still answer, so it is
  // read first, as what it is; the host name's line and the later line each mean the scheduler is
  // left out. From v2.2.2 the IP alone is checked: "scheduler %s is unreachable: %s", then `continue`
  // (v2.2.2 and v2.3.4 :130). The IP is ip.FormatIP's: dotted, or an IPv6 address in brackets.
  message(
    'dfdaemon-go',
    'go.log.scheduler-ip-unreachable',
    'scheduler-check-retried',
    form(
      { from: 'v2.0.9', to: 'v2.2.1' },
      'v2.1.31 client/config/dynconfig_manager.go:127',
      'scheduler ip address ',
      'warn',
      { contains: ' is unreachable: ' },
    ),
  ),
  message(
    'dfdaemon-go',
    'go.log.scheduler-host-unreachable',
    'scheduler-error',
    form(
      { from: 'v2.0.9', to: 'v2.2.1' },
      'v2.1.31 client/config/dynconfig_manager.go:132',
      'scheduler host address ',
      'warn',
      { contains: ' is unreachable: ' },
    ),
  ),
  message(
    'dfdaemon-go',
    'go.log.scheduler-unreachable',
    'scheduler-error',
    form({ from: 'v2.0.9', to: 'v2.2.1' }, 'v2.1.49 client/config/dynconfig_manager.go:142', 'scheduler ', 'warn', {
      contains: ' has not reachable addresses',
    }),
  ),
  // the schedulers listed in dfget.yaml (scheduler.netAddrs, no manager): one that fails its check is
  // left out (v2.1.49 client/config/dynconfig_local.go:79-81; the same at v2.2.2 and v2.3.4). Before
  // v2.0.9 the wording had no error after it, and v2.0.1–v2.0.5 printed it for the IP's check as well
  message(
    'dfdaemon-go',
    'go.log.scheduler-address-unreachable',
    'scheduler-error',
    form({ from: 'v2.0.9' }, 'v2.1.49 client/config/dynconfig_local.go:80', 'scheduler address ', 'warn', {
      contains: ' is unreachable: ',
    }),
  ),
  // after the three forms above: the first form that matches a line reads it
  message(
    'dfdaemon-go',
    'go.log.scheduler-unreachable-checked',
    'scheduler-error',
    form({ from: 'v2.2.2' }, 'v2.3.4 client/config/dynconfig_manager.go:130', 'scheduler ', 'warn', {
      contains: ' is unreachable: ',
    }),
  ),
  message(
    'dfdaemon-go',
    'go.log.schedule-no-response',
    'schedule-timeout',
    form({ from: 'v2.0.0' }, `v2.1.49 ${P}peertask_conductor.go:279`, 'scheduler did not response in ', 'error'),
  ),
  // v2.0.0–v2.0.8 named the scheduler's order as the reason: "start download from source due to
  // dfcodes.SchedNeedBackSource" (v2.0.0 peertask_base.go, Warnf), "…base.Code_SchedNeedBackSource" (v2.0.1–v2.0.5,
  // Infof), "…commonv1.Code_SchedNeedBackSource" (v2.0.6–v2.0.8); before the form below, which would read it as
  // a back-to-source of the daemon's own (v2.0.0–v2.0.1 log no "receive back source code")
  message(
    'dfdaemon-go',
    'go.log.back-source-sched-order',
    'sched-back-source',
    form(
      { from: 'v2.0.0', to: 'v2.0.0' },
      `v2.0.0 ${P}peertask_base.go:515, :565`,
      'start download from source due to ',
      'warn',
      { contains: 'SchedNeedBackSource' },
    ),
    form(
      { from: 'v2.0.1', to: 'v2.0.8' },
      `v2.0.1 ${P}peertask_base.go:533, :578; v2.0.2 peertask_conductor.go:889, :926, :996; v2.0.8 :1113, :1149, :1219`,
      'start download from source due to ',
      'info',
      { contains: 'SchedNeedBackSource' },
    ),
  ),
  // "wait first peer packet from scheduler timeout" is only the reason inside this message (:59)
  message(
    'dfdaemon-go',
    'go.log.back-source-due-to',
    'back-source',
    form({ from: 'v2.0.0' }, `v2.1.49 ${P}peertask_conductor.go:1036`, 'start download from source due to ', 'warn'),
  ),
  // before the conductor (v2.0.2), a schedule timeout with back-to-source disabled named its own reason
  message(
    'dfdaemon-go',
    'go.log.schedule-timeout-back-source-disabled',
    'schedule-timeout',
    form(
      { from: 'v2.0.0', to: 'v2.0.1' },
      'v2.0.1 client/daemon/peer/peertask_base.go:538-543',
      'wait first peer packet from scheduler timeout, auto back source disabled',
      'error',
    ),
  ),
  message(
    'dfdaemon-go',
    'go.log.back-source-disabled',
    'schedule-timeout',
    form({ from: 'v2.0.0' }, `v2.1.49 ${P}peertask_conductor.go:1030-1034`, 'download from source disabled', 'error'),
  ),
  // the scheduler answered Code_SchedNeedBackSource: it ordered this peer to the origin
  message(
    'dfdaemon-go',
    'go.log.sched-need-back-source',
    'sched-back-source',
    form({ from: 'v2.0.2' }, `v2.1.49 ${P}peertask_conductor.go:738, :837`, 'receive back source code', 'info'),
  ),
  // before v2.0.2 the peer logged no line of its own: the gRPC stream wrapper logged the scheduler's error,
  // code 5001 (SchedNeedBackSource, v2.0.0 internal/dfcodes/rpc_code.go:45) with the scheduler's text
  // "reschedule parent for peer %s already reaches max reschedule times" (v2.0.0 scheduler/core/service.go:168)
  message(
    'dfdaemon-go',
    'go.log.sched-max-reschedule',
    'sched-back-source',
    form({ from: 'v2.0.0', to: 'v2.0.1' }, 'v2.0.1 pkg/rpc/client_util.go:146', 'client receive a message: ', 'error', {
      contains: 'already reaches max reschedule times',
      format: 'client receive a message: %T error: %v for method: %s target: %s connState: %s',
    }),
  ),
  message(
    'dfdaemon-go',
    'go.log.source-start',
    'back-source',
    form({ from: 'v2.0.0' }, `v2.1.49 ${P}piece_manager.go:318`, 'start to download from source', 'info'),
  ),
  message(
    'dfdaemon-go',
    'go.log.source-ok',
    'source-ok',
    form(
      { from: 'v2.0.0' },
      `v2.1.49 ${P}peertask_conductor.go:527; piece_manager.go:533, :610`,
      'download from source ok',
      'info',
    ),
  ),
  message(
    'dfdaemon-go',
    'go.log.source-error',
    'source-error',
    form({ from: 'v2.0.0' }, `v2.1.49 ${P}peertask_conductor.go:515`, 'download from source error: ', 'error'),
  ),
  message(
    'dfdaemon-go',
    'go.log.source-status',
    'source-error',
    form({ from: 'v2.0.5' }, `v2.0.5 ${P}piece_manager.go:354; v2.1.49 :387`, 'back source status code ', 'error'),
  ),
  message(
    'dfdaemon-go',
    'go.log.peer-packet-failed',
    'scheduler-error',
    form({ from: 'v2.0.0' }, `v2.1.49 ${P}peertask_conductor.go:851, :854`, 'receive peer packet failed: ', 'error'),
  ),
  message(
    'dfdaemon-go',
    'go.log.main-peer',
    'remote-peer',
    form(
      { from: 'v2.0.0', to: 'v2.1.24' },
      `v2.1.12 ${P}peertask_conductor.go`,
      'receive new peer packet, main peer: ',
      'info',
      { format: 'receive new peer packet, main peer: %s, parallel count: %d' },
    ),
    form({ from: 'v2.1.25' }, `v2.1.49 ${P}peertask_conductor.go:764`, 'receive new peer packet, main peer: ', 'info', {
      format: 'receive new peer packet, main peer: %s',
    }),
  ),
  message(
    'dfdaemon-go',
    'go.log.single-piece',
    'piece-remote',
    form({ from: 'v2.0.0' }, `v2.1.49 ${P}peertask_conductor.go:905`, 'single piece, dest peer id: ', 'info'),
  ),
  message(
    'dfdaemon-go',
    'go.log.piece-task',
    'piece-remote',
    form(
      { from: 'v2.0.0' },
      `v2.1.49 ${P}peertask_conductor.go:1113-1115 (Debugf)`,
      'peer download worker #',
      'debug',
      { contains: 'receive piece task' },
    ),
  ),
  // only DownloadPiece, a parent's piece, prints this (v2.0.0–v2.3.4); a piece that reached this daemon but
  // could not be written prints "put piece to storage failed" (go.log.put-piece-failed) instead
  // The storage's INFO "read md5 from reader, value: %s" (v2.0.1 client/daemon/storage/local_storage.go:133,
  // v2.0.2 :159) / "read piece %d md5 from reader, value: %s" (v2.1.0 :170, v2.1.49 and v2.3.4 :176;
  // local_storage_subtask.go :108/:115/:120) is not read either: it is printed for a piece written with no
  // md5 through a digest reader, which is an origin piece (processPieceFromSource leaves Md5 empty, v2.1.49
  // piece_manager.go:278) but also a parent's piece whose parent listed no md5 while this daemon calculates
  // digests (piece_manager.go:217, piece_downloader.go:192-194); it carries neither time nor outcome the
  // timeline lacks ("start to download from source" … "download from source ok" time the origin download)
  // a piece that could not be written into the task's data file: DownloadPiece (a parent's piece) and
  // processPieceFromSource (the origin's) print it alike through the task's logger (v2.0.0 piece_manager.go:154,
  // :288; v2.0.2 :175, :234; v2.1.49 :232-233, :294; v2.1.67 :233, :295), on any error of storage WritePiece
  // (v2.1.49 client/daemon/storage/local_storage.go): the data file's open, seek or write ("no space left on
  // device"), the piece's stream read through it (the parent's or the origin's connection), "short read"
  // (storage/const.go:33), or the piece's md5 failing its check: "digest not match" (v2.0.0–v2.0.3
  // pkg/util/digestutils/digest_reader.go:31) and "digest encoded not match" (v2.0.4+ pkg/digest/digest_reader.go:110),
  // the only line a Go piece digest mismatch is logged as an error in (piece_downloader.go wraps the parent's
  // body in the digest reader, which fails at the end of the stream, inside WritePiece). A parent's piece is then
  // reported failed and asked for again (v2.1.49 peertask_conductor.go:1118-1140), an origin's fails the download
  message(
    'dfdaemon-go',
    'go.log.put-piece-failed',
    'piece-store-failed',
    form(
      { from: 'v2.0.0' },
      `v2.0.0 ${P}piece_manager.go:154, :288; v2.1.49 :232, :294`,
      'put piece to storage failed, piece num: ',
      'error',
      { format: 'put piece to storage failed, piece num: %d, wrote: %d, error: %s' },
    ),
  ),
  message(
    'dfdaemon-go',
    'go.log.piece-failed',
    'piece-failed',
    form({ from: 'v2.0.0' }, `v2.1.49 ${P}piece_manager.go:202`, 'download piece failed, piece num: ', 'error'),
  ),
  message(
    'dfdaemon-go',
    'go.log.reuse',
    'reuse',
    form({ from: 'v2.0.0', to: 'v2.0.1' }, `v2.0.0 ${P}peertask_reuse.go:58, :115`, 'reuse from peer task: ', 'info', {
      format: 'reuse from peer task: %s, size: %d',
    }),
    form({ from: 'v2.0.2' }, `v2.1.49 ${P}peertask_reuse.go:91, :121, :268, :378`, 'reuse from peer task: ', 'info', {
      format: 'reuse from peer task: %s, total size: %d',
    }),
  ),
  message(
    'dfdaemon-go',
    'go.log.reuse-partial',
    'reuse',
    form(
      { from: 'v2.0.2' },
      `v2.1.49 ${P}peertask_reuse.go:96, :273, :382`,
      'reuse partial data from peer task: ',
      'info',
    ),
  ),
  message(
    'dfdaemon-go',
    'go.log.reuse-file-done',
    'reuse-done',
    form({ from: 'v2.0.0' }, `v2.1.49 ${P}peertask_reuse.go:177`, 'reuse file peer task done, cost: ', 'info'),
  ),
  message(
    'dfdaemon-go',
    'go.log.task-done',
    'task-done',
    form({ from: 'v2.0.2' }, `v2.1.49 ${P}peertask_conductor.go:1393`, 'peer task done, cost: ', 'info'),
  ),
  // before the conductor (v2.0.2) a file task and a stream task each logged its own end
  message(
    'dfdaemon-go',
    'go.log.file-task-done',
    'task-done',
    form(
      { from: 'v2.0.0', to: 'v2.0.1' },
      `v2.0.0 ${P}peertask_file_callback.go:79; v2.0.1 :83`,
      'file peer task done, cost: ',
      'info',
    ),
  ),
  message(
    'dfdaemon-go',
    'go.log.stream-task-done',
    'task-done',
    form(
      { from: 'v2.0.0', to: 'v2.0.1' },
      `v2.0.0 ${P}peertask_stream_callback.go:78; v2.0.1 :82`,
      'stream peer task done, cost: ',
      'info',
    ),
  ),
  message(
    'dfdaemon-go',
    'go.log.task-failed',
    'task-failed',
    form({ from: 'v2.0.2' }, `v2.1.49 ${P}peertask_conductor.go:1514`, 'peer task failed, code: ', 'error'),
  ),
  message(
    'dfdaemon-go',
    'go.log.file-task-failed',
    'task-failed',
    form(
      { from: 'v2.0.0', to: 'v2.0.1' },
      `v2.0.0 ${P}peertask_file_callback.go:123; v2.0.1 :128`,
      'file peer task failed, code: ',
      'error',
    ),
  ),
  message(
    'dfdaemon-go',
    'go.log.stream-task-failed',
    'task-failed',
    form(
      { from: 'v2.0.0', to: 'v2.0.1' },
      `v2.0.0 ${P}peertask_stream_callback.go:121; v2.0.1 :126`,
      'stream peer task failed, code: ',
      'error',
    ),
  ),
  message(
    'dfdaemon-go',
    'go.log.calculate-digest',
    'digest-setting',
    form({ from: 'v2.0.0' }, `v2.1.49 ${P}piece_manager.go:92`, 'set calculateDigest to ', 'info'),
  ),
  // removed in v2.1.50 (dragonflyoss/dragonfly #3343): later failures log "store failed: …"
  message(
    'dfdaemon-go',
    'go.log.validate-digest-failed',
    'digest-failed',
    form(
      { from: 'v2.0.2', to: 'v2.1.49' },
      `v2.1.49 ${P}peertask_conductor.go:1411`,
      'validate digest failed',
      'error',
    ),
  ),
  message(
    'dfdaemon-go',
    'go.log.invalid-digest',
    'digest-failed',
    form(
      { from: 'v2.0.1' },
      'v2.1.49 client/daemon/storage/local_storage.go:320; local_storage_subtask.go:178',
      'invalid digest, refuse to read all pieces',
      'error',
    ),
  ),
  message(
    'dfdaemon-go',
    'go.log.validate-digest-ok',
    'digest-ok',
    form(
      { from: 'v2.0.2', to: 'v2.1.49' },
      `v2.1.49 ${P}peertask_conductor.go:1611 (Debugf)`,
      'validate digest ok',
      'debug',
    ),
  ),
  message(
    'dfdaemon-go',
    'go.log.download-limiter',
    'rate-limit-setting',
    form(
      { from: 'v2.0.7' },
      `v2.1.49 ${P}piece_manager.go:100; client/daemon/daemon.go:303`,
      'set download limiter ',
      'info',
    ),
  ),
  message(
    'dfdaemon-go',
    'go.log.rate-limit-access',
    'rate-limit-error',
    form({ from: 'v2.0.0' }, `v2.1.49 ${P}piece_manager.go:187, :258`, 'require rate limit access error', 'error'),
  ),
  message(
    'dfdaemon-go',
    'go.log.request-limiter',
    'rate-limit-error',
    form({ from: 'v2.0.0' }, `v2.1.49 ${P}peertask_conductor.go:1159`, 'request limiter error: ', 'error'),
  ),
];

/**
 * The hijacked HTTPS requests are served by an httputil.ReverseProxy with no ErrorHandler nor ErrorLog
 * (v2.0.3 client/daemon/proxy/proxy_sni.go:110-125, proxy.go:459-476; the same at v2.3.4 proxy_sni.go:113,
 * proxy.go:539; the registry mirror's ReverseProxy sets its own ErrorHandler, proxy.go:517@v2.0.3). When
 * the request to the registry fails, Go's default handler writes this to the std logger (stderr, no
 * level, "2006/01/02 15:04:05 " first) and answers 502 Bad Gateway (net/http/httputil reverseproxy.go
 * defaultErrorHandler: `p.logf("http: proxy error: %v", err)`, `rw.WriteHeader(http.StatusBadGateway)`;
 * the daemon is built with go1.17, v2.0.3 build/images/dfdaemon/Dockerfile). Not a zap message: only
 * the std-log reader matches it.
 */
export const GO_STDLOG_PROXY_ERROR: VersionedFact<string> = {
  id: 'go.stdlog.reverse-proxy-error',
  component: 'dfdaemon-go',
  entries: [
    {
      range: { from: 'v2.0.0' },
      source: 'v2.0.3 client/daemon/proxy/proxy_sni.go:110-125, proxy.go:459-476 (no ErrorHandler)',
      value: 'http: proxy error: ',
    },
  ],
  assumeWhenUnknown: 0,
};

/**
 * Go's ReverseProxy copies the response body after it has written the status and headers; when a read
 * of that body fails it logs this on the same std logger (no ErrorLog is set on dfdaemon's ReverseProxies:
 * the registry mirror's, v2.1.0 client/daemon/proxy/proxy.go:527-552, nor the hijack's, :484-499) and
 * then aborts the handler, panic(http.ErrAbortHandler), so the client's connection is closed with the
 * body cut short (golang/go src/net/http/httputil/reverseproxy.go: copyBuffer `p.logf("httputil:
 * ReverseProxy read error during body copy: %v", rerr)`, ServeHTTP `panic(http.ErrAbortHandler)` after
 * copyResponse fails, golang/go issue 23643, since go1.11; the daemon is built with go1.16–go1.23,
 * build/images/dfdaemon/Dockerfile v2.0.0–v2.3.4). The body a P2P request reads is the stream task's
 * pipe (GO_STREAM_TASK_FAILED).
 */
export const GO_STDLOG_BODY_COPY_ERROR: VersionedFact<string> = {
  id: 'go.stdlog.reverse-proxy-body-copy',
  component: 'dfdaemon-go',
  entries: [
    {
      range: { from: 'v2.0.0' },
      source: 'v2.1.0 client/daemon/proxy/proxy.go:484-499, :527-552 (ReverseProxy, no ErrorLog)',
      value: 'httputil: ReverseProxy read error during body copy: ',
    },
  ],
  assumeWhenUnknown: 0,
};

/**
 * The error a P2P stream task closes its pipe with when the peer task fails after the response began
 * (`stream close with peer task fail: %d/%s`, the task's failedCode and failedReason; v2.0.2
 * client/daemon/peer/peertask_stream.go:198, v2.1.0 :256-258, v2.3.4 :262). Read inside
 * GO_STDLOG_BODY_COPY_ERROR's line, which is where the client's cut-off response shows.
 */
export const GO_STREAM_TASK_FAILED: VersionedFact<string> = {
  id: 'go.stream-task-failed',
  component: 'dfdaemon-go',
  entries: [
    {
      range: { from: 'v2.0.2' },
      source: 'v2.1.0 client/daemon/peer/peertask_stream.go:256-258',
      value: 'stream close with peer task fail: ',
    },
  ],
  assumeWhenUnknown: 0,
};

/**
 * The error of ListenWithPortRange when every port of its range is taken: it skips a port whose bind fails
 * with EADDRINUSE and returns this after the last (v2.0.2 pkg/rpc/server_listen.go:42-60; v2.1.0-v2.3.4
 * :69). The daemon's Serve returns it (the proxy's listener, v2.0.2 client/daemon/daemon.go:398-401; the
 * peer and upload listeners the same way, :352, :363) and the daemon exits; `dfget daemon` leaves cobra's
 * error printing on (no SilenceErrors, cmd/dfget/cmd/daemon.go:46-55@v2.0.2), so its stderr gets
 * "Error: <err>" (spf13/cobra v1.2.1 command.go ExecuteC, `c.PrintErrln("Error:", err.Error())`).
 */
export const GO_NO_AVAILABLE_PORT: VersionedFact<string> = {
  id: 'go.no-available-port',
  component: 'dfdaemon-go',
  entries: [
    {
      range: { from: 'v2.0.0' },
      source: 'v2.0.2 pkg/rpc/server_listen.go:60; cmd/dfget/cmd/daemon.go:46-55 (cobra prints "Error: ")',
      value: 'no available port to listen, port: ',
    },
  ],
  assumeWhenUnknown: 0,
};

/**
 * The codes of d7y.io/api common.v1.Code a failed Go peer task carries (dragonflyoss/api v2.0.16
 * pkg/apis/common/v1/common.proto:34-79, the api v2.1.0 of dragonfly builds with, go.mod). A code the
 * scheduler ends a task with reaches the task as "receive exit peer packet with code <n>"
 * (isExitPeerPacketCode, v2.1.0 client/daemon/peer/peertask_conductor.go:833-845).
 */
export const D7Y_CODES: Readonly<Record<number, string>> = {
  1000: 'ResourceLacked',
  1001: 'BackToSourceAborted',
  1400: 'BadRequest',
  1404: 'PeerTaskNotFound',
  1500: 'UnknownError',
  1504: 'RequestTimeOut',
  4000: 'ClientError',
  4001: 'ClientPieceRequestFail',
  4002: 'ClientScheduleTimeout',
  4003: 'ClientContextCanceled',
  4004: 'ClientWaitPieceReady',
  4005: 'ClientPieceDownloadFail',
  4006: 'ClientRequestLimitFail',
  4007: 'ClientConnectionError',
  4008: 'ClientBackSourceError',
  4404: 'ClientPieceNotFound',
  5000: 'SchedError',
  5001: 'SchedNeedBackSource',
  5002: 'SchedPeerGone',
  5004: 'SchedPeerNotFound',
  5005: 'SchedPeerPieceResultReportFail',
  5006: 'SchedTaskStatusError',
  5007: 'SchedReregister',
  5008: 'SchedForbidden',
  6001: 'CDNTaskRegistryFail',
  6404: 'CDNTaskNotFound',
};

/** Go config keys dfdoctor reads, with the code default (absent = the code sets none) and its source. */
export interface GoKey {
  key: string;
  /** What the code uses when the key is absent; `none` = no default (the feature is off or unset). */
  default: string | number | boolean | 'none' | 'by release';
  source: string;
  /** The first release that reads the key (v2.0.2 added DaemonOption's metrics, logDir and health, v2.0.2 client/config/peerhost.go:51-65). */
  from?: string;
  /** The last release that reads the key. */
  to?: string;
}

const C = 'client/config/';
export const GO_KEYS: readonly GoKey[] = [
  { key: 'download.totalRateLimit', default: 'by release', source: 'GO_RATE_LIMIT_DEFAULTS' },
  { key: 'download.perPeerRateLimit', default: 'by release', source: 'GO_RATE_LIMIT_DEFAULTS' },
  { key: 'upload.rateLimit', default: 'by release', source: 'GO_RATE_LIMIT_DEFAULTS' },
  { key: 'dataDir', default: 'by release', source: 'GO_DATA_DIR_DEFAULT' },
  { key: 'keepStorage', default: false, source: `v2.1.49 ${C}peerhost_linux.go:36; client/daemon/daemon.go:942-945` },
  { key: 'storage.multiplex', default: false, source: `v2.1.49 ${C}peerhost_linux.go:143` },
  { key: 'storage.taskExpireTime', default: 'by release', source: 'GO_TASK_EXPIRE_DEFAULT' },
  {
    key: 'storage.diskGCThresholdPercent',
    default: 'by release',
    source: 'GO_DISK_GC_PERCENT_DEFAULT',
    from: 'v2.0.2',
  },
  { key: 'download.calculateDigest', default: 'by release', source: 'GO_CALCULATE_DIGEST_DEFAULT' },
  { key: 'scheduler.scheduleTimeout', default: '5m', source: `v2.1.49 ${C}constants.go:40` },
  { key: 'scheduler.disableAutoBackSource', default: false, source: `v2.1.49 ${C}peerhost.go:271` },
  { key: 'download.pieceDownloadTimeout', default: '30s', source: `v2.1.49 ${C}peerhost_linux.go:59` },
  // no rule by default; registry-mirror traffic ignores them unless registryMirror.useProxies (proxy.go:657-664)
  {
    key: 'proxy.proxies',
    default: 'none',
    source: `v2.1.49 ${C}peerhost_linux.go:127-137; client/daemon/proxy/proxy.go:626-664`,
  },
  // unset: startup WARN "registry mirror url is empty, registry mirror feature is disabled", every mirror request 404
  // read by every release (v2.0.0 client/config/peerhost.go:473); the startup WARN comes in v2.0.1
  {
    key: 'proxy.registryMirror.url',
    default: 'none',
    source: 'v2.1.49 client/daemon/proxy/proxy.go:180-187',
  },
  {
    key: 'proxy.registryMirror.useProxies',
    default: false,
    source: `v2.1.49 ${C}peerhost.go:728; client/daemon/proxy/proxy.go:657-664`,
    from: 'v2.0.2',
  },
  {
    key: 'proxy.registryMirror.direct',
    default: false,
    source: `v2.1.49 ${C}peerhost.go; client/daemon/proxy/proxy.go:657-659`,
  },
  { key: 'proxy.registryMirror.dynamic', default: false, source: `v2.1.49 ${C}peerhost.go:716` },
  { key: 'download.prefetch', default: false, source: `v2.1.49 ${C}peerhost.go:323; v2.0.2 :178`, from: 'v2.0.2' },
  { key: 'proxy.maxConcurrency', default: 0, source: `v2.1.49 ${C}peerhost.go:375` },
  { key: 'proxy.defaultFilter', default: '', source: `v2.1.49 ${C}peerhost.go:371` },
  // a string instead of a mapping: the path of a file the proxy's options are read from
  { key: 'proxy', default: 'none', source: `v2.1.49 ${C}peerhost.go:411-425` },
  // no port (absent, null, 0): no proxy is served (proxy_manager.go:158-160 IsEnabled); 65001 is only what the
  // deb/rpm dfget.yaml and the Helm chart write
  {
    key: 'proxy.tcpListen.port',
    default: 'none',
    source:
      'v2.1.49 client/config/peerhost_linux.go:133-134; client/daemon/proxy/proxy_manager.go:158-160; build/package/nfpm/config/dfget.yaml:121',
  },
  { key: 'upload.tcpListen.port', default: 65002, source: `v2.1.49 ${C}constants.go:67` },
  { key: 'download.peerGRPC.tcpListen.port', default: 65000, source: `v2.1.49 ${C}constants.go:66` },
  {
    key: 'health.tcpListen.port',
    default: 40901,
    source: `v2.1.49 ${C}constants.go:69; v2.0.2 peerhost.go:65`,
    from: 'v2.0.2',
  },
  {
    key: 'metrics',
    default: '',
    source: `v2.1.49 ${C}peerhost.go:53; client/daemon/daemon.go:844; v2.0.2 peerhost.go:51`,
    from: 'v2.0.2',
  },
  // replaced by logLevel in v2.2.4 (dragonflyoss/dragonfly #4157, "add logLevel and remove verbose")
  { key: 'verbose', default: false, source: 'v2.2.3 cmd/dependency/base/option.go:21', to: 'v2.2.3' },
  {
    key: 'logLevel',
    default: 'info',
    source: 'v2.2.4 client/config/peerhost.go:65; internal/dflog/logcore.go:69-82 (empty or unknown: info)',
    from: 'v2.2.4',
  },
  { key: 'console', default: false, source: 'v2.1.49 cmd/dependency/base/option.go:21' },
  // the parent dir: the daemon writes <logDir>/daemon/core.log
  {
    key: 'logDir',
    default: '/var/log/dragonfly',
    source: 'v2.1.49 pkg/dfpath/dfpath_linux.go:28; internal/dflog/loginit.go:101; v2.0.2 client/config/peerhost.go:55',
    // before: always /var/log/dragonfly/daemon (v2.0.1 internal/dfpath/log_linux.go:19, internal/dflog/logcore/init.go:156)
    from: 'v2.0.2',
  },
];

/** The setting that makes the daemon write DEBUG lines (core.log is written at INFO otherwise). */
export const GO_DEBUG_SWITCH: VersionedFact<{ key: 'verbose' | 'logLevel'; text: string }> = {
  id: 'go.config.debug-logging',
  component: 'dfdaemon-go',
  entries: [
    {
      range: { from: 'v2.0.0', to: 'v2.2.3' },
      value: { key: 'verbose', text: '`verbose: true` or `--verbose`' },
      source:
        'v2.2.3 cmd/dependency/base/option.go:21; cmd/dependency/dependency.go:70; internal/dflog/logcore.go:69-72',
    },
    {
      range: { from: 'v2.2.4' },
      value: { key: 'logLevel', text: '`logLevel: debug`' },
      source:
        'v2.2.4 client/config/peerhost.go:65; internal/dflog/logcore.go:69-82 (dragonflyoss/dragonfly #4157 removed verbose)',
    },
  ],
  assumeWhenUnknown: 1,
};

/**
 * What a Go log written at INFO shows of a task's pieces. The lines of each piece fetched from the origin
 * ("download piece %d", piece_manager.go) and of each piece a download worker takes ("peer download worker
 * #%d receive piece task", peertask_conductor.go) are Debugf in every release (v2.0.0 piece_manager.go:352,
 * peertask_base.go:676; v2.1.49 piece_manager.go:491, peertask_conductor.go:1113; v2.3.4 :492, :1118), as
 * are the proxy's routing lines (v2.0.0 transport.go:138, :141; v2.1.49 :242, :246; v2.3.4 :270, :239).
 * The piece list a parent answers is logged at INFO, one line per piece it offers (before the piece is
 * downloaded): "get piece %d from %s/%s" (address, peer id) by the piece-task poller up to v2.0.8, and
 * "got piece %d from %s/%s" by the SyncPieceTasks synchronizer from v2.0.2, which falls back to the poller
 * when a parent does not answer it ("fallback to legacy get piece grpc", v2.0.2
 * peertask_piecetask_synchronizer.go:178); v2.0.9 removed the poller's dispatch. The value is the wording
 * a reader greps for.
 */
export const GO_PARENT_PIECE_LINE: VersionedFact<string> = {
  id: 'go.log.parent-piece-info',
  component: 'dfdaemon-go',
  entries: [
    {
      range: { from: 'v2.0.0', to: 'v2.0.1' },
      value: '"get piece <n> from <address>/<peer id>"',
      source: `v2.0.0 ${P}peertask_base.go:589; v2.0.1 :602 (Infof)`,
    },
    {
      range: { from: 'v2.0.2', to: 'v2.0.8' },
      value:
        '"got piece <n> from <address>/<peer id>" (or "get piece <n> from …" from a parent that answers only the older piece-task call)',
      source: `v2.0.2 ${P}peertask_piecetask_synchronizer.go:247, peertask_conductor.go:946; v2.0.8 :357, :1169 (Infof)`,
    },
    {
      range: { from: 'v2.0.9' },
      value: '"got piece <n> from <address>/<peer id>"',
      source: `v2.0.9 ${P}peertask_piecetask_synchronizer.go:356; v2.1.49 :357; v2.3.4 :355 (Infof)`,
    },
  ],
  assumeWhenUnknown: 2,
};

/**
 * download.calculateDigest when the file leaves it out: on in the defaults of most releases, off in
 * v2.0.0 (no default, Go's false) and v2.1.44–v2.1.49 (dragonflyoss/dragonfly #3235, "it has bug in large
 * files"; #3343 turned it on again).
 */
export const GO_CALCULATE_DIGEST_DEFAULT: VersionedFact<boolean> = {
  id: 'go.config.calculate-digest-default',
  component: 'dfdaemon-go',
  entries: [
    {
      range: { from: 'v2.0.0', to: 'v2.0.0' },
      value: false,
      source: `v2.0.0 ${C}peerhost_linux.go:63 (DownloadOption without CalculateDigest)`,
    },
    { range: { from: 'v2.0.1', to: 'v2.1.43' }, value: true, source: `v2.0.1 ${C}peerhost_linux.go:70; v2.1.43 :58` },
    {
      range: { from: 'v2.1.44', to: 'v2.1.49' },
      value: false,
      source: `v2.1.44 ${C}peerhost_linux.go:58 (#3235); v2.1.49 :58`,
    },
    { range: { from: 'v2.1.50' }, value: true, source: `v2.1.50 ${C}peerhost_linux.go:58 (#3343); v2.3.4 :57` },
  ],
  assumeWhenUnknown: 3,
};

const MiB = 1024 * 1024;

/**
 * The download and upload limits when the file leaves them out. unit.MB is 1024 * 1024 in every release
 * (v2.0.0 and v2.0.7 pkg/unit/byte.go:35-36); v2.0.7 raised 100/20/100 MB to 1024/512/1024 MB.
 */
export const GO_RATE_LIMIT_DEFAULTS: VersionedFact<{ total: number; perPeer: number; upload: number }> = {
  id: 'go.config.rate-limit-defaults',
  component: 'dfdaemon-go',
  entries: [
    {
      range: { from: 'v2.0.0', to: 'v2.0.6' },
      value: { total: 100 * MiB, perPeer: 20 * MiB, upload: 100 * MiB },
      source: `v2.0.0 ${C}constants.go:49-51, peerhost_linux.go:65-70, :92-93; v2.0.6 constants.go:50-52`,
    },
    {
      range: { from: 'v2.0.7' },
      value: { total: 1024 * MiB, perPeer: 512 * MiB, upload: 1024 * MiB },
      source: `v2.0.7 ${C}constants.go:50-52; v2.1.49 :29-31, peerhost_linux.go:66-71, :94-95`,
    },
  ],
  assumeWhenUnknown: 1,
};

/**
 * dataDir when the file leaves it out. v2.0.0–v2.0.1 keep the cache under the home of the user the daemon
 * runs as: `peerHostDataDir = basic.HomeDir + "/.dragonfly/dfget-daemon/"` (v2.0.0
 * client/config/peerhost_linux.go:36-37, :41; v2.0.1 :37-38, :42), HomeDir being user.Current()'s
 * (v2.0.1 pkg/basic/user.go:37, :46). That user is root: the package's unit says `User=root` (v2.0.1
 * build/package/nfpm/systemd/dfget-daemon.service) and the image (alpine:3.14, v2.0.1
 * build/images/dfdaemon/Dockerfile) sets no USER, so the dir is root's, /root. v2.0.2 moved it to
 * dfpath's /var/lib/dragonfly (v2.0.2 pkg/dfpath/dfpath_linux.go:26; v2.1.49 :30). The v2.0.2 pre-releases
 * alpha.0–alpha.5 had <workHome>/data (internal/dfpath/dfpath.go:94): releases are read without their
 * pre-release suffix, so they count as v2.0.2.
 */
export const GO_DATA_DIR_DEFAULT: VersionedFact<string> = {
  id: 'go.config.data-dir-default',
  component: 'dfdaemon-go',
  entries: [
    {
      range: { from: 'v2.0.0', to: 'v2.0.1' },
      value: '/root/.dragonfly/dfget-daemon',
      source: `v2.0.1 ${C}peerhost_linux.go:37-38, :42; pkg/basic/user.go:37, :46 (the daemon's user's home, root's)`,
    },
    {
      range: { from: 'v2.0.2' },
      value: '/var/lib/dragonfly',
      source: 'v2.0.2 pkg/dfpath/dfpath_linux.go:26; v2.1.49 :30',
    },
  ],
  assumeWhenUnknown: 1,
};

/** storage.taskExpireTime when the file leaves it out: 3m until v2.0.1, 6h from v2.0.2. */
export const GO_TASK_EXPIRE_DEFAULT: VersionedFact<number> = {
  id: 'go.config.task-expire-default',
  component: 'dfdaemon-go',
  entries: [
    { range: { from: 'v2.0.0', to: 'v2.0.1' }, value: 180, source: `v2.0.0 ${C}constants.go:63; v2.0.1 :63` },
    { range: { from: 'v2.0.2' }, value: 6 * 3600, source: `v2.0.2 ${C}constants.go:63; v2.1.49 :37` },
  ],
  assumeWhenUnknown: 1,
};

/**
 * storage.diskGCThresholdPercent when the file leaves it out; null where no such key exists: v2.0.0–v2.0.1
 * know only the size quota diskGCThreshold (v2.0.1 client/config/peerhost.go:428-429).
 */
export const GO_DISK_GC_PERCENT_DEFAULT: VersionedFact<number | null> = {
  id: 'go.config.disk-gc-percent-default',
  component: 'dfdaemon-go',
  entries: [
    { range: { from: 'v2.0.0', to: 'v2.0.1' }, value: null, source: `v2.0.1 ${C}peerhost.go:422-432 (StorageOption)` },
    {
      range: { from: 'v2.0.2' },
      value: 95,
      source: `v2.0.2 ${C}peerhost.go:437-439, peerhost_linux.go:124; v2.1.49 peerhost_linux.go:144`,
    },
  ],
  assumeWhenUnknown: 1,
};

/** Where the daemon writes core.log under its logDir (internal/dflog/loginit.go:101 `filepath.Join(dir, "daemon")`). */
export const GO_LOG_SUBDIR = 'daemon';

/** Behaviours that hold for every Go release dfdoctor knows, kept as facts so rules cite one place. */
export const GO_MIRROR_PROXIES: VersionedFact<'builtin-blob-rule' | 'proxies-if-useProxies'> = {
  id: 'go.behaviour.mirror-routing',
  component: 'dfdaemon-go',
  entries: [
    {
      range: { from: 'v2.0.0', to: 'v2.0.1' },
      value: 'builtin-blob-rule',
      source:
        'v2.0.1 client/daemon/proxy/proxy.go:549-550 (registry mirror: GET …/blobs/sha256… via P2P, proxies never consulted)',
    },
    {
      range: { from: 'v2.0.2' },
      value: 'proxies-if-useProxies',
      source:
        'v2.1.49 client/daemon/proxy/proxy.go:657-664 (proxies only with registryMirror.useProxies: true; else GET …/blobs/sha256… via P2P)',
    },
  ],
  assumeWhenUnknown: 1,
};

/**
 * The keys the Go dfdaemon reads at the top of dfget.yaml, in any release v2.0.0–v2.3.4: the mapstructure
 * tags of DaemonOption (v2.1.49 client/config/peerhost.go:46) with the base.Options it inlines (console,
 * verbose, pprof-port/pprofPort, jaeger, service-name, tracing; cmd/dependency/base/option.go). The daemon
 * reads the file with viper and fills the struct through mapstructure (v2.1.49
 * cmd/dependency/dependency.go:175-187): a key matches whatever its case, and any other key is dropped
 * without a word. Lower case, for that comparison.
 */
export const GO_TOP_LEVEL_KEYS: ReadonlySet<string> = new Set(
  [
    'aliveTime',
    'announcer',
    'cacheDir',
    'cacheDirMode',
    'configServer',
    'console',
    'dataDir',
    'dataDirMode',
    'download',
    'gcInterval',
    'health',
    'host',
    'jaeger',
    'keepStorage',
    'logDir',
    'logLevel',
    'logMaxAge',
    'logMaxBackups',
    'logMaxSize',
    'maxThreads',
    'metrics',
    'network',
    'networkTopology',
    'objectStorage',
    'peerExchange',
    'pluginDir',
    'pprof-port',
    'pprofPort',
    'proxy',
    'reload',
    'scheduler',
    'security',
    'service-name',
    'storage',
    'tracing',
    'upload',
    'verbose',
    'workHome',
    'workHomeMode',
  ].map((k) => k.toLowerCase()),
);

/**
 * Keys of the proxy's options (ProxyOption, v2.1.49 client/config/peerhost.go:367-379, with the tcpListen of
 * the ListenOption it inlines), which the daemon reads under `proxy:` or at the top of the file `proxy:`
 * names (:411-425), never at the top of dfget.yaml. Lower case.
 */
export const GO_PROXY_ONLY_KEYS: ReadonlySet<string> = new Set(
  [
    'basicAuth',
    'defaultFilter',
    'defaultTag',
    'defaultApplication',
    'defaultPriority',
    'maxConcurrency',
    'registryMirror',
    'whiteList',
    'proxies',
    'hijackHTTPS',
    'dumpHTTPContent',
    'extraRegistryMirrors',
    'tcpListen',
  ].map((k) => k.toLowerCase()),
);

/**
 * Whether viper lowercases the keys of mappings inside sequences (`proxy.proxies[].regx`) as it does those of
 * every other mapping: from viper v1.13.0 (util.go insensitiviseVal → insensitiveArray, spf13/viper 5247643,
 * "Recurse into arrays when converting keys to lowercase"), which dfdaemon takes from v2.0.7 (go.mod:59
 * `github.com/spf13/viper v1.13.0`; v2.0.6 go.mod:57 v1.12.0). Before, such keys keep the case they are written in.
 */
export const GO_VIPER_FOLDS_LIST_ITEMS: VersionedFact<boolean> = {
  id: 'go.config.viper-folds-list-items',
  component: 'dfdaemon-go',
  entries: [
    { range: { from: 'v2.0.0', to: 'v2.0.6' }, value: false, source: 'v2.0.6 go.mod:57 (spf13/viper v1.12.0)' },
    {
      range: { from: 'v2.0.7' },
      value: true,
      source: 'v2.0.7 go.mod:59 (spf13/viper v1.13.0); v2.3.4 go.mod:73 v1.18.2',
    },
  ],
  assumeWhenUnknown: 1,
};
