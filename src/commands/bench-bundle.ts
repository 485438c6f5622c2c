import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type BenchMeasurement, MeasurementsSchema } from '../bundle/measurements.js';

/** measurements.json gets `bench` beside what the probes measured (validated against the schema). */
export async function addBenchToBundle(dir: string, bench: BenchMeasurement): Promise<void> {
  const file = join(dir, 'measurements.json');
  const prev = await readFile(file, 'utf8').then(
    (t) => JSON.parse(t) as unknown,
    () => ({}),
  );
  const merged = MeasurementsSchema.parse({ ...(prev as object), bench });
  await writeFile(file, `${JSON.stringify(merged, null, 2)}\n`);
}
