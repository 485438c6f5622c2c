import type { Cleanup } from '../probes/context.js';

/** Undo steps run once on every exit path, newest first; a failing step does not stop the others. */
export class CleanupStack implements Cleanup {
  private readonly steps = new Set<() => Promise<void> | void>();

  add(fn: () => Promise<void> | void): () => void {
    this.steps.add(fn);
    return () => this.steps.delete(fn);
  }

  async runAll(): Promise<void> {
    const list = [...this.steps].reverse();
    this.steps.clear();
    for (const fn of list) {
      try {
        await fn();
      } catch {
        // best effort: the next step still runs
      }
    }
  }
}
