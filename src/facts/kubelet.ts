import { parseKubeletConfig, type KubeletPullSettings } from '../parsers/kubelet-config.js';
import {
  type ImageEvent,
  parseContainerEvents,
  parseImageEvents,
  parsePullFailure,
  parsePulledMessage,
  parseQpsRefusal,
} from '../parsers/kubelet-events.js';
import { parseKubeletFlags } from '../parsers/kubelet-flags.js';
import { defineFacts, type FactsContext } from './context.js';
import { kubeletPullNote, kubeletPullOf } from './kubelet-log-pull.js';
import { lastPull } from './dfdaemon-pulls.js';
import { BUNDLE } from '../bundle/layout.js';
import { type DfdaemonRestarts, dfdaemonRestarts } from './kubelet-dfdaemon-restarts.js';

export const KUBELET_FILES = BUNDLE.kubelet;

export type KubeletSource = 'flag' | 'config' | 'drop-in' | 'default';

/** A setting in effect and where it was set; a drop-in names its file (the last in merge order to set it). */
export type Sourced<V> =
  { value: V; from: Exclude<KubeletSource, 'drop-in'> } | { value: V; from: 'drop-in'; file: string };

/** The kubelet's image-pull settings in effect (flags over config file over defaults; kubernetes/kubernetes staging/src/k8s.io/kubelet/config/v1beta1/types.go). */
export interface KubeletFacts {
  serializeImagePulls: Sourced<boolean>;
  /** null = no limit (the default when pulls are parallel). */
  maxParallelImagePulls: Sourced<number | null>;
  registryPullQPS: Sourced<number>;
  registryBurst: Sourced<number>;
  /** Bundle files the values came from (config, its --config-dir drop-ins in merge order, and flags). */
  files: string[];
  /**
   * Where a change goes on the node, as the probe recorded it: the config file the kubelet reads (its
   * --config, else the default), its --config-dir, and the node's name; null where the bundle does not say.
   */
  onNode: { config: string | null; configDir: string | null; nodeName: string | null };
  /** Bundle files written as JSON (the kubelet reads JSON or YAML): a change to one of them is JSON too. */
  jsonFiles: string[];
  /** The config file the kubelet's flags name (--config) when the bundle lacks it: what it sets is unknown. */
  configUnread?: string;
  /** The kubelet's command line names no --config: it reads no config file, only flags and defaults. */
  noConfigFile?: true;
  /** Image pulls the kubelet reported in its Pulled events (raw/kubelet/events.json), newest last as listed. */
  pulls?: KubeletPull[];
  /** Pulls the kubelet's registryPullQPS/registryBurst limiter refused ("pull QPS exceeded" Failed events). */
  qpsRefusals?: KubeletQpsRefusal[];
  /** Pulls the runtime failed, with its error as the kubelet's Failed event quotes it (other rules read that error). */
  pullFailures?: KubeletPullFailure[];
  /** dfdaemon containers the events show crash-looping (BackOff "Back-off restarting failed container"), most back-offs first. */
  dfdaemonRestarts?: DfdaemonRestarts[];
}

/** A "Failed to pull image …: <the runtime's error>" event. */
export interface KubeletPullFailure {
  image: string;
  error: string;
  event: ImageEvent;
  file: string;
}

/** A "Failed to pull image …: pull QPS exceeded" event: the pull was refused before the runtime was asked. */
export interface KubeletQpsRefusal {
  image: string;
  event: ImageEvent;
  file: string;
}

/** One "Successfully pulled image" event: the runtime's pull time and the time it queued in the kubelet before. */
export interface KubeletPull {
  image: string;
  pullSeconds: number;
  /** "(Y including waiting)" − "in X": the kubelet's queue (serial puller, or a full parallel limit). */
  waitSeconds: number;
  bytes?: number;
  event: ImageEvent;
  file: string;
}

/** A gap below this between "in X" and "(Y including waiting)" is bookkeeping, not a queue (kubelet pkg/kubelet/images/image_manager.go times both). */
export const WAIT_MIN_SECONDS = 1;

const DEFAULTS = {
  serializeImagePulls: true,
  maxParallelImagePulls: null,
  registryPullQPS: 5,
  registryBurst: 10,
} as const;

/**
 * The kubelet's own default for serializeImagePulls since 1.27: true, unless maxParallelImagePulls is 2
 * or more ("This is to save users from having to set both configs": kubernetes/kubernetes
 * pkg/kubelet/apis/config/v1beta1/defaults.go, SetDefaults_KubeletConfiguration; KEP-3673).
 */
export function defaultSerializeImagePulls(maxParallelImagePulls: number | null): boolean {
  return maxParallelImagePulls === null || maxParallelImagePulls < 2;
}

