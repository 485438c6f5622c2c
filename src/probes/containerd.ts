import { access, constants, open, readdir, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join } from 'node:path';
import {
  asImagesTable,
  hasImagesTableBeforeV3,
  readContainerdConfig,
  type ContainerdConfig,
} from '../parsers/containerd-config.js';
import { parseTomlLocated, type TomlTable } from '../parsers/containerd-toml.js';
import { parseHostsToml, type HostsEntry } from '../parsers/hosts-toml.js';
import { effectiveConfigPath, type HostsDir } from '../facts/containerd-hosts-dirs.js';
// an import named without a `*` that is not on the node: containerd does not start (the facts say so)
import type { MissingImport } from '../facts/containerd-missing-import.js';
import { defaultConfigPath, imagesTableInOlderFile } from '../knowledge/containerd.js';
import { GENERATING_DISTRIBUTIONS, NODEADM } from '../knowledge/containerd-distributions.js';
import { pick } from '../knowledge/versioned.js';
import { parseContainerdVersion } from '../parsers/containerd-version.js';
import type { MirrorCheck } from '../facts/containerd-routes.js';
import type { ProbeModule, ProbeContext } from './context.js';
import { measureCpu, prepareCpuSample } from './containerd-cpu.js';
import { checkMirror, type MirrorTarget } from './containerd-mirror-check.js';
import {
  argValue,
  envTxt,
  findProcesses,
  readEnviron,
  stripTomlSecrets,
  stripUrlUserinfo,
  type NodeProcess,
} from './containerd-proc.js';
import { type CommandResult, runCommand } from './exec.js';
import { pathExists, readNodeFile } from './read-node.js';
import { BUNDLE } from '../bundle/layout.js';

const OUT = BUNDLE.containerd.dir;
const DEFAULT_CONFIG = '/etc/containerd/config.toml';
const DEFAULT_SOCKET = '/run/containerd/containerd.sock';
/** Where hosts.toml files are written by tools even when containerd does not read them (dfinit, nerdctl, k3s, RKE2, Talos). */
const WELL_KNOWN_HOSTS_DIRS = [
  '/etc/containerd/certs.d',
  '/etc/docker/certs.d',
  ...Object.values(GENERATING_DISTRIBUTIONS).map((d) => d.certsDir),
  '/etc/cri/conf.d/hosts',
];
const SYSTEMD_DROPINS = '/etc/systemd/system/containerd.service.d';
const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
/** containerd's log where no journal has it: its own file, or the one k3s and RKE2 have it write. */
const LOG_FILES = ['/var/log/containerd.log', ...Object.values(GENERATING_DISTRIBUTIONS).map((d) => d.log)];
const JOURNAL_LINES = 3000;
const MAX_MIRROR_CHECKS = 8;

