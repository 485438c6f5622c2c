// "What dfdoctor read": the settings that decided the verdicts, each with where it came from (a bundle
// file and line, a flag, the probe, or a default), so a reader can check the tool's view of the node.
// Pure: built from the Facts.
import { BUNDLE } from '../bundle/layout.js';
import type { KubeletFacts } from '../facts/kubelet.js';
import type { Facts } from '../facts/types.js';
import type { Setting } from '../parsers/dfdaemon-config.js';
import { formatVersion } from '../parsers/containerd-version.js';
import type { ReadSetting } from './model.js';

const at = (file: string | null | undefined, line?: number) =>
  file ? `${file}${line === undefined ? '' : `:${line}`}` : 'default';

export function buildReadSettings(f: Facts): ReadSetting[] {
  const out: ReadSetting[] = [];
  const c = f.containerd;
  if (c) {
    const cfg = c.configFile;
    out.push({
      area: 'containerd',
      setting: 'version',
      value: c.version ? formatVersion(c.version) : 'unknown',
      from: c.version ? 'raw/containerd/version.txt' : 'not recorded',
    });
    const sources: Record<typeof c.configSource, string> = {
      dump: '`containerd config dump`',
      file: 'config.toml',
      defaults: 'none: built-in defaults',
      invalid: 'config.toml, which does not parse',
      'not-given': 'none given: built-in defaults, config_path not known',
    };
    const source = c.configExcerpt
      ? 'config.toml, an excerpt (lines of dots mark what it leaves out)'
      : sources[c.configSource];
    const unreadWhy = c.configExcerpt ? 'config.toml is an excerpt' : 'config.toml does not parse';
    out.push({ area: 'containerd', setting: 'config', value: source, from: at(cfg) });
    // a file that does not parse has no layout: what is read of it is containerd's built-in defaults
    out.push({
      area: 'containerd',
      setting: 'config layout',
      value: c.configSource === 'invalid' ? `not known (${unreadWhy})` : `v${c.config.layout}`,
      from: at(cfg),
    });
    const d = c.pull.downloads;
    const limit =
      d.limit <= 0
        ? `${d.limit} (no limit)`
        : `${d.limit} (${d.scope === 'per-daemon' ? 'node-wide' : 'per image pull'})`;
    out.push({
      area: 'containerd',
      setting: d.setting,
      // a config that was not read may set it where it could not be read: the default is only what holds without it
      value:
        d.fromDefault && c.configSource === 'invalid' ? `not known (${unreadWhy}); ${limit} where it sets none` : limit,
      // the last of config.toml and its imports to set it
      from: d.fromDefault
        ? 'default'
        : c.setIn.downloads
          ? at(c.setIn.downloads.file, c.setIn.downloads.line)
          : at(cfg),
    });
    out.push({
      area: 'containerd',
      setting: 'pull path',
      value: `${c.pull.mode}${c.pull.localReasons.length > 0 ? `: ${c.pull.localReasons.join(', ')}` : ''}`,
      from:
        c.pull.versionBasis === 'reported'
          ? 'the version'
          : c.configSource === 'invalid'
            ? `assumed: the version is unknown and ${unreadWhy}`
            : 'the config layout (version unknown)',
    });
    out.push({
      area: 'containerd',
      setting: 'config_path',
      value: c.configPath.join(':') || (c.configPathFrom === 'assumed' ? 'not known' : 'not set'),
      // containerd's own default (2.2+) is written in no file
      from:
        c.configPathFrom === 'assumed'
          ? c.configSource === 'invalid'
            ? `assumed: ${unreadWhy}`
            : 'assumed: no config given'
          : c.configPathFrom === 'default'
            ? 'default (containerd)'
            : c.setIn.configPath
              ? at(c.setIn.configPath.file, c.setIn.configPath.line)
              : c.configPath.length > 0
                ? at(cfg)
                : 'default',
    });
    for (const r of c.routes) {
      const listed = r.hosts.map(
        (h) => `${h.url}${h.isDfdaemon ? ' (dfdaemon)' : h.role === 'origin' ? ' (origin)' : ''}`,
      );
      // containerd appends the file's root host after the listed ones, and without `server` that is the
      // registry asked for, for _default too (v2.1.4 core/remotes/docker/config/hosts.go:413-418, :96-134;
      // v1.7.27 remotes/docker/config/hosts.go:404, :97-134): the route has no URL for it
      if (
        r.registry === '_default' &&
        r.source !== 'legacy-mirrors' &&
        !r.rejected &&
        !r.hosts.some((h) => h.role === 'server')
      )
        listed.push("the image's own registry (origin)");
      const hosts = listed.join(' → ');
      out.push({
        area: 'containerd',
        setting: `mirror route ${r.registry}`,
        value: `${hosts}${r.source === 'certs-dir' ? ' — a directory without hosts.toml' : ''}${r.rejected ? ' — rejected by containerd' : ''}${r.shadowedBy !== undefined ? ' — shadowed' : ''}`,
        from: at(r.file, r.hosts[0]?.line),
      });
    }
  }
  const k = f.kubelet;
  if (k) {
    const KFROM: Record<KubeletFacts['serializeImagePulls']['from'], string> = {
      flag: BUNDLE.kubelet.flags,
      config: BUNDLE.kubelet.config,
      'drop-in': `${BUNDLE.kubelet.configDir}/ (--config-dir drop-in)`,
      default: 'default (kubelet)',
    };
    out.push({
      area: 'kubelet',
      setting: 'serializeImagePulls',
      value: String(k.serializeImagePulls.value),
      from: KFROM[k.serializeImagePulls.from],
    });
    out.push({
      area: 'kubelet',
      setting: 'maxParallelImagePulls',
      // the serial puller takes one pull at a time whatever the limit says
      value: k.serializeImagePulls.value
        ? `${k.maxParallelImagePulls.value ?? 'unset'} (not used: pulls are serial)`
        : k.maxParallelImagePulls.value === null
          ? 'no limit'
          : String(k.maxParallelImagePulls.value),
      from: KFROM[k.maxParallelImagePulls.from],
    });
  }
  const dd = f.dfdaemon;
  if (dd) {
    out.push({
      area: 'dfdaemon',
      setting: 'generation',
      value: dd.generation ?? 'unknown',
      from: dd.config ? dd.config.file : 'probe',
    });
    if (dd.version)
      out.push({ area: 'dfdaemon', setting: 'version', value: dd.version, from: dd.versionFrom ?? 'probe' });
    if (dd.cacheDir)
      out.push({
        area: 'dfdaemon',
        setting: 'cache dir',
        value: dd.cacheDir.path,
        from:
          dd.cacheDir.from === 'flag'
            ? '--cache-dir'
            : dd.cacheDir.from === 'config'
              ? at(dd.config?.file, dd.config?.storageDir.line)
              : 'default',
      });
    const cfg = dd.config;
    if (cfg) {
      // one line per key: the metrics port and address share the key `metrics`; the address says more
      const byKey = new Map(settingsOf(cfg).map((s) => [s.key, s]));
      for (const s of byKey.values()) {
        out.push({
          area: 'dfdaemon',
          setting: s.key,
          value: show(s.value),
          from: s.from === 'default' ? 'default' : at(cfg.file, s.line),
        });
      }
    }
  }
  const disk = f.disk;
  if (disk) {
    const from =
      disk.cacheDirFrom === 'flag' ? '--cache-dir' : disk.cacheDirFrom === 'dfdaemon' ? "dfdaemon's config" : 'default';
    out.push({ area: 'disk', setting: 'cache dir', value: disk.path, from });
    if (disk.mount || disk.device) {
      const dev = disk.device ? `${disk.device.name} (${disk.device.kind})` : 'unknown device';
      const mnt = disk.mount ? `, ${disk.mount.fsType} mounted at ${disk.mount.mountPoint}` : '';
      out.push({ area: 'disk', setting: 'cache device', value: `${dev}${mnt}`, from: 'raw/disk/mounts.txt' });
    }
  }
  return out;
}

function isSetting(v: unknown): v is Setting<unknown> {
  return typeof v === 'object' && v !== null && 'value' in v && 'from' in v && 'key' in v;
}

/** Every Setting of the dfdaemon config (ports nested one level), in declaration order. */
function settingsOf(cfg: object): Setting<unknown>[] {
  const out: Setting<unknown>[] = [];
  for (const v of Object.values(cfg)) {
    if (isSetting(v)) out.push(v);
    else if (typeof v === 'object' && v !== null && !Array.isArray(v))
      for (const w of Object.values(v)) if (isSetting(w)) out.push(w);
  }
  return out;
}

function show(v: unknown): string {
  if (Array.isArray(v)) {
    if (v.length === 0) return 'none';
    return v
      .map((x) =>
        typeof x === 'object' && x !== null && 'regex' in x
          ? `${(x as { regex: string }).regex}${(x as { direct?: boolean }).direct ? ' (direct)' : ''}`
          : String(x),
      )
      .join(', ');
  }
  return v === '' ? '""' : String(v);
}
