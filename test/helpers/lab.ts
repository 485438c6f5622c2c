import { execFileSync } from 'node:child_process';

/** Why a fault-lab test cannot run here (not root, a tool missing), or null when it can. */
export function labUnavailable(tools: string[]): string | null {
  if (process.getuid?.() !== 0) return 'needs root';
  for (const t of tools) {
    try {
      execFileSync('sh', ['-c', `command -v ${t}`], { stdio: 'ignore' });
    } catch {
      return `${t} not installed (.ci/run installs it)`;
    }
  }
  return null;
}

/** Prints why a lab test is skipped, so the skip is visible in CI output. */
export function announceSkip(name: string, why: string): void {
  console.warn(`[lab] skipping ${name}: ${why}`);
}
