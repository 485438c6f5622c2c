export interface Bar {
  label: string;
  seconds: number;
}

/** Horizontal bars scaled to the largest value, e.g. `disk-slow-medium  ████████▌      3.20 s`. */
export function renderBars(bars: Bar[], opts: { width?: number; ascii?: boolean } = {}): string[] {
  const width = opts.width ?? 40;
  const max = Math.max(0, ...bars.map((b) => b.seconds));
  const labelW = Math.max(0, ...bars.map((b) => b.label.length));
  return bars.map((b) => {
    const cells = max > 0 ? (b.seconds / max) * width : 0;
    return `${b.label.padEnd(labelW)}  ${bar(cells, opts.ascii ?? false).padEnd(width)}  ${b.seconds.toFixed(2)} s`;
  });
}

const EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

function bar(cells: number, ascii: boolean): string {
  const full = Math.floor(cells);
  if (ascii) return '#'.repeat(full + (cells - full >= 0.5 ? 1 : 0));
  return '█'.repeat(full) + (EIGHTHS[Math.floor((cells - full) * 8)] ?? '');
}
