// Loaded with `node --import ./bench/peak-rss-hook.mjs bin/dfdoctor.js …`: on exit, adds the process's
// peak resident set (getrusage ru_maxrss, bytes) to the file named by DFDOCTOR_PEAK_RSS_FILE, once per
// process: the launcher's capped worker thread loads the hook too, and shares the process's figure. A
// file written by several processes (a CLI that started others) holds the sum of their peaks: the
// footprint on the node, not just the larger process.
// Exact, unlike polling /proc from outside, and it needs no tool (GNU time) on the node.
import { readFileSync, writeFileSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';

const out = process.env.DFDOCTOR_PEAK_RSS_FILE;
if (out && isMainThread) {
  process.on('exit', (code) => {
    let prev = { maxRssBytes: 0, processes: [] };
    try {
      prev = JSON.parse(readFileSync(out, 'utf8'));
    } catch {
      // first process to exit
    }
    const mine = process.resourceUsage().maxRSS * 1024;
    writeFileSync(
      out,
      JSON.stringify({
        maxRssBytes: prev.maxRssBytes + mine,
        processes: [...(prev.processes ?? []), { pid: process.pid, maxRssBytes: mine }],
        exitCode: prev.exitCode ?? code,
      }),
    );
  });
}
