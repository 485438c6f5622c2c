// A config file handed over inside the Kubernetes ConfigMap that holds it (what `kubectl get cm
// <name> -o yaml` prints, as bug reports paste it: the Helm charts mount dfdaemon's config from one).
// Read as the file, the ConfigMap's own keys (apiVersion, data, metadata) say nothing, and every
// setting would take its default. Pure.
import { isMap, isScalar, LineCounter, parseAllDocuments, Scalar } from 'yaml';

export interface ConfigMapEntry {
  /** The key of `data` the text came from ("dfdaemon.yaml"). */
  key: string;
  /**
   * The entry's text. A literal block (`key: |`) is preceded by as many empty lines as come before its
   * first line in the ConfigMap, so a line number in it is the ConfigMap's; other forms start at line 1.
   */
  text: string;
  /** Whether the line numbers are the ConfigMap's (a literal block), else the entry's own. */
  sameLines: boolean;
  /** No `kind:` after `data`: a paste cut inside it, whose settings past the cut are not known. */
  cut: boolean;
}

/**
 * The entry of a ConfigMap's `data` that holds the config: the one whose key is among `keys`, else the
 * only one. A paste cut before `kind:` (kubectl prints apiVersion and data first) is taken for a
 * ConfigMap when its `data` holds one of `keys`. A manifest of several documents (the ConfigMap beside
 * the daemon's Service and StatefulSet, as `kubectl apply -f` and `helm template` take them) is searched
 * for that ConfigMap. Null when the text is no ConfigMap (or not YAML), or no entry can be told.
 */
export function configMapEntry(text: string, keys: readonly string[]): ConfigMapEntry | null {
  // cheap refusal first: nearly every config handed over is the file itself
  if (!/^data:\s*$/m.test(text) || !/^(?:kind:\s*ConfigMap|apiVersion:\s*v1)\s*$/m.test(text)) return null;
  const lineCounter = new LineCounter();
  const parsed = parseAllDocuments(text, { lineCounter });
  const docs = Array.isArray(parsed) ? parsed : [];
  if (docs.some((d) => d.errors.length > 0)) return null;
  for (const doc of docs) {
    const kind = doc.get('kind');
    if (kind !== undefined && kind !== 'ConfigMap') continue;
    const data = doc.get('data', true);
    if (!isMap(data)) continue;
    const entries = data.items.flatMap((p) =>
      isScalar(p.key) && isScalar(p.value) && typeof p.value.value === 'string'
        ? [{ key: String(p.key.value), value: p.value }]
        : [],
    );
    const entry =
      entries.find((e) => keys.includes(e.key)) ??
      (kind === 'ConfigMap' && entries.length === 1 ? entries[0] : undefined);
    if (!entry) continue;
    const value = entry.value.value as string;
    if (entry.value.type === Scalar.BLOCK_LITERAL && entry.value.range) {
      // the block's first line follows the line of its `|` indicator
      const indicatorLine = lineCounter.linePos(entry.value.range[0]).line;
      return { key: entry.key, text: '\n'.repeat(indicatorLine) + value, sameLines: true, cut: kind === undefined };
    }
    return { key: entry.key, text: value, sameLines: false, cut: kind === undefined };
  }
  return null;
}
