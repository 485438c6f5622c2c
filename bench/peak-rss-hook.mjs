// Loaded with `node --import ./bench/peak-rss-hook.mjs bin/dfdoctor.js …`: on exit, writes the
// process's peak resident set (getrusage ru_maxrss, bytes) to the file named by DFDOCTOR_PEAK_RSS_FILE.
// Exact, unlike polling /proc from outside, and it needs no tool (GNU time) on the node.
import { writeFileSync } from 'node:fs';

const out = process.env.DFDOCTOR_PEAK_RSS_FILE;
if (out) {
  process.on('exit', (code) => {
    writeFileSync(out, JSON.stringify({ maxRssBytes: process.resourceUsage().maxRSS * 1024, exitCode: code }));
  });
}
