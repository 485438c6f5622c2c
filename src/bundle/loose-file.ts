// A file handed to `dfdoctor analyze FILE...`, or one part of a terminal session pasted into one
// (transcript.ts), before loose-files.ts lays it out as a bundle.
import type { LooseKind } from './sniff.js';

export interface LooseFile {
  /** As the user named it (for messages). */
  path: string;
  text: string;
  /** Given as KIND=PATH: taken as this kind whatever the content says. */
  kind?: LooseKind;
  /** The file name a log keeps in the bundle, when `path` names no file (a terminal session's part). */
  name?: string;
}
