import { writeFile } from 'node:fs/promises';
import { exitCodeFor } from '../exit-code.js';
import { UsageError } from '../errors.js';
import { RENDERERS } from '../report/index.js';
import type { Report } from '../report/model.js';
import { type OutputFlags, useColor } from './options.js';

/** Renders the report to stdout or --output and returns the exit code --fail-on asks for. */
export async function emitReport(report: Report, flags: OutputFlags): Promise<number> {
  const render = await RENDERERS[flags.format]();
  await writeOutput(render(report, { color: useColor(flags), failOn: flags.failOn }), flags.output);
  return exitCodeFor(report, flags.failOn);
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
