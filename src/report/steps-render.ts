// Remediation steps rendered as what they are, per format. Pure.
import type { Step } from './model.js';

/** Table: `$ command`, a snippet's lines indented under its file name, prose as is. */
export function stepTableLines(s: Step): string[] {
  switch (s.kind) {
    case 'command':
      return s.command.split('\n').map((l, i) => `${i === 0 ? '$' : ' '} ${l}`);
    case 'snippet':
      return [`${s.file}:`, ...s.text.split('\n').map((l) => `  ${l}`)];
    case 'prose':
      return [s.text];
  }
}

/**
 * Markdown: consecutive commands share one `sh` block (pasteable as is), each snippet gets a block
 * fenced with its format under its file name, prose is a paragraph.
 */
export function stepsMarkdown(steps: readonly Step[]): string[] {
  const out: string[] = [];
  let sh: string[] = [];
  const flush = () => {
    if (sh.length > 0) out.push('```sh', ...sh, '```', '');
    sh = [];
  };
  for (const s of steps) {
    if (s.kind === 'command') {
      sh.push(s.command);
      continue;
    }
    flush();
    if (s.kind === 'snippet') out.push(`\`${s.file}\`:`, '', `\`\`\`${s.format}`, s.text, '```', '');
    else out.push(s.text, '');
  }
  flush();
  return out;
}

/** Plain text, for formats without structure (JUnit's message body). */
export function stepText(s: Step): string {
  switch (s.kind) {
    case 'command':
      return `$ ${s.command}`;
    case 'snippet':
      return `${s.file}:\n${s.text}`;
    case 'prose':
      return s.text;
  }
}
