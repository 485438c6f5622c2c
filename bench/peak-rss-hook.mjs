// Loaded with `node --import ./bench/peak-rss-hook.mjs bin/dfdoctor.js …`: on exit, adds the process's
// peak resident set (getrusage ru_maxrss, bytes) to the file named by DFDOCTOR_PEAK_RSS_FILE. The
// launcher passes its --import on to the CLI's child process, so the file ends up holding the sum of
// both processes' peaks: the footprint on the node, not just the larger process.
// Exact, unlike polling /proc from outside, and it needs no tool (GNU time) on the node.
import { readFileSync, writeFileSync } from 'node:fs';

const out = process.env.DFDOCTOR_PEAK_RSS_FILE;
if (out) {
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
