import * as z from 'zod';
import { ManifestSchema } from './bundle/manifest.js';
import { MeasurementsSchema } from './bundle/measurements.js';
import { ReportSchema } from './report/model.js';

/** The checked-in JSON Schemas, generated from the zod schemas the code validates with. */
export function schemaFiles(): Record<string, unknown> {
  const gen = (s: z.ZodType, id: string, title: string) => ({
    $id: `https://dfdoctor.dev/schema/${id}`,
    title,
    ...(z.toJSONSchema(s, { io: 'input' }) as object),
  });
  return {
    'schema/report.schema.json': gen(ReportSchema, 'report.schema.json', 'dfdoctor report (schemaVersion 1)'),
    'schema/manifest.schema.json': gen(
      ManifestSchema,
      'manifest.schema.json',
      'dfdoctor bundle manifest (format version 1)',
    ),
    'schema/measurements.schema.json': gen(
      MeasurementsSchema,
      'measurements.schema.json',
      'dfdoctor bundle measurements.json',
    ),
  };
}
