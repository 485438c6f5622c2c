import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BIN, type CliResult, runCli } from './cli.js';

const HOOK = fileURLToPath(new URL('../../bench/peak-rss-hook.mjs', import.meta.url));

/** Runs the built CLI and reads its own peak RSS (getrusage, written on exit by bench/peak-rss-hook.mjs). */
export async function runCliMeasured(
  args: string[],
  opts: Parameters<typeof runCli>[1] = {},
): Promise<CliResult & { peakRssBytes: number | null }> {
  const dir = await mkdtemp(join(tmpdir(), 'dfdoctor-rss-'));
  const file = join(dir, 'rss.json');
  try {
    const r = await runCli(args, {
      ...opts,
      env: { ...opts.env, DFDOCTOR_PEAK_RSS_FILE: file },
      command: [process.execPath, '--import', HOOK, BIN],
    });
    const peak = await readFile(file, 'utf8')
      .then((s) => (JSON.parse(s) as { maxRssBytes: number }).maxRssBytes)
      .catch(() => null);
    return { ...r, peakRssBytes: peak };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