export const kubeletFacts = defineFacts({
  area: 'kubelet',
  async build(ctx) {
    const cfgText = await ctx.bundle.text(KUBELET_FILES.config);
    const flagsText = await ctx.bundle.text(KUBELET_FILES.flags);
    const events = await readEvents(ctx);
    if (cfgText === undefined && flagsText === undefined && events === undefined) return undefined;
    // the dfdaemon facts come first (facts/index.ts): the pull in question, seen from both sides
    const logPull = lastPull(ctx.facts.dfdaemon?.logs?.pulls);
    const seen = logPull && events ? kubeletPullOf(logPull, events.pulls) : undefined;
    const note = logPull && seen ? kubeletPullNote(logPull, seen) : undefined;
    if (note) ctx.note(note, KUBELET_FILES.events);
    const files: string[] = [];
    const jsonFiles: string[] = [];
    const rec = ctx.facts.manifest.probes.kubelet;
    const parsedFlags = flagsText === undefined ? undefined : parseKubeletFlags(flagsText);
    // the kubelet loads a config file only when --config names one (kubernetes cmd/kubelet/app/server.go,
    // "load kubelet config file, if provided"): a command line the probe read from the process (its
    // record has the pid) that names none runs on flags and defaults, whatever file is at the default path
    const noConfigFile = parsedFlags !== undefined && parsedFlags.config === undefined && typeof rec?.pid === 'number';
    if (noConfigFile && cfgText !== undefined)
      ctx.note(
        `not read by this kubelet: its command line (${KUBELET_FILES.flags}) names no --config`,
        KUBELET_FILES.config,
      );
    let cfg: KubeletPullSettings = {};
    if (cfgText !== undefined && !noConfigFile) {
      files.push(KUBELET_FILES.config);
      if (isJson(cfgText)) jsonFiles.push(KUBELET_FILES.config);
      const p = parseKubeletConfig(cfgText);
      if (!p.ok)
        ctx.problem({
          file: KUBELET_FILES.config,
          line: p.line,
          column: p.column,
          message: `${p.message} (kubelet defaults assumed)`,
        });
      else {
        cfg = p.settings;
        if (p.document)
          ctx.note(
            `${KUBELET_FILES.config} holds ${p.document.of} YAML documents (a kubeadm config file): its KubeletConfiguration, document ${p.document.index} from line ${p.document.line}, was read`,
            KUBELET_FILES.config,
          );
        for (const q of p.problems)
          ctx.problem({
            file: KUBELET_FILES.config,
            ...(q.line === undefined ? {} : { line: q.line }),
            message: q.message,
          });
      }
    }
    // drop-ins (--config-dir) go over the config file as loaded, its defaults applied: so an unset
    // serializeImagePulls takes its default from the file's own maxParallelImagePulls, not a drop-in's
    // (cmd/kubelet/app/server.go: loadConfigFile, then mergeKubeletConfigurations)
    const dropIns = (await ctx.bundle.list(KUBELET_FILES.configDir)).filter((f) => f.endsWith('.conf'));
    let dropIn: KubeletPullSettings = {};
    const dropInFile: Partial<Record<keyof KubeletPullSettings, string>> = {};
    for (const file of dropIns) {
      const text = await ctx.bundle.text(file);
      if (text === undefined) continue;
      files.push(file);
      if (isJson(text)) jsonFiles.push(file);
      const p = parseKubeletConfig(text);
      if (!p.ok) {
        ctx.problem({ file, line: p.line, column: p.column, message: `${p.message} (drop-in not merged)` });
        continue;
      }
      for (const q of p.problems)
        ctx.problem({ file, ...(q.line === undefined ? {} : { line: q.line }), message: q.message });
      dropIn = { ...dropIn, ...p.settings };
      for (const k of Object.keys(p.settings) as (keyof KubeletPullSettings)[]) dropInFile[k] = file;
    }
    let flags: KubeletPullSettings = {};
    let flagConfig: string | undefined;
    if (parsedFlags !== undefined) {
      files.push(KUBELET_FILES.flags);
      flags = parsedFlags.settings;
      flagConfig = parsedFlags.config;
      for (const q of parsedFlags.problems)
        ctx.problem({ file: KUBELET_FILES.flags, line: q.line, message: q.message });
    }
    const pick = <K extends keyof typeof DEFAULTS>(
      k: K,
    ): Sourced<NonNullable<KubeletPullSettings[K]> | (typeof DEFAULTS)[K]> => {
      if (flags[k] !== undefined) return { value: flags[k] as NonNullable<KubeletPullSettings[K]>, from: 'flag' };
      const file = dropInFile[k];
      if (dropIn[k] !== undefined && file !== undefined)
        return { value: dropIn[k] as NonNullable<KubeletPullSettings[K]>, from: 'drop-in', file };
      if (cfg[k] !== undefined) return { value: cfg[k] as NonNullable<KubeletPullSettings[K]>, from: 'config' };
      return { value: DEFAULTS[k], from: 'default' };
    };
    // events alone (no config, no flags): the settings are the defaults only by assumption, and unless a
    // Pulled event shows a pull queued, nothing on the node says the kubelet pulls one image at a time
    if (files.length === 0 && !(events?.pulls ?? []).some((p) => p.waitSeconds >= WAIT_MIN_SECONDS))
      ctx.note(
        `kubelet: neither its config nor its flags are in the bundle, and no Pulled event shows a pull queued behind another: whether it pulls one image at a time (serializeImagePulls, true by default) is not known`,
        KUBELET_FILES.events,
      );
    const maxParallelImagePulls = pick('maxParallelImagePulls') as KubeletFacts['maxParallelImagePulls'];
    const serialize = pick('serializeImagePulls') as KubeletFacts['serializeImagePulls'];
    return {
      serializeImagePulls:
        serialize.from === 'default'
          ? // the config file's limit: flags cannot set one, and drop-ins come after the defaulting
            { value: defaultSerializeImagePulls(cfg.maxParallelImagePulls ?? null), from: 'default' }
          : serialize,
      maxParallelImagePulls,
      registryPullQPS: pick('registryPullQPS') as KubeletFacts['registryPullQPS'],
      registryBurst: pick('registryBurst') as KubeletFacts['registryBurst'],
      files,
      onNode: noConfigFile ? { ...onNode(rec, undefined), config: null } : onNode(rec, flagConfig),
      ...(cfgText === undefined && flagConfig !== undefined ? { configUnread: flagConfig } : {}),
      ...(noConfigFile ? { noConfigFile } : {}),
      jsonFiles,
      ...(events
        ? {
            pulls: events.pulls,
            qpsRefusals: events.qpsRefusals,
            pullFailures: events.pullFailures,
            ...(events.restarts.length > 0 ? { dfdaemonRestarts: events.restarts } : {}),
          }
        : {}),
    };
  },
});

