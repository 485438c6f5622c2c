// The kubelet's recent image events for this node: from a saved `kubectl get events -A -o json`
// (--kubelet-events), else asked of kubectl when a kubeconfig is at hand (read-only, time-bounded).
// Only this node's Pulled events and the Failed ones of its pull-rate limiter ("pull QPS exceeded") are
// kept, and only the fields the analysis reads.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { type ImageEvent, parseImageEvents, parseQpsRefusal } from '../parsers/kubelet-events.js';
import type { ProbeContext } from './context.js';
import { runCommand } from './exec.js';
import { readNodeFile } from './read-node.js';
import { BUNDLE } from '../bundle/layout.js';

export const EVENTS_FILE = BUNDLE.kubelet.events;
const MAX_BYTES = 64 * 1024 * 1024;
/** The Failed selection runs beside the Pulled one: its list is held to a quarter, so that both fit the heap cap. */
const MAX_FAILED_BYTES = 16 * 1024 * 1024;

export interface EventsRead {
  /** How many Pulled events of this node were kept (written to EVENTS_FILE), or why none were read. */
  kept?: number;
  from?: string;
  note?: string;
}

function kubeconfigAtHand(): boolean {
  return (
    Boolean(process.env.KUBECONFIG) ||
    Boolean(process.env.KUBERNETES_SERVICE_HOST) ||
    existsSync(join(homedir(), '.kube', 'config'))
  );
}

export async function readPulledEvents(ctx: ProbeContext, nodeName: string | undefined): Promise<EventsRead> {
  // one event list, or two (kubectl's Pulled and Failed selections), read one after the other
  let texts: string[];
  let from: string;
  let failedNote: string | undefined;
  if (ctx.options.kubeletEvents) {
    // a file the user saved: a path of theirs, not of the node (not re-rooted)
    const r = await readNodeFile(ctx.options.kubeletEvents, MAX_BYTES);
    if (r.kind !== 'ok') return { note: `--kubelet-events ${r.reason}` };
    texts = [r.text];
    from = ctx.options.kubeletEvents;
  } else {
    if (!kubeconfigAtHand())
      return {
        note: 'Pulled events not read: no kubeconfig here (save `kubectl get events -A -o json` and pass --kubelet-events FILE)',
      };
    // two server-side selections side by side (a field selector cannot say "Pulled or Failed"): the
    // cluster's other events can be many, and only these two reasons are read
    const ask = (reason: string, maxBuffer: number) =>
      runCommand(
        'kubectl',
        [
          'get',
          'events',
          '--all-namespaces',
          '-o',
          'json',
          '--field-selector',
          `reason=${reason}`,
          '--request-timeout=4s',
        ],
        {
          // nothing else in the kubelet probe waits on the network: kubectl may use what is left of its share
          timeoutMs: Math.max(500, Math.min(4500, ctx.remainingMs() - 300)),
          signal: ctx.signal,
          maxBuffer,
        },
      );
    const [r, failed] = await Promise.all([ask('Pulled', MAX_BYTES), ask('Failed', MAX_FAILED_BYTES)]);
    if (r.kind !== 'ok')
      return {
        note: `Pulled events not read: ${r.kind === 'failed' ? (r.stderr.trim().split('\n')[0] ?? r.reason).slice(0, 200) : r.reason}`,
      };
    from = 'kubectl get events';
    // the Failed events join the Pulled ones when they could be read; a failure there costs only them
    texts = failed.kind === 'ok' ? [r.stdout, failed.stdout] : [r.stdout];
    if (failed.kind !== 'ok')
      failedNote = `Failed events ("pull QPS exceeded") not read: ${failed.reason.slice(0, 200)}`;
  }
  const read: ImageEvent[] = [];
  for (const [i, text] of texts.entries()) {
    const parsed = parseImageEvents(text);
    if (!parsed.ok) {
      const where = `${from}${i > 0 ? ' (reason=Failed)' : ''}${parsed.line ? `:${parsed.line}` : ''}`;
      if (i === 0) return { note: `${where}: ${parsed.message}` };
      // the Failed selection is an extra: a list kubectl garbled there costs only its events, and says so
      failedNote = `Failed events ("pull QPS exceeded") not read: ${where}: ${parsed.message}`;
      continue;
    }
    for (const e of parsed.value) if (e.reason === 'Pulled' || parseQpsRefusal(e.message) !== null) read.push(e);
  }
  // an event's host is the node name the kubelet registered; without one to compare, keep them all
  const mine = nodeName ? read.filter((e) => e.host === undefined || e.host === nodeName) : read;
  await ctx.out.writeJson(
    EVENTS_FILE,
    { apiVersion: 'v1', kind: 'List', items: mine.map(toEvent) },
    `${from === 'kubectl get events' ? '`kubectl get events -A -o json` (reason=Pulled and reason=Failed)' : from}: the image events${nodeName ? ` of node ${nodeName}` : ''}, the fields read`,
  );
  const other = read.length - mine.length;
  const notes = [
    ...(other > 0 ? [`${other} image event(s) of other nodes left out`] : []),
    ...(failedNote ? [failedNote] : []),
  ];
  return { kept: mine.length, from, ...(notes.length > 0 ? { note: notes.join('; ') } : {}) };
}

function toEvent(e: ImageEvent): Record<string, unknown> {
  return {
    reason: e.reason,
    message: e.message,
    involvedObject: {
      kind: 'Pod',
      ...(e.namespace ? { namespace: e.namespace } : {}),
      ...(e.pod ? { name: e.pod } : {}),
      ...(e.fieldPath ? { fieldPath: e.fieldPath } : {}),
    },
    ...(e.host ? { source: { component: 'kubelet', host: e.host } } : {}),
    ...(e.at ? { lastTimestamp: e.at } : {}),
    count: e.count,
  };
}
