// The fuzz registry: every parser in src/parsers, with its seeds and a reading of its error
// convention, so that one property ("nothing escapes, failures are located") covers them all.
// Adding a parser file without a target (or a listed reason) fails test/fuzz/parsers.fuzz.test.ts.
import { parseLoadavg, parseMeminfo } from '../../src/parsers/meminfo.js';
import { cpuUsage, parseProcessCpuTicks, parseProcStat } from '../../src/parsers/proc-stat.js';
import { parsePressure } from '../../src/parsers/psi.js';
import { histogramBuckets, increase, parsePrometheus } from '../../src/parsers/prometheus.js';
import { parseSsListeners } from '../../src/parsers/ss-listeners.js';
import { parseIptablesSave } from '../../src/parsers/iptables-save.js';
import { ruleCount } from '../../src/parsers/netfilter-rule.js';
import { parseNftRuleset } from '../../src/parsers/nft.js';
import { ioStat, parseDiskstats } from '../../src/parsers/diskstats.js';
import { mountOf, parseMountTable } from '../../src/parsers/mountinfo.js';
import { containerOf, imageTag } from '../../src/parsers/proc-cgroup.js';
import { parseGoDuration } from '../../src/parsers/go-duration.js';
import { parseImageEvents, parsePulledMessage, parseQpsRefusal } from '../../src/parsers/kubelet-events.js';
import { parseDescribeEvents } from '../../src/parsers/kubectl-describe-events.js';
import { isLoggedEventLine, parseKubeletEventLog } from '../../src/parsers/kubelet-event-log.js';
import { parseCutLine } from '../../src/parsers/containerd-cut-line.js';
import { parseTomlLocated } from '../../src/parsers/containerd-toml.js';
import { mergeTomlTables, migrateLeftoverCri, readContainerdConfig } from '../../src/parsers/containerd-config.js';
import { HEADLESS_MESSAGES, parseContainerdLogLine } from '../../src/parsers/containerd-log.js';
import { normalizePastedLines } from '../../src/parsers/paste-normalize.js';
import { elidedLines } from '../../src/parsers/paste-elision.js';
import { parseContainerdVersion, versionAtLeast } from '../../src/parsers/containerd-version.js';
import { parseBracketedUrl } from '../../src/parsers/go-url-host.js';
import { goUrlScheme } from '../../src/parsers/go-url-scheme.js';
import { hostDirCandidates, parseHostsToml, registryOfHostDir } from '../../src/parsers/hosts-toml.js';
import { configMapEntry } from '../../src/parsers/configmap.js';
import { helmValuesKeys } from '../../src/parsers/helm-values.js';
import { parseKubeletConfig } from '../../src/parsers/kubelet-config.js';
import { parseKubeletFlags } from '../../src/parsers/kubelet-flags.js';
import { LogScanner, type LogEvent } from '../../src/parsers/dfdaemon-log.js';
import { lineTimeMs } from '../../src/parsers/dfdaemon-log-time.js';
import { TimelineBuilder } from '../../src/parsers/dfdaemon-timeline.js';
import { foldLogs } from '../../src/facts/dfdaemon-log-fold.js';
import { detectConfigGeneration, parseDfdaemonConfig } from '../../src/parsers/dfdaemon-config.js';
import { goParseBoolTrue, parseEnvLines, parseSystemdEnvironment } from '../../src/parsers/containerd-env.js';
import { criPluginRow, parseCtrPlugins } from '../../src/parsers/containerd-plugins.js';
import { scanNetfilterKernelMessages } from '../../src/parsers/dmesg-conntrack.js';
import { parseGaiConf } from '../../src/parsers/gai.js';
import { hostsLookup, parseHosts } from '../../src/parsers/hosts.js';
import { inNet, isLoopback, parseIp } from '../../src/parsers/net-address.js';
import { parseNsswitchHosts } from '../../src/parsers/nsswitch.js';
import { parseQdiscs } from '../../src/parsers/qdisc.js';
import { parseResolvConf } from '../../src/parsers/resolv.js';
import { splitImageRef } from '../../src/parsers/image-ref.js';
import { liveText, seedTexts } from './seeds.js';
import { logScanWasm } from '../../src/bundle/wasm-modules.js';
import { LogScanner as JsLogScanner } from '../oracle/dfdaemon-log-js.js';
import { orderDescriptionReason, schedulerCallers, schedulerOrderOf } from '../../src/parsers/scheduler-log.js';
import { cdnCallers } from '../../src/parsers/cdn-log.js';

/** A failure a parser reported: where (1-based line, when it says) and what. */
export interface Located {
  line?: number;
  message: string;
}

export interface FuzzTarget {
  /** Shown in test names and the case-count table. */
  name: string;
  /** The src/parsers files this target covers (basename). */
  files: string[];
  seeds(): string[];
  /**
   * Calls the parser on hostile text (and the pure helpers that consume its result), returning the
   * failures it reported. Must not throw: a throw is the defect the fuzzer looks for.
   */
  run(text: string, bytes: Uint8Array): Located[];
  /** Known attacks on this format (alias bombs, deep nesting…), run once each besides the random cases. */
  attacks?: string[];
  /** Whether a reported line may be one past the last line (a "no COMMIT at end of file" style report). */
  allowEofLine?: boolean;
  /**
   * An asynchronous property of the same input, run on fewer cases than run(): code that reads through
   * promises (the two-pass log fold) against what it replaces. Throws on a difference.
   */
  check?(bytes: Uint8Array): Promise<void>;
}

export const TARGETS: FuzzTarget[] = [];

/**
 * Parsed data must be data: a function or a non-finite-length thing in it means a lookup table was
 * indexed with a name from the input (`TABLE["constructor"]` is Object) and leaked into the result.
 */
export function plainData(x: unknown, path = '$', seen = new Set<unknown>()): void {
  if (typeof x === 'function')
    throw new Error(
      `a function in the parsed data at ${path}: a lookup indexed by an input name leaked an Object.prototype member`,
    );
  if (typeof x === 'number' && Number.isNaN(x) && path.endsWith('priority')) throw new Error(`NaN at ${path}`);
  if (x === null || typeof x !== 'object' || seen.has(x) || seen.size > 20_000) return;
  seen.add(x);
  if (x instanceof Map) {
    for (const [k, v] of x) plainData(v, `${path}[${String(k)}]`, seen);
  } else if (Array.isArray(x) || x instanceof Set) {
    let i = 0;
    for (const v of x) plainData(v, `${path}[${i++}]`, seen);
  } else if (!(x instanceof Date) && !ArrayBuffer.isView(x)) {
    for (const [k, v] of Object.entries(x)) plainData(v, `${path}.${k}`, seen);
  }
}

export function register(t: FuzzTarget): void {
  TARGETS.push(t);
}

/** Parser files that hold no parsing entry point of their own, and why. */
export const NOT_PARSERS: Record<string, string> = {
  'netfilter-rule.ts':
    'the rule model shared by iptables-save.ts and nft.ts; fuzzed through both (ruleCount over their output)',
};

