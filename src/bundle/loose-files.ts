// Loose files (`dfdoctor analyze FILE...`) laid out as the bundle a collect would have written, so
// that the one analysis path reads them. Pure: the command reads the files and hands their text here.
import type { Manifest } from './manifest.js';
import type { LooseFile } from './loose-file.js';
import { LOOSE_KINDS, type LooseKind, type Sniffed, sniffKind } from './sniff.js';
import { BUNDLE } from './layout.js';
import { parseKubeletEventLog } from '../parsers/kubelet-event-log.js';
import { eventList, eventListOf, isEventList, joinEventLists, loggedItem } from './event-list.js';
import { splitTranscript } from './transcript.js';
import { schedulerCallers } from '../parsers/scheduler-log.js';
import { cdnCallers } from '../parsers/cdn-log.js';

export interface TakenFile {
  path: string;
  kind: LooseKind;
  why: string;
  /** Where it went in the bundle; null when another file of the same kind already took the place. */
  bundlePath: string | null;
}

export interface LooseAssembly {
  files: Record<string, string>;
  manifest: Manifest;
  taken: TakenFile[];
  /** Files no known format matched: they are left out, with the start of their text for the message. */
  unknown: { path: string; start: string }[];
}

const PROBE_OF: Record<LooseKind, string> = {
  'dfdaemon-go-log': 'dfdaemon',
  'dfdaemon-rust-log': 'dfdaemon',
  'dfget-yaml': 'dfdaemon',
  'dfdaemon-yaml': 'dfdaemon',
  metrics: 'dfdaemon',
  'containerd-log': 'containerd',
  'containerd-config': 'containerd',
  'containerd-version': 'containerd',
  'hosts-toml': 'containerd',
  'iptables-save': 'netfilter',
  'nft-ruleset': 'netfilter',
  dmesg: 'netfilter',
  'kubelet-config': 'kubelet',
  'kubelet-flags': 'kubelet',
  'kubelet-events': 'kubelet',
  'kubectl-describe-events': 'kubelet',
  'kubelet-event-log': 'kubelet',
};

const GENERATION: Partial<Record<LooseKind, 'go' | 'rust'>> = {
  'dfdaemon-go-log': 'go',
  'dfget-yaml': 'go',
  'dfdaemon-rust-log': 'rust',
  'dfdaemon-yaml': 'rust',
};

/**
 * What a hosts.toml's parent directory must look like to be taken for the registry host namespace
 * containerd looks it up under (`[registry_host_name|IP address][:port]`, `host_port_`, or
 * `_default`: containerd v2.1.4 docs/hosts.md:58-75, core/remotes/docker/config/hosts.go:306-312
 * hostDirectory): a host name with a dot, `localhost`, or one with a port. A folder an issue's attachment
 * was saved in (`issue-1234`, `Downloads`) names no registry; the file's `server` does.
 */
const REGISTRY_DIR = /^(?:_default|localhost(?::\d+)?|[\w-]+(?:\.[\w-]+)+(?::\d+)?|[\w.-]+:\d+|[\w.-]+_\d+_)$/;

