import type { ProbeStep } from '../bundle/manifest.js';
import type { ProbeName } from '../causes.js';

interface Waiter {
  name: ProbeName;
  kind: 'measure' | 'resume';
  grant(): void;
}

/**
 * Who may work now. Probes that read run side by side ("busy"); a probe about to measure waits until
 * no probe is busy and no other measures, and then holds the run until it ends or says it has measured;
 * a probe coming back from a wait (`idle`) does not start work while another measures. Progress shows
 * what each probe does.
 */
export class ProbeScheduler {
  private readonly busy = new Set<ProbeName>();
  private readonly ended = new Set<ProbeName>();
  private readonly light = new Set<ProbeName>();
  private holder: ProbeName | null = null;
  private readonly queue: Waiter[] = [];
  private readonly doing = new Map<ProbeName, string>();
  private readonly steps = new Map<ProbeName, ProbeStep[]>();

  /** `now`: ms since the run started, for the timeline each probe records. */
  constructor(
    private readonly progress: (message: string) => void,
    private readonly now: () => number = () => 0,
  ) {}

  /** What the probe did when, for its manifest record: where a run's time went, whatever the load. */
  timeline(name: ProbeName): ProbeStep[] {
    return this.steps.get(name) ?? [];
  }

  start(name: ProbeName): void {
    this.busy.add(name);
    this.note(name, 'running');
  }

  end(name: ProbeName): void {
    this.ended.add(name);
    this.busy.delete(name);
    if (this.holder === name) this.holder = null;
    for (let i = this.queue.length - 1; i >= 0; i--) if (this.queue[i]?.name === name) this.queue.splice(i, 1);
    this.doing.delete(name);
    this.pump();
    this.show();
  }

  /** What a probe is doing, for the progress line. */
  note(name: ProbeName, what: string): void {
    if (this.ended.has(name)) return;
    this.doing.set(name, what);
    const steps = this.steps.get(name) ?? [];
    if (steps.at(-1)?.what !== what) steps.push({ atMs: Math.round(this.now()), what });
    this.steps.set(name, steps);
    this.show();
  }

  background(name: ProbeName): void {
    this.busy.delete(name);
    this.light.add(name);
    this.pump();
  }

  measuring(name: ProbeName): Promise<void> {
    if (this.ended.has(name) || this.holder === name) return Promise.resolve();
    this.busy.delete(name);
    this.note(name, 'waiting to measure alone');
    return new Promise((resolve) => {
      this.queue.push({
        name,
        kind: 'measure',
        grant: () => {
          this.holder = name;
          this.note(name, 'measuring');
          resolve();
        },
      });
      this.pump();
    });
  }

  /** The probe's measurement is over: it works on as a reader, and another probe may measure. */
  measured(name: ProbeName): void {
    if (this.holder !== name) return;
    this.holder = null;
    if (!this.ended.has(name)) this.busy.add(name);
    this.note(name, 'running');
    this.pump();
  }

  async idle<T>(name: ProbeName, p: Promise<T>): Promise<T> {
    // the probe that measures keeps the run through its own waits
    if (this.holder === name || this.ended.has(name)) return p;
    if (this.light.has(name)) {
      this.note(name, 'waiting');
      return p;
    }
    const wasBusy = this.busy.delete(name);
    const before = this.doing.get(name);
    this.note(name, `${before && before !== 'running' ? `${before}, ` : ''}waiting`);
    this.pump();
    try {
      return await p;
    } finally {
      await new Promise<void>((resolve) => {
        this.queue.push({
          name,
          kind: 'resume',
          grant: () => {
            if (wasBusy && !this.ended.has(name)) this.busy.add(name);
            this.note(name, 'running');
            resolve();
          },
        });
        this.pump();
      });
    }
  }

  private pump(): void {
    for (let i = 0; i < this.queue.length && this.holder === null;) {
      const w = this.queue[i] as Waiter;
      if (w.kind === 'resume' || this.busy.size === 0) {
        this.queue.splice(i, 1);
        w.grant();
      } else i++;
    }
  }

  private show(): void {
    if (this.doing.size === 0) return;
    this.progress([...this.doing].map(([n, what]) => `${n}: ${what}`).join(' · '));
  }
}
