// What a loose file is, from its content: what a maintainer has when triaging an issue is a handful of
// attachments and pastes with arbitrary names (`log.txt`, `config`, `Untitled-3`), not a bundle.
// Each kind says where the file goes in a bundle; the name is only a tie-breaker.
import {
  COLLAPSED_EVENT_ROW,
  DESCRIBE_EVENT_ROW,
  FAILED_MESSAGE,
  GET_EVENTS_ROW,
  PULLED_MESSAGE,
} from '../parsers/kubectl-describe-events.js';
import { KLOG_PREFIX } from '../parsers/klog-line.js';
import { parseCutLine } from '../parsers/containerd-cut-line.js';
import { isLoggedEventLine } from '../parsers/kubelet-event-log.js';
import { normalizePastedLines } from '../parsers/paste-normalize.js';
import { schedulerCallers } from '../parsers/scheduler-log.js';
import { helmGeneration } from '../parsers/helm-values.js';
import { cdnCallers } from '../parsers/cdn-log.js';
import { GO_NO_AVAILABLE_PORT, GO_STDLOG_BODY_COPY_ERROR, GO_STREAM_TASK_FAILED } from '../knowledge/dfdaemon-go.js';
import {
  BARE_CRI_CONFIG_ERROR,
  CRI_CLIENT_PULL_FAILED,
  HEADLESS_MESSAGES,
  isCtrPullFailure,
} from '../parsers/containerd-log.js';

export const LOOSE_KINDS = {
  'dfdaemon-go-log': 'raw/dfdaemon/logs/core.log',
  'dfdaemon-rust-log': 'raw/dfdaemon/logs/dfdaemon.log',
  'containerd-log': 'raw/containerd/journal.txt',
  'containerd-config': 'raw/containerd/config.toml',
  'containerd-version': 'raw/containerd/version.txt',
  'hosts-toml': 'raw/containerd/certs.d/<registry>/hosts.toml',
  'dfget-yaml': 'raw/dfdaemon/config/dfget.yaml',
  'dfdaemon-yaml': 'raw/dfdaemon/config/dfdaemon.yaml',
  'iptables-save': 'raw/net/iptables-save.txt',
  'nft-ruleset': 'raw/net/nft-ruleset.txt',
  'kubelet-config': 'raw/kubelet/config.yaml',
  'kubelet-flags': 'raw/kubelet/flags.txt',
  'kubelet-events': 'raw/kubelet/events.json',
  'kubectl-describe-events': 'raw/kubelet/events.json',
  'kubelet-event-log': 'raw/kubelet/events.json',
  dmesg: 'raw/system/dmesg.txt',
  metrics: 'raw/dfdaemon/metrics-0.prom',
} as const;

export type LooseKind = keyof typeof LOOSE_KINDS;

export function isLooseKind(s: string): s is LooseKind {
  return Object.hasOwn(LOOSE_KINDS, s);
}

export interface Sniffed {
  kind: LooseKind;
  /** What in the content decided it, for the report ("JSON lines with level/ts/caller"). */
  why: string;
}

const ISO = String.raw`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)`;
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/**
 * The Go dfdaemon's stderr: a std-log line of its proxy's ReverseProxy whose body was the P2P stream task
 * that failed (any Go program's ReverseProxy logs the first part; the stream task's error is dfdaemon's).
 */
const GO_STDLOG_STREAM_CUT = new RegExp(
  String.raw`^\d{4}/\d\d/\d\d \d\d:\d\d:\d\d ` +
    escape(GO_STDLOG_BODY_COPY_ERROR.entries[0]!.value + GO_STREAM_TASK_FAILED.entries[0]!.value),
);
/** cobra's "Error: …" as the Go daemon exits for want of a port (the wording is Dragonfly's pkg/rpc). */
const GO_COBRA_NO_PORT = new RegExp(`^Error: ${escape(GO_NO_AVAILABLE_PORT.entries[0]!.value)}\\d+ - \\d+\\s*$`);

interface Test {
  kind: LooseKind;
  why: string;
  /** Counted over the sample's lines (after paste normalising); the kind with most hits wins. */
  line?: RegExp | ((l: string) => boolean);
  /** Decides on the whole sample. */
  text?: RegExp;
  /** Scores the whole sample (0: no match); scores compete as line counts do. `whole` reads the whole file. */
  score?: (sample: string, whole: WholeFile) => number;
}