register({
  name: 'proc-stat',
  files: ['proc-stat.ts'],
  seeds: () =>
    seedTexts({
      fixtures: /^raw\/system\/stat-\d\.txt$/,
      inline: [
        'cpu  10132153 290696 3084719 46828483 16683 0 25195 0 0 0\ncpu0 1393280 32966 572056 13343292 6130 0 17875 0 0 0\nintr 1 2 3\nctxt 1990473\n',
      ],
    }),
  run(text) {
    const r = parseProcStat(text);
    plainData(r);
    if (!r.ok) return [r.line === undefined ? { message: r.message } : { line: r.line, message: r.message }];
    // a parse that succeeded feeds the pure arithmetic that rules read
    const u = cpuUsage(r.value, { ...r.value, idle: r.value.idle + 100 });
    if (u && ![u.busyPct, u.stealPct, u.iowaitPct].every(Number.isFinite))
      throw new Error(`non-finite CPU usage from ${JSON.stringify(r.value)}`);
    return [];
  },
});

register({
  name: 'scheduler-log',
  files: ['scheduler-log.ts'],
  seeds: () =>
    seedTexts({
      fixtures: /^raw\/dfdaemon\/logs\//,
      inline: [
        '2025-01-11T02:43:06.956Z\tINFO\tscheduling/scheduling.go:136\tsend NeedBackToSourceResponse, because of scheduling exceeded RetryBackToSourceLimit 5\t{"hostID": "h", "taskID": "t", "peerID": "p"}\n',
        '{"level":"info","ts":"2024-05-31 02:08:18.729","caller":"resource/peer.go:291","msg":"peer state is Succeeded","hostID":"h","taskID":"t","peerID":"p"}\n',
      ],
    }),
  run(text) {
    const c = schedulerCallers(text);
    plainData(c);
    if (c && (c.length === 0 || c.length > 3)) throw new Error(`scheduler callers out of bounds: ${JSON.stringify(c)}`);
    // every line's order and reason: plain data, a limit only as a whole number
    for (const line of text.split('\n').slice(0, 2000)) {
      const o = schedulerOrderOf(line);
      plainData(o);
      if (o?.limit !== undefined && !Number.isSafeInteger(o.limit)) throw new Error(`limit not a number: ${o.limit}`);
      plainData(orderDescriptionReason(line));
    }
    return [];
  },
});

register({
  name: 'cdn-log',
  files: ['cdn-log.ts'],
  seeds: () =>
    seedTexts({
      fixtures: /^raw\/dfdaemon\/logs\//,
      inline: [
        '{"level":"debug","ts":"2022-03-24 11:51:33.439","caller":"task/manager_util.go:80","msg":"get new task for taskID: t"}\n',
        '2022-01-10T08:00:00.000Z\tINFO\tcdn/cache_detector.go:76\tfinish detect cache\t{"taskId": "t"}\n',
      ],
    }),
  run(text) {
    const c = cdnCallers(text);
    plainData(c);
    if (c && (c.length === 0 || c.length > 3)) throw new Error(`CDN callers out of bounds: ${JSON.stringify(c)}`);
    return [];
  },
});

register({
  name: 'psi+self-stat',
  files: ['psi.ts'],
  seeds: () =>
    seedTexts({
      fixtures: /^raw\/system\/(pressure-\w+|self-stat-\d)\.txt$/,
      inline: [
        'some avg10=0.31 avg60=0.42 avg300=0.38 total=912339821\nfull avg10=0.12 avg60=0.20 avg300=0.17 total=601223310\n',
        '4242 (node (x) y) S 4230 4230 4230 0 -1 4194560 20311 1822 0 0 1502 311 20 9 20 0 11 0 8811 1099407360 31337\n',
      ],
    }),
  run(text) {
    const failures: Located[] = [];
    const p = parsePressure(text);
    plainData(p);
    if (p.ok && ![p.value.some.avg10, p.value.some.avg60, p.value.some.avg300].every(Number.isFinite))
      throw new Error(`non-finite pressure ${JSON.stringify(p.value)}`);
    if (!p.ok) failures.push(p.line === undefined ? { message: p.message } : { line: p.line, message: p.message });
    const t = parseProcessCpuTicks(text);
    plainData(t);
    if (t.ok && !(Number.isFinite(t.value.own) && Number.isFinite(t.value.children)))
      throw new Error(`non-finite ticks ${JSON.stringify(t.value)}`);
    return failures;
  },
});

register({
  name: 'meminfo+loadavg',
  files: ['meminfo.ts'],
  seeds: () =>
    seedTexts({
      fixtures: /^raw\/system\/(meminfo|loadavg)$/,
      inline: [
        'MemTotal:       16318624 kB\nMemFree:         1423420 kB\nMemAvailable:    9871236 kB\nHugePages_Total:       0\n',
        '0.52 0.58 0.59 2/1025 123456\n',
      ],
    }),
  run(text) {
    const m = parseMeminfo(text);
    plainData(m);
    for (const [k, v] of Object.entries(m)) if (!Number.isFinite(v) || v < 0) throw new Error(`meminfo ${k} = ${v}`);
    const l = parseLoadavg(text);
    if (l && !l.every(Number.isFinite)) throw new Error(`loadavg ${l}`);
    // lenient by design: unknown lines are skipped, so there is nothing to locate
    return [];
  },
});

register({
  name: 'ss-listeners',
  files: ['ss-listeners.ts'],
  seeds: () =>
    seedTexts({
      fixtures: /^raw\/net\/listeners\.txt$/,
      inline: [
        'State  Recv-Q Send-Q Local Address:Port  Peer Address:PortProcess\nLISTEN 0      4096       127.0.0.1:4001       0.0.0.0:*    users:(("dfdaemon",pid=1234,fd=12))\nLISTEN 0      4096            [::]:65001          [::]:*    users:(("dfget",pid=99,fd=7))\nLISTEN 0      128    [fe80::1]%eth0:22            *:*\n',
      ],
    }),
  run(text) {
    const r = parseSsListeners(text);
    plainData(r);
    for (const l of r.listeners) if (!Number.isInteger(l.port)) throw new Error(`port ${l.port}`);
    return r.unrecognised.map((line) => ({ line, message: 'unrecognised line' }));
  },
});

register({
  name: 'prometheus',
  files: ['prometheus.ts'],
  seeds: () =>
    seedTexts({
      fixtures: /^raw\/dfdaemon\/metrics-\d\.prom$/,
      samples: /\.prom$/,
      inline: [
        '# HELP x_seconds help\n# TYPE x_seconds histogram\nx_seconds_bucket{le="0.1"} 1\nx_seconds_bucket{le="+Inf"} 2\nx_seconds_sum 0.3\nx_seconds_count 2\n',
      ],
    }),
  run(text) {
    const e = parsePrometheus(text);
    plainData(e);
    // the queries rules run over a scrape pair
    for (const f of e.families.values()) {
      increase(e, e, f.samples[0]?.name ?? f.name);
      if (f.type === 'histogram') histogramBuckets(e, f.name);
    }
    return e.errors;
  },
});

