// The kubelet's recent events for this node that the analysis reads: from a saved `kubectl get events
// -A -o json` (--kubelet-events), else asked of kubectl when a kubeconfig is at hand (read-only,
// time-bounded). Kept: this node's Pulled events, the Failed ones of its pull-rate limiter ("pull QPS
// exceeded"), and the restart BackOffs of the Dragonfly chart's dfdaemon container (`dfdaemon`, or the
// Rust client's `client`), in either kubelet wording, which kubelet.dfdaemon-restarting reads; only the
// fields the analysis reads.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { namedDfdaemonBackOff } from '../facts/kubelet-dfdaemon-restarts.js';
import { CHART_DFDAEMON } from '../knowledge/dfdaemon-chart.js';
import {
  type ContainerEvent,
  type ImageEvent,
  parseContainerEvents,
  parseImageEvents,
  parseQpsRefusal,
} from '../parsers/kubelet-events.js';
import type { ProbeContext } from './context.js';
import { runCommand } from './exec.js';
import { readNodeFile } from './read-node.js';
import { BUNDLE } from '../bundle/layout.js';
import { eventListOf, isEventList } from '../bundle/event-list.js';
import { sniffKind } from '../bundle/sniff.js';

export const EVENTS_FILE = BUNDLE.kubelet.events;
const MAX_BYTES = 64 * 1024 * 1024;
/** The Failed selection runs beside the Pulled one: its list is held to a quarter, so that both fit the heap cap. */
const MAX_FAILED_BYTES = 16 * 1024 * 1024;
/** A BackOff selection names one container of every node's pods: a few events a crash-looping pod. */
const MAX_BACKOFF_BYTES = 4 * 1024 * 1024;
/** At most this many restart BackOffs of this node are written: a crash loop is one event a pod, its count rising. */
const MAX_BACKOFFS = 64;

/**
 * The kubelet records a restart BackOff on the container's reference, whose field path is
 * `spec.containers{<name>}` (kubernetes pkg/kubelet/container/ref.go fieldPath; doBackOff in
 * pkg/kubelet/kuberuntime/kuberuntime_manager.go), and the API server selects events by
 * `involvedObject.fieldPath` and `reason` (pkg/registry/core/event/strategy.go EventToSelectableFields):
 * one selection a chart container name, since a field selector cannot say "dfdaemon or client".
 */
const BACKOFF_SELECTORS = [...new Set([CHART_DFDAEMON.go.container, CHART_DFDAEMON.rust.container])].map(
  (c) => `reason=BackOff,involvedObject.fieldPath=spec.containers{${c}}`,
);

