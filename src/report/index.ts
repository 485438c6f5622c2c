import type { Report } from './model.js';
import type { Format, RenderOptions } from './options.js';
import { renderJson } from './json.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';
import { renderTable } from './table.js';

/** Reporters keyed by the --format flag. */
export const RENDERERS: Record<Format, (r: Report, o: RenderOptions) => string> = {
  table: renderTable,
  json: (r) => renderJson(r),
  markdown: (r) => renderMarkdown(r),
  junit: renderJunit,
};