/** The registry directory a hosts.toml belongs in: its parent directory if the path shows one, else its `server`. */
export function hostsTomlRegistry(path: string, text: string): string {
  const parts = path.split('/');
  const parent = parts.length >= 2 ? parts[parts.length - 2] : undefined;
  if (parent && parts[parts.length - 1] === 'hosts.toml' && REGISTRY_DIR.test(parent)) return parent;
  const server = /^\s*server\s*=\s*["']([^"']+)["']/m.exec(text)?.[1];
  if (!server) return '_default';
  const host = server.replace(/^[a-z]+:\/\//, '').replace(/\/.*$/, '');
  // Docker Hub's endpoints all live under the docker.io namespace
  return host === 'registry-1.docker.io' || host === 'index.docker.io' ? 'docker.io' : host;
}

/**
 * A kubelet command line as it is pasted becomes the one-argument-a-line form /proc/<pid>/cmdline gives:
 * on one line; in a systemd unit, its `ExecStart=` continued over lines that end in `\`; or in the
 * environment files the units read, `KUBELET_OPTS="…"`, `KUBELET_EXTRA_ARGS=…` (a GKE node's
 * /etc/default/kubelet, kubeadm's 10-kubeadm.conf drop-in). Quoted words are not kept whole: no
 * pull-related flag takes a value with spaces.
 */
export function kubeletFlagLines(text: string): string {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const env = lines.flatMap((l) => {
    const m = KUBELET_ENV.exec(l);
    return m ? [unquote(m[1] as string)] : [];
  });
  const exec = execStart(lines);
  // argv[0] first, as /proc/<pid>/cmdline has it: the unit's program, or the kubelet an environment file's
  // arguments are passed to
  const args =
    exec !== null
      ? [...exec, ...env].join(' ')
      : env.length > 0
        ? ['kubelet', ...env].join(' ')
        : lines.length === 1
          ? lines[0]
          : null;
  if (args === null || args === undefined) return text;
  return `${args
    .split(/\s+/)
    .filter((a) => a !== '')
    .join('\n')}\n`;
}

/** An environment line that carries the kubelet's arguments (`Environment="KUBELET_…=…"` in a unit too). */
const KUBELET_ENV =
  /^(?:Environment=["']?)?KUBELET_(?:OPTS|ARGS|EXTRA_ARGS|KUBEADM_ARGS|CONFIG_ARGS|KUBECONFIG_ARGS)=(.*)$/;

function unquote(v: string): string {
  const t = v.trim().replace(/["']$/, '');
  return t.startsWith('"') || t.startsWith("'") ? t.slice(1) : t;
}

/** The command line of `ExecStart=…kubelet`, over the lines a trailing `\` continues it on; null when there is none. */
function execStart(lines: readonly string[]): string[] | null {
  const at = lines.findIndex((l) => /^ExecStart=\S*kubelet\b/.test(l));
  if (at < 0) return null;
  const out: string[] = [];
  for (let i = at; i < lines.length; i++) {
    const l = lines[i] as string;
    const body = (i === at ? l.replace(/^ExecStart=/, '') : l).replace(/\\$/, '').trim();
    if (body !== '') out.push(body);
    if (!l.endsWith('\\')) break;
  }
  return out;
}

/**
 * A file's kind as the user named it. Events named `kubelet-events=` are read as the JSON list; rows of
 * `kubectl describe` or `kubectl get events` without `-o json`, or a kubelet's event log, named so are
 * read as what they are, not refused as JSON that does not parse.
 */
function givenKind(kind: LooseKind, f: LooseFile): Sniffed {
  const given = { kind, why: `given as ${kind}=` };
  if (kind !== 'kubelet-events' || isEventList(f.text)) return given;
  const s = sniffKind(f.path, f.text);
  return s?.kind === 'kubectl-describe-events' || s?.kind === 'kubelet-event-log'
    ? { kind: s.kind, why: `given as ${kind}=, but not JSON: ${s.why}` }
    : given;
}

export function assembleLooseFiles(
  inputs: readonly LooseFile[],
  createdAt: string,
  tool: Manifest['tool'],
): LooseAssembly {
  const files: Record<string, string> = {};
  const taken: TakenFile[] = [];
  const unknown: LooseAssembly['unknown'] = [];
  const probes = new Set<string>();
  const generations = new Set<'go' | 'rust'>();
  const logNames = new Set<string>();
  // each bundle path's files as the user named them (a journal given in pieces has several)
  const sources: Record<string, string[]> = {};
  // a terminal session given as one file is read as the files and outputs it shows
  const expanded = inputs.flatMap((f) => (f.kind ? [f] : (splitTranscript(f) ?? [f])));
  // the events of several files (two pods' describe rows, a journal beside them) as one list; false, and
  // nothing taken, when the list there or this one is no event list
  const addEvents = (list: string, t: TakenFile): boolean => {
    const ev = BUNDLE.kubelet.events;
    const joined = files[ev] === undefined ? list : joinEventLists(files[ev], list);
    if (joined === null) return false;
    files[ev] = joined;
    (sources[ev] ??= []).push(t.path);
    taken.push(t);
    return true;
  };
  for (const f of expanded) {
    const s = f.kind ? givenKind(f.kind, f) : sniffKind(f.path, f.text);
    if (!s) {
      unknown.push({ path: f.path, start: f.text.slice(0, 80).split('\n')[0] ?? '' });
      continue;
    }
    let at: string | null = LOOSE_KINDS[s.kind];
    let text = f.text;
    if (s.kind === 'hosts-toml') at = at.replace('<registry>', hostsTomlRegistry(f.path, f.text));
    if (s.kind === 'kubelet-flags') text = kubeletFlagLines(text);
    if (s.kind === 'kubectl-describe-events' || s.kind === 'kubelet-event-log') text = eventListOf(s.kind, text);
    // a kubelet journal read for its CRI client's errors may log the kubelet's events too: they are read as well
    if (s.kind === 'containerd-log') {
      const events = parseKubeletEventLog(f.text);
      if (
        events.length > 0 &&
        addEvents(eventList(events.map(loggedItem)), {
          path: f.path,
          kind: 'kubelet-event-log',
          why: `${events.length} kubelet event line(s) in it`,
          bundlePath: BUNDLE.kubelet.events,
        })
      )
        probes.add(PROBE_OF['kubelet-event-log']);
    }
    if (s.kind === 'dfdaemon-go-log' || s.kind === 'dfdaemon-rust-log') {
      // every log file is read: keep each under a name of its own
      // the text is already decompressed: a .gz name would have the bundle inflate it again
      const base = (f.name ?? f.path.split('/').pop() ?? 'dfdaemon.log').replace(/\.gz$/, '').replace(/[^\w.-]/g, '_');
      let name = base;
      for (let i = 2; logNames.has(name); i++) name = `${i}-${base}`;
      logNames.add(name);
      at = `raw/dfdaemon/logs/${name}`;
    } else if (s.kind === 'containerd-log' && files[at] !== undefined) {
      // one journal: pieces of it given as several files are read in the order given
      const before = files[at] as string;
      files[at] = `${before}${before.endsWith('\n') ? '' : '\n'}${text}`;
      sources[at]?.push(f.path);
      taken.push({ path: f.path, kind: s.kind, why: s.why, bundlePath: at });
      continue;
    } else if (at === BUNDLE.kubelet.events && files[at] !== undefined) {
      if (addEvents(text, { path: f.path, kind: s.kind, why: s.why, bundlePath: at })) continue;
      at = null;
    } else if (files[at] !== undefined) {
      at = null;
    }
    if (at !== null) {
      files[at] = text;
      sources[at] = [f.path];
      probes.add(PROBE_OF[s.kind]);
      const g = GENERATION[s.kind];
      // a Dragonfly scheduler's or v2.0 CDN's zap log handed over as dfdaemon's says nothing of the daemon's generation
      // (the facts leave it out and say so)
      if (g && !(s.kind === 'dfdaemon-go-log' && (schedulerCallers(text) || cdnCallers(text)))) generations.add(g);
    }
    taken.push({ path: f.path, kind: s.kind, why: s.why, bundlePath: at });
  }
  // the generation is stated only when every dfdaemon file agrees on it
  if (generations.size === 1) files['raw/dfdaemon/generation.txt'] = `${[...generations][0]}\n`;
  const manifest: Manifest = {
    format: 'dfdoctor-bundle',
    version: 1,
    createdAt,
    tool,
    host: { hostname: 'loose files', kernel: 'unknown', os: 'unknown', cpus: 0, memoryBytes: 0 },
    probes: Object.fromEntries(
      [...probes].sort().map((p) => [
        p,
        {
          status: 'ok' as const,
          durationMs: 0,
          reason: 'from loose files',
          // containerd files without its config: the facts then assume nothing of what it would set
          ...(p === 'containerd' &&
          files[BUNDLE.containerd.config] === undefined &&
          files[BUNDLE.containerd.dump] === undefined
            ? { configGiven: false }
            : {}),
          // its config without hosts.toml files: a config_path's directories are not known to be empty
          ...(p === 'containerd' && !Object.keys(files).some((f) => f.startsWith(`${BUNDLE.containerd.certsD}/`))
            ? { hostsGiven: false }
            : {}),
        },
      ]),
    ),
    ...(Object.keys(sources).length > 0
      ? { sources: Object.fromEntries(Object.entries(sources).map(([at, paths]) => [at, paths.join(', ')])) }
      : {}),
  };
  return { files, manifest, taken, unknown };
}

/** The sentence a report note gives for one file. */
export function takenNote(t: TakenFile): string {
  const what = t.kind.replace(/-/g, ' ');
  return t.bundlePath === null
    ? `${t.path}: read as ${what} (${t.why}), but another file already gave the ${what}: left out`
    : `${t.path}: read as ${what} (${t.why}) → ${t.bundlePath}`;
}