/** What is read of the whole file, not only its sample: worked out once a sniff, whichever tests ask. */
interface WholeFile {
  helmGeneration(): 'go' | 'rust' | null;
}

// Keys only one dfdaemon generation's config has (Go: client/config/peerhost.go; Rust:
// dragonfly-client-config/src/dfdaemon.rs). The Go daemon reads its file through viper, which lowercases
// every key (spf13/viper v1.7.1 viper.go:1543, v1.18.2 :1812), and mapstructure matches fields whatever
// their case, so `AliveTime:` is its key as much as `aliveTime:` (the settings reader folds case alike):
// its keys are matched in any case. The Rust client's serde names are exact.
const GO_KEYS = [
  /^aliveTime:/m,
  /^gcInterval:/m,
  /^keepStorage:/m,
  /^workHome:/m,
  /^dataDir:/m,
  /^\s+url:\s*\S/m,
  /^\s+proxies:/m,
  /^\s+netAddrs:/m,
  /^\s+tcpListen:/m,
  /^\s+downloadGRPC:/m,
  /^\s+peerGRPC:/m,
  /^\s+totalRateLimit:/m,
  // the download, storage and scheduler sections' keys a fragment of dfget.yaml holds (v2.1.49
  // client/config/peerhost.go:271, :314-320, :632-640; none is a key of the Rust client's dfdaemon.rs, v0.1.0–v1.5.1)
  /^\s+perPeerRateLimit:/m,
  /^\s+pieceDownloadTimeout:/m,
  /^\s+calculateDigest:/m,
  /^\s+disableAutoBackSource:/m,
  /^\s+taskExpireTime:/m,
  /^\s+diskGCThresholdPercent:/m,
  /^\s+strategy:\s*["']?io\.d7y\.storage\./m,
  // the scheduler section alone: scheduler.manager.enable and a netAddrs item, dfnet.NetAddr{type, addr}
  // (v2.1.49 client/config/peerhost.go:263-283, pkg/dfnet/dfnet.go); the Rust client's manager has addr and
  // certs, no enable, and its scheduler no manager (v1.5.1 dfdaemon.rs:712-728, :764-825), no typed address
  /^\s+manager:\s*\n(?:\s+#.*\n)*\s+enable:/m,
  /^\s+-\s+type:\s*["']?tcp["']?\s*\n\s+addr:/m,
].map((r) => new RegExp(r.source, `${r.flags}i`));
const RUST_KEYS = [
  /^\s+registryMirror:\s*\n\s+addr:/m,
  /^storage:\s*\n(?:\s+#.*\n)*\s+dir:/m,
  /^gc:\s*\n(?:\s+#.*\n)*\s+(?:interval|policy):/m,
  /^\s+rules:\s*\n\s+-\s+regex:/m,
  /^upload:\s*\n(?:\s+#.*\n)*\s+server:/m,
  /^\s+concurrentPieceCount:/m,
  /^\s+pieceTimeout:/m,
  /^dynconfig:/m,
];
const count = (res: RegExp[], s: string): number => res.filter((r) => r.test(s)).length;
const yamlScore =
  (own: RegExp[], other: RegExp[]) =>
  (s: string): number => {
    const a = count(own, s);
    // a whole-file match counts as strongly as a log of many lines
    return a >= 2 && a > count(other, s) ? 1_000_000 + a : 0;
  };

/** Above a config's key score: a chart's values hold a daemon's config keys too, under their component. */
const HELM = 2_000_000;

// Order matters only for ties. Every pattern is a format the named program writes.
const TESTS: Test[] = [
  {
    kind: 'dfdaemon-go-log',
    why: 'zap JSON lines with "level", "ts" and a Go "caller"',
    line: /^\{"level":"\w+","ts":"[^"]+","caller":"[^"]+\.go:\d+"/,
  },
  {
    kind: 'dfdaemon-go-log',
    why: 'zap console lines (time, LEVEL, file.go:line)',
    // indented too, as a paste inside a Markdown list leaves it
    line: new RegExp(`^\\s*${ISO}\\t(?:DEBUG|INFO|WARN|ERROR|DPANIC|PANIC|FATAL)\\t\\S+\\.go:\\d+\\t`),
  },
  {
    kind: 'dfdaemon-go-log',
    why: "Go std-log lines of dfdaemon's proxy (its ReverseProxy's body, a P2P stream task, failed)",
    line: GO_STDLOG_STREAM_CUT,
  },
  {
    kind: 'dfdaemon-go-log',
    why: 'the Go daemon\'s exit on its stderr ("Error: no available port to listen, port: …")',
    line: GO_COBRA_NO_PORT,
  },
  {
    kind: 'dfdaemon-rust-log',
    why: 'tracing lines (RFC 3339 time, LEVEL) naming dragonfly-client sources',
    line: new RegExp(`^\\s*${ISO} +(?:TRACE|DEBUG|INFO|WARN|ERROR)\\b.*(?:dragonfly[-_]client|dragonfly[-_]api)`),
  },
  {
    kind: 'dfdaemon-rust-log',
    why: 'tracing lines (RFC 3339 time, LEVEL)',
    // spaces after the time: tracing pads with them, zap's console layout has a tab there
    line: new RegExp(`^\\s*${ISO} +(?:TRACE|DEBUG|INFO|WARN|ERROR)\\s`),
  },
  {
    kind: 'containerd-log',
    why: 'logrus lines (time=… level=… msg=…)',
    line: /(?:^|\s)level=(?:trace|debug|info|warning|error|fatal)\s+msg=/,
  },
  {
    kind: 'containerd-log',
    // logrus' JSON formatter sorts its keys: "level" and "msg" before "time" (zap's dfdaemon lines have "ts" and "caller")
    why: 'logrus JSON lines ({… "level":…, "msg":…, "time":…})',
    line: /^\{(?!.*"caller":).*"level":"(?:trace|debug|info|warning|error|fatal|panic)",(?:.*,)?"msg":".*"time":"\d{4}-\d\d-\d\dT[^"]*"\}\s*$/,
  },
  {
    kind: 'containerd-log',
    why: "logrus' terminal format (INFO[…] message)",
    line: /^(?:TRAC|DEBU|INFO|WARN|ERRO|FATA)\[[^\]]*\]\s/,
  },
  {
    kind: 'containerd-log',
    // paste-normalize put back a message containerd logs, whose head the paste cut (`…cri" error="…`)
    why: 'containerd log lines whose head a paste cut (…" error=…)',
    line: /^msg="[^"]*"\s+[A-Za-z_][\w.-]*=/,
  },
  {
    kind: 'containerd-log',
    // the end of a resolver line whose head (message and time) a paste cut inside a value (dragonfly#3419)
    why: 'containerd log lines whose head a paste cut inside a value (…" host=…)',
    line: (l) => parseCutLine(l, 0) !== null,
  },
  {
    kind: 'containerd-log',
    why: "containerd's CRI config error pasted alone (`mirrors` cannot be set when `config_path` is provided)",
    line: BARE_CRI_CONFIG_ERROR,
  },
  {
    kind: 'containerd-log',
    // crictl's stderr (alone, or inside kubeadm's "output: …" wrap), or the kubelet's journal: the CRI
    // client's klog record of containerd's error
    why: `the CRI client's klog line "${CRI_CLIENT_PULL_FAILED}" (crictl, the kubelet), which quotes containerd's error`,
    line: new RegExp(
      String.raw`^${KLOG_PREFIX}E\d{4} \d\d:\d\d:\d\d\.\d{6} +\d+ [\w.-]+\.go:\d+\] "${CRI_CLIENT_PULL_FAILED}" err=`,
    ),
  },
  {
    kind: 'containerd-log',
    // ctr's stderr: the error that ended it (cmd/ctr/main.go:33 at v2.1.5, `fmt.Fprintf(os.Stderr,
    // "ctr: %s\n", err)`), when it is a pull's failure at a host (containerd#12550)
    why: 'ctr\'s last line ("ctr: <error>") reporting a pull that failed at a host',
    line: isCtrPullFailure,
  },
  {
    kind: 'containerd-version',
    // `ctr version`'s Client:/Server: blocks are left out: `docker version` prints the same shape
    why: '`containerd --version` (containerd <package> <version> <revision>)',
    text: /^containerd\s+\S+\s+v?\d+\.\d+\.\d+\S*(?:\s+\S+)?\s*$/m,
  },
  {
    kind: 'iptables-save',
    why: 'iptables-save tables (*filter … COMMIT)',
    // indented too: a paste that put a tab before every line (kubernetes/kubernetes#66454)
    text: /^[ \t]*\*(?:filter|nat|mangle|raw|security)\s*$[\s\S]*^[ \t]*COMMIT\s*$/m,
  },
  {
    kind: 'iptables-save',
    why: 'the iptables-save header comment',
    text: /^[ \t]*# Generated by ip6?tables(?:-legacy|-nft)?-save v/m,
  },
  {
    kind: 'iptables-save',
    why: 'iptables rules without a table line (`iptables -S`, or a grep of iptables-save)',
    line: /^(?:\[\d+:\d+\]\s+)?-[APN]\s+\S+/,
  },
  {
    kind: 'nft-ruleset',
    why: 'an nft ruleset (table … { chain … })',
    text: /^\s*table\s+(?:ip|ip6|inet|arp|bridge|netdev)\s+\S+\s*\{/m,
  },
  {
    kind: 'nft-ruleset',
    // a base chain pasted without its table line (leshniak/nft-blacklist#3): its header names its hook
    why: 'an nft base chain without its table line (chain … { type … hook …)',
    text: /^\s*chain\s+\S+\s*\{\s*\n\s*type\s+(?:filter|nat|route)\s+hook\s+(?:prerouting|input|forward|output|postrouting|ingress|egress)\b/m,
  },
  {
    kind: 'kubelet-config',
    why: 'kind: KubeletConfiguration',
    text: /(?:^|\n)\s*"?kind"?\s*:\s*"?KubeletConfiguration"?/,
  },
  { kind: 'kubelet-flags', why: 'a kubelet command line', text: /(?:^|[\s/])kubelet(?:\s|\n)+--[a-z-]+(?:=|\s)/ },
  {
    kind: 'kubelet-flags',
    why: "the kubelet's arguments in an environment file or unit (KUBELET_OPTS=, KUBELET_EXTRA_ARGS=, ExecStart=…kubelet)",
    text: /^(?:Environment=["']?)?KUBELET_(?:OPTS|ARGS|EXTRA_ARGS|KUBEADM_ARGS)=["']?--[a-z]|^ExecStart=\S*kubelet\b.*\\\s*$/m,
  },
  {
    // before the describe tests: a 1.19+ Pulled line also holds the message PULLED_MESSAGE finds alone
    kind: 'kubelet-event-log',
    why: 'the kubelet\'s log of the events it records (`Event(v1.ObjectReference{…}): type: … reason: …` or `"Event occurred" … reason=…`)',
    line: isLoggedEventLine,
  },
  {
    kind: 'kubectl-describe-events',
    why: '`kubectl describe` event rows (Type, Reason, Age, From, Message)',
    line: DESCRIBE_EVENT_ROW,
  },
  {
    kind: 'kubectl-describe-events',
    why: '`kubectl describe` event rows whose column padding a paste collapsed to single spaces',
    line: COLLAPSED_EVENT_ROW,
  },
  {
    kind: 'kubectl-describe-events',
    why: '`kubectl get events` rows (Last seen, Type, Reason, Object, Message)',
    line: GET_EVENTS_ROW,
  },
  { kind: 'kubectl-describe-events', why: 'the kubelet\'s "Successfully pulled image" message', line: PULLED_MESSAGE },
  { kind: 'kubectl-describe-events', why: 'the kubelet\'s "Failed to pull image" message', line: FAILED_MESSAGE },
  {
    kind: 'kubelet-events',
    why: 'Kubernetes events as JSON (`kubectl get events -o json`: items with a reason and an involvedObject)',
    score: (s) => (/^\s*[[{]/.test(s) && s.includes('"involvedObject"') && s.includes('"reason"') ? 1_000_000 : 0),
  },
  {
    kind: 'dmesg',
    why: 'kernel log lines ([uptime] or [date] stamps)',
    line: /^(?:\[\s*\d+\.\d+\]|\[\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}\]|\w{3} [ \d]\d \d\d:\d\d:\d\d \S+ kernel:)/,
  },
  {
    kind: 'metrics',
    why: 'a Prometheus exposition (# TYPE lines)',
    text: /^# TYPE \w+ (?:counter|gauge|histogram|summary|untyped)$/m,
  },
  {
    kind: 'hosts-toml',
    // a host's sub-table ([host."…".header]) names the host too: a file may hold only those (dragonflyoss/dragonfly#3981)
    why: 'a containerd hosts.toml ([host."…"] tables, or hosts written inline under host)',
    text: /^\s*\[host(?:\.(?:"[^"]+"|'[^']+')(?:\.[A-Za-z_][\w-]*)*)?\]|^\s*host\s*(?:=\s*\{|\.\s*["'])/m,
  },
  {
    kind: 'containerd-config',
    // disabled_plugins is containerd's own top-level key: Docker's containerd.io package installs a config.toml
    // that holds only `disabled_plugins = ["cri"]` (docker/containerd-packaging common/containerd.toml)
    // and a plugin table misspelt `[plugin."io.containerd…"]`, as containerd/cri's registry guide printed it
    // (docs/registry.md at ef7f327f): containerd ignores it, which facts/containerd-misspelt-plugins.ts says
    why: 'a containerd config.toml (plugins tables of io.containerd.*, or its disabled_plugins list)',
    text: /^\s*\[plugins(?:\.|\])|^\s*plugins\."io\.containerd|\[plugins?\.['"]io\.containerd|^\s*disabled_plugins\s*=\s*\[/m,
  },
  {
    kind: 'dfget-yaml',
    why: "a Dragonfly Helm chart's values that deploy the Go dfdaemon (`dfdaemon:` enabled)",
    // the whole file: a chart's own values.yaml runs past the sample, its `dfdaemon:` near the end (line 2217)
    score: (_s, whole) => (whole.helmGeneration() === 'go' ? HELM : 0),
  },
  {
    kind: 'dfdaemon-yaml',
    why: "a Dragonfly Helm chart's values that deploy the Rust client (`client:` enabled)",
    score: (_s, whole) => (whole.helmGeneration() === 'rust' ? HELM : 0),
  },
  {
    kind: 'dfget-yaml',
    why: 'Go dfdaemon config keys (aliveTime, keepStorage, proxy.registryMirror.url, tcpListen, …)',
    score: yamlScore(GO_KEYS, RUST_KEYS),
  },
  {
    kind: 'dfdaemon-yaml',
    why: 'Rust client config keys (upload.server, storage.dir, gc.policy, proxy.registryMirror.addr, …)',
    score: yamlScore(RUST_KEYS, GO_KEYS),
  },
];

/** What a file holds, or null when no known format matches. Reads at most the first 64 KiB of text. */
export function sniffKind(name: string, text: string): Sniffed | null {
  const sample = text.slice(0, 64 * 1024);
  // whole lines: a record a paste wrapped or pretty-printed over several is judged joined back
  const lines = normalizePastedLines(sample.split('\n'), { logrus: false, knownMessages: HEADLESS_MESSAGES });
  const hits = new Map<Test, number>();
  // both generations' chart tests ask it: the values are parsed once
  let helm: 'go' | 'rust' | null | undefined;
  const whole: WholeFile = { helmGeneration: () => (helm === undefined ? (helm = helmGeneration(text)) : helm) };
  for (const t of TESTS) {
    if (t.line) {
      let n = 0;
      const hit = t.line;
      for (const l of lines) if (typeof hit === 'function' ? hit(l) : hit.test(l)) n++;
      if (n > 0) hits.set(t, n);
    } else if (t.text?.test(sample)) {
      // a whole-text match counts as strongly as a log of many lines
      hits.set(t, 1_000_000);
    } else if (t.score) {
      const n = t.score(sample, whole);
      if (n > 0) hits.set(t, n);
    }
  }
  let best: Test | null = null;
  for (const [t, n] of hits) if (!best || n > (hits.get(best) as number)) best = t;
  if (!best) return byName(name);
  // the scheduler's and the v2.0 CDN's zap logs have the Go daemon's layouts: they go where a Go log goes, and
  // the facts leave them out
  if (best.kind === 'dfdaemon-go-log' && cdnCallers(sample))
    return { kind: best.kind, why: `${best.why}, whose callers are the Dragonfly CDN's` };
  if (best.kind === 'dfdaemon-go-log' && schedulerCallers(sample))
    return { kind: best.kind, why: `${best.why}, whose callers are the Dragonfly scheduler's` };
  return { kind: best.kind, why: best.why };
}

/** Names the sniffing could not decide from content. */
function byName(name: string): Sniffed | null {
  const base = name.split('/').pop() ?? name;
  if (base === 'hosts.toml') return { kind: 'hosts-toml', why: 'file name hosts.toml' };
  if (base === 'dfget.yaml') return { kind: 'dfget-yaml', why: 'file name dfget.yaml' };
  if (base === 'dfdaemon.yaml') return { kind: 'dfdaemon-yaml', why: 'file name dfdaemon.yaml' };
  if (base === 'config.toml') return { kind: 'containerd-config', why: 'file name config.toml' };
  return null;
}
