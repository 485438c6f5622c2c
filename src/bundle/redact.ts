import type { Redactor } from './writer.js';

// Filled by the bundle-redaction work: every text a bundle for another machine holds passes here.
export const redactor: Redactor = (_path, text) => ({ text, redactions: [] });
