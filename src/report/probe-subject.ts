// What a probe found, in a few words, for the Probes list of the table and markdown reports — e.g.
// "Go dfdaemon v2.1.49 (container image), pod dragonfly-system/dragonfly-dfdaemon-x7k2p". Read from the
// probe's own record, so a bundle analysed elsewhere shows what the node showed.

const GENERATION: Record<string, string> = { go: 'Go dfdaemon', rust: 'Rust client' };

export function probeSubject(name: string, p: Record<string, unknown>): string | null {
  if (name !== 'dfdaemon') return null;
  const gen = typeof p.generation === 'string' ? GENERATION[p.generation] : undefined;
  if (!gen) return null;
  const parts = [gen];
  if (typeof p.version === 'string')
    parts.push(`${p.version}${typeof p.versionFrom === 'string' ? ` (${p.versionFrom})` : ''}`);
  const labels = (p.container as { labels?: Record<string, unknown> } | undefined)?.labels;
  const pod = labels?.['io.kubernetes.pod.name'];
  const ns = labels?.['io.kubernetes.pod.namespace'];
  let text = parts.join(' ');
  if (typeof pod === 'string') text += `, pod ${typeof ns === 'string' ? `${ns}/` : ''}${pod}`;
  else if (typeof p.pid === 'number') text += `, pid ${p.pid}`;
  return text;
}
