import { isMap, isScalar, LineCounter, type Pair, parseAllDocuments, type YAMLMap } from 'yaml';

/** The KubeletConfiguration fields a pull depends on (kubernetes/kubernetes staging/src/k8s.io/kubelet/config/v1beta1/types.go). */
export interface KubeletPullSettings {
  serializeImagePulls?: boolean;
  maxParallelImagePulls?: number | null;
  registryPullQPS?: number;
  registryBurst?: number;
  imageGCHighThresholdPercent?: number;
}

export type KubeletConfigParse =
  | {
      ok: true;
      settings: KubeletPullSettings;
      kind?: string;
      problems: { line?: number; message: string }[];
      /** Of several YAML documents (kubeadm's config file), the KubeletConfiguration read: its number and first line. */
      document?: { index: number; of: number; line: number };
    }
  | { ok: false; line?: number; column?: number; message: string };

/** A kubelet config is a few KB; past this it is not one, and YAML's worst cases stay out of reach. */
export const MAX_KUBELET_CONFIG_BYTES = 1024 * 1024;

export function parseKubeletConfig(text: string): KubeletConfigParse {
  if (text.length > MAX_KUBELET_CONFIG_BYTES)
    return {
      ok: false,
      line: 1,
      message: `${text.length} bytes: too large for a KubeletConfiguration (limit ${MAX_KUBELET_CONFIG_BYTES})`,
    };
  const lc = new LineCounter();
  // prettyErrors off: it formats a context snippet per error, quadratic on inputs full of errors
  const parsed = parseAllDocuments(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: false });
  const all = Array.isArray(parsed) ? parsed : [];
  const broken = all.find((d) => d.errors.length > 0);
  if (broken) {
    const e = broken.errors[0]!;
    const pos = lc.linePos(e.pos[0]);
    return { ok: false, line: pos.line, column: pos.col, message: `invalid YAML: ${e.message.split('\n')[0]}` };
  }
  // kubeadm's config file holds several documents (InitConfiguration, ClusterConfiguration,
  // KubeletConfiguration…, separated by ---): the kubelet's is the one of its kind
  // a --- before or after the one document leaves an empty one beside it
  const docs = all.filter((d) => d.contents !== null && !(isScalar(d.contents) && d.contents.value === null));
  const kindOf = (c: unknown): unknown => {
    const v = isMap(c) ? topPair(c, 'kind')?.value : undefined;
    return isScalar(v) ? v.value : undefined;
  };
  const index = docs.length > 1 ? docs.findIndex((d) => kindOf(d.contents) === 'KubeletConfiguration') : 0;
  if (index < 0)
    return { ok: false, line: 1, message: `${docs.length} YAML documents, none of kind KubeletConfiguration` };
  const doc = docs[index];
  const root = doc?.contents ?? null;
  if (!isMap(root)) return { ok: false, line: 1, message: 'not a KubeletConfiguration (expected a mapping)' };
  const problems: { line?: number; message: string }[] = [];
  // read only the top-level keys we need: no toJS(), so aliases elsewhere in the file are never expanded
  const pair = (key: string) => topPair(root, key);
  const lineOf = (key: string): number | undefined => {
    const off = (pair(key)?.key as { range?: [number, number, number] } | undefined)?.range?.[0];
    return off === undefined ? undefined : lc.linePos(off).line;
  };
  const valueOf = (key: string): { present: boolean; value: unknown } => {
    const p = pair(key);
    if (!p) return { present: false, value: undefined };
    return { present: true, value: isScalar(p.value) ? p.value.value : p.value === null ? null : p.value };
  };
  const settings: KubeletPullSettings = {};
  const b = (key: keyof KubeletPullSettings) => {
    const { present, value } = valueOf(key);
    if (!present) return;
    if (typeof value === 'boolean') (settings as Record<string, unknown>)[key] = value;
    else problems.push({ line: lineOf(key), message: `${key} must be true or false, found ${describe(value)}` });
  };
  const n = (key: keyof KubeletPullSettings, nullable = false) => {
    const { present, value } = valueOf(key);
    if (!present) return;
    if (value === null && nullable) (settings as Record<string, unknown>)[key] = null;
    else if (typeof value === 'number' && Number.isFinite(value)) (settings as Record<string, unknown>)[key] = value;
    else problems.push({ line: lineOf(key), message: `${key} must be a number, found ${describe(value)}` });
  };
  b('serializeImagePulls');
  n('maxParallelImagePulls', true);
  n('registryPullQPS');
  n('registryBurst');
  n('imageGCHighThresholdPercent');
  const kindV = valueOf('kind').value;
  const kind = typeof kindV === 'string' ? kindV : undefined;
  if (kind !== undefined && kind !== 'KubeletConfiguration')
    problems.push({ line: lineOf('kind'), message: `kind is ${kind}, not KubeletConfiguration` });
  const at = (root.range as [number, number, number] | undefined)?.[0];
  return {
    ok: true,
    settings,
    ...(kind === undefined ? {} : { kind }),
    problems,
    ...(docs.length > 1
      ? { document: { index: index + 1, of: docs.length, line: at === undefined ? 1 : lc.linePos(at).line } }
      : {}),
  };
}

/** The pair of a mapping's top level whose key is `key`, without converting the mapping (no alias expanded). */
function topPair(map: YAMLMap, key: string): Pair | undefined {
  return map.items.find((p): p is Pair => isScalar(p.key) && p.key.value === key);
}

function describe(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? String(v);
  return 'a YAML collection';
}
