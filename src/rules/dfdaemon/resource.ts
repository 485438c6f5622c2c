import { BUNDLE } from '../../bundle/layout.js';
import { helmResources, type Gen } from '../snippets/dfdaemon.js';
import { cmd } from '../steps.js';
import { defineRule } from '../rule.js';
import { gen } from './pull.js';

/** Helm chart 1.1.65 limits the dfdaemon container to 2 CPU / 2Gi. */
const CHART_CPU = 2;
const CHART_MEM = 2 * 2 ** 30;

interface ResourceFinding {
  /** CPU cores used between the scrapes, against the cap (the node's CPUs or the chart's limit). */
  cpu?: { cores: number; cap: number; nodeCpus: number };
  /** Resident memory, bytes, against the cap (half the node's memory or the chart's limit). */
  mem?: { rss: number; cap: number };
  generation: Gen;
}

export const resource = defineRule<ResourceFinding>({
  meta: {
    id: 'dfdaemon.resource',
    cause: 'dfdaemon-resource',
    title: 'dfdaemon is short of CPU or memory',
    description:
      "dfdaemon's own process_cpu_seconds_total rate near the chart's 2-CPU limit or all the node's CPUs, or its resident memory near the 2 GiB limit or half the node's memory",
    severities: ['warning'],
    remediationSummary: 'Give dfdaemon more CPU/memory (requests and limits), or lower its concurrency.',
  },

  detect(f) {
    const m = f.dfdaemon?.metrics;
    if (!m) return null;
    const nodeCpus = f.system?.cpus ?? f.manifest.host.cpus;
    const cpuCap = Math.min(CHART_CPU, nodeCpus || CHART_CPU);
    const mem = f.manifest.host.memoryBytes;
    const memCap = Math.min(CHART_MEM, mem > 0 ? mem / 2 : CHART_MEM);
    const cpu =
      typeof m.cpuCores === 'number' && m.cpuCores >= 0.9 * cpuCap
        ? { cores: m.cpuCores, cap: cpuCap, nodeCpus }
        : undefined;
    const rss =
      typeof m.rssBytes === 'number' && m.rssBytes >= 0.9 * memCap ? { rss: m.rssBytes, cap: memCap } : undefined;
    if (!cpu && !rss) return null;
    return { severity: 'warning', confidence: 0.6, data: { cpu, mem: rss, generation: gen(f) } };
  },

  evidence({ cpu, mem }) {
    const out: string[] = [];
    if (cpu)
      out.push(
        `dfdaemon used ${cpu.cores.toFixed(2)} CPU cores between the scrapes (process_cpu_seconds_total, ${BUNDLE.dfdaemon.metrics0} → metrics-1.prom), against ${cpu.cap} (the node's ${cpu.nodeCpus} CPUs, or the Helm chart 1.1.65's default limit of ${CHART_CPU} if it was deployed by it — the bundle does not show its limits)`,
      );
    if (mem)
      out.push(
        `dfdaemon resident memory ${(mem.rss / 2 ** 30).toFixed(2)} GiB (process_resident_memory_bytes) near ${(mem.cap / 2 ** 30).toFixed(2)} GiB (half the node's memory, or the Helm chart 1.1.65's default limit of 2Gi if it was deployed by it — the bundle does not show its limits)`,
      );
    return out;
  },

  steps({ generation }) {
    return [
      helmResources(generation),
      cmd(
        'kubectl top pod -n dragonfly-system -l component=dfdaemon --containers   # confirm, and check for CPU throttling (container_cpu_cfs_throttled_periods_total)',
      ),
    ];
  },
});