register({
  name: 'iptables-save',
  files: ['iptables-save.ts', 'netfilter-rule.ts'],
  seeds: () =>
    seedTexts({
      fixtures: /^raw\/net\/ip6?tables-save\.txt$/,
      inline: [
        '# Generated by iptables-save v1.8.9 (nf_tables) on Wed Nov 25 10:00:00 2026\n*filter\n:INPUT ACCEPT [10:600]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n:KUBE-SERVICES - [0:0]\n[5:300] -A INPUT -i lo -m statistic --mode random --probability 0.05000000000 -j DROP\n-A INPUT -p tcp -m tcp --dport 65001 -m comment --comment "dfdaemon \\"proxy\\"" -j REJECT --reject-with icmp-port-unreachable\n-A INPUT -j KUBE-SERVICES\n-A OUTPUT -m conntrack --ctstate NEW -m limit --limit 10/sec -j ACCEPT\nCOMMIT\n# Completed on Wed Nov 25 10:00:00 2026\n*nat\n:PREROUTING ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A OUTPUT -d 127.0.0.1/32 -p tcp --dport 5000 -j REDIRECT --to-ports 65001\nCOMMIT\n',
      ],
    }),
  allowEofLine: true,
  run(text) {
    const out: Located[] = [];
    for (const fam of ['ip', 'ip6'] as const) {
      const rs = parseIptablesSave(text, fam);
      plainData(rs);
      ruleCount(rs);
      for (const u of rs.unparsed) out.push({ line: u.line, message: u.reason });
    }
    return out;
  },
});

register({
  name: 'nft',
  files: ['nft.ts', 'netfilter-rule.ts'],
  seeds: () =>
    seedTexts({
      fixtures: /^raw\/net\/nft-ruleset\.txt$/,
      inline: [
        'table ip filter {\n\tchain INPUT {\n\t\ttype filter hook input priority filter; policy accept;\n\t\tiifname "lo" meta random & 2147483647 < 107374182 counter packets 5 bytes 300 drop\n\t\ttcp dport 65001 counter packets 0 bytes 0 reject with icmp type port-unreachable\n\t\tip daddr 127.0.0.0/8 tcp dport { 4001, 65001-65002 } limit rate 10/second accept\n\t\tct state established,related accept\n\t\tjump KUBE-SERVICES\n\t}\n\tchain KUBE-SERVICES {\n\t}\n}\ntable inet kube-proxy {\n\tset cluster-ips {\n\t\ttype ipv4_addr\n\t\telements = { 10.96.0.1, 10.96.0.10 }\n\t}\n\tmap service-ips {\n\t\ttype ipv4_addr . inet_proto . inet_service : verdict\n\t\telements = { 10.96.0.1 . tcp . 443 : goto service-X }\n\t}\n\tchain nat-output {\n\t\ttype nat hook output priority -100; policy accept;\n\t\tip daddr . meta l4proto . th dport vmap @service-ips\n\t\tnumgen random mod 2 vmap { 0 : goto a, 1 : goto b }\n\t\tqueue num 3 bypass\n\t\tmeta l4proto tcp redirect to :65001\n\t}\n}\ntable ip6 t {\n\tchain c {\n\t\ttype filter hook output priority 0; policy drop;\n\t\tip6 saddr ::1 oifname "lo*" log prefix "x " accept\n\t}\n}\n',
      ],
    }),
  run(text) {
    const rs = parseNftRuleset(text);
    plainData(rs);
    ruleCount(rs);
    return rs.unparsed.map((u) => ({ line: u.line, message: u.reason }));
  },
  allowEofLine: true,
});

register({
  name: 'diskstats',
  files: ['diskstats.ts'],
  seeds: () =>
    seedTexts({
      fixtures: /^raw\/disk\/diskstats-\d\.txt$/,
      inline: [
        ...liveText('/proc/diskstats'),
        ' 254       0 vda 150883 52413 11436502 42510 580290 429811 21613970 712003 0 466428 792452 0 0 0 0 64511 37938\n   7       0 loop0 58 0 2128 19 0 0 0 0 0 40 19 0 0 0 0 0 0\n',
      ],
    }),
  run(text) {
    const r = parseDiskstats(text);
    plainData(r);
    if (!r.ok) return [r.line === undefined ? { message: r.message } : { line: r.line, message: r.message }];
    for (const row of r.value.values()) {
      const s = ioStat(row, { ...row, readsCompleted: row.readsCompleted + 10, ioTicksMs: row.ioTicksMs + 5 }, 1000);
      if (s && !Object.values(s).every((v) => typeof v !== 'number' || !Number.isNaN(v)))
        throw new Error(`NaN in ${JSON.stringify(s)}`);
      ioStat(row, row, 0);
    }
    return [];
  },
});

register({
  name: 'mountinfo',
  files: ['mountinfo.ts'],
  seeds: () =>
    seedTexts({
      fixtures: /^raw\/disk\/(mounts|mountinfo)\.txt$/,
      inline: [
        ...liveText('/proc/self/mountinfo'),
        ...liveText('/proc/mounts'),
        '22 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw,errors=remount-ro\n30 22 0:25 / /var/lib/dragonfly\\040cache rw,nosuid - tmpfs tmpfs rw,size=1024k\n',
      ],
    }),
  run(text) {
    const r = parseMountTable(text);
    plainData(r);
    if (!r.ok) return [r.line === undefined ? { message: r.message } : { line: r.line, message: r.message }];
    mountOf(r.value, '/var/lib/dragonfly/content');
    mountOf(r.value, '/', '254:1');
    return [];
  },
});

register({
  name: 'proc-cgroup',
  files: ['proc-cgroup.ts'],
  seeds: () =>
    seedTexts({
      inline: [
        ...liveText('/proc/self/cgroup'),
        `0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod5f1c2b7e_8a4d_4c3e_9b2a_1d7e6f5a4b3c.slice/cri-containerd-${'9d8c7b6a'.repeat(8)}.scope\n`,
        `12:pids:/kubepods/besteffort/pod5f1c2b7e-8a4d-4c3e-9b2a-1d7e6f5a4b3c/${'c0ffee00'.repeat(8)}\n1:name=systemd:/\n`,
        'docker.io/dragonflyoss/dfdaemon:v2.1.49',
        'registry.local:5000/dragonflyoss/client@sha256:abc',
      ],
    }),
  run(text) {
    const c = containerOf(text);
    plainData(c);
    if (c && !/^[0-9a-f]{64}$/.test(c.id)) throw new Error(`not a container id: ${c.id}`);
    const tag = imageTag(text);
    if (tag !== undefined && (tag.includes('/') || tag.includes('@'))) throw new Error(`not a tag: ${tag}`);
    return [];
  },
});

register({
  name: 'kubelet-events',
  files: ['kubelet-events.ts', 'go-duration.ts'],
  seeds: () =>
    seedTexts({
      fixtures: /^raw\/kubelet\/events\.json$/,
      inline: [
        '{"items":[{"reason":"Pulled","message":"Successfully pulled image \\"a:1\\" in 1.204s (14.611s including waiting). Image size: 1000000000 bytes.","involvedObject":{"namespace":"t","name":"p"},"source":{"host":"n"}}]}',
        '[{"reason":"Pulled","note":"Container image \\"b:1\\" already present on machine","regarding":{"name":"p"},"reportingInstance":"n"}]',
        '{"items":[{"reason":"Failed","message":"Failed to pull image \\"a.b.c/image-0.1\\": pull QPS exceeded","involvedObject":{"name":"p"},"count":3}]}',
      ],
    }),
  run(text) {
    const r = parseImageEvents(text);
    plainData(r);
    if (!r.ok) return [r.line === undefined ? { message: r.message } : { line: r.line, message: r.message }];
    for (const e of r.value) {
      plainData(parseQpsRefusal(e.message));
      const m = parsePulledMessage(e.message);
      if (m?.kind === 'pulled' && !(m.pullMs >= 0 && m.totalMs >= 0))
        throw new Error(`negative duration in ${e.message}`);
    }
    const d = parseGoDuration(text.slice(0, 40));
    if (d !== null && !(d >= 0)) throw new Error(`duration ${d}`);
    return [];
  },
});

