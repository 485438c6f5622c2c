/** One row of `ctr plugins ls`: TYPE ID PLATFORMS STATUS (STATUS is ok, skip or error). */
export interface PluginRow {
  type: string;
  id: string;
  status: string;
  line: number;
}

export function parseCtrPlugins(text: string): PluginRow[] {
  const out: PluginRow[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const cols = (lines[i] ?? '').trim().split(/\s+/);
    if (cols.length < 3 || cols[0] === 'TYPE') continue;
    const status = cols.at(-1) as string;
    if (!['ok', 'skip', 'error'].includes(status)) continue;
    out.push({ type: cols[0] as string, id: cols[1] as string, status, line: i + 1 });
  }
  return out;
}

/** The CRI plugin's row: `io.containerd.grpc.v1 cri` (1.x) or `io.containerd.cri.v1 images` (2.x). */
export function criPluginRow(rows: PluginRow[]): PluginRow | undefined {
  return rows.find(
    (r) =>
      (r.type === 'io.containerd.grpc.v1' && r.id === 'cri') ||
      (r.type === 'io.containerd.cri.v1' && r.id === 'images'),
  );
}