async function readEvents(ctx: FactsContext): Promise<
  | {
      pulls: KubeletPull[];
      qpsRefusals: KubeletQpsRefusal[];
      pullFailures: KubeletPullFailure[];
      restarts: DfdaemonRestarts[];
    }
  | undefined
> {
  const file = KUBELET_FILES.events;
  const text = await ctx.bundle.text(file);
  if (text === undefined) return undefined;
  const r = parseImageEvents(text);
  if (!r.ok) {
    ctx.problem({ file, ...(r.line === undefined ? {} : { line: r.line }), message: r.message });
    return undefined;
  }
  const pulls: KubeletPull[] = [];
  const qpsRefusals: KubeletQpsRefusal[] = [];
  const pullFailures: KubeletPullFailure[] = [];
  for (const event of r.value) {
    if (event.reason === 'Failed') {
      // other failures (the registry's, the runtime's) are not the kubelet's limiter: left to their own rules
      const q = parseQpsRefusal(event.message);
      const failed = q ? null : parsePullFailure(event.message);
      if (q) qpsRefusals.push({ image: q.image, event, file });
      else if (failed) pullFailures.push({ ...failed, event, file });
      continue;
    }
    const m = parsePulledMessage(event.message);
    // "already present on machine" pulls nothing; a message in no known wording is skipped, not guessed at
    if (m?.kind !== 'pulled') continue;
    pulls.push({
      image: m.image,
      pullSeconds: m.pullMs / 1000,
      waitSeconds: Math.max(0, m.totalMs - m.pullMs) / 1000,
      ...(m.bytes === undefined ? {} : { bytes: m.bytes }),
      event,
      file,
    });
  }
  // the same list read again for its container events (it parsed above, so it parses here)
  const containers = parseContainerEvents(text);
  const restarts = containers.ok ? dfdaemonRestarts(containers.value, file) : [];
  return { pulls, qpsRefusals, pullFailures, restarts };
}

/** The kubelet reads JSON or YAML; a file that opens with an object is JSON. */
function isJson(text: string): boolean {
  return text.trimStart().startsWith('{');
}

/** The probe's record of the kubelet's files and node name (probes/kubelet.ts details), else its flags' --config. */
function onNode(rec: Record<string, unknown> | undefined, flagConfig: string | undefined): KubeletFacts['onNode'] {
  const path = (v: unknown) => (typeof v === 'string' && v.startsWith('/') ? v : null);
  return {
    config: path(rec?.config) ?? path(flagConfig),
    configDir: path(rec?.configDir),
    nodeName: typeof rec?.nodeName === 'string' && rec.nodeName !== '' ? rec.nodeName : null,
  };
}