register({
  name: 'kubectl-describe-events',
  files: ['kubectl-describe-events.ts'],
  seeds: () =>
    seedTexts({
      fixtures: /pasted\/describe-events\.txt$/,
      inline: [
        'Events:\n  Type    Reason  Age   From             Message\n  ----    ------  ----  ----             -------\n  Normal  Pulled  12s   kubelet, node-1  Successfully pulled image "a:1" in 1.204s (14.611s including waiting)\n',
        '  Warning  Failed  3m (x12 over 9m)  kubelet  Failed to pull image "b:1": pull QPS exceeded\r\n',
        // a message wrapped by a terminal, and one whose row broke before it
        '  Warning  Failed  3m  kubelet  Failed to pull image "c:1": rpc error: code = Unknown desc = fai\nled to resolve\n  reference\n65s  Warning  BackOff  pod/p\nBack-off restarting failed container\n',
      ],
    }),
  run(text) {
    const rows = parseDescribeEvents(text);
    plainData(rows);
    for (const r of rows)
      if (!(Number.isInteger(r.count) && r.count >= 1) || r.reason === '' || r.message === '')
        throw new Error(`a row read with count ${r.count}, reason "${r.reason}", message "${r.message}"`);
    return [];
  },
});

register({
  name: 'kubelet-event-log',
  files: ['kubelet-event-log.ts'],
  seeds: () =>
    seedTexts({
      fixtures: /pasted\/kubelet-journal\.txt$/,
      inline: [
        'I1016 16:43:09.120418     812 event.go:389] "Event occurred" object="default/web-0" fieldPath="spec.containers{web}" kind="Pod" apiVersion="v1" type="Normal" reason="Pulled" message="Successfully pulled image \\"a:1\\" in 1.2s (1.2s including waiting)"\n',
        'I0211 00:06:28.333173    3902 server.go:570] Event(api.ObjectReference{Kind:"Pod", FieldPath:"spec.containers{x}"}): type: \'Normal\' reason: \'Pulled\' Successfully pulled image "nginx"\r\n',
      ],
    }),
  run(text) {
    const events = parseKubeletEventLog(text);
    plainData(events);
    for (const e of events) {
      if (e.reason === '' || e.message === '' || !(e.line >= 1))
        throw new Error(`an event read as ${JSON.stringify(e)}`);
      isLoggedEventLine(text.split('\n')[e.line - 1] as string);
    }
    return [];
  },
});

register({
  name: 'containerd-cut-line',
  files: ['containerd-cut-line.ts'],
  seeds: () =>
    seedTexts({
      fixtures: /3419\/pasted\/containerd-journal\.txt$/,
      inline: [
        'a/b/manifests/1?ns=docker.io: 500 Internal Server Error" host="127.0.0.1:65001"\n',
        'b/manifests/1\\": context canceled" host="h:1"\r\nsome words" host=h\n',
      ],
    }),
  run(text) {
    for (const [i, l] of text.split('\n').entries()) {
      const c = parseCutLine(l, i + 1);
      plainData(c);
      if (c && (c.host === '' || (c.outcome && 'status' in c.outcome && !(c.outcome.status >= 100))))
        throw new Error(`a cut line read as ${JSON.stringify(c)}`);
    }
    return [];
  },
});

const CONTAINERD_TOML = `version = 2
root = "/var/lib/containerd"
imports = ["/etc/containerd/conf.d/*.toml"]

[plugins."io.containerd.grpc.v1.cri"]
  max_concurrent_downloads = 3
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
  [plugins."io.containerd.grpc.v1.cri".registry]
    config_path = "/etc/containerd/certs.d:/etc/docker/certs.d"
    [plugins."io.containerd.grpc.v1.cri".registry.mirrors."docker.io"]
      endpoint = ["http://127.0.0.1:65001", "https://registry-1.docker.io"]

[plugins."io.containerd.transfer.v1.local"]
  max_concurrent_downloads = 3
  unpack_config = [{platform = "linux/amd64", snapshotter = "overlayfs"}]
`;
const CONTAINERD_TOML_V3 = `version = 3
[plugins.'io.containerd.cri.v1.images']
  max_concurrent_downloads = 6
  image_pull_progress_timeout = '5m0s'
  [plugins.'io.containerd.cri.v1.images'.registry]
    config_path = '/etc/containerd/certs.d'
`;

register({
  name: 'containerd-config',
  files: ['containerd-toml.ts', 'containerd-config.ts', 'paste-elision.ts'],
  seeds: () =>
    seedTexts({
      fixtures: /^raw\/containerd\/(config|config-dump)\.toml$|^raw\/containerd\/imports\//,
      inline: [CONTAINERD_TOML, CONTAINERD_TOML_V3],
    }),
  attacks: [
    `${'['.repeat(5000)}${']'.repeat(5000)}`,
    `a = ${'['.repeat(100_000)}`,
    `x = { ${'y = { '.repeat(3000)}`,
    'a.b.c.d.e.f.g.h = 1\n'.repeat(2000),
  ],
  run(text) {
    // a paste's elision marks are read before a parse failure is taken as the file's
    for (const n of elidedLines(text)) if (!Number.isInteger(n) || n < 1) throw new Error(`elided line ${n}`);
    const t = parseTomlLocated(text);
    if (!t.ok) return [t.line === undefined ? { message: t.message } : { line: t.line, message: t.message }];
    const { problems, config } = readContainerdConfig(t.value, text);
    plainData(config);
    // an import merged over the base, and over itself (key collisions of every kind)
    const merged = mergeTomlTables(
      parseTomlLocated(CONTAINERD_TOML).ok
        ? (parseTomlLocated(CONTAINERD_TOML) as { value: Record<string, unknown> }).value
        : {},
      t.value,
    );
    readContainerdConfig(mergeTomlTables(merged, t.value), text);
    // as containerd 2.3+ loads a version 3 file: a leftover CRI table copied over the images table
    plainData(readContainerdConfig(migrateLeftoverCri({ ...t.value, version: 3 }), text).config);
    // where every key and table header is written (errors in a file are located with it)
    plainData(t.tableHeaders());
    return problems;
  },
});

