// A Dragonfly Helm chart's values file (the chart's own values.yaml, or the overrides a user passes with
// -f), handed over as dfdaemon's config: its top level names the chart's components (`client`,
// `seedClient`, Go's `dfdaemon`), each with its `config` beside image and volume settings. The daemon
// runs with the chart's defaults merged with these values and rendered into a ConfigMap, so no setting
// the values leave out is the code's default: read as the file, every such key would be. Pure.
import { isMap, parseDocument } from 'yaml';

/**
 * Top-level keys only the charts use (dragonflyoss/helm-charts charts/dragonfly/values.yaml): no key of
 * dfdaemon's own config (`manager` and `scheduler` are both, so they say nothing; so is `seedPeer`, the
 * Go chart's seed peers and a key of every Rust client's config, dragonfly-client-config v1.4.0
 * dfdaemon.rs:1622).
 */
const CHART_ONLY_KEYS = new Set([
  'client',
  'seedClient',
  'dfdaemon',
  'cdn',
  'containerRuntime',
  'externalManager',
  'externalRedis',
  'externalMysql',
  'mysql',
  'redis',
  'jaeger',
  'clusterDomain',
  'nameOverride',
  'fullnameOverride',
]);

/** The chart's top-level keys the text holds, when it is a chart's values; null when it is not (or not YAML). */
export function helmValuesKeys(text: string): string[] | null {
  // cheap refusal first: nearly every config handed over is the file itself
  if (!/^(?:client|seedClient|dfdaemon|containerRuntime):\s*$/m.test(text)) return null;
  const doc = parseDocument(text);
  if (doc.errors.length > 0 || !isMap(doc.contents)) return null;
  const keys = doc.contents.items.map((p) => String((p.key as { value?: unknown } | null)?.value ?? ''));
  const chart = keys.filter((k) => CHART_ONLY_KEYS.has(k));
  return chart.length > 0 ? chart : null;
}