export interface EventsRead {
  /** How many image events (Pulled, and Failed ones of the limiter) of this node were kept (written to EVENTS_FILE), or why none were read. */
  kept?: number;
  /** How many restart BackOffs of this node's dfdaemon container were kept beside them. */
  backOffs?: number;
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
  // one event list, or several (kubectl's Pulled, Failed and BackOff selections)
  let texts: { text: string; selector?: string }[];
  let from: string;
  const notes: string[] = [];
  if (ctx.options.kubeletEvents) {
    // a file the user saved: a path of theirs, not of the node (not re-rooted)
    const r = await readNodeFile(ctx.options.kubeletEvents, MAX_BYTES);
    if (r.kind !== 'ok') return { note: `--kubelet-events ${r.reason}` };
    from = ctx.options.kubeletEvents;
    // a saved `kubectl describe pod`, `kubectl get events` without -o json, or a kubelet's event log:
    // read as the event list it shows, not refused as JSON that does not parse
    const s = isEventList(r.text) ? null : sniffKind(from, r.text);
    if (s?.kind === 'kubectl-describe-events' || s?.kind === 'kubelet-event-log') {
      texts = [{ text: eventListOf(s.kind, r.text) }];
      notes.push(`--kubelet-events is not JSON: read as ${s.why}`);
    } else texts = [{ text: r.text }];
  } else {
    if (!kubeconfigAtHand())
      return {
        note: 'Pulled events not read: no kubeconfig here (save `kubectl get events -A -o json` and pass --kubelet-events FILE)',
      };
    // server-side selections side by side (a field selector cannot say "Pulled or Failed"): the
    // cluster's other events can be many, and only these are read
    const ask = (selector: string, maxBuffer: number) =>
      runCommand(
        'kubectl',
        ['get', 'events', '--all-namespaces', '-o', 'json', '--field-selector', selector, '--request-timeout=4s'],
        {
          // nothing else in the kubelet probe waits on the network: kubectl may use what is left of its share
          timeoutMs: Math.max(500, Math.min(4500, ctx.remainingMs() - 300)),
          signal: ctx.signal,
          maxBuffer,
        },
      );
    const [r, ...extras] = await Promise.all([
      ask('reason=Pulled', MAX_BYTES),
      ask('reason=Failed', MAX_FAILED_BYTES),
      ...BACKOFF_SELECTORS.map((s) => ask(s, MAX_BACKOFF_BYTES)),
    ]);
    if (r.kind !== 'ok')
      return {
        note: `Pulled events not read: ${r.kind === 'failed' ? (r.stderr.trim().split('\n')[0] ?? r.reason).slice(0, 200) : r.reason}`,
      };
    from = 'kubectl get events';
    texts = [{ text: r.stdout }];
    // the other selections join the Pulled one when they could be read; a failure there costs only them
    ['reason=Failed', ...BACKOFF_SELECTORS].forEach((selector, i) => {
      const x = extras[i] as (typeof extras)[number];
      if (x.kind === 'ok') texts.push({ text: x.stdout, selector });
      else notes.push(`${extraName(selector)} not read: ${x.reason.slice(0, 200)}`);
    });
  }
  const read: ImageEvent[] = [];
  const backOffs: ContainerEvent[] = [];
  for (const { text, selector } of texts) {
    const parsed = parseImageEvents(text);
    if (!parsed.ok) {
      const where = `${from}${selector ? ` (${selector})` : ''}${parsed.line ? `:${parsed.line}` : ''}`;
      if (!selector) return { note: `${where}: ${parsed.message}` };
      // a further selection is an extra: a list kubectl garbled there costs only its events, and says so
      notes.push(`${extraName(selector)} not read: ${where}: ${parsed.message}`);
      continue;
    }
    for (const e of parsed.value) if (e.reason === 'Pulled' || parseQpsRefusal(e.message) !== null) read.push(e);
    // the same list (it parsed above) read for the restart BackOffs of the dfdaemon container
    const containers = parseContainerEvents(text);
    if (containers.ok) for (const e of containers.value) if (namedDfdaemonBackOff(e)) backOffs.push(e);
  }
  // an event's host is the node name the kubelet registered; without one to compare, keep them all
  const onNode = <E extends { host?: string }>(es: E[]) =>
    nodeName ? es.filter((e) => e.host === undefined || e.host === nodeName) : es;
  const mine = onNode(read);
  const myBackOffs = onNode(backOffs);
  const keptBackOffs = myBackOffs.slice(0, MAX_BACKOFFS);
  await ctx.out.writeJson(
    EVENTS_FILE,
    { apiVersion: 'v1', kind: 'List', items: [...mine, ...keptBackOffs].map(toEvent) },
    `${from === 'kubectl get events' ? `\`kubectl get events -A -o json\` (${['reason=Pulled', 'reason=Failed', ...BACKOFF_SELECTORS].join('; ')})` : from}: the image events and the dfdaemon container's restart back-offs${nodeName ? ` of node ${nodeName}` : ''}, the fields read`,
  );
  // the BackOff selections are the cluster's: other nodes' are not worth a note
  const other = read.length - mine.length;
  notes.unshift(
    ...(other > 0 ? [`${other} image event(s) of other nodes left out`] : []),
    ...(myBackOffs.length > MAX_BACKOFFS
      ? [`${myBackOffs.length - MAX_BACKOFFS} of ${myBackOffs.length} dfdaemon BackOff events left out`]
      : []),
  );
  return {
    kept: mine.length,
    ...(keptBackOffs.length > 0 ? { backOffs: keptBackOffs.length } : {}),
    from,
    ...(notes.length > 0 ? { note: notes.join('; ') } : {}),
  };
}

/** What a further selection's events are, for a note on why they are missing. */
function extraName(selector: string): string {
  return selector === 'reason=Failed'
    ? 'Failed events ("pull QPS exceeded")'
    : `BackOff events (${selector.replace(/^reason=BackOff,/, '')})`;
}

function toEvent(e: ImageEvent | ContainerEvent): Record<string, unknown> {
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
