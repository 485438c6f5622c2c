// Writes a Go dfdaemon core.log of a given size in the real zap JSON layout (dragonflyoss/dragonfly
// v2.1.49 internal/dflog/logcore.go; messages from client/daemon/peer, as in docs/dfdaemon.md): per task a proxy line, a start, a register, then a local reuse or a
// back-to-source download with its cost; debug noise in between, as a busy node's log has.
// Used by bench/memory.bench.mjs and the hardening tests. Not a bench itself (no .bench. in the name).
import { openSync, writeSync, closeSync } from 'node:fs';

const pad = (n, w = 2) => String(n).padStart(w, '0');
function zapTs(ms) {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`;
}
const hex = (n, len) => (n.toString(16).repeat(Math.ceil(len / 8)) + '0'.repeat(len)).slice(0, len);

/** The lines of one task, as zap writes them. */
function taskLines(i, t0) {
  const task = hex(i * 2654435761 + 7, 64);
  const peer = `10.0.0.5-${1000 + (i % 50)}-${hex(i * 40503, 8)}-${hex(i, 4)}-4a1b-9c2d-${hex(i * 97, 12)}`;
  const url = `https://index.docker.io/v2/library/app${i % 300}/blobs/sha256:${hex(i * 31 + 1, 64)}`;
  const f = `"peer":"${peer}","task":"${task}","component":"PeerTask"`;
  const ts = (k) => zapTs(t0 + k);
  const L = [
    `{"level":"debug","ts":"${ts(0)}","caller":"transport/transport.go:242","msg":"round trip with dragonfly: ${url}"}`,
    `{"level":"info","ts":"${ts(1)}","caller":"transport/transport.go:338","msg":"start download with url: ${url}",${f}}`,
    `{"level":"info","ts":"${ts(3)}","caller":"peer/peertask_conductor.go:307","msg":"register task success, SizeScope: NORMAL",${f}}`,
  ];
  for (let p = 0; p < 6; p++) {
    L.push(
      `{"level":"debug","ts":"${ts(4 + p)}","caller":"peer/peertask_conductor.go:1113","msg":"peer download worker #${p % 4} receive piece task, dest peer id: ${peer}, piece num: ${p}, range start: ${p * 4194304}, range size: 4194304",${f}}`,
    );
  }
  if (i % 5 === 0) {
    L.push(
      `{"level":"info","ts":"${ts(20)}","caller":"peer/piece_manager.go:318","msg":"start to download from source",${f}}`,
    );
    L.push(
      `{"level":"info","ts":"${ts(900)}","caller":"peer/peertask_conductor.go:1393","msg":"peer task done, cost: ${880 + (i % 400)}ms",${f}}`,
    );
  } else {
    L.push(
      `{"level":"info","ts":"${ts(12)}","caller":"peer/peertask_reuse.go:91","msg":"reuse from peer task: ${peer}, total size: ${4194304 * (1 + (i % 20))}","peer":"${peer}","task":"${task}","component":"reuseStreamPeerTask"}`,
    );
  }
  return L;
}

/** Writes about `bytes` of log to `path`; returns the bytes and lines written. */
export function writeDfdaemonLog(path, bytes, { startMs = Date.parse('2026-11-25T06:00:00Z') } = {}) {
  const fd = openSync(path, 'w');
  let written = 0;
  let lines = 0;
  let i = 0;
  try {
    while (written < bytes) {
      const block = [];
      let size = 0;
      while (size < 4 * 2 ** 20) {
        for (const l of taskLines(i, startMs + i * 250)) {
          block.push(l);
          size += l.length + 1;
        }
        i++;
      }
      const buf = Buffer.from(`${block.join('\n')}\n`);
      writeSync(fd, buf);
      written += buf.length;
      lines += block.length;
    }
  } finally {
    closeSync(fd);
  }
  return { bytes: written, lines, tasks: i };
}
