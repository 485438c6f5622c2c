import { isMap, LineCounter, parseDocument } from 'yaml';

/** The KubeletConfiguration fields a pull depends on (reference containerd.md B). */
export interface KubeletPullSettings {
  serializeImagePulls?: boolean;
  maxParallelImagePulls?: number | null;
  registryPullQPS?: number;
  registryBurst?: number;
  imageGCHighThresholdPercent?: number;
}

export type KubeletConfigParse =
  | { ok: true; settings: KubeletPullSettings; kind?: string; problems: { line?: number; message: string }[] }
  | { ok: false; line?: number; column?: number; message: string };

export function parseKubeletConfig(text: string): KubeletConfigParse {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const pos = e.linePos?.[0];
    return { ok: false, line: pos?.line, column: pos?.col, message: `invalid YAML: ${e.message.split('\n')[0]}` };
  }
  if (!isMap(doc.contents)) return { ok: false, line: 1, message: 'not a KubeletConfiguration (expected a mapping)' };
  const problems: { line?: number; message: string }[] = [];
  const lineOf = (key: string): number | undefined => {
    const node = doc.contents && isMap(doc.contents) ? doc.contents.items.find((p) => (p.key as { value?: unknown })?.value === key) : undefined;
    const off = (node?.key as { range?: [number, number, number] } | undefined)?.range?.[0];
    return off === undefined ? undefined : lc.linePos(off).line;
  };
  let v: Record<string, unknown>;
  try {
    v = doc.toJS() as Record<string, unknown>;
  } catch (e) {
    // yaml refuses to expand aliases past its limit (a "billion laughs" document): bad input, not a crash
    return { ok: false, line: 1, message: `invalid YAML: ${(e as Error).message}` };
  }
  const settings: KubeletPullSettings = {};
  const b = (key: keyof KubeletPullSettings) => {
    const x = v[key];
    if (x === undefined) return;
    if (typeof x === 'boolean') (settings as Record<string, unknown>)[key] = x;
    else problems.push({ line: lineOf(key), message: `${key} must be true or false, found ${JSON.stringify(x)}` });
  };
  const n = (key: keyof KubeletPullSettings, nullable = false) => {
    const x = v[key];
    if (x === undefined) return;
    if (x === null && nullable) (settings as Record<string, unknown>)[key] = null;
    else if (typeof x === 'number' && Number.isFinite(x)) (settings as Record<string, unknown>)[key] = x;
    else problems.push({ line: lineOf(key), message: `${key} must be a number, found ${JSON.stringify(x)}` });
  };
  b('serializeImagePulls');
  n('maxParallelImagePulls', true);
  n('registryPullQPS');
  n('registryBurst');
  n('imageGCHighThresholdPercent');
  const kind = typeof v.kind === 'string' ? v.kind : undefined;
  if (kind !== undefined && kind !== 'KubeletConfiguration') problems.push({ line: lineOf('kind'), message: `kind is ${kind}, not KubeletConfiguration` });
  return { ok: true, settings, ...(kind === undefined ? {} : { kind }), problems };
}