export const containerdProbe: ProbeModule = {
  async run(ctx) {
    const partial: string[] = [];
    const { out } = ctx;

    // 1. the process: its config path, socket and environment
    const procs = await findProcesses('containerd');
    const proc = pickProcess(procs, ctx.options.containerdConfig, ctx.options.containerdAddress);
    const configNode =
      ctx.options.containerdConfig ?? (proc ? argValue(proc.args, '--config', '-c') : undefined) ?? DEFAULT_CONFIG;

    // 2. config.toml and its imports
    let config: ContainerdConfig | null = null;
    let missingImports: MissingImport[] = [];
    // a version 2 file that holds the images table, read again once the version is known
    let withImages: { table: TomlTable; text: string } | null = null;
    const main = await readNodeFile(ctx.nodePath(configNode), 4 * 1024 * 1024);
    if (main.kind === 'ok') {
      await out.writeText(`${OUT}/config.toml`, stripTomlSecrets(main.text), configNode);
      const p = parseTomlLocated(main.text);
      if (p.ok) {
        config = readContainerdConfig(p.value, main.text).config;
        if (hasImagesTableBeforeV3(p.value)) withImages = { table: p.value, text: main.text };
        missingImports = await copyImports(ctx, configNode, config.imports, partial);
      } else partial.push(`${configNode}:${p.line ?? '?'}:${p.column ?? '?'}: ${p.message}`);
    } else if (main.kind === 'missing') {
      partial.push(`${configNode} not found: containerd runs on its defaults`);
    } else {
      partial.push(main.reason);
    }

    // 3. effective config and version from the binary / socket
    ctx.progress('config dump, version');
    // the binary's version and the log do not depend on the config: these commands run at once
    const log = copyLog(ctx).catch((e: Error) => `containerd log: ${e.message}`);
    const bin = runCommand('containerd', ['--version'], {
      timeoutMs: Math.max(500, Math.min(2000, ctx.remainingMs() / 6)),
      signal: ctx.signal,
    });
    const dumped =
      main.kind === 'ok' && (ctx.options.root === '/' || ctx.options.root === '')
        ? runCommand('containerd', ['--config', configNode, 'config', 'dump'], {
            timeoutMs: Math.min(4000, ctx.remainingMs() / 4),
            signal: ctx.signal,
          })
        : null;
    // the gunzip/sha256 input is made while these commands run: it is work of its own, not what is measured
    const sample = prepareCpuSample();
    sample.catch(() => {});
    const dump = await dumped;
    if (dump?.kind === 'ok') {
      await out.writeText(
        `${OUT}/config-dump.toml`,
        stripTomlSecrets(dump.stdout),
        `\`containerd --config ${configNode} config dump\``,
      );
      const p = parseTomlLocated(dump.stdout);
      // an older binary prints its own layout for a newer file and drops what it does not know: keep the file's view then
      if (p.ok && (config === null || String(p.value.version ?? 1) === String(config.layout)))
        config = readContainerdConfig(p.value, dump.stdout).config;
    } else if (dump) partial.push(`config dump: ${dump.reason}`);
    const version = await readVersion(ctx, await bin, config, proc, partial);
    // 2.x reads it (the facts say so in a note): the hosts dirs below are those of its config_path
    if (withImages) {
      const images = pick(imagesTableInOlderFile, version === null ? null : parseContainerdVersion(version));
      if (images.kind !== 'none' && images.value === 'read')
        config = readContainerdConfig(asImagesTable(withImages.table), withImages.text, true).config;
    }

    // 4. environment, drop-ins, decompressors
    let path: string | null = null;
    if (proc) {
      const env = await readEnviron(proc.pid);
      if ('env' in env) {
        await out.writeText(
          `${OUT}/env.txt`,
          `${envTxt(env.env)}\n`,
          `/proc/${proc.pid}/environ (containerd's environment, the variables read)`,
        );
        path = env.env.PATH ?? null;
      } else partial.push(`containerd environment: ${env.reason}`);
    }
    await copyDropIns(ctx);
    await out.writeJson(
      `${OUT}/decompressors.json`,
      await findDecompressors(ctx, path),
      "dfdoctor's search of containerd's PATH for unpigz and igzip",
    );

    ctx.progress('hosts.toml');
    // 5. registry hosts: config_path dirs (containerd's own default on ≥ 2.2.0), stray dirs, legacy mirrors
    const dflt = pick(defaultConfigPath, version === null ? null : parseContainerdVersion(version));
    const configPath = effectiveConfigPath(
      config ?? readContainerdConfig({}).config,
      dflt.kind === 'known' ? dflt.value : { kind: 'none' },
    ).configPath;
    const { dirs, entries } = await copyHostsDirs(ctx, configPath);
    await out.writeJson(`${OUT}/hosts-dirs.json`, dirs, 'dfdoctor: the hosts.toml directories looked in');
    for (const eps of Object.values(config?.cri.mirrors ?? {})) {
      for (const ep of eps) {
        const p = parseHostsToml(`[host.${JSON.stringify(ep)}]\n`);
        if (p.ok && p.file.hosts[0]) entries.push(p.file.hosts[0]);
      }
    }
    const targets = uniqueTargets(entries);
    ctx.discovery.containerd = {
      mirrorHosts: targets.map((t) => (t.host.includes(':') ? `[${t.host}]:${t.port}` : `${t.host}:${t.port}`)),
      ...(proc ? { pid: proc.pid } : {}),
    };
    ctx.schedule?.publish();

    // 6. live check of each mirror (never the origin registries: no internet calls)
    if (targets.length > 0) ctx.progress(`checking ${targets.length} mirror${targets.length === 1 ? '' : 's'}`);
    const checks: MirrorCheck[] = await Promise.all(
      targets
        .slice(0, MAX_MIRROR_CHECKS)
        .map((t) => checkMirror(t, Math.min(1500, Math.max(300, ctx.remainingMs() / 6)))),
    );
    if (targets.length > 0)
      await out.writeJson(
        `${OUT}/mirror-check.json`,
        checks,
        "dfdoctor's connects to the mirror hosts containerd names",
      );
    if (targets.length > MAX_MIRROR_CHECKS)
      out.noteCap('containerd mirror check', `first ${MAX_MIRROR_CHECKS} of ${targets.length} mirror hosts checked`);

    // 7. containerd's own log (read since step 3)
    const logNote = await log;
    if (logNote) partial.push(logNote);

    // 8. what unpack and digest checks reach on this CPU
    if (ctx.remainingMs() - 500 >= 100) {
      try {
        const input = await sample;
        await ctx.schedule?.measuring();
        ctx.progress('gunzip/sha256 rate');
        const cpuBudget = Math.min(800, Math.max(100, ctx.remainingMs() - 500));
        out.setMeasurement('cpu', await measureCpu(cpuBudget, ctx.signal, input));
      } catch (e) {
        partial.push(`cpu measurement: ${(e as Error).message}`);
      }
    } else partial.push('cpu measurement skipped: no time left');

    // installed (a config or a version) but no process: say so first, before what could not be read because of it
    if (!proc) partial.unshift('not running: no containerd process');
    // an EKS node's nodeadm writes config.toml again at every boot: a change there must go to its NodeConfig too
    const nodeadm = await pathExists(ctx.nodePath(NODEADM.unit));
    const details = {
      pid: proc?.pid ?? null,
      running: proc !== null,
      config: configNode,
      version,
      layout: config?.layout ?? null,
      mirrors: targets.length,
      ...(missingImports.length > 0 ? { missingImports } : {}),
      ...(nodeadm ? { bootWriter: { by: 'nodeadm', unit: NODEADM.unit } } : {}),
    };
    if (!proc && main.kind !== 'ok' && version === null) {
      return {
        status: 'skipped',
        reason: `no containerd here: no process, ${configNode} ${main.kind === 'missing' ? 'absent' : 'unreadable'}, no version`,
        details,
      };
    }
    return { status: 'ok', ...(partial.length > 0 ? { reason: partial.join('; ') } : {}), details };
  },
};

