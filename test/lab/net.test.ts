import { afterEach, describe, expect, it } from 'vitest';
import { announceSkip, labUnavailable } from '../helpers/lab.js';
import {
  causes,
  createNetNs,
  NET_LAB_TOOLS,
  type NetNs,
  netState,
  rules,
  startMirror,
  startStandinIn,
} from './net-lab.js';

const why = labUnavailable(NET_LAB_TOOLS);
if (why) announceSkip('network fault lab', why);

const NET_CAUSES = [
  'loopback-slow',
  'netfilter-overhead',
  'netfilter-blocking',
  'localhost-resolution',
  'proxy-bypass',
];

describe.skipIf(why)('network fault lab (netns)', () => {
  let ns: NetNs | null = null;
  let stopStandin: (() => void) | null = null;
  afterEach(() => {
    stopStandin?.();
    stopStandin = null;
    ns?.close();
    ns = null;
  });

  it('a clean namespace: none of the network causes, and the probes change nothing', async () => {
    ns = createNetNs();
    const before = netState(ns);
    const r = await ns.diagnose();
    expect(netState(ns)).toBe(before);
    expect(r.probes.loopback?.status).toBe('ok');
    expect(r.probes.netfilter?.status).toBe('ok');
    const b = r.measurements.loopback?.baseline;
    expect(b?.samples).toBeGreaterThanOrEqual(200);
    console.log(
      `[lab] clean netns baseline: RTT p50 ${b?.rttP50Ms.toFixed(3)} ms, p99 ${b?.rttP99Ms.toFixed(3)} ms, ${b?.throughput?.MBps.toFixed(0)} MB/s`,
    );
    for (const c of NET_CAUSES) expect(causes(r), JSON.stringify([r.measurements, r.diagnoses])).not.toContain(c);
  });

  it('tbf 200mbit on lo: the baseline measures ~25 MB/s and loopback-slow fires', async () => {
    ns = createNetNs();
    ns.exec('tc', ['qdisc', 'add', 'dev', 'lo', 'root', 'tbf', 'rate', '200mbit', 'burst', '256kb', 'latency', '50ms']);
    const before = netState(ns);
    const r = await ns.diagnose();
    expect(netState(ns)).toBe(before);
    const tp = r.measurements.loopback?.baseline?.throughput;
    expect(tp, JSON.stringify(r.probes.loopback)).toBeDefined();
    const mbps = tp?.MBps ?? NaN;
    console.log(`[lab] tbf 200mbit: measured ${mbps.toFixed(2)} MB/s over ${tp?.bytes} bytes`);
    expect(mbps).toBeGreaterThan(25 * 0.85);
    expect(mbps).toBeLessThan(25 * 1.15);
    expect(rules(r)).toContain('net.loopback-slow');
    const d = r.diagnoses.find((x) => x.rule === 'net.loopback-slow');
    expect(d?.evidence.join('\n')).toMatch(/qdisc "qdisc tbf/);
    expect(causes(r)).not.toContain('netfilter-blocking');
  });

  it('5 % random drop on lo: netfilter-blocking fires and the p99 RTT rises', async () => {
    ns = createNetNs();
    const clean = await ns.diagnose();
    ns.exec('iptables', [
      '-A',
      'INPUT',
      '-i',
      'lo',
      '-m',
      'statistic',
      '--mode',
      'random',
      '--probability',
      '0.05',
      '-j',
      'DROP',
    ]);
    const before = netState(ns);
    const r = await ns.diagnose();
    expect(netState(ns)).toBe(before);
    const p99Clean = clean.measurements.loopback?.baseline?.rttP99Ms ?? NaN;
    // the round trips are kept whether or not a bulk transfer got through the drops; when none did,
    // the probe says so instead of a rate
    const b = r.measurements.loopback?.baseline;
    expect(b, JSON.stringify(r.probes.loopback)).toBeDefined();
    expect(b?.samples).toBeGreaterThan(0);
    expect(r.probes.loopback?.status).toBe('ok');
    if (!b?.throughput) expect(r.probes.loopback?.reason).toMatch(/RTT measured, throughput not/);
    const p99 = b?.rttP99Ms ?? NaN;
    console.log(
      `[lab] random drop: RTT p99 ${p99Clean.toFixed(3)} ms → ${p99.toFixed(3)} ms; throughput ${b?.throughput ? `${b.throughput.MBps.toFixed(0)} MB/s` : 'not measured'}`,
    );
    expect(rules(r)).toContain('net.netfilter-blocking');
    const d = r.diagnoses.find((x) => x.rule === 'net.netfilter-blocking');
    expect(d?.severity).toBe('critical');
    expect(d?.evidence.join('\n')).toMatch(
      /random drop \[probability 0\.0499.*\]: "\[\d+:\d+\] -A INPUT -i lo -m statistic/,
    );
    // a lost segment waits for a retransmission timeout (≥ 200 ms on Linux)
    expect(p99).toBeGreaterThan(Math.max(100, p99Clean * 5));
    // the slowness is netfilter's, not lo's
    expect(rules(r)).not.toContain('net.loopback-slow');
  });

  it('20,000 kube-proxy-like rules on OUTPUT: netfilter-overhead fires', async () => {
    ns = createNetNs();
    const lines = [
      '*filter',
      ':KUBE-SERVICES - [0:0]',
      '-A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
    ];
    for (let i = 0; i < 20_000; i++) {
      const ip = `10.96.${Math.floor(i / 250)}.${(i % 250) + 1}`;
      lines.push(
        `-A KUBE-SERVICES -d ${ip}/32 -p tcp -m comment --comment "ns${i % 50}/svc-${i}:http cluster IP" -m tcp --dport 80 -j ACCEPT`,
      );
    }
    lines.push('COMMIT', '');
    ns.exec('iptables-restore', ['--noflush'], lines.join('\n'));
    const before = netState(ns);
    const r = await ns.diagnose();
    expect(netState(ns)).toBe(before);
    expect(rules(r)).toContain('net.netfilter-overhead');
    const d = r.diagnoses.find((x) => x.rule === 'net.netfilter-overhead');
    expect(d?.evidence.join('\n')).toMatch(/20001 rules evaluated for every packet/);
    expect(d?.evidence.join('\n')).toMatch(/KUBE-SERVICES 20000 rules/);
    // nothing on the path drops: these rules cannot match loopback
    expect(rules(r)).not.toContain('net.netfilter-blocking');
  });

  it('localhost → ::1 only while the mirror listens on 127.0.0.1: localhost-resolution fires', async () => {
    ns = createNetNs();
    ns.etcFile('hosts', '::1 localhost ip6-localhost\n');
    const port = 40000 + (process.pid % 20000);
    await startMirror(ns, port);
    const r = await ns.diagnose(['--dfdaemon-proxy', `http://localhost:${port}`]);
    expect(rules(r)).toContain('net.localhost-resolution');
    const d = r.diagnoses.find((x) => x.rule === 'net.localhost-resolution');
    expect(d?.severity).toBe('critical');
    expect(d?.evidence.join('\n')).toContain(`127.0.0.1:${port}`);
    expect(d?.evidence.join('\n')).toMatch(/getaddrinfo\("localhost"\) returned ::1/);
  });

  it('the same mirror addressed by 127.0.0.1: no localhost-resolution, and its connect time is measured', async () => {
    ns = createNetNs();
    ns.etcFile('hosts', '::1 localhost ip6-localhost\n');
    const port = 40000 + (process.pid % 20000);
    await startMirror(ns, port);
    const r = await ns.diagnose(['--dfdaemon-proxy', `http://127.0.0.1:${port}`]);
    expect(rules(r)).not.toContain('net.localhost-resolution');
    expect(r.measurements.loopback?.dfdaemon?.endpoint).toBe(`http://127.0.0.1:${port}`);
    expect(r.measurements.loopback?.dfdaemon?.connectP50Ms).toBeGreaterThan(0);
  });

  it('dfdaemon stand-in on the Rust ports: its endpoints are timed; a REJECT on its proxy port is netfilter-blocking', async () => {
    ns = createNetNs();
    stopStandin = await startStandinIn(ns, { proxy: 4001, metrics: 4002 });
    await new Promise((r) => setTimeout(r, 1000)); // let its start-up (tsx compiling) leave the CPUs
    const ok = await ns.diagnose();
    const d = ok.measurements.loopback?.dfdaemon;
    console.log(
      `[lab] stand-in: connect p50 ${d?.connectP50Ms?.toFixed(3)} ms, ttfb p50 ${d?.ttfbP50Ms?.toFixed(3)} ms on ${d?.responseUrl} (${d?.responseBytes} bytes)`,
    );
    expect(d?.endpoint).toBe('http://127.0.0.1:4001');
    expect(d?.connectP50Ms).toBeGreaterThan(0);
    expect(d?.responseUrl).toBe('http://127.0.0.1:4002/metrics');
    expect(d?.ttfbP50Ms).toBeGreaterThan(0);
    expect(d?.responseBytes).toBeGreaterThan(100);
    for (const c of NET_CAUSES) expect(causes(ok), JSON.stringify([ok.measurements, ok.diagnoses])).not.toContain(c);

    ns.exec('iptables', ['-I', 'INPUT', '-p', 'tcp', '--dport', '4001', '-j', 'REJECT', '--reject-with', 'tcp-reset']);
    const r = await ns.diagnose();
    const b = r.diagnoses.find((x) => x.rule === 'net.netfilter-blocking');
    expect(b?.severity).toBe('critical');
    expect(b?.evidence[0]).toMatch(
      /^REJECT: "\[\d+:\d+\] -A INPUT -p tcp -m tcp --dport 4001 -j REJECT --reject-with tcp-reset" \(raw\/net\/iptables-save\.txt:\d+, table filter, chain INPUT, counters: [1-9]\d* packets/,
    );
    expect(b?.evidence[0]).toContain('certainly stops: client → dfdaemon proxy (127.0.0.1:4001)');
    // the proxy now refuses; the endpoint list says so, and the metrics endpoint still answers
    expect(r.measurements.loopback?.dfdaemon?.endpoints).toContainEqual({
      url: 'http://127.0.0.1:4001',
      role: 'proxy',
      tcp: 'refused',
      connectP50Ms: null,
    });
    expect(r.measurements.loopback?.dfdaemon?.responseUrl).toBe('http://127.0.0.1:4002/metrics');
  });
});
