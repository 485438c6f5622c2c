import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type BenchMeasurement, MeasurementsSchema } from '../bundle/measurements.js';
import type { Redactor } from '../bundle/writer.js';

/**
 * measurements.json gets `bench` beside what the probes measured (validated against the schema). For a
 * bundle that leaves the node (--bundle), through the redactor that wrote the rest of it: the mirror
 * the pull went through is a URL the node's config names.
 */
export async function addBenchToBundle(dir: string, bench: BenchMeasurement, redactor?: Redactor): Promise<void> {
  const file = join(dir, 'measurements.json');
  const prev = await readFile(file, 'utf8').then(
    (t) => JSON.parse(t) as unknown,
    () => ({}),
  );
  const merged = MeasurementsSchema.parse({ ...(prev as object), bench });
  const json = `${JSON.stringify(merged, null, 2)}\n`;
  await writeFile(file, redactor ? redactor('measurements.json', json).text : json);
}
