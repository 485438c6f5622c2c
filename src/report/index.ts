import type { Report } from './model.js';
import type { Format, RenderOptions } from './options.js';

export type Renderer = (r: Report, o: RenderOptions) => string;

/** Reporters keyed by the --format flag, each loaded when asked for (the table's libraries cost start-up). */
export const RENDERERS: Record<Format, () => Promise<Renderer>> = {
  table: async () => (await import('./table.js')).renderTable,
  json: async () => {
    const { renderJson } = await import('./json.js');
    return (r) => renderJson(r);
  },
  markdown: async () => {
    const { renderMarkdown } = await import('./markdown.js');
    return (r) => renderMarkdown(r);
  },
  junit: async () => (await import('./junit.js')).renderJunit,
};
