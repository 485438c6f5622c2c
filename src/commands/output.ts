import { access, constants, stat, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { exitCodeFor } from '../exit-code.js';
import { UsageError } from '../errors.js';
import { RENDERERS } from '../report/index.js';
import type { Report } from '../report/model.js';
import { type OutputFlags, terminalWidth, useColor } from './options.js';

/** Renders the report to stdout or --output and returns the exit code --fail-on asks for. */
export async function emitReport(report: Report, flags: OutputFlags): Promise<number> {
  const render = await RENDERERS[flags.format]();
  await writeOutput(
    render(report, { color: useColor(flags), failOn: flags.failOn, width: terminalWidth() }),
    flags.output,
  );
  return exitCodeFor(report, flags.failOn);
}

/**
 * Fails with a usage error when `file` cannot be written — its directory missing, not a directory or
 * not writable, or `file` itself a directory — so that a run finds it before probing, not after.
 */
export async function checkWritable(file: string, flag = '--output'): Promise<void> {
  const dir = dirname(resolve(file));
  const st = await stat(dir).catch(() => undefined);
  if (!st) throw new UsageError(`${flag} ${file}: directory ${dirname(file)} does not exist`);
  if (!st.isDirectory()) throw new UsageError(`${flag} ${file}: ${dirname(file)} is not a directory`);
  if ((await stat(file).catch(() => undefined))?.isDirectory()) throw new UsageError(`${flag} ${file}: is a directory`);
  await access(dir, constants.W_OK).catch(() => {
    throw new UsageError(`${flag} ${file}: cannot write in ${dirname(file)} (permission denied)`);
  });
}

/** Writes rendered output to --output FILE, or to stdout (waiting until it is flushed). */
export async function writeOutput(text: string, output: string | undefined): Promise<void> {
  if (output) {
    try {
      await writeFile(output, text);
    } catch (e) {
      throw new UsageError(`--output ${output}: ${(e as Error).message}`);
    }
  } else {
    await new Promise<void>((resolve) => process.stdout.write(text, () => resolve()));
  }
}