/**
 * With several containerd processes (a node also running test instances), take the one the flags
 * point at; without flags, the one on default paths, else the only/first one (k3s runs it with -c).
 * When --containerd-config names a file no process uses, none: its environment would be another's.
 */
function pickProcess(procs: NodeProcess[], config?: string, address?: string): NodeProcess | null {
  const cfgOf = (p: NodeProcess) => argValue(p.args, '--config', '-c') ?? DEFAULT_CONFIG;
  if (config !== undefined) return procs.find((p) => cfgOf(p) === config) ?? null;
  if (address !== undefined) return procs.find((p) => argValue(p.args, '--address', '-a') === address) ?? null;
  return procs.find((p) => cfgOf(p) === DEFAULT_CONFIG) ?? procs[0] ?? null;
}

/** More imports than this are not copied (a guard against a glob that matches a whole directory tree). */
const MAX_IMPORTS = 64;

/**
 * config.toml's imports, and theirs, in the order containerd loads them: a queue from config.toml, each
 * file's `imports` resolved against its own directory (globs expanded, sorted) and appended, a file
 * already loaded skipped, so a cycle ends (LoadConfig and resolveImports: v1.6.0
 * services/server/config/config.go:239, :258; v1.7.17 :205-231, :265-287; v2.0.0
 * cmd/containerd/server/config/config.go:306, :334; v2.2.0 :303, :331; v2.3.0 :463-467, :510-516).
 */
