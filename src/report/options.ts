import type { FailOn } from '../exit-code.js';

export const FORMATS = ['table', 'json', 'markdown', 'junit'] as const;
export type Format = (typeof FORMATS)[number];

export interface RenderOptions {
  /** Decided once by the CLI (TTY, NO_COLOR, --no-color) and passed down. */
  color: boolean;
  failOn: FailOn;
}
