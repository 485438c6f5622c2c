import type { FailOn } from '../exit-code.js';

export const FORMATS = ['table', 'json', 'markdown', 'junit'] as const;
export type Format = (typeof FORMATS)[number];

export interface RenderOptions {
  /** Decided once by the CLI (TTY, NO_COLOR, --no-color) and passed down. */
  color: boolean;
  failOn: FailOn;
  /** Columns the table report must fit: the terminal's, COLUMNS, or 100 when not a terminal (the default). */
  width?: number;
}

/** The width a table is laid out for when nobody says otherwise (not a terminal, no COLUMNS). */
export const DEFAULT_WIDTH = 100;
