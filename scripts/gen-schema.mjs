#!/usr/bin/env node
// Regenerates schema/*.schema.json from the zod schemas in the built code (`npm run schema`).
import { writeFileSync } from 'node:fs';
import { schemaFiles } from '../dist/schema-files.js';

for (const [file, schema] of Object.entries(schemaFiles())) {
  writeFileSync(file, `${JSON.stringify(schema, null, 2)}\n`);
  console.log(`wrote ${file}`);
}