register({
  name: 'hosts-toml',
  files: ['hosts-toml.ts', 'containerd-toml.ts', 'go-url-host.ts'],
  seeds: () =>
    seedTexts({
      fixtures: /^raw\/containerd\/certs\.d\/.*hosts\.toml$/,
      inline: [
        'server = "https://registry-1.docker.io"\n\n[host."http://127.0.0.1:65001"]\n  capabilities = ["pull", "resolve"]\n  skip_verify = true\n  [host."http://127.0.0.1:65001".header]\n    X-Dragonfly-Registry = ["https://index.docker.io"]\n\n[host."https://mirror.example:5000"]\n  capabilities = ["pull"]\n  override_path = true\n  ca = "/etc/ssl/ca.pem"\n',
        // a bracketed host no IPv6 address, as a paste's redaction leaves it (Go's url.Parse takes it)
        'server = "https://[REDACTED]:8443/v2"\n\n[host."http://[<mirror>]:5000/v2/docker.io?x#y"]\n',
      ],
    }),
  attacks: [`[host.${'"a".'.repeat(3000)}"b"]\n`],
  run(text) {
    const r = parseHostsToml(text);
    plainData(r);
    hostDirCandidates(text.slice(0, 40));
    registryOfHostDir(text.slice(0, 40));
    plainData(parseBracketedUrl(`https://[${text.slice(0, 200)}`));
    if (!r.ok) return [r.line === undefined ? { message: r.message } : { line: r.line, message: r.message }];
    return r.warnings;
  },
});

register({
  name: 'containerd-log',
  // read as the facts read it: through the paste normaliser first
  files: ['containerd-log.ts', 'klog-line.ts', 'paste-normalize.ts'],
  seeds: () =>
    seedTexts({
      fixtures: /^raw\/containerd\/journal\.txt$/,
      inline: [
        'Nov 25 10:00:00 node containerd[812]: time="2026-11-25T10:00:00.123456789Z" level=info msg="trying next host" error="failed to do request: Head \\"http://127.0.0.1:65001/v2/library/nginx/manifests/latest?ns=docker.io\\": dial tcp 127.0.0.1:65001: connect: connection refused" host="127.0.0.1:65001"\ntime="2026-11-25T10:00:01Z" level=error msg="fetch failed" error="unexpected status" host=registry-1.docker.io\ntime="2026-11-25T10:00:02Z" level=info msg="using pigz for decompression"\ntime="2026-11-25T10:00:03Z" level=warning msg="failed to decode hosts.toml" error="invalid `host` tree"\n',
        '> INFO[2021-04-14T13:44:56.185820263-05:00] trying next host                              error="dial tcp x.y.z.7:5000: connect: no route to host" host="x.y.z.7:5000"\r\n[2mWARN[0000][0m image connect using default endpoints\r\ning next host" error="e" host="127.0.0.1:4001"\ntime="t" level=info msg="Pulled image \\"a [TRUNCATED]\ncontinued" size="1"\n',
        // crictl's klog line before its FATA line, and a record pretty-printed over several lines
        'E1016 16:43:09.501206 2644669 remote_image.go:180] "PullImage from image service failed" err="rpc error: code = Unknown desc = failed to resolve reference \\"a/b:1\\": pulling from host 127.0.0.1:65001 failed with status code [manifests 1]: 500 Internal Server Error" image="a/b:1"\nFATA[0000] pulling image: failed to resolve reference "a/b:1": pulling from host 127.0.0.1:65001 failed with status code [manifests 1]: 500 Internal Server Error\n{\n  "level": "info",\n  "msg": "resolving",\n  "time": "t"\n}\n',
      ],
    }),
  run(text) {
    const raw = text.split('\n');
    const lines = normalizePastedLines(raw, { logrus: true, knownMessages: HEADLESS_MESSAGES });
    if (lines.length !== raw.length)
      throw new Error(`paste normaliser changed the line count ${raw.length} → ${lines.length}`);
    for (let i = 0; i < lines.length; i++) {
      const ev = parseContainerdLogLine(lines[i] as string, i + 1);
      plainData(ev);
      if (ev && ev.line !== i + 1) throw new Error(`event at line ${ev.line}, read from ${i + 1}`);
    }
    return [];
  },
});

register({
  name: 'containerd-version',
  files: ['containerd-version.ts'],
  seeds: () =>
    seedTexts({
      fixtures: /^raw\/containerd\/version\.txt$/,
      inline: [
        'containerd github.com/containerd/containerd 1.6.20~ds1 1.6.20~ds1-1+deb12u3\n',
        'containerd github.com/containerd/containerd/v2 v2.1.0 06b99ca80cdbfbc6cc8bd567021738c9af2b36ce\n',
        'Client:\n  Version:  1.7.27\n  Revision: 05044ec\n  Go version: go1.23\n\nServer:\n  Version:  1.6.20\n  Revision: 1.6.20~ds1\n  UUID: 1234\n',
      ],
    }),
  attacks: [`${'Server: '.repeat(40_000)}`],
  run(text) {
    const v = parseContainerdVersion(text);
    plainData(v);
    versionAtLeast(v, 1, 7);
    if (v && ![v.major, v.minor, v.patch].every(Number.isFinite)) throw new Error(`version ${JSON.stringify(v)}`);
    return [];
  },
});

register({
  name: 'image-ref',
  files: ['image-ref.ts'],
  seeds: () =>
    seedTexts({
      inline: [
        'nginx\nnginx:1.27\ndocker.io/library/nginx:1.27\n',
        '127.0.0.1:5000/lab/app:v1\nlocalhost/a/b:c\n',
        `ghcr.io/o/i@sha256:${'a'.repeat(64)}\nregistry.example.com/team/app\n`,
      ],
    }),
  attacks: [`${'a/'.repeat(50_000)}!`, `${'a.'.repeat(50_000)}:`, `x:${':'.repeat(100_000)}`],
  run(text) {
    for (const line of text.split('\n')) {
      const r = splitImageRef(line);
      plainData(r);
      if (!r) continue;
      if (!r.registryHost || !/^[:@]/.test(r.suffix)) throw new Error(`split ${JSON.stringify(r)}`);
      // what it printed reads back the same
      const again = splitImageRef(`${r.registryHost}/${r.repo}${r.suffix}`);
      if (JSON.stringify(again) !== JSON.stringify(r))
        throw new Error(`${JSON.stringify(line)} → ${JSON.stringify(r)}, read back as ${JSON.stringify(again)}`);
    }
    return [];
  },
});

const YAML_BOMB = `a: &a ["x","x","x","x","x","x","x","x","x"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
serializeImagePulls: *g
`;

register({
  name: 'kubelet-config',
  files: ['kubelet-config.ts'],
  seeds: () =>
    seedTexts({
      fixtures: /^raw\/kubelet\/config\.yaml$/,
      inline: [
        'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nserializeImagePulls: false\nmaxParallelImagePulls: 3\nregistryPullQPS: 5\nregistryBurst: 10\nimageGCHighThresholdPercent: 85\nauthentication:\n  anonymous:\n    enabled: false\n',
        'kind: KubeletConfiguration\nserializeImagePulls: "no"\nmaxParallelImagePulls: null\n<<: {registryBurst: 4}\n',
      ],
    }),
  attacks: [
    YAML_BOMB,
    `${'- '.repeat(20_000)}x`,
    `${'['.repeat(20_000)}`,
    '!!binary AAAA\n',
    'a: !!js/function "x"\n',
    '%YAML 9.9\n---\nkind: x\n',
  ],
  run(text) {
    const r = parseKubeletConfig(text);
    plainData(r);
    if (!r.ok) return [r.line === undefined ? { message: r.message } : { line: r.line, message: r.message }];
    return r.problems;
  },
});

