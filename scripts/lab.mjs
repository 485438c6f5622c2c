#!/usr/bin/env node
// `npm run lab [-- FAULT…]`: the bench lab for a person to try dfdoctor against; HELP below says what it
// does and which faults it takes (faults: test/lab/bench-scenario.ts).
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
// The help is a string of its own, not lines cut out of this file, so editing the file cannot garble it.
const HELP = `npm run lab [-- FAULT…]: brings the bench lab up for a person to try dfdoctor against — a real
docker-registry, the dfdaemon stand-in as its mirror, a real containerd whose hosts.toml points at
the stand-in, a 6-layer test image — prints the commands to run, and tears everything down on
Ctrl-C. Needs root and the Debian tools (containerd, docker-registry, skopeo, iproute2).

Faults (see test/lab/bench-scenario.ts):
  --rate-limit 20MB          stand-in download.bandwidthLimit
  --request-delay-ms 300     stand-in per-request delay
  --mcd 1                    containerd max_concurrent_downloads
  --slow-disk 20971520       stand-in cache on a loop device throttled to N bytes/s (blkio, cgroup v1)
  --tbf 200mbit              tbf on lo — the lab then runs in its own network namespace
  --prewarm                  fill the stand-in's cache first
With --tbf, run the printed commands with \`ip netns exec <ns>\` in front (the script prints them so).
`;

if (args.includes('--help') || args.includes('-h')) {
  process.stdout.write(HELP);
  process.exit(0);
}
if (process.getuid?.() !== 0) {
  process.stderr.write('npm run lab: needs root (network namespaces, containerd, loop devices)\n');
  process.exit(2);
}
const scenario = fileURLToPath(new URL('../test/lab/bench-scenario.ts', import.meta.url));
let ns = null;
const wrap = [];
if (args.includes('--tbf')) {
  ns = `dfdlab-${randomBytes(3).toString('hex')}`;
  execFileSync('ip', ['netns', 'add', ns]);
  execFileSync('ip', ['netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up']);
  wrap.push('ip', 'netns', 'exec', ns);
  process.stdout.write(`network namespace ${ns}: prefix the commands below with \`ip netns exec ${ns}\`\n`);
}
const cmd = [...wrap, process.execPath, '--import', 'tsx', scenario, '--interactive', ...args];
const child = spawn(cmd[0], cmd.slice(1), { stdio: 'inherit' });
const forward = (sig) => () => child.kill(sig);
process.on('SIGINT', forward('SIGINT'));
process.on('SIGTERM', forward('SIGTERM'));
child.on('close', (code) => {
  if (ns) {
    try {
      execFileSync('ip', ['netns', 'del', ns]);
    } catch (e) {
      process.stderr.write(`npm run lab: could not delete network namespace ${ns}: ${e.message}\n`);
    }
  }
  process.stdout.write('lab torn down\n');
  process.exit(code ?? 0);
});