async function copyImports(
  ctx: ProbeContext,
  configNode: string,
  imports: string[],
  partial: string[],
): Promise<MissingImport[]> {
  const missing: MissingImport[] = [];
  const loaded = new Set<string>([configNode]);
  // two imports may share a file name (conf.d/a.toml, extra/a.toml): each keeps its own copy, the node
  // path recorded beside it saying which is which
  const named = new Set<string>();
  const pending = (await resolveImports(ctx, configNode, imports, partial)).map((f) => ({ f, by: configNode }));
  for (let next = pending.shift(); next !== undefined; next = pending.shift()) {
    const { f, by } = next;
    if (loaded.has(f)) continue;
    if (loaded.size > MAX_IMPORTS) {
      partial.push(`imports: more than ${MAX_IMPORTS} files, the rest not copied`);
      return missing;
    }
    loaded.add(f);
    const r = await readNodeFile(ctx.nodePath(f), 1024 * 1024);
    if (r.kind !== 'ok') {
      // a glob gives only files that exist: a missing one was named plainly, and containerd fails on it
      if (r.kind === 'missing') missing.push({ path: f, importedBy: by });
      partial.push(`import ${r.reason}`);
      continue;
    }
    await ctx.out.writeText(`${OUT}/imports/${bundleName(basename(f), named)}`, stripTomlSecrets(r.text), f);
    const p = parseTomlLocated(r.text);
    const own = p.ok ? readContainerdConfig(p.value, r.text).config.imports : [];
    pending.push(...(await resolveImports(ctx, f, own, partial)).map((g) => ({ f: g, by: f })));
  }
  return missing;
}

/** A file name not yet taken in the bundle's imports: the node's, else with `.2`, `.3`, … before its extension. */
function bundleName(base: string, taken: Set<string>): string {
  const dot = base.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [base.slice(0, dot), base.slice(dot)] : [base, ''];
  let name = base;
  for (let k = 2; taken.has(name); k++) name = `${stem}.${k}${ext}`;
  taken.add(name);
  return name;
}

/** Each of a file's `imports`, as the files it names (a glob in the file name expanded, sorted), resolved against the file's directory. */
async function resolveImports(
  ctx: ProbeContext,
  parent: string,
  imports: readonly string[],
  partial: string[],
): Promise<string[]> {
  const out: string[] = [];
  for (const imp of imports) {
    const abs = isAbsolute(imp) ? imp : join(dirname(parent), imp);
    if (!basename(abs).includes('*')) {
      out.push(abs);
      continue;
    }
    const re = new RegExp(
      `^${basename(abs)
        .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '.*')}$`,
    );
    try {
      for (const f of (await readdir(ctx.nodePath(dirname(abs)))).sort())
        if (re.test(f)) out.push(join(dirname(abs), f));
    } catch {
      partial.push(`imports: ${dirname(abs)} unreadable`);
    }
  }
  return out;
}

