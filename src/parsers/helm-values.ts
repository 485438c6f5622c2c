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

/** The values parsed, and the chart's top-level keys they hold, when the text is a chart's values. */
function chartValues(text: string): { doc: ReturnType<typeof parseDocument>; keys: string[] } | null {
  // cheap refusal first: nearly every config handed over is the file itself
  if (!/^(?:client|seedClient|dfdaemon|containerRuntime):\s*$/m.test(text)) return null;
  const doc = parseDocument(text);
  if (doc.errors.length > 0 || !isMap(doc.contents)) return null;
  const keys = doc.contents.items.map((p) => String((p.key as { value?: unknown } | null)?.value ?? ''));
  const chart = keys.filter((k) => CHART_ONLY_KEYS.has(k));
  return chart.length > 0 ? { doc, keys: chart } : null;
}

/** The chart's top-level keys the text holds, when it is a chart's values; null when it is not (or not YAML). */
export function helmValuesKeys(text: string): string[] | null {
  return chartValues(text)?.keys ?? null;
}

/**
 * The name the chart gives the ConfigMap dfdaemon's config is rendered into, as far as the values say it:
 * `<dragonfly.fullname>-<client.name>` (Go chart: `-<dfdaemon.name>`), dragonfly.fullname being
 * fullnameOverride when set (truncated to 63, a trailing "-" trimmed), else `<release>-<name>` or the
 * release alone when it contains `<name>`, name being nameOverride or the chart's name, "dragonfly"
 * (dragonflyoss/helm-charts dragonfly-1.7.4, 12bf3a2, charts/dragonfly/templates/_helpers.tpl:20-31,
 * :53-55, templates/client/client-configmap.yaml:5; dragonfly-1.1.0 _helpers.tpl:13-24, :54-56,
 * templates/dfdaemon/dfdaemon-configmap.yaml:5). `component` is null when the values name neither
 * `client` nor `dfdaemon` alone.
 */
export interface ChartConfigMapName {
  /** The whole name, when fullnameOverride fixes it. */
  fixed?: string;
  /** The chart's name part: nameOverride, else "dragonfly". */
  name: string;
  component: string | null;
}

export function chartConfigMapName(text: string): ChartConfigMapName {
  const doc = parseDocument(text);
  const v: unknown = doc.errors.length > 0 ? null : doc.toJS();
  const top = v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  const str = (x: unknown): string | undefined => (typeof x === 'string' && x !== '' ? x : undefined);
  const nameOf = (key: string, dflt: string): string | null => {
    const t = top[key];
    if (t === undefined) return null;
    return str(t !== null && typeof t === 'object' ? (t as Record<string, unknown>).name : undefined) ?? dflt;
  };
  const client = nameOf('client', 'client');
  const dfdaemon = nameOf('dfdaemon', 'dfdaemon');
  const component =
    client !== null && dfdaemon === null ? client : dfdaemon !== null && client === null ? dfdaemon : null;
  const fullname = str(top.fullnameOverride);
  return {
    ...(fullname === undefined ? {} : { fixed: fullname.slice(0, 63).replace(/-+$/, '') }),
    name: str(top.nameOverride) ?? 'dragonfly',
    component,
  };
}

/**
 * Top-level sections of the Dragonfly chart's values that no other program's YAML is known to hold, unlike
 * `client`, `redis` or `mysql` (helm-charts dragonfly-1.1.6 charts/dragonfly/values.yaml: containerRuntime,
 * seedPeer, externalManager, externalMysql, externalRedis; dragonfly-1.7.4: seedClient and the external ones).
 */
const CHART_SECTIONS = [
  'containerRuntime',
  'seedPeer',
  'seedClient',
  'externalManager',
  'externalMysql',
  'externalRedis',
];

/**
 * A Dragonfly Helm chart's values (helmValuesKeys): which generation's daemon they deploy, from the component
 * they enable (the charts up to dragonfly-1.1.65 hold both `dfdaemon:`, the Go daemon, and `client:`, the Rust
 * one, each with `enable:`; dragonflyoss/helm-charts dragonfly-1.1.65 charts/dragonfly/values.yaml enables
 * `dfdaemon` and not `client`), else from the one an override file names alone; null when they say neither.
 */
export function helmGeneration(text: string): 'go' | 'rust' | null {
  const values = chartValues(text);
  if (!values) return null;
  const top: unknown = values.doc.toJS();
  if (top === null || typeof top !== 'object') return null;
  const section = (k: string): Record<string, unknown> | undefined => {
    const v = (top as Record<string, unknown>)[k];
    return v !== null && typeof v === 'object' ? (v as Record<string, unknown>) : undefined;
  };
  const go = section('dfdaemon');
  const rust = section('client');
  const on = (v: Record<string, unknown> | undefined) => v?.enable === true && ('config' in v || 'image' in v);
  if (on(go) && !on(rust)) return 'go';
  if (on(rust) && !on(go)) return 'rust';
  // an override file may leave `enable` to the chart; one that turns a component off does not deploy it,
  // and a component's section holds its `config` or `image` (every chart's does): a `client:` of another YAML does not.
  // Beside a section no other program's YAML has (CHART_SECTIONS) the file is the chart's values, and any
  // setting of a component's section names it: dragonflyoss/dragonfly#2728's values set only
  // `dfdaemon.metrics.enable`, a key of the Go daemon's section, whose `enable` defaults to true
  // (helm-charts dragonfly-1.1.6, 96f97b7, charts/dragonfly/values.yaml:846-848, :1112-1114)
  const chart = CHART_SECTIONS.some((k) => k in top);
  const named = (v: Record<string, unknown> | undefined) =>
    v !== undefined && v.enable !== false && (chart || 'config' in v || 'image' in v);
  if (named(go) && !named(rust)) return 'go';
  if (named(rust) && !named(go)) return 'rust';
  return null;
}
