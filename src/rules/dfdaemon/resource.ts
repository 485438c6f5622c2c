import { BUNDLE } from '../../bundle/layout.js';
import { CHART_DFDAEMON, type ChartDaemon } from '../../knowledge/dfdaemon-chart.js';
import { helmResources, type Gen } from '../snippets/dfdaemon.js';
import { cmd } from '../steps.js';
import { defineRule } from '../rule.js';
import { gen } from './pull.js';

/** The chart whose default limits the rule assumes for this generation; an unknown one keeps the Go chart's, the lower. */
const chartOf = (g: Gen): ChartDaemon => (g === 'rust' ? CHART_DFDAEMON.rust : CHART_DFDAEMON.go);

const gib = (bytes: number) => (bytes / 2 ** 30).toFixed(2);

interface ResourceFinding {
  /** CPU cores used between the scrapes, against the cap (the node's CPUs or the chart's limit). */
  cpu?: { cores: number; cap: number; nodeCpus: number };
  /** Resident memory, bytes, against the cap (half the node's memory or the chart's limit). */
  mem?: { rss: number; cap: number; halfNode: number };
  generation: Gen;
}

/** The chart's default limit of this generation, `cpu` or `memory`, with its source. */
function chartLimit(g: Gen, what: 'cpu' | 'memory'): { text: string; value: number } {
  const { limits } = chartOf(g);
  const value = what === 'cpu' ? limits.cpu : limits.memoryBytes;
  const amount = what === 'cpu' ? `${limits.cpu} CPUs` : limits.memory;
  if (g === null) return { value, text: `the Go chart's default limit of ${amount}` };
  const who = g === 'rust' ? "the Rust client's" : "the Go dfdaemon's";
  return { value, text: `${who} default limit of ${amount} in Helm ${limits.charts} (${limits.source})` };
}

/** What the cap is: the chart's default limit, the node's own bound, or both when they are equal. */
function capText(chart: { text: string; value: number }, node: { text: string; value: number }): string {
  if (chart.value < node.value) return `${chart.text}, if a Helm chart deployed it (else ${node.text})`;
  if (chart.value === node.value) return `${node.text}, and ${chart.text}`;
  return `${node.text}, below ${chart.text}`;
}

/** What the bundle does not show: the pod's limits and, for the Rust client, which chart set them. */
function assumed(g: Gen): string {
  if (g === null) {
    const { go } = CHART_DFDAEMON;
    return `the bundle shows neither the pod's limits nor the dfdaemon generation: the cap assumes the Go chart's default (${go.limits.cpu} CPUs / ${go.limits.memory}); the Rust client's charts set more`;
  }
  const { limits, older } = chartOf(g);
  if (older.length === 0) return "the bundle does not show the pod's limits: the cap assumes the chart's default";
  const before = older.map((l) => `${l.charts} set ${l.cpu} CPUs / ${l.memory} (${l.source})`).join('; ');
  return `the bundle shows neither the pod's limits nor the chart that deployed it: the cap assumes the default of ${limits.charts}; ${before}, a limit a pod they deployed reaches sooner`;
}

export const resource = defineRule<ResourceFinding>({
  meta: {
    id: 'dfdaemon.resource',
    cause: 'dfdaemon-resource',
    title: 'dfdaemon is short of CPU or memory',
    description: `dfdaemon's own process_cpu_seconds_total rate near its Helm chart's default CPU limit (Go dfdaemon ${CHART_DFDAEMON.go.limits.cpu}, Rust client ${CHART_DFDAEMON.rust.limits.cpu}) or all the node's CPUs, or its resident memory near the chart's default memory limit (Go ${CHART_DFDAEMON.go.limits.memory}, Rust ${CHART_DFDAEMON.rust.limits.memory}) or half the node's memory`,
    severities: ['warning'],
    remediationSummary: 'Give dfdaemon more CPU/memory (requests and limits), or lower its concurrency.',
  },

  detect(f) {
    const m = f.dfdaemon?.metrics;
    if (!m) return null;
    const generation = gen(f);
    const { limits } = chartOf(generation);
    const nodeCpus = f.system?.cpus ?? f.manifest.host.cpus;
    const cpuCap = Math.min(limits.cpu, nodeCpus || limits.cpu);
    const mem = f.manifest.host.memoryBytes;
    const memCap = Math.min(limits.memoryBytes, mem > 0 ? mem / 2 : limits.memoryBytes);
    const cpu =
      typeof m.cpuCores === 'number' && m.cpuCores >= 0.9 * cpuCap
        ? { cores: m.cpuCores, cap: cpuCap, nodeCpus }
        : undefined;
    const rss =
      typeof m.rssBytes === 'number' && m.rssBytes >= 0.9 * memCap
        ? { rss: m.rssBytes, cap: memCap, halfNode: mem / 2 }
        : undefined;
    if (!cpu && !rss) return null;
    return { severity: 'warning', confidence: 0.6, data: { cpu, mem: rss, generation } };
  },

  evidence({ cpu, mem, generation }) {
    const out: string[] = [];
    if (cpu) {
      const node =
        cpu.nodeCpus > 0
          ? { text: `the node's ${cpu.nodeCpus} CPUs`, value: cpu.nodeCpus }
          : { text: "the node's CPUs (not counted)", value: Infinity };
      out.push(
        `dfdaemon used ${cpu.cores.toFixed(2)} CPU cores between the scrapes (process_cpu_seconds_total, ${BUNDLE.dfdaemon.metrics0} → metrics-1.prom), ≥ 90 % of ${cpu.cap} CPUs: ${capText(chartLimit(generation, 'cpu'), node)}`,
      );
    }
    if (mem) {
      const node =
        mem.halfNode > 0
          ? { text: `half the node's memory, ${gib(mem.halfNode)} GiB`, value: mem.halfNode }
          : { text: "half the node's memory (not measured)", value: Infinity };
      out.push(
        `dfdaemon resident memory ${gib(mem.rss)} GiB (process_resident_memory_bytes), ≥ 90 % of ${gib(mem.cap)} GiB: ${capText(chartLimit(generation, 'memory'), node)}`,
      );
    }
    out.push(assumed(generation));
    return out;
  },

  steps({ generation }) {
    const selector =
      generation === null
        ? `'component in (${CHART_DFDAEMON.go.component},${CHART_DFDAEMON.rust.component})'`
        : `component=${chartOf(generation).component}`;
    return [
      helmResources(generation),
      cmd(
        `kubectl top pod -n dragonfly-system -l ${selector} --containers   # confirm, and check for CPU throttling (container_cpu_cfs_throttled_periods_total)`,
      ),
    ];
  },
});