async function readVersion(
  ctx: ProbeContext,
  bin: CommandResult,
  config: ContainerdConfig | null,
  proc: NodeProcess | null,
  partial: string[],
): Promise<string | null> {
  const parts: string[] = [];
  if (bin.kind === 'ok') parts.push(bin.stdout.trim());
  const socket =
    ctx.options.containerdAddress ??
    (proc ? argValue(proc.args, '--address', '-a') : undefined) ??
    config?.grpcAddress ??
    DEFAULT_SOCKET;
  const sockPath = ctx.nodePath(socket);
  let reachable = false;
  try {
    reachable = (await stat(sockPath)).isSocket();
  } catch {
    /* not there */
  }
  if (reachable) {
    const opts = { timeoutMs: Math.max(500, Math.min(3000, ctx.remainingMs() / 5)), signal: ctx.signal };
    // the daemon's version, and which plugins loaded (a CRI plugin in "error" means the kubelet cannot pull at all)
    const [v, pl] = await Promise.all([
      runCommand('ctr', ['--address', sockPath, '--timeout', '3s', 'version'], opts),
      runCommand('ctr', ['--address', sockPath, '--timeout', '3s', 'plugins', 'ls'], opts),
    ]);
    if (v.kind === 'ok') parts.push(v.stdout.trim());
    else partial.push(`version from ${socket}: ${v.reason}`);
    if (pl.kind === 'ok')
      await ctx.out.writeText(`${OUT}/plugins.txt`, pl.stdout, `\`ctr --address ${socket} plugins ls\``);
  } else if (ctx.options.containerdAddress) partial.push(`${socket}: not a reachable socket`);
  if (parts.length === 0) {
    partial.push(`containerd version unknown (${bin.kind === 'ok' ? '' : bin.reason})`);
    return null;
  }
  const text = parts.join('\n');
  const from = [
    bin.kind === 'ok' ? '`containerd --version`' : '',
    reachable ? `\`ctr --address ${socket} version\`` : '',
  ]
    .filter((s) => s !== '')
    .join(' and ');
  await ctx.out.writeText(`${OUT}/version.txt`, `${text}\n`, from);
  return text.split('\n')[0] ?? null;
}

async function copyDropIns(ctx: ProbeContext): Promise<void> {
  let names: string[];
  try {
    names = (await readdir(ctx.nodePath(SYSTEMD_DROPINS))).filter((n) => n.endsWith('.conf')).sort();
  } catch {
    return;
  }
  for (const n of names) {
    const r = await readNodeFile(ctx.nodePath(join(SYSTEMD_DROPINS, n)), 256 * 1024);
    if (r.kind === 'ok')
      await ctx.out.writeText(`${OUT}/systemd/${n}`, stripUrlUserinfo(r.text), join(SYSTEMD_DROPINS, n));
  }
}

async function findDecompressors(
  ctx: ProbeContext,
  path: string | null,
): Promise<{ path: string; pathFrom: 'process' | 'default'; unpigz: string | null; igzip: string | null }> {
  const dirs = (path ?? DEFAULT_PATH).split(':').filter((d) => d !== '');
  const find = async (name: string): Promise<string | null> => {
    for (const d of dirs) {
      try {
        await access(ctx.nodePath(join(d, name)), constants.X_OK);
        return join(d, name);
      } catch {
        /* next */
      }
    }
    return null;
  };
  return {
    path: dirs.join(':'),
    pathFrom: path === null ? 'default' : 'process',
    unpigz: await find('unpigz'),
    igzip: await find('igzip'),
  };
}

async function copyHostsDirs(
  ctx: ProbeContext,
  configPath: string[],
): Promise<{ dirs: HostsDir[]; entries: HostsEntry[] }> {
  const dirs: HostsDir[] = [];
  const entries: HostsEntry[] = [];
  const all = [
    ...configPath.map((p) => ({ p, inConfigPath: true })),
    ...WELL_KNOWN_HOSTS_DIRS.filter((w) => !configPath.includes(w)).map((p) => ({ p, inConfigPath: false })),
  ];
  let stray = 0;
  for (const [i, { p, inConfigPath }] of all.entries()) {
    let names: string[];
    try {
      names = (await readdir(ctx.nodePath(p))).sort();
    } catch {
      if (inConfigPath)
        dirs.push({ path: p, bundleDir: i === 0 ? `${OUT}/certs.d` : `${OUT}/certs.d-${i + 1}`, inConfigPath });
      continue;
    }
    const files: { ns: string; text: string }[] = [];
    // registry directories without hosts.toml: containerd stops at them too (certificates only)
    const withoutHostsToml: string[] = [];
    for (const ns of names) {
      const r = await readNodeFile(ctx.nodePath(join(p, ns, 'hosts.toml')), 256 * 1024);
      if (r.kind === 'ok') files.push({ ns, text: r.text });
      else if (r.kind === 'missing' && inConfigPath && (await isDirectory(ctx.nodePath(join(p, ns)))))
        withoutHostsToml.push(ns);
    }
    if (!inConfigPath && files.length === 0) continue;
    const bundleDir = inConfigPath
      ? i === 0
        ? `${OUT}/certs.d`
        : `${OUT}/certs.d-${i + 1}`
      : `${OUT}/stray-${++stray}`;
    dirs.push({ path: p, bundleDir, inConfigPath, ...(withoutHostsToml.length > 0 ? { withoutHostsToml } : {}) });
    for (const f of files) {
      await ctx.out.writeText(`${bundleDir}/${f.ns}/hosts.toml`, stripTomlSecrets(f.text), join(p, f.ns, 'hosts.toml'));
      if (!inConfigPath) continue;
      const parsed = parseHostsToml(f.text);
      if (!parsed.ok) continue;
      entries.push(...parsed.file.hosts);
      // a `server` on loopback is a mirror too (dfdaemon as the only host); remote servers are origins: not probed
      const server = parsed.file.server;
      if (server && /^(127\.\d+\.\d+\.\d+|localhost|::1)$/i.test(server.host)) entries.push(server);
    }
  }
  return { dirs, entries };
}