register({
  name: 'configmap',
  files: ['configmap.ts'],
  seeds: () =>
    seedTexts({
      fixtures: /^raw\/dfdaemon\/config\//,
      inline: [
        'apiVersion: v1\ndata:\n  dfdaemon.yaml: |-\n    storage:\n      keep: true\nkind: ConfigMap\nmetadata:\n  name: dragonfly-client\n',
        'apiVersion: v1\ndata:\n  dfget.yaml: "storage:\\n  multiplex: true\\n"\nkind: ConfigMap\n',
      ],
    }),
  attacks: [YAML_BOMB.replace('serializeImagePulls', 'data'), `apiVersion: v1\ndata:\n${'  '.repeat(5000)}x\n`],
  run(text) {
    const cm = configMapEntry(text, ['dfdaemon.yaml', 'dfget.yaml']);
    plainData(cm);
    // a literal block keeps the file's line numbers: it cannot have more lines than the file
    if (cm?.sameLines && cm.text.split('\n').length > text.split('\n').length)
      throw new Error(`${cm.text.split('\n').length} lines from a file of ${text.split('\n').length}`);
    return [];
  },
});

register({
  name: 'helm-values',
  files: ['helm-values.ts'],
  seeds: () =>
    seedTexts({
      fixtures: /^raw\/dfdaemon\/config\//,
      inline: [
        'seedClient:\n  config:\n    proxy:\n      rules:\n        - regex: "blobs/sha256.*"\nclient:\n  image:\n    tag: v0.2.19\n',
        'dfdaemon:\n  config:\n    storage:\n      multiplex: true\n',
      ],
    }),
  attacks: [YAML_BOMB.replace('serializeImagePulls', 'client'), `client:\n${'  '.repeat(5000)}x\n`],
  run(text) {
    const keys = helmValuesKeys(text);
    plainData(keys);
    if (keys && keys.length === 0) throw new Error('chart keys found, but none named');
    return [];
  },
});

register({
  name: 'kubelet-flags',
  files: ['kubelet-flags.ts'],
  seeds: () =>
    seedTexts({
      fixtures: /^raw\/kubelet\/flags\.txt$/,
      inline: [
        '/usr/bin/kubelet\n--config=/var/lib/kubelet/config.yaml\n--serialize-image-pulls=false\n--max-parallel-image-pulls\n4\n--registry-qps=5\n--registry-burst=10\n--container-runtime-endpoint=unix:///run/containerd/containerd.sock\n',
      ],
    }),
  run(text) {
    const f = parseKubeletFlags(text);
    plainData(f);
    return f.problems;
  },
});

const GO_JSON_LOG = [
  '{"level":"info","ts":"2022-11-09 06:39:19.162","caller":"peer/peertask_conductor.go:307","msg":"register task success, SizeScope: NORMAL","peer":"10.22.60.85-1-abc","task":"9156eabc","component":"PeerTask","trace":"f158f0e8"}',
  '{"level":"info","ts":"2022-11-09 06:39:19.200","caller":"peer/peertask_reuse.go:91","msg":"reuse from peer task: 10.22.60.85-1-abc, total size: 7459","peer":"p","task":"t","component":"reuseStreamPeerTask"}',
  '{"level":"warn","ts":"2022-11-09 06:39:20.000","caller":"peer/peertask_conductor.go:1036","msg":"start download from source due to wait first peer packet from scheduler timeout","peer":"p","task":"t","stacktrace":"a\\nb"}',
  '{"level":"info","ts":"2022-11-09 06:39:21.000","caller":"peer/peertask_conductor.go:1393","msg":"peer task done, cost: 1234ms","peer":"p","task":"t"}',
  '{"level":"info","ts":"2022-11-09 06:39:21.000","caller":"peer/piece_manager.go:100","msg":"set download limiter 1073741824.000000 for piece manager"}',
].join('\n');
const GO_CONSOLE_LOG =
  '2022-08-24T13:09:04.964Z\tINFO\tpeer/peertask_reuse.go:221\treuse from peer task: 10.101.204.106-1-8c51, total size: 7459\t{"peer": "p", "task": "c34b", "component": "reuseStreamPeerTask"}\n2023/08/14 16:18:32 httputil: ReverseProxy read error during body copy: unexpected EOF\n';
const RUST_LOG =
  '2024-08-06T11:50:06.590777349+00:00  INFO download_task: dragonfly-client/src/grpc/dfdaemon_download.rs:221: download task started: Download { url: "https://index.docker.io/v2/library/nginx/blobs/sha256:dfaa", digest: None }\n2024-08-06T11:50:06.600000000+00:00  INFO download_task: dragonfly-client/src/resource/task.rs:452: all pieces are downloaded from local\n2024-08-06T11:50:07.000000000+00:00 ERROR download_task:download_from_parent: dragonfly-client/src/resource/piece.rs:490: download piece finished: digest mismatch expected: crc32:4032120726, actual: crc32:1944964255\n' +
  '  2025-07-03T03:28:43.810132723+00:00 ERROR  download piece finished: digest mismatch expected: crc32:4032120726, actual: crc32:1944964255\n    at dragonfly-client/src/resource/piece.rs:490\n    in download_from_parent with piece_id: "46237877-262"\n    in download_task with host_id: "10.98.88.28-runner12", task_id: "46237877", content_length: 1744913264\n';

