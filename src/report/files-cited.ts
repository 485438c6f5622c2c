// The bundle files a report cites (raw/…, in its evidence, the settings read and the notes) and where
// each came from on the node, as the bundle's manifest records it: a live report's raw/ paths name
// copies that are gone when it is printed, and a maintainer reading a bundle sees the node's paths.
import type { Report } from './model.js';

/** A bundle path as evidence cites it: up to a line number, a space, or closing punctuation. */
const BUNDLE_PATH = /\braw\/[^\s:,;()"'`]+/g;

export function filesCited(
  report: Pick<Report, 'diagnoses' | 'read' | 'notes'>,
  sources: Record<string, unknown> | undefined,
): Report['files'] {
  if (!sources) return undefined;
  const cited = new Set<string>();
  const scan = (text: string | undefined) => {
    for (const m of text?.matchAll(BUNDLE_PATH) ?? []) cited.add(m[0].replace(/\.$/, ''));
  };
  for (const d of report.diagnoses) d.evidence.forEach(scan);
  for (const s of report.read?.settings ?? []) scan(s.from);
  for (const n of report.notes) {
    scan(n.text);
    scan(n.source);
  }
  const files = [...cited].sort().flatMap((path) => {
    const from = sources[path];
    return typeof from === 'string' ? [{ path, from }] : [];
  });
  return files.length > 0 ? files : undefined;
}