/** Whether the path is a directory (symlinks followed, as containerd's os.Stat does). */
async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null))?.isDirectory() === true;
}

function uniqueTargets(entries: HostsEntry[]): MirrorTarget[] {
  const seen = new Set<string>();
  const out: MirrorTarget[] = [];
  for (const e of entries) {
    const k = `${e.scheme}://${e.host}:${e.port}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push({ scheme: e.scheme, host: e.host, port: e.port });
  }
  return out;
}

/** Copies the tail of containerd's journal or log file; says why not when neither could be read. */
async function copyLog(ctx: ProbeContext): Promise<string | undefined> {
  const since = ctx.options.sinceMs === undefined ? [] : ['--since', `-${Math.ceil(ctx.options.sinceMs / 1000)}s`];
  if (ctx.options.root === '/' || ctx.options.root === '') {
    const j = await runCommand(
      'journalctl',
      ['-u', 'containerd', '--no-pager', '-o', 'cat', '-n', String(JOURNAL_LINES), ...since],
      {
        timeoutMs: Math.min(3000, Math.max(500, ctx.remainingMs() / 5)),
        signal: ctx.signal,
        maxBuffer: 16 * 1024 * 1024,
      },
    );
    if (j.kind === 'ok' && j.stdout.trim() !== '' && !/^-- No entries --/.test(j.stdout.trim())) {
      await ctx.out.writeText(
        `${OUT}/journal.txt`,
        j.stdout,
        `\`journalctl -u containerd -o cat -n ${JOURNAL_LINES}${since.length > 0 ? ` ${since.join(' ')}` : ''}\``,
      );
      return undefined;
    }
  }
  for (const f of LOG_FILES) {
    const text = await readTail(ctx.nodePath(f), 2 * 1024 * 1024);
    if (text === null) continue;
    await ctx.out.writeText(
      `${OUT}/journal.txt`,
      `${text.split('\n').slice(1).slice(-JOURNAL_LINES).join('\n')}\n`,
      `${f}, its last ${JOURNAL_LINES} lines`,
    );
    return undefined;
  }
  return 'containerd log not readable (no journal entries, no log file)';
}

/** The last `bytes` of a regular file (a log may be GBs; its tail is what matters). */
async function readTail(path: string, bytes: number): Promise<string | null> {
  let fh;
  try {
    // O_NONBLOCK: a FIFO with no writer would block the open forever (and with it process exit)
    fh = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const st = await fh.stat();
    if (!st.isFile()) return null;
    const len = Math.min(bytes, st.size);
    const buf = Buffer.alloc(len);
    await fh.read(buf, 0, len, st.size - len);
    return buf.toString('utf8');
  } catch {
    return null;
  } finally {
    await fh?.close();
  }
}
