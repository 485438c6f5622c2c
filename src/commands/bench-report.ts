// `bench pull`'s second half: the usual probes into a bundle, the bench's figures beside what they
// measured, and the analysis of that bundle.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type BenchMeasurement, MeasurementsSchema, storedMeasurements } from '../bundle/measurements.js';
import { readBundleHead } from '../bundle/open.js';
import { createRedactor } from '../bundle/redact.js';
import { packTarball } from '../bundle/tarball.js';
import type { Redactor } from '../bundle/writer.js';
import type { AnalysisSettings } from '../facts/types.js';
import { analyse } from '../pipeline.js';
import type { Report } from '../report/model.js';
import { reportOrigin } from './analysis.js';
import { gather } from './gather.js';

/**
 * Probes the node, adds the bench's figures and analyses the result; with `bundle`, also packs the
 * bundle there. Redacted as `diagnose` and `collect` are, whether the bundle is kept or not: the report
 * printed on the node is pasted into tickets, and the mirror the pull went through is a URL from the
 * node's config that may carry a password.
 */
export async function benchReport(
  bench: BenchMeasurement,
  o: Omit<Parameters<typeof gather>[0], 'redactor'> & { settings: Partial<AnalysisSettings>; bundle?: string },
): Promise<Report> {
  const redactor = createRedactor();
  // a bundle that is packed leaves the node: it holds copies, not links
  const g = await gather({ ...o, redactor, link: o.bundle === undefined });
  try {
    await addBenchToBundle(g.dir, bench, redactor);
    const reader = g.reader();
    const report = await analyse(reader, await readBundleHead(reader), o.settings, reportOrigin({ kind: 'live' }));
    if (o.bundle) {
      await packTarball(g.dir, o.bundle, (fn) => o.cleanup.add(fn));
      process.stderr.write(`wrote ${o.bundle}\n`);
    }
    return report;
  } finally {
    await g.remove();
  }
}

/**
 * measurements.json gets `bench` beside what the probes measured (validated against the schema),
 * through the redactor that wrote the rest of the bundle.
 */
export async function addBenchToBundle(dir: string, bench: BenchMeasurement, redactor: Redactor): Promise<void> {
  const file = join(dir, 'measurements.json');
  const prev = await readFile(file, 'utf8').then(
    (t) => JSON.parse(t) as unknown,
    () => ({}),
  );
  const merged = MeasurementsSchema.parse({ ...(prev as object), bench });
  await writeFile(file, redactor('measurements.json', `${JSON.stringify(storedMeasurements(merged), null, 2)}\n`).text);
}
