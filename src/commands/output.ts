import { writeFile } from 'node:fs/promises';
import { exitCodeFor } from '../exit-code.js';
import { UsageError } from '../errors.js';
import { RENDERERS } from '../report/index.js';
import type { Report } from '../report/model.js';
import { type OutputFlags, useColor } from './options.js';

/** Renders the report to stdout or --output and returns the exit code --fail-on asks for. */
export async function emitReport(report: Report, flags: OutputFlags): Promise<number> {
  const text = RENDERERS[flags.format](report, { color: useColor(flags), failOn: flags.failOn });
  if (flags.output) {
    try {
      await writeFile(flags.output, text);
    } catch (e) {
      throw new UsageError(`--output ${flags.output}: ${(e as Error).message}`);
    }
  } else {
    await new Promise<void>((resolve) => process.stdout.write(text, () => resolve()));
  }
  return exitCodeFor(report, flags.failOn);
}
