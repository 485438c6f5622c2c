// What unpack (gzip inflate) and digest checks (sha256) reach on this CPU, measured the way the
// containerd probe measures them (src/probes/containerd-cpu.ts), at the probe's short budget and at a
// longer one, plus the parsing cost of a real-size containerd config dump with its facts.
// Prints figures; `npm run bench -- containerd`.
import { cpus, loadavg } from 'node:os';
import { measureCpu } from '../src/probes/containerd-cpu.js';
import { MemoryBundle } from '../src/bundle/memory-bundle.js';
import { buildFacts } from '../src/facts/index.js';

const signal = new AbortController().signal;
console.log(
  `CPU: ${cpus()[0]?.model ?? '?'} × ${cpus().length}, load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
for (const budget of [800, 3000]) {
  const t0 = performance.now();
  const m = await measureCpu(budget, signal);
  console.log(
    `budget ${budget} ms: gunzip ${m.gunzipMBps?.toFixed(1)} MB/s of compressed input, sha256 ${m.sha256MBps?.toFixed(1)} MB/s (took ${(performance.now() - t0).toFixed(0)} ms)`,
  );
}

// facts for a node with 200 registries in hosts.toml: the analysis side must stay cheap
const files: Record<string, string> = {
  'raw/containerd/config.toml':
    'version = 2\n[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "/etc/containerd/certs.d"\n',
};
for (let i = 0; i < 200; i++) {
  files[`raw/containerd/certs.d/registry-${i}.example.com/hosts.toml`] =
    `server = "https://registry-${i}.example.com"\n[host."http://127.0.0.1:4001"]\n  capabilities = ["pull", "resolve"]\n`;
}
const manifest = {
  format: 'dfdoctor-bundle',
  version: 1,
  createdAt: new Date().toISOString(),
  tool: { name: 'dfdoctor', version: '0' },
  host: { hostname: 'b', kernel: 'k', os: 'o', cpus: 1, memoryBytes: 1 },
  probes: {},
} as const;
const t0 = performance.now();
const rounds = 20;
for (let i = 0; i < rounds; i++) await buildFacts(new MemoryBundle(files), manifest, {});
console.log(`facts for 200 hosts.toml files: ${((performance.now() - t0) / rounds).toFixed(1)} ms per build`);