register({
  name: 'dfdaemon-log',
  files: [
    'dfdaemon-log.ts',
    'dfdaemon-log-lines.ts',
    'dfdaemon-log-types.ts',
    'dfdaemon-log-record.ts',
    'dfdaemon-log-patterns.ts',
    'dfdaemon-log-details.ts',
    'dfdaemon-timeline.ts',
  ],
  seeds: () => seedTexts({ fixtures: /^raw\/dfdaemon\/logs\//, inline: [GO_JSON_LOG, GO_CONSOLE_LOG, RUST_LOG] }),
  attacks: [
    `{"level":"info","msg":"peer task done, cost: 1ms","a":${'['.repeat(100_000)}`,
    `{"msg":"${'\\u0000'.repeat(50_000)}"}`,
    'x'.repeat(3 << 20),
  ],
  run(_text, bytes) {
    // the same bytes fed whole and in small chunks must give the same events: lines cross chunk boundaries
    const scan = (chunk: number) => {
      const events: LogEvent[] = [];
      const s = new LogScanner(logScanWasm(), { file: 'raw/dfdaemon/logs/core.log', onEvent: (e) => events.push(e) });
      for (let i = 0; i < bytes.length; i += chunk) s.push(bytes.subarray(i, i + chunk));
      return { events, stats: s.end() };
    };
    const whole = scan(Math.max(1, bytes.length));
    plainData(whole);
    // the WebAssembly scanner reads what the JS scanner it replaced read (test/oracle/dfdaemon-log-js.ts)
    const oracle: LogEvent[] = [];
    const js = new JsLogScanner({ file: 'raw/dfdaemon/logs/core.log', onEvent: (e) => oracle.push(e) });
    js.push(bytes);
    const jsStats = js.end();
    if (
      JSON.stringify(whole.events) !== JSON.stringify(oracle) ||
      JSON.stringify(whole.stats) !== JSON.stringify(jsStats)
    )
      throw new Error('the WebAssembly scanner and the JS oracle read the input differently');
    // odd small chunks for small inputs; a read stream's 64 KiB for big ones (7-byte chunks of a 3 MB
    // line would only measure Buffer.concat). A line over the scanner's cap is dropped only when it
    // spans chunks, so the two readings are compared only below the cap.
    const split = scan(bytes.length < 8192 ? 7 : 65536);
    if (longestLine(bytes) < LogScanner.MAX_LINE && JSON.stringify(whole.events) !== JSON.stringify(split.events)) {
      throw new Error('events differ when the input arrives in chunks');
    }
    // the events go on into the task timeline, as in the probe's slicer and the facts
    const tb = new TimelineBuilder();
    for (const e of whole.events) tb.add(e);
    plainData(tb.finish());
    const out: Located[] = whole.stats.unrecognisedSamples.map((u) => ({
      line: u.line,
      message: `unrecognised: ${u.text || '(empty)'}`,
    }));
    for (const e of whole.events) out.push({ line: e.line, message: e.kind });
    return out;
  },
  async check(bytes) {
    // the facts fold a long log in two passes (src/facts/dfdaemon-log-fold.ts): keys first, events for
    // the surviving tasks second. With the bounds lowered to 2 tasks and 1 proxy request, nearly every
    // task of a hostile input is dropped, so the passes must agree on which; the answer must be the
    // builder's own over every event, with the same chunks (a line over the cap depends on them)
    const chunk = bytes.length < 8192 ? 97 : 65536;
    const file = 'raw/dfdaemon/logs/core.log';
    const b = new TimelineBuilder(2, 1);
    const s = new LogScanner(logScanWasm(), { file, onEvent: (e) => b.add(e) });
    for (let i = 0; i < bytes.length; i += chunk) s.push(bytes.subarray(i, i + chunk));
    const want = { stats: [s.end()], summary: b.finish() };
    // piece lines, which a fold takes without their events (PieceLine), must fold as their events do
    const bare = new TimelineBuilder(2, 1);
    const sb = new LogScanner(logScanWasm(), { file, onEvent: (e) => bare.add(e), onPiece: (p) => bare.addPiece(p) });
    for (let i = 0; i < bytes.length; i += chunk) sb.push(bytes.subarray(i, i + chunk));
    sb.end();
    if (JSON.stringify(bare.finish()) !== JSON.stringify(want.summary))
      throw new Error('piece lines fold into other timelines than their events');
    const got = await foldLogs(
      [
        {
          file,
          chunks: async function* () {
            for (let i = 0; i < bytes.length; i += chunk) yield bytes.subarray(i, i + chunk);
          },
        },
      ],
      {
        maxTasks: 2,
        maxProxy: 1,
        onePassBelow: 0,
        readError: (f, message) => {
          throw new Error(`${f}: ${message}`);
        },
      },
    );
    if (JSON.stringify(got.stats) !== JSON.stringify(want.stats))
      throw new Error('the two-pass fold counts the lines differently from one pass');
    if (JSON.stringify(got.summary) !== JSON.stringify(want.summary))
      throw new Error('the two-pass fold gives other timelines than one pass over every event');
  },
});

register({
  name: 'dfdaemon-log-time',
  files: ['dfdaemon-log-time.ts'],
  seeds: () =>
    seedTexts({
      fixtures: /^raw\/dfdaemon\/logs\//,
      inline: [
        GO_JSON_LOG,
        GO_CONSOLE_LOG,
        RUST_LOG,
        '{"level":"info","ts":1782345600.5,"msg":"x"}\n  \x1b[2m2024-08-06T11:50:06.59Z\x1b[0m  INFO x\n',
      ],
    }),
  attacks: [`{"ts":"${'9'.repeat(100_000)}`, ' '.repeat(1 << 20), `\x1b[${'1;'.repeat(50_000)}`],
  run(_text, bytes) {
    // the seek reads a timestamp from every line it lands on: null or a finite time, never a throw
    let start = 0;
    let line = 0;
    const out: Located[] = [];
    for (;;) {
      const nl = bytes.indexOf(10, start);
      const end = nl < 0 ? bytes.length : nl;
      line++;
      const ms = lineTimeMs(bytes, start, end);
      if (ms !== null && !Number.isFinite(ms)) throw new Error(`line ${line}: timestamp ${ms} is not a finite time`);
      if (ms !== null && out.length < 50) out.push({ line, message: `at ${ms}` });
      if (nl < 0) return out;
      start = nl + 1;
    }
  },
});

function longestLine(b: Uint8Array): number {
  let max = 0;
  let start = 0;
  for (;;) {
    const nl = b.indexOf(10, start);
    const end = nl < 0 ? b.length : nl;
    max = Math.max(max, end - start);
    if (nl < 0) return max;
    start = nl + 1;
  }
}

register({
  name: 'dmesg-conntrack',
  files: ['dmesg-conntrack.ts'],
  seeds: () =>
    seedTexts({
      fixtures: /^raw\/system\/dmesg\.txt$/,
      inline: [
        '[Wed Nov 25 10:00:00 2026] nf_conntrack: nf_conntrack: table full, dropping packet\n[  12.345678] net_ratelimit: 312 callbacks suppressed\n[  12.4] nf_queue: full at 1024 entries, dropping packets(s)\n',
      ],
    }),
  run(text) {
    const m = scanNetfilterKernelMessages(text);
    plainData(m);
    const out: Located[] = [];
    for (const x of [m.conntrackFull.first, m.conntrackFull.last, m.queueFull.first])
      if (x) out.push({ line: x.line, message: x.text || 'kernel message' });
    return out;
  },
});

register({
  name: 'name-resolution',
  files: ['hosts.ts', 'resolv.ts', 'nsswitch.ts', 'gai.ts', 'net-address.ts'],
  seeds: () =>
    seedTexts({
      fixtures: /^raw\/net\/(hosts|resolv\.conf|nsswitch\.conf|gai\.conf)$/,
      inline: [
        ...liveText('/etc/hosts'),
        ...liveText('/etc/nsswitch.conf'),
        ...liveText('/etc/resolv.conf'),
        '127.0.0.1 localhost\n::1 localhost ip6-localhost\n127.0.1.1 node-1\n10.0.0.5 mirror.local mirror # comment\n',
        'hosts: files [NOTFOUND=return] mdns4_minimal [!UNAVAIL=return] dns myhostname\n',
        'nameserver 10.96.0.10\nsearch default.svc.cluster.local svc.cluster.local\noptions ndots:5 timeout:1\n',
        'precedence ::1/128 50\nprecedence ::ffff:0:0/96 100\nlabel 2002::/16 2\n',
      ],
    }),
  run(text) {
    const out: Located[] = [];
    const h = parseHosts(text);
    plainData(h);
    for (const i of h.invalid) out.push({ line: i.line, message: 'not an address line' });
    for (const e of h.entries) for (const n of e.names.slice(0, 3)) hostsLookup(h, n);
    hostsLookup(h, 'localhost');
    plainData(parseResolvConf(text));
    const nss = parseNsswitchHosts(text);
    plainData(nss);
    if (nss) out.push({ line: nss.line, message: 'hosts:' });
    const gai = parseGaiConf(text);
    plainData(gai);
    for (const u of gai.unparsed) out.push({ line: u.line, message: 'malformed gai.conf line' });
    for (const e of [...gai.precedence, ...gai.label]) out.push({ line: e.line, message: e.prefix || 'gai entry' });
    // every word as an address and a network
    for (const w of text.split(/\s+/).slice(0, 200)) {
      parseIp(w);
      isLoopback(w);
      inNet('127.0.0.1', w);
      inNet(w, '127.0.0.0/8');
      inNet(w, '::1/128');
    }
    return out;
  },
});

register({
  name: 'qdisc',
  files: ['qdisc.ts'],
  seeds: () =>
    seedTexts({
      fixtures: /^raw\/net\/qdisc\.txt$/,
      inline: [
        'qdisc noqueue 0: root refcnt 2 \n',
        'qdisc tbf 8001: root refcnt 2 rate 200Mbit burst 256Kb lat 50ms \nqdisc ingress ffff: parent ffff:fff1 ----------------\nqdisc htb 1: root refcnt 2 r2q 10 default 0x10 direct_packets_stat 0 direct_qlen 1000\n',
      ],
    }),
  run(text) {
    const q = parseQdiscs(text);
    plainData(q);
    for (const x of q.qdiscs)
      if (x.rateBitsPerSecond !== undefined && !(x.rateBitsPerSecond >= 0))
        throw new Error(`rate ${x.rateBitsPerSecond}`);
    return q.unrecognised.map((line) => ({ line, message: 'unrecognised qdisc line' }));
  },
});

const GO_DFGET_YAML = `aliveTime: 0s
gcInterval: 1m0s
keepStorage: false
workHome: /usr/local/dragonfly
logDir: /var/log/dragonfly
dataDir: /var/lib/dragonfly
verbose: false
metrics: ":8000"
scheduler:
  scheduleTimeout: 30s
  manager:
    enable: true
    netAddrs:
      - type: tcp
        addr: dragonfly-manager:65003
download:
  calculateDigest: true
  totalRateLimit: 1024Mi
  perPeerRateLimit: 512Mi
  pieceDownloadTimeout: 30s
  peerGRPC:
    tcpListen:
      port: 65000
upload:
  rateLimit: 1024Mi
  tcpListen:
    port: 65002
storage:
  taskExpireTime: 6h
  strategy: io.d7y.storage.v2.simple
  multiplex: true
proxy:
  defaultFilter: Expires&Signature&ns
  tcpListen:
    port: 65001
  registryMirror:
    dynamic: true
    url: https://index.docker.io
  proxies:
    - regx: blobs/sha256.*
`;
const RUST_DFDAEMON_YAML = `host:
  idc: ""
  location: ""
server:
  pluginDir: /var/lib/dragonfly/plugins/dfdaemon/
  cacheDir: /var/cache/dragonfly/dfdaemon/
download:
  server:
    socketPath: /var/run/dragonfly/dfdaemon.sock
  rateLimit: 20000000000
  pieceTimeout: 30s
  concurrentPieceCount: 16
upload:
  server:
    port: 4000
  rateLimit: 20000000000
storage:
  dir: /var/lib/dragonfly/
  keep: false
  readBufferSize: 131072
  writeBufferSize: 131072
gc:
  interval: 900s
  policy:
    taskTTL: 168h
    distHighThresholdPercent: 80
    distLowThresholdPercent: 60
proxy:
  server:
    port: 4001
  rules:
    - regex: blobs/sha256.*
  registryMirror:
    addr: https://index.docker.io
  readBufferSize: 32768
metrics:
  server:
    port: 4002
`;

register({
  name: 'dfdaemon-config',
  files: [
    'dfdaemon-config.ts',
    'dfdaemon-config-types.ts',
    'dfdaemon-config-go.ts',
    'dfdaemon-config-go-top.ts',
    'dfdaemon-config-rust.ts',
    'yaml-settings.ts',
    'humantime.ts',
    'byte-size.ts',
    'go-url-scheme.ts',
  ],
  seeds: () => seedTexts({ fixtures: /^raw\/dfdaemon\/config\//, inline: [GO_DFGET_YAML, RUST_DFDAEMON_YAML] }),
  attacks: [YAML_BOMB.replace('serializeImagePulls', 'download')],
  run(text) {
    const out: Located[] = [];
    detectConfigGeneration(text);
    // one generation per case (YAML is the slow part), rotating over the readings the probe can ask for
    const [gen, v] = (
      [
        ['go', undefined],
        ['rust', '0.1.82'],
        ['rust', '1.5.1'],
        ['rust', 'x.y'],
      ] as const
    )[text.length % 4] as readonly ['go' | 'rust', string | undefined];
    const r = parseDfdaemonConfig(text, gen, v);
    plainData(r);
    // the registry mirror URL as the Go daemon's url.Parse reads it (rules/dfdaemon/mirror-url-scheme.ts)
    if (r.ok && r.config.registryMirror) plainData(goUrlScheme(r.config.registryMirror.value));
    plainData(goUrlScheme(text.slice(0, 200)));
    out.push(...r.problems);
    return out;
  },
});

register({
  name: 'containerd-env+plugins',
  files: ['containerd-env.ts', 'containerd-plugins.ts'],
  seeds: () =>
    seedTexts({
      fixtures: /^raw\/containerd\/(env\.txt|plugins\.txt|systemd\/.*\.conf)$/,
      inline: [
        'HTTP_PROXY=http://proxy.corp:3128\nHTTPS_PROXY=http://proxy.corp:3128\nNO_PROXY=localhost,127.0.0.1,.svc\nCONTAINERD_DISABLE_PIGZ=1\n',
        '[Service]\nEnvironment="HTTP_PROXY=http://proxy:3128" "NO_PROXY=127.0.0.1"\nEnvironment=HTTPS_PROXY=http://proxy:3128\nEnvironmentFile=-/etc/default/containerd\n',
        'TYPE                                   ID                       PLATFORMS      STATUS\nio.containerd.content.v1               content                  -              ok\nio.containerd.grpc.v1                  cri                      linux/amd64    ok\nio.containerd.snapshotter.v1           zfs                      linux/amd64    skip\n',
      ],
    }),
  run(text) {
    const env = parseEnvLines(text, 'env.txt');
    plainData(Object.fromEntries(env));
    goParseBoolTrue(env.get('CONTAINERD_DISABLE_PIGZ')?.value);
    const sd = [...parseSystemdEnvironment(text, 'drop-in.conf')].map(([key, v]) => ({
      key,
      line: Number(v.from.split(':').pop()),
    }));
    plainData(sd);
    const rows = parseCtrPlugins(text);
    plainData(rows);
    criPluginRow(rows);
    return [
      ...sd.map((e) => ({ line: e.line, message: e.key || 'environment entry' })),
      ...rows.map((r) => ({ line: r.line, message: r.id || 'plugin row' })),
    ];
  },
});
