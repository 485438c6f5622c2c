import { compareRelease, parseRelease, type ReleaseRange, type VersionedFact } from './versioned.js';

/**
 * What containerd does, by release: every version-dependent containerd fact dfdoctor relies on,
 * declared once with its release range and the upstream file it was read from (containerd/containerd
 * at the tag named; `tag:path:line`). Facts pick by the detected version (`pick`), and say which
 * entry they assumed when the version is unknown.
 */

const CD = 'containerd/containerd';

/** The hosts directories containerd ≥ 2.2.0 reads on Linux when `config_path` is unset. */
export const DEFAULT_HOSTS_DIRS = ['/etc/containerd/certs.d', '/etc/docker/certs.d'] as const;

export type DefaultConfigPath =
  | { kind: 'none' }
  /** In the default config: `config dump` shows it, and any `mirrors` without an explicit config_path is refused. */
  | { kind: 'in-defaults'; dirs: readonly string[] }
  /** Set when the CRI images plugin starts, only if neither config_path nor mirrors is set: `config dump` does not show it. */
  | { kind: 'at-plugin-init'; dirs: readonly string[] };

export const defaultConfigPath: VersionedFact<DefaultConfigPath> = {
  id: 'containerd.cri.registry.config_path.default',
  component: 'containerd',
  entries: [
    {
      range: { below: '2.2.0' },
      value: { kind: 'none' },
      source: `${CD} v2.1.0 internal/cri/config/config_unix.go DefaultImageConfig (no ConfigPath); v1.6.38 pkg/cri/config/config_unix.go`,
    },
    {
      range: { from: '2.2.0', to: '2.2.1' },
      value: { kind: 'in-defaults', dirs: DEFAULT_HOSTS_DIRS },
      source: `${CD} v2.2.0 internal/cri/config/config_unix.go:36 (commit 5386802f8); internal/cri/config/config.go:488-492 ("\`mirrors\` cannot be set when \`config_path\` is provided"); plugins/cri/images/plugin.go:64-65 ("invalid cri image config")`,
    },
    {
      range: { from: '2.2.2' },
      value: { kind: 'at-plugin-init', dirs: DEFAULT_HOSTS_DIRS },
      source: `${CD} v2.2.2 plugins/cri/images/plugin.go:64-72 (commit a20dead7c, "set default config_path in plugin init")`,
    },
  ],
  assumeWhenUnknown: 0,
};

/** Legacy `registry.configs.<host>.tls` next to a config_path. */
export const configsTlsWithConfigPath: VersionedFact<'refused' | 'allowed'> = {
  id: 'containerd.cri.registry.configs-tls-with-config_path',
  component: 'containerd',
  entries: [
    {
      range: { below: '2.0.0' },
      value: 'refused',
      source: `${CD} v1.6.38 pkg/cri/config/config.go:438-441; v1.7.27 :524 ("\`configs.tls\` cannot be set when \`config_path\` is provided")`,
    },
    {
      range: { from: '2.0.0' },
      value: 'allowed',
      source: `${CD} v2.0.0 internal/cri/config/config.go:466-480 (only \`mirrors\` is refused; configs is a deprecation warning)`,
    },
  ],
  assumeWhenUnknown: 1,
};

export type PullPath = 'local' | 'transfer';

/** Which code path a CRI pull takes by default (settings may force the local pull back on 2.1+). */
export const criPullPath: VersionedFact<PullPath> = {
  id: 'containerd.cri.pull-path',
  component: 'containerd',
  entries: [
    {
      range: { below: '2.1.0' },
      value: 'local',
      source: `${CD} v2.0.0 internal/cri/server/images/image_pull.go:188 (client.Pull)`,
    },
    {
      range: { from: '2.1.0' },
      value: 'transfer',
      source: `${CD} v2.1.0 internal/cri/server/images/image_pull.go:179-187; docs/cri/config.md:165-176`,
    },
  ],
  assumeWhenUnknown: 0,
};

/** The CRI settings that make 2.1+ fall back to the local pull, in containerd's own order and words. */
export const transferFallbackSettings: VersionedFact<readonly string[]> = {
  id: 'containerd.cri.transfer-incompatible-settings',
  component: 'containerd',
  entries: [
    {
      range: { from: '2.1.0' },
      value: [
        'use_local_image_pull',
        'disable_snapshot_annotations',
        'discard_unpacked_layers',
        'registry.mirrors',
        'registry.configs',
        'registry.auths',
        'max_concurrent_downloads',
        'image_pull_with_sync_fs',
      ],
      source: `${CD} v2.1.0 internal/cri/config/config.go:535-600`,
    },
  ],
  assumeWhenUnknown: 0,
};

export type CriDownloadLimit = 'per-pull' | 'ignored';

/**
 * The CRI `max_concurrent_downloads` on the local pull. 1.4.0–1.5.11 pulled with unpack, and the
 * unpacker that fetches the layers was built without the limiter, so the setting did nothing and
 * every layer downloaded at once (containerd#6054).
 */
export const criMaxConcurrentDownloads: VersionedFact<CriDownloadLimit> = {
  id: 'containerd.cri.max_concurrent_downloads.effect',
  component: 'containerd',
  entries: [
    {
      range: { below: '1.4.0' },
      value: 'per-pull',
      source: `${CD} v1.3.0 pull.go:190-194 (limiter over the whole fetch; unpack afterwards)`,
    },
    {
      range: { from: '1.4.0', to: '1.5.11' },
      value: 'ignored',
      source: `${CD} v1.4.0 unpacker.go:57-73 (newUnpacker sets no limiter), pkg/cri pulls WithPullUnpack (v1.5.0 pkg/cri/server/image_pull.go:121-123); containerd#6054, fixed by PR #6109 (v1.6.0) and #6774 (v1.5.12)`,
    },
    {
      range: { from: '1.5.12' },
      value: 'per-pull',
      source: `${CD} v1.5.12 unpacker.go:68-77; v1.6.38 pkg/cri/config/config_unix.go:99 (default 3)`,
    },
  ],
  assumeWhenUnknown: 2,
};

export const DEFAULT_DOWNLOADS = 3;

/** The transfer service's download limit: one semaphore for the whole daemon. */
export const transferMaxConcurrentDownloads: VersionedFact<{ default: number; scope: 'per-daemon' }> = {
  id: 'containerd.transfer.max_concurrent_downloads',
  component: 'containerd',
  entries: [
    {
      range: { from: '2.0.0' },
      value: { default: DEFAULT_DOWNLOADS, scope: 'per-daemon' },
      source: `${CD} v2.0.0 plugins/transfer/plugin.go:179; v2.1.0 :211; core/transfer/local/transfer.go:58`,
    },
  ],
  assumeWhenUnknown: 0,
};

/** Parallel layer unpacks of the transfer service. */
export const transferMaxConcurrentUnpacks: VersionedFact<{ default: number } | null> = {
  id: 'containerd.transfer.max_concurrent_unpacks',
  component: 'containerd',
  entries: [
    { range: { below: '2.2.0' }, value: null, source: `${CD} v2.1.0 plugins/transfer/plugin.go (no such key)` },
    {
      range: { from: '2.2.0' },
      value: { default: 1 },
      source: `${CD} v2.2.0 plugins/transfer/plugin.go:213, :237 (commit 0198b87fc)`,
    },
  ],
  assumeWhenUnknown: 0,
};

/**
 * How transfer-service pulls read a `config_path` that lists several directories: as one literal path
 * (no split on ':'), so no hosts.toml is found (containerd#12415, #12808). The fix (PR for #12415,
 * commit c2774766f) is in no release up to v2.4.0-beta.0.
 */
export const transferConfigPathList: VersionedFact<'single-path'> = {
  id: 'containerd.transfer.config_path.list',
  component: 'containerd',
  entries: [
    {
      range: { from: '2.1.0' },
      value: 'single-path',
      source: `${CD} v2.1.0 internal/cri/server/images/image_pull.go:312 (registry.WithHostDir(ConfigPath)); core/transfer/registry/registry.go:127-128; core/remotes/docker/config/hosts.go:292-304 (HostDirFromRoot, no split); same at v2.3.4 and v2.4.0-beta.0`,
    },
  ],
  assumeWhenUnknown: 0,
};

/** The local pull splits `config_path` on ':' and stops at the first directory that has a match. */
export const localConfigPathList: VersionedFact<'split'> = {
  id: 'containerd.cri.config_path.list',
  component: 'containerd',
  entries: [
    {
      range: {},
      value: 'split',
      source: `${CD} v1.6.38 pkg/cri/server/image_pull.go:355-373; v2.1.0 internal/cri/server/images/image_pull.go:473-491`,
    },
  ],
  assumeWhenUnknown: 0,
};

/** `image_pull_progress_timeout` when not set: absent before 1.7. */
export const progressTimeoutDefault: VersionedFact<string | null> = {
  id: 'containerd.cri.image_pull_progress_timeout.default',
  component: 'containerd',
  entries: [
    { range: { below: '1.7.0' }, value: null, source: `${CD} v1.6.38 pkg/cri/config/config.go (no such key)` },
    { range: { from: '1.7.0', to: '1.7.9' }, value: '1m0s', source: `${CD} v1.7.0 pkg/cri/config/config_unix.go:112` },
    {
      range: { from: '1.7.10' },
      value: '5m0s',
      source: `${CD} v1.7.10 pkg/cri/config/config.go:52; v2.2.0 internal/cri/config/config_unix.go`,
    },
  ],
  assumeWhenUnknown: 2,
};

/** hosts.toml `dial_timeout` per host. */
export const hostsDialTimeout: VersionedFact<boolean> = {
  id: 'containerd.hosts.dial_timeout',
  component: 'containerd',
  entries: [
    {
      range: { below: '2.0.7' },
      value: false,
      source: `${CD} v2.0.6 core/remotes/docker/config/hosts.go, v1.7.34 remotes/docker/config/hosts.go (no dial_timeout)`,
    },
    {
      // backported to the 2.0 line (commit b50cbbc98, "Add dial timeout field to hosts toml configuration")
      range: { from: '2.0.7', below: '2.1.0' },
      value: true,
      source: `${CD} v2.0.7 core/remotes/docker/config/hosts.go:365-367, :529-535, dialer :233-235`,
    },
    {
      range: { from: '2.1.0' },
      value: true,
      source: `${CD} v2.1.0 core/remotes/docker/config/hosts.go:372-374, :536-541 (commit c4982bffc)`,
    },
  ],
  assumeWhenUnknown: 0,
};

/**
 * Whether a mirror's error status (other than 404) on the manifest request sends containerd on to the
 * next host. Before 1.4.12, and in 1.5.0–1.5.4, the resolver returned the error at once ("unexpected
 * status code …"), so the pull failed without trying the origin; PR #5275 (issue #4531) made it go on,
 * backported as #6244 (1.4.12) and #5747 (1.5.5). Blob fetches always went on to the next host.
 */
export const mirrorErrorStatusFallsBack: VersionedFact<boolean> = {
  id: 'containerd.resolve.error-status-next-host',
  component: 'containerd',
  entries: [
    {
      range: { below: '1.4.12' },
      value: false,
      source: `${CD} v1.4.0 remotes/docker/resolver.go:306 (return errors.Errorf("unexpected status code %v: %v", u, resp.Status))`,
    },
    {
      range: { from: '1.4.12', below: '1.5.0' },
      value: true,
      source: `${CD} v1.4.12 remotes/docker/resolver.go (PR #6244: firstErr, continue)`,
    },
    {
      range: { from: '1.5.0', below: '1.5.5' },
      value: false,
      source: `${CD} v1.5.0 remotes/docker/resolver.go:299`,
    },
    {
      range: { from: '1.5.5' },
      value: true,
      source: `${CD} v1.6.0 remotes/docker/resolver.go:298-303 (> 399: firstErr, continue); v1.7.20 :312-317; v2.2.0 core/remotes/docker/resolver.go:331-337`,
    },
  ],
  assumeWhenUnknown: 3,
};

/**
 * Whether containerd tries the next host after a request that got no answer from a host (refused,
 * unreachable, a name that does not resolve, a reset): 1.3.0–1.3.3's resolver and fetcher returned the
 * error at once, so a dead mirror failed the pull and the registry after it was never tried.
 */
export const mirrorTransportErrorFallsBack: VersionedFact<boolean> = {
  id: 'containerd.resolve.transport-error-next-host',
  component: 'containerd',
  entries: [
    {
      range: { below: '1.3.4' },
      value: false,
      source: `${CD} v1.3.0 remotes/docker/resolver.go:284-289 (return "", ocispec.Descriptor{}, err); remotes/docker/fetcher.go:99-109, :116-126 (only a not-found tries another host)`,
    },
    {
      range: { from: '1.3.4' },
      value: true,
      source: `${CD} v1.3.4 remotes/docker/resolver.go:284-293 and fetcher.go:99-129 (first error kept, continue // try another host); v1.6.20 resolver.go:284-290; v2.2.0 core/remotes/docker/resolver.go:309-318`,
    },
  ],
  assumeWhenUnknown: 1,
};

/**
 * How long a registry request waits for response headers, in seconds (null: no limit), on every host
 * of hosts.toml and every legacy mirror endpoint. Without one, a mirror that accepts the connection
 * and never answers is waited on until image_pull_progress_timeout cancels the pull; with one, the
 * request fails and containerd tries the next host. 2.3.0 pre-releases from rc.0 on have it too,
 * the betas do not (a release range cannot tell them apart).
 */
export const mirrorResponseHeaderTimeout: VersionedFact<number | null> = {
  id: 'containerd.hosts.response-header-timeout',
  component: 'containerd',
  entries: [
    {
      range: { below: '2.3.0' },
      value: null,
      source: `${CD} v2.2.7 core/remotes/docker/registry.go:254-268 (DefaultHTTPTransport: dial timeout 30 s, no ResponseHeaderTimeout); v2.0.0 core/remotes/docker/config/hosts.go:147-159; v1.7.27 remotes/docker/config/hosts.go:148-160`,
    },
    {
      range: { from: '2.3.0' },
      value: 30,
      source: `${CD} v2.3.0 core/remotes/docker/registry.go:267 (ResponseHeaderTimeout: 30 * time.Second, commit 574a60700); core/remotes/docker/config/hosts.go:150, :177 (every host's transport, cloned per host); internal/cri/server/images/image_pull.go:526 (legacy mirrors); core/remotes/docker/resolver.go:287-291, :328 and core/remotes/docker/fetcher.go:303-315 (a failed request moves on to the next host); registry.go:267 unchanged at v2.3.4 and v2.4.0-beta.0`,
    },
  ],
  assumeWhenUnknown: 1,
};

/**
 * How often a request is tried on the last host of its list (none after it: dfdaemon as `server`) when
 * it fails with a transient transport error: a timeout (the response-header timeout and a dial timeout
 * included) or an early EOF. Hosts before the last are tried once and left for the next.
 */
export const lastHostTransientAttempts: VersionedFact<number> = {
  id: 'containerd.resolver.last-host-transient-attempts',
  component: 'containerd',
  entries: [
    {
      range: { below: '2.3.2' },
      value: 1,
      source: `${CD} v2.3.1 core/remotes/docker/resolver.go (doWithRetries: no retry on a transport error); v2.2.7 likewise`,
    },
    {
      range: { from: '2.3.2' },
      value: 5,
      source: `${CD} v2.3.2 core/remotes/docker/resolver.go:716-786 (commit 983bbddc1 "resolver: retry on transient network errors": maxAttempts 5, 50 ms apart, on the last host only, isTransientTransportErr: net.Error Timeout or EOF); :320 and fetcher.go:286, :309 (lastHost = the last of the hosts); v2.4.0-beta.0 resolver.go:772-840`,
    },
  ],
  assumeWhenUnknown: 1,
};

/** A hosts.toml without any `[host."…"]` table (only `server`). */
export const hostsWithoutHostTable: VersionedFact<'rejected' | 'accepted'> = {
  id: 'containerd.hosts.without-host-table',
  component: 'containerd',
  entries: [
    {
      range: { to: '1.7.31' },
      value: 'rejected',
      source: `${CD} v1.6.38 remotes/docker/config/hosts.go:533; v1.7.31 :534 (getSortedHosts: "invalid \`host\` tree")`,
    },
    {
      range: { from: '1.7.32' },
      value: 'accepted',
      source: `${CD} v1.7.32 remotes/docker/config/hosts.go:529-534 (commit 24007441d "Fix error parsing hosts.toml without any \`host\` tree"); v2.0.0 core/remotes/docker/config/hosts.go:519-540`,
    },
  ],
  assumeWhenUnknown: 1,
};

/**
 * A hosts.toml host written as an inline table (`host = { "http://…" = {…} }`, or under `[host]`) or with
 * dotted keys, not under its own `[host."…"]` header. 1.x lists the keys of go-toml v1's `host` tree,
 * which holds such tables too; 2.0 moved to go-toml v2 and lists hosts from the file's table headers only
 * (commit b5615caf1 "Update go-toml to v2"), so it never tries them.
 */
export const hostsWithoutOwnHeader: VersionedFact<'tried' | 'never tried'> = {
  id: 'containerd.hosts.host-without-header',
  component: 'containerd',
  entries: [
    {
      range: { below: '2.0.0' },
      value: 'tried',
      source: `${CD} v1.7.20 remotes/docker/config/hosts.go:530-547 (getSortedHosts: root.Get("host") tree keys, go-toml v1.9.5); v1.6.38 :530-547`,
    },
    {
      range: { from: '2.0.0' },
      value: 'never tried',
      source: `${CD} v2.0.0 core/remotes/docker/config/hosts.go:519-553 (getSortedHosts: only expressions of kind tomlu.Table whose key is host.<name>); v2.3.4 :551-585; v2.4.0-beta.0 :551-585`,
    },
  ],
  assumeWhenUnknown: 1,
};

/**
 * A `[plugins."io.containerd.grpc.v1.cri"]` table left in a version 3 config.toml (written after old docs).
 * 2.0–2.2 (config version 3) run no migration on a version 3 file and ignore the table; 2.3 raised the
 * config version to 4, and migrating a version 3 file runs the CRI images plugin's migration, which copies
 * the table's registry, max_concurrent_downloads… over io.containerd.cri.v1.images.
 */
export const criTableInV3File: VersionedFact<'ignored' | 'migrated'> = {
  id: 'containerd.config.v3-leftover-cri-table',
  component: 'containerd',
  entries: [
    {
      range: { below: '2.3.0' },
      value: 'ignored',
      source: `${CD} v2.2.0 version/version.go:41 (ConfigVersion = 3); plugins/cri/images/plugin.go:165-168 (configMigration returns for configVersion ≥ 3)`,
    },
    {
      range: { from: '2.3.0' },
      value: 'migrated',
      source: `${CD} v2.3.0 version/version.go:41 (ConfigVersion = 4); cmd/containerd/server/config/config.go:483-501 (each plugin's migration per version step); plugins/cri/images/plugin.go:175-261 (migrateConfig); v2.3.4 and v2.4.0-beta.0 the same`,
    },
  ],
  assumeWhenUnknown: 1,
};

/**
 * A `[plugins."io.containerd.cri.v1.images"]` table in a version 1 or 2 config.toml (AKS's Ubuntu 24.04
 * nodes write one under `version = 2`). 1.x has no such plugin and ignores it. 2.x decodes each plugin's
 * config from the table of its own id whatever the file's version, and migrating a version 2 file
 * copies the CRI table's registry, max_concurrent_downloads… over that table: the images table holds, but
 * for the keys the CRI table also sets.
 */
export const imagesTableInOlderFile: VersionedFact<'ignored' | 'read'> = {
  id: 'containerd.config.images-table-before-v3',
  component: 'containerd',
  entries: [
    {
      range: { below: '2.0.0' },
      value: 'ignored',
      source: `${CD} v1.7.27 services/server/config/config.go:181-189 (a plugin's config is the table of a registered plugin's id; 1.x registers no io.containerd.cri.v1.images)`,
    },
    {
      range: { from: '2.0.0' },
      value: 'read',
      source: `${CD} v2.0.0 cmd/containerd/server/config/config.go:260-264 (Decode by plugin id); plugins/cri/images/plugin.go:157-175 (configMigration: an existing images table is kept, the CRI table's keys copied over it, migrateConfig :178); v2.1.6 the same (:256, :164-185)`,
    },
  ],
  assumeWhenUnknown: 1,
};

/**
 * `[plugins."io.containerd.grpc.v1.cri"]` tables in a config read as version 1 (one without `version`, or
 * `version = 1`; containerd#5236). 1.x looks a version 1 config's plugin tables up by plugin id (`cri`), so
 * the whole tree (registry mirrors, config_path, max_concurrent_downloads…) is ignored. 2.x loads such a
 * file otherwise (facts/containerd-load.ts: 2.0–2.2 read it as part of a version 3 config, which they do
 * not migrate; 2.3+ migrate it from version 1), and says so in its own note.
 */
export const v2CriTableInV1Config: VersionedFact<'ignored'> = {
  id: 'containerd.config.v2-cri-table-in-v1-config',
  component: 'containerd',
  entries: [
    {
      range: { below: '2.0.0' },
      value: 'ignored',
      source: `${CD} v1.7.20 services/server/config/config.go:91-96 (GetVersion: no version is 1), :180-184 (Decode: version 1 looks up p.ID); v1.4.4 :86-91, :199-204; v1.3.0 :197-201`,
    },
  ],
  assumeWhenUnknown: 0,
};

/**
 * How containerd loads config.toml and its imports (facts/containerd-load.ts says what each means): 1.x
 * merges the files' versions and replaces each plugin table whole; 2.0–2.2 merge the files (a version 0
 * or 1 file renamed first and taking the version loaded so far) and migrate the merged config only below
 * version 3; 2.3+ migrates each file from its own version before merging.
 */
export type ImportMerge = 'plugin-tables-replaced' | 'merged-then-migrated' | 'each-file-migrated';
export const configImportMerge: VersionedFact<ImportMerge> = {
  id: 'containerd.config.import-merge',
  component: 'containerd',
  entries: [
    {
      range: { below: '2.0.0' },
      value: 'plugin-tables-replaced',
      source: `${CD} v1.7.20 services/server/config/config.go:196-243 (LoadConfig), :298-308 (mergeConfig: mergo.WithOverride, then each plugin table replaced whole), :180-184 (Decode: by id in version 1, else by URI), :122-126 (a version 2 plugin key must be a URI); cmd/containerd/command/config.go:131 (default version 1); v1.6.0 :225/:327, v1.5.0 :222/:324 the same`,
    },
    {
      range: { from: '2.0.0', below: '2.3.0' },
      value: 'merged-then-migrated',
      source: `${CD} v2.2.3 cmd/containerd/server/config/config.go:312-319 (a version 0/1 file migrated to the version loaded so far), :429-449 (mergeConfig, plugin tables merged key by key); cmd/containerd/command/config.go:130 (default version 3); cmd/containerd/server/server.go:133-140, :266-279 (the merged config migrated only below version 3); config_test.go:217-234; v2.0.0 config.go:315-322, :432`,
    },
    {
      range: { from: '2.3.0' },
      value: 'each-file-migrated',
      source: `${CD} v2.3.0 cmd/containerd/server/config/config.go:451-526 (LoadConfigWithPlugins: each file migrated, plugins included, before the merge; :475-481 a drop-in of higher version than the root refused); commit 0d7fee062`,
    },
  ],
  assumeWhenUnknown: 2,
};

/**
 * 1.x's ValidateV2 check that disabled_plugins, required_plugins and the plugin table keys name plugin
 * URIs (four dotted parts), in that order, after the files are merged: at which merged versions it runs
 * (1.3/1.4 at version 2 only, so a version 3 file is never checked and starts, read by URI; 1.5+ at any
 * version from 2) and whether a URI must also start with `io.containerd.` (1.7). 2.x checks otherwise
 * (ValidateVersion: a dot, on disabled and required plugins only; facts/containerd-load.ts).
 */
export interface PluginUriCheck {
  at: 'version-2' | 'version-2-and-above';
  prefix: boolean;
}
export const configPluginUriCheck: VersionedFact<PluginUriCheck> = {
  id: 'containerd.config.plugin-uri-check',
  component: 'containerd',
  entries: [
    {
      range: { below: '1.5.0' },
      value: { at: 'version-2', prefix: false },
      source: `${CD} v1.3.0 services/server/config/config.go:92-112 (ValidateV2: returns nil unless GetVersion() is 2, then strings.Split < 4), :255 (LoadConfig runs it); v1.4.0 :94-114, v1.4.13 the same`,
    },
    {
      range: { from: '1.5.0', below: '1.7.0' },
      value: { at: 'version-2-and-above', prefix: false },
      source: `${CD} v1.5.0 services/server/config/config.go:97-119 (ValidateV2: returns nil below version 2 only); v1.6.0 :99-121; v1.6.39 :99-128 (strings.Split < 4, after the version check of 1.6.32)`,
    },
    {
      range: { from: '1.7.0', below: '2.0.0' },
      value: { at: 'version-2-and-above', prefix: true },
      source: `${CD} v1.7.0 services/server/config/config.go:98-122 (ValidateV2: !strings.HasPrefix(p, "io.containerd.") || SplitN < 4); v1.7.20 :99-128; v1.7.0-beta.0 and v1.6.39 have no prefix check`,
    },
  ],
  assumeWhenUnknown: 2,
};

/**
 * What a release does with a config whose merged `version` is above the highest it knows. `refused`: it
 * does not start, logging `log` (when it logs one) and exiting with "containerd: failed to load TOML from
 * <config.toml>: <error>" (cmd/containerd/main.go:40 prints the error LoadConfig wraps); `%d` is the
 * version. `by-uri`: 1.6.0–1.6.31 and 1.7.0–1.7.16 have no check and read such a file as version 2,
 * each plugin's table by its URI, so a version 3 file's `[plugins."io.containerd.cri.v1.images"]` belongs
 * to no plugin and the CRI plugin runs on its defaults.
 */
export type VersionCeiling = { kind: 'refused'; max: number; log?: string; error: string } | { kind: 'by-uri' };
const ABOVE_TWO: VersionCeiling = {
  kind: 'refused',
  max: 2,
  log: 'containerd config version `%d` is not supported, the max version is `2`, use `containerd config default` to generate a new config or manually revert to version `2`',
  error: 'unsupported config version `%d`',
};
const ABOVE_TWO_SOURCE =
  'services/server/config/config.go:106-111 (ValidateV2: logrus.Errorf, then the error; LoadConfig wraps it "failed to load TOML from %s: %w", :278 at v1.6.32, :240 at v1.7.17); commit 00347b7fa "Add check for unsupported config versions"';
export const configVersionCeiling: VersionedFact<VersionCeiling> = {
  id: 'containerd.config.version-ceiling',
  component: 'containerd',
  entries: [
    {
      range: { below: '1.6.32' },
      value: { kind: 'by-uri' },
      source: `${CD} v1.6.31 services/server/config/config.go:99-123 (ValidateV2 checks only that plugin keys are URIs), :210 (Decode: by URI above version 1)`,
    },
    {
      range: { from: '1.6.32', below: '1.7.0' },
      value: ABOVE_TWO,
      source: `${CD} v1.6.32 ${ABOVE_TWO_SOURCE}; v1.6.39 the same`,
    },
    {
      range: { from: '1.7.0', below: '1.7.17' },
      value: { kind: 'by-uri' },
      source: `${CD} v1.7.16 services/server/config/config.go:99-122 (ValidateV2: no version check)`,
    },
    {
      range: { from: '1.7.17', below: '2.0.0' },
      value: ABOVE_TWO,
      source: `${CD} v1.7.17 ${ABOVE_TWO_SOURCE}; v1.7.34 the same`,
    },
    {
      range: { from: '2.0.0', below: '2.3.0' },
      value: {
        kind: 'refused',
        max: 3,
        error: 'expected containerd config version equal to or less than `3`, got `%d`',
      },
      source: `${CD} v2.0.0 cmd/containerd/server/config/config.go:115-118 (ValidateVersion), :339 (LoadConfig wraps it); v2.2.0 :111-113, :336`,
    },
    {
      range: { from: '2.3.0' },
      value: {
        kind: 'refused',
        max: 4,
        error: 'expected containerd config version equal to or less than `4`, got `%d`',
      },
      source: `${CD} v2.3.4 version/version.go:41 (ConfigVersion = 4); cmd/containerd/server/config/config.go:125-127 (ValidateVersion), :523 (LoadConfigWithPlugins wraps it)`,
    },
  ],
  assumeWhenUnknown: 5,
};

/** The hosts.toml capability `referrers` (OCI referrers API). */
export const hostsReferrersCapability: VersionedFact<'rejected' | 'accepted'> = {
  id: 'containerd.hosts.referrers-capability',
  component: 'containerd',
  entries: [
    {
      range: { below: '2.2.0' },
      value: 'rejected',
      source: `${CD} v2.1.0 core/remotes/docker/config/hosts.go (capabilities pull, resolve, push; any other: "unknown capability", the file is not used)`,
    },
    {
      range: { from: '2.2.0' },
      value: 'accepted',
      source: `${CD} v2.2.0 core/remotes/docker/config/hosts.go:461-462 (commit b668614b5); v2.3.4 :462`,
    },
  ],
  assumeWhenUnknown: 1,
};

/**
 * `<config_path>/_default/hosts.toml`, the hosts of every registry without a directory of its own. It
 * came with containerd PR #7607 (1.7.0-beta.1) and its 1.6 backport (1.6.17, PR #8065); no 1.5 release
 * reads it (containerd#8053). 1.7.0-beta.0 lacks it too, which a release range cannot tell apart.
 */
export const defaultHostsDir: VersionedFact<'ignored' | 'read'> = {
  id: 'containerd.hosts.default-dir',
  component: 'containerd',
  entries: [
    {
      range: { below: '1.6.17' },
      value: 'ignored',
      source: `${CD} v1.6.16 remotes/docker/config/config_unix.go:27-37 (hostPaths: the registry's own directory only); v1.5.18 likewise`,
    },
    {
      range: { from: '1.6.17' },
      value: 'read',
      source: `${CD} v1.6.17 remotes/docker/config/config_unix.go:35 (commit 1436641b8 "Support default hosts.toml configuration"); v1.7.0 :34; v2.0.0 core/remotes/docker/config/config_unix.go:34`,
    },
  ],
  assumeWhenUnknown: 1,
};

/**
 * What inflates gzip layers inside containerd when no external decompressor is used: one thread either
 * way. Ranges read pre-releases as their release, so the 2.4.0 entry covers v2.4.0-beta.0, the only 2.4
 * tag so far.
 */
export const inProcessGzip: VersionedFact<"Go's compress/gzip" | 'klauspost/compress/gzip'> = {
  id: 'containerd.archive.in-process-gzip',
  component: 'containerd',
  entries: [
    {
      range: { below: '2.4.0' },
      value: "Go's compress/gzip",
      source: `${CD} v2.3.4 pkg/archive/compression/compression.go:282 (gzip.NewReader); v1.7.27 archive/compression/compression.go`,
    },
    {
      range: { from: '2.4.0' },
      value: 'klauspost/compress/gzip',
      source: `${CD} v2.4.0-beta.0 pkg/archive/compression/compression.go:283 (kgzip.NewReader, commit d8f13bf4c "use klauspost/compress/gzip for decode")`,
    },
  ],
  assumeWhenUnknown: 0,
};

/** The external gzip decompressors containerd tries, in order (else Go's compress/gzip). */
export const gzipDecompressors: VersionedFact<readonly ('igzip' | 'unpigz')[]> = {
  id: 'containerd.archive.gzip-decompressors',
  component: 'containerd',
  entries: [
    {
      range: { below: '2.0.0' },
      value: ['unpigz'],
      source: `${CD} v1.7.27 archive/compression/compression.go:260-268 (CONTAINERD_DISABLE_PIGZ)`,
    },
    {
      range: { from: '2.0.0' },
      value: ['igzip', 'unpigz'],
      source: `${CD} v2.0.0 pkg/archive/compression/compression.go:264-273; v2.1.0 :270-285 (CONTAINERD_DISABLE_IGZIP, _PIGZ)`,
    },
  ],
  assumeWhenUnknown: 1,
};

/** Config layouts (`version = N`) and how each release line reads them. */
export type LayoutSupport = 'native' | 'migrated' | 'unknown-to-this-release';
export const configLayouts: Record<1 | 2 | 3 | 4, VersionedFact<LayoutSupport>> = {
  1: {
    id: 'containerd.config.layout.v1',
    component: 'containerd',
    entries: [
      {
        range: { below: '2.0.0' },
        value: 'native',
        source: `${CD} v1.6.38 services/server/config/config.go:218-222 (version 1 decodes by plugin id)`,
      },
      {
        range: { from: '2.0.0' },
        value: 'migrated',
        source: `${CD} v2.0.0 cmd/containerd/server/config/config.go:46-50, :196-205 (v1Migrate: \`cri\` → io.containerd.grpc.v1.cri, then to v3; 2.0–2.2 read the renamed table as version 3 and never migrate it, 2.3 migrates it: configImportMerge)`,
      },
    ],
    assumeWhenUnknown: 1,
  },
  2: {
    id: 'containerd.config.layout.v2',
    component: 'containerd',
    entries: [
      { range: { below: '2.0.0' }, value: 'native', source: `${CD} v1.6.38 services/server/config/config.go` },
      {
        range: { from: '2.0.0' },
        value: 'migrated',
        source: `${CD} v2.1.0 docs/cri/config.md:12-20 (version 2 is converted on load)`,
      },
    ],
    assumeWhenUnknown: 1,
  },
  3: {
    id: 'containerd.config.layout.v3',
    component: 'containerd',
    entries: [
      {
        range: { below: '2.0.0' },
        value: 'unknown-to-this-release',
        source: `${CD} v1.7.27 (no io.containerd.cri.v1.images plugin; a 1.6.20 dump prints v2 and drops the v3 keys, observed in the lab)`,
      },
      {
        range: { from: '2.0.0' },
        value: 'native',
        source: `${CD} v2.1.0 docs/cri/config.md:233-300; plugins/types.go:75`,
      },
    ],
    assumeWhenUnknown: 1,
  },
  // the CRI plugin tables of version 3; the server settings (socket, ttrpc, debug, metrics) became plugins
  4: {
    id: 'containerd.config.layout.v4',
    component: 'containerd',
    entries: [
      {
        range: { below: '2.3.0' },
        value: 'unknown-to-this-release',
        source: `${CD} v2.2.0 cmd/containerd/server/config/config.go:112-113 (ConfigVersion 3: "expected containerd config version equal to or less than \`3\`, got \`4\`", containerd does not start)`,
      },
      {
        range: { from: '2.3.0' },
        value: 'native',
        source: `${CD} v2.3.4 version/version.go:41 (ConfigVersion = 4); cmd/containerd/server/config/config.go:53, :219-273 (serviceMigrate); docs/man/containerd-config.toml.5.md:100-124, :206-240`,
      },
    ],
    assumeWhenUnknown: 1,
  },
};

/**
 * The version of containerd's built-in config, the one in force on a node without config.toml (containerd
 * loads a config file only when it exists or --config names it: v1.7.20 cmd/containerd/command/main.go:123,
 * v2.1.5 :136). A snippet for such a node goes into a new file, so it is written in this layout: a version
 * 1 `[plugins.cri]` there is renamed, never migrated, by 2.0–2.2 (configImportMerge) and so not read.
 */
export const builtInConfigVersion: VersionedFact<1 | 3 | 4> = {
  id: 'containerd.config.built-in-version',
  component: 'containerd',
  entries: [
    {
      range: { below: '2.0.0' },
      value: 1,
      source: `${CD} v1.7.20 cmd/containerd/command/config.go:131 (Version: 1, "MUST remain set to 1"); v1.6.38 :127; v1.5.0 :127`,
    },
    {
      range: { from: '2.0.0', below: '2.3.0' },
      value: 3,
      source: `${CD} v2.1.5 cmd/containerd/command/config.go:130 (Version: version.ConfigVersion), version/version.go:41 (ConfigVersion = 3); v2.0.0 :160 and version/version.go:40; v2.2.0 :130`,
    },
    {
      range: { from: '2.3.0' },
      value: 4,
      source: `${CD} v2.3.0 cmd/containerd/command/config.go:128 (Version: version.ConfigVersion), version/version.go:41 (ConfigVersion = 4); v2.3.4 the same`,
    },
  ],
  // the version 1 layout dfdoctor has always assumed of a missing config; the assumption is named
  assumeWhenUnknown: 0,
};

// ---------------------------------------------------------------------------------------------
// log messages (logrus `msg=`), by release

export type ContainerdLogKind =
  | 'trying-next-host'
  | 'fetch-failed'
  | 'hosts-toml-decode'
  | 'progress-cancel'
  | 'transfer-incompatible'
  | 'mirrors-with-config-path'
  | 'decompressor-used'
  | 'resolving'
  | 'do-request'
  | 'pull-image'
  | 'pull-failed-at-host'
  | 'pull-failed-unanswered'
  | 'pull-failed-not-manifest';

/** Where a pattern is looked for: the `msg` field, or `msg` and `error` (a plugin load failure carries the cause in `error`). */
export interface LogPattern {
  re: RegExp;
  alsoInError?: boolean;
  /** containerd logs it at this level (DEBUG lines are absent from a default journal). */
  level: 'debug' | 'info' | 'warn' | 'error';
}

// A pull's failure at a host that answered an error status, in each wording: capture 1 (of the
// alternatives, the one that matched) the request's URL or the host, the last capture the status code.
const RESOLVER_OLD_STATUS = String.raw`pulling from host (\S+) failed with status code \[manifests [^\]]*\]`;
const RESOLVER_NEW_STATUS = String.raw`unexpected status from (?:HEAD|GET) request to (\S+)`;
// by digest only (the fetcher's requests): 1.4.0–1.4.11 and 1.5.0–1.5.4's resolver printed the same words
// for a manifest by tag, which it failed at once, trying no host after it (mirrorErrorStatusFallsBack)
const FETCHER_STATUS = String.raw`unexpected status code (https?:\/\/\S+\/(?:blobs|manifests)\/[a-z0-9]+:[a-f0-9]+\S*)`;
const statusRe = (...wordings: string[]): RegExp => new RegExp(`(?:${wordings.join('|')}): (\\d{3})`);
const FETCHER_SRC =
  'v1.4.0 remotes/docker/fetcher.go:99-117, :178 ("unexpected status code %v: %v", req.String(), resp.Status); v1.6.24 :124-149, :185; v1.7.27 :284; v2.0.7 core/remotes/docker/fetcher.go:301';
// A request that got no answer, as Go's url.Error prints it ("Head \"<url>\": <cause>", the URL unquoted
// before Go 1.14) behind containerd's wrap: capture 1 the URL, capture 2 the cause. A context cancelled
// or past its deadline is the caller giving up (the kubelet, crictl's timeout, the progress timeout),
// not the host failing.
const UNANSWERED = String.raw`failed to do request: (?:Head|Get) "?(https?:\/\/[^"\s]+?)"?: (?!context canceled|context deadline exceeded)(\S.*?)\s*$`;
const RESOLVER_NEW_SRC =
  'v1.7.0 remotes/errors/errors.go:36 (ErrUnexpectedStatus: "unexpected status from %s request to %s: %s", PR #6617, in v1.6.25 by #9236); v2.2.0 core/remotes/errors/errors.go:43; resolver v1.7.20 remotes/docker/resolver.go:312-317, v2.2.0 core/remotes/docker/resolver.go:331-337';

export const logMessages: Record<ContainerdLogKind, VersionedFact<LogPattern>> = {
  'trying-next-host': {
    id: 'containerd.log.trying-next-host',
    component: 'containerd',
    entries: [
      {
        range: {},
        value: { re: /^trying next host/, level: 'info' },
        source: `${CD} v1.6.38 remotes/docker/resolver.go:299, :306; v2.1.0 core/remotes/docker/resolver.go:291`,
      },
    ],
    assumeWhenUnknown: 0,
  },
  'fetch-failed': {
    id: 'containerd.log.fetch-failed',
    component: 'containerd',
    entries: [
      {
        range: { from: '2.0.0' },
        value: { re: /^fetch failed/, level: 'info' },
        source: `${CD} v2.0.0 core/remotes/docker/resolver.go:293; v2.1.0 :293`,
      },
    ],
    assumeWhenUnknown: 0,
  },
  'hosts-toml-decode': {
    id: 'containerd.log.hosts-toml-decode',
    component: 'containerd',
    entries: [
      {
        range: { below: '2.0.0' },
        value: { re: /^failed to decode hosts\.toml/, level: 'error' },
        source: `${CD} v1.6.38 remotes/docker/config/hosts.go:314; v1.7.27 :315`,
      },
      {
        range: { from: '2.0.0' },
        value: { re: /^failed to decode \S*\/hosts\.toml/, level: 'error' },
        source: `${CD} v2.0.0 core/remotes/docker/config/hosts.go:312; v2.1.0 :329 ("failed to decode %s", filepath.Join(hostsDir, "hosts.toml"))`,
      },
    ],
    assumeWhenUnknown: 1,
  },
  'progress-cancel': {
    id: 'containerd.log.progress-cancel',
    component: 'containerd',
    entries: [
      {
        range: { from: '1.7.0' },
        value: { re: /^cancel pulling image /, level: 'error' },
        source: `${CD} v1.7.0 pkg/cri/server/image_pull.go:635; v2.1.0 internal/cri/server/images/image_pull.go:723, :1023`,
      },
    ],
    assumeWhenUnknown: 0,
  },
  'transfer-incompatible': {
    id: 'containerd.log.transfer-incompatible',
    component: 'containerd',
    entries: [
      {
        range: { from: '2.1.0' },
        value: { re: /^Found '.*' in CRI config which is incompatible with transfer service/, level: 'warn' },
        source: `${CD} v2.1.0 internal/cri/config/config.go:594`,
      },
    ],
    assumeWhenUnknown: 0,
  },
  'mirrors-with-config-path': {
    id: 'containerd.log.mirrors-with-config-path',
    component: 'containerd',
    entries: [
      {
        range: { below: '2.0.0' },
        // 1.6.20 logs msg="failed to load plugin io.containerd.grpc.v1.cri" error="invalid plugin config: `mirrors` cannot be set …"
        value: { re: /`mirrors` cannot be set when `config_path` is provided/, alsoInError: true, level: 'warn' },
        source: `${CD} v1.6.38 pkg/cri/config/config.go:426; pkg/cri/cri.go:76; services/server/server.go:272`,
      },
      {
        range: { from: '2.0.0' },
        value: { re: /`mirrors` cannot be set when `config_path` is provided/, alsoInError: true, level: 'warn' },
        source: `${CD} v2.1.0 internal/cri/config/config.go:489; v2.2.0 :491 with plugins/cri/images/plugin.go:65 ("invalid cri image config: …")`,
      },
    ],
    assumeWhenUnknown: 1,
  },
  'decompressor-used': {
    id: 'containerd.log.decompressor-used',
    component: 'containerd',
    entries: [
      {
        range: { below: '2.0.0' },
        value: { re: /^using (pigz) for decompression/, level: 'debug' },
        source: `${CD} v1.6.38 archive/compression/compression.go:264; v1.7.34 :268`,
      },
      {
        range: { from: '2.0.0' },
        value: { re: /^using (igzip|unpigz) for decompression/, level: 'debug' },
        source: `${CD} v2.0.0 pkg/archive/compression/compression.go:267, :271; v2.1.0 :273, :277`,
      },
    ],
    assumeWhenUnknown: 1,
  },
  // The lines that time a resolve's attempt at each host (facts/containerd-host-attempts.ts): the
  // resolver prints "resolving" (host=) for each host just before its request, and the request
  // "do request" (host=, url=) as it is sent, both at debug level; the CRI plugin prints "PullImage <ref>"
  // at info level when a pull begins, before the resolve.
  resolving: {
    id: 'containerd.log.resolving',
    component: 'containerd',
    entries: [
      {
        range: {},
        value: { re: /^resolving$/, level: 'debug' },
        source: `${CD} v1.5.0 remotes/docker/resolver.go:268, :279; v1.7.20 :281, :292; v2.0.0 core/remotes/docker/resolver.go:298, :309; v2.2.0 :296, :307`,
      },
    ],
    assumeWhenUnknown: 0,
  },
  'do-request': {
    id: 'containerd.log.do-request',
    component: 'containerd',
    entries: [
      {
        range: {},
        value: { re: /^do request$/, level: 'debug' },
        source: `${CD} v1.5.0 remotes/docker/resolver.go:537-538; v1.7.20 :567-568; v2.0.0 core/remotes/docker/resolver.go:588-589; v2.2.0 :619-620`,
      },
    ],
    assumeWhenUnknown: 0,
  },
  'pull-image': {
    id: 'containerd.log.pull-image',
    component: 'containerd',
    entries: [
      {
        range: {},
        value: { re: /^PullImage "([^"]+)"$/, level: 'info' },
        source: `${CD} v1.4.0 vendor/github.com/containerd/cri/pkg/server/instrumented_service.go:317; v1.5.0 pkg/cri/server/instrumented_service.go:315; v1.7.20 pkg/cri/instrument/instrumented_service.go:982; v2.0.0 internal/cri/instrument/instrumented_service.go:351; v2.2.0 :355`,
      },
    ],
    assumeWhenUnknown: 0,
  },
  // A pull that failed, whose error names the host that answered with an error status: containerd
  // tried every host of the route (a status other than 404 sends it on to the next one since v1.4.12,
  // v1.5.5 and v1.6.0: PR #5275, backported as #6244 and #5747) and all of them failed; it reports the
  // first host's error (v1.4.12–v1.7) or the one that ranks highest (v2.0+, PR #8861: a status error
  // outranks a 404 or a transport error). So a mirror named here failed, and the hosts after it too.
  // Logged in the error of the pull's failure (CRI "PullImage … failed", "RunPodSandbox … failed"),
  // and printed by crictl and in the kubelet's events. Capture 1: the request's URL or the host;
  // capture 2: the status code.
  'pull-failed-at-host': {
    id: 'containerd.log.pull-failed-at-host',
    component: 'containerd',
    // the resolver's wording for a manifest by tag (from 1.4.12, 1.5.5 and 1.6.0; reworded in 1.6.25), and
    // the fetcher's for a blob or a manifest by digest (1.4.0–2.0.x; 2.1.0 words it as the resolver does):
    // each tries every host, and names the first one's error only when all failed (the fetcher's blobs
    // loop, `continue // try another host`)
    entries: [
      {
        range: { from: '1.4.0', below: '1.4.12' },
        value: { re: statusRe(FETCHER_STATUS), alsoInError: true, level: 'error' },
        source: `${CD} ${FETCHER_SRC}`,
      },
      {
        range: { from: '1.4.12', below: '1.5.0' },
        value: { re: statusRe(RESOLVER_OLD_STATUS, FETCHER_STATUS), alsoInError: true, level: 'error' },
        source: `${CD} v1.4.12 remotes/docker/resolver.go (PR #6244: firstErr "pulling from host %s failed with status code %v: %v"); ${FETCHER_SRC}`,
      },
      {
        range: { from: '1.5.0', below: '1.5.5' },
        value: { re: statusRe(FETCHER_STATUS), alsoInError: true, level: 'error' },
        source: `${CD} ${FETCHER_SRC}`,
      },
      {
        range: { from: '1.5.5', below: '1.6.25' },
        value: { re: statusRe(RESOLVER_OLD_STATUS, FETCHER_STATUS), alsoInError: true, level: 'error' },
        source: `${CD} v1.6.0 remotes/docker/resolver.go:302; v1.6.20 :303 (firstErr = errors.Errorf("pulling from host %s failed with status code %v: %v", …)); ${FETCHER_SRC}`,
      },
      {
        range: { from: '1.6.25', below: '2.1.0' },
        value: { re: statusRe(RESOLVER_NEW_STATUS, FETCHER_STATUS), alsoInError: true, level: 'error' },
        source: `${CD} ${RESOLVER_NEW_SRC}; ${FETCHER_SRC}`,
      },
      {
        range: { from: '2.1.0' },
        value: { re: statusRe(RESOLVER_NEW_STATUS), alsoInError: true, level: 'error' },
        source: `${CD} ${RESOLVER_NEW_SRC}`,
      },
    ],
    assumeWhenUnknown: 5,
  },
  // A pull that failed, whose error is a request to a host that got no answer: refused (nothing
  // listens: dfdaemon down), unreachable, a name that does not resolve, a reset, a TLS failure. From
  // 1.3.4 containerd tries every host after it and names this error only when they failed too: up to
  // 1.7 the first host's error that was no 404, from 2.0 the highest-ranked, where a request without an
  // answer ranks lowest (priority 1). Before 1.3.4 it failed the pull at once (mirrorTransportErrorFallsBack).
  'pull-failed-unanswered': {
    id: 'containerd.log.pull-failed-unanswered',
    component: 'containerd',
    entries: [
      {
        range: {},
        value: { re: new RegExp(UNANSWERED), alsoInError: true, level: 'error' },
        source: `${CD} v1.3.0 remotes/docker/resolver.go:509 (errors.Wrap(err, "failed to do request")); v1.6.20 :572; v1.7.20 :593; v2.0.0 core/remotes/docker/resolver.go:614; v2.2.0 :645; firstErr: v1.6.20 :284-290, :387-394, v2.0.0 :311-320, :429-433; fetcher v1.6.20 remotes/docker/fetcher.go:100-149`,
      },
    ],
    assumeWhenUnknown: 0,
  },
  // A pull that failed because the image's descriptor is no manifest or index: the resolver takes the
  // first host that answers the manifest request 2xx (only a status above 299, an error or an oversize
  // body sends it to the next host), with that answer's Content-Type as the media type and, without a
  // Docker-Content-Digest header, the digest of its body; images.Manifest then refuses the type. A web
  // page (text/html) answered, not a registry. Capture 1: the media type; capture 2: the digest.
  'pull-failed-not-manifest': {
    id: 'containerd.log.pull-failed-not-manifest',
    component: 'containerd',
    entries: [
      {
        range: { from: '1.4.0' },
        value: { re: /unexpected media type (\S+) for (sha256:[a-f0-9]{64})/, alsoInError: true, level: 'error' },
        source: `${CD} v1.4.0 images/image.go:230, remotes/docker/resolver.go:197-210, :302, :309; v1.7.0 images/image.go:238, resolver.go:298, :313, :350; v2.2.0 core/images/image.go:242, core/remotes/docker/resolver.go:207, :322, :342, :379, :401-410`,
      },
    ],
    assumeWhenUnknown: 0,
  },
};

// ---------------------------------------------------------------------------------------------
// config keys dfdoctor reads, with the releases that know them (a test checks that every key the
// parsers read is listed here)

export interface ConfigKey {
  file: 'config.toml' | 'hosts.toml';
  /** TOML key path; `*` stands for any key of a map (a registry name, a host URL). */
  path: readonly string[];
  /** The fact that says what the key means by release, when that changes. */
  meaning?: string;
}

function key(
  file: ConfigKey['file'],
  path: string,
  range: ReleaseRange,
  source: string,
  meaning?: string,
): VersionedFact<ConfigKey> {
  const segments = path.split('/');
  return {
    id: `containerd.key.${file}.${segments.join('.')}`,
    component: 'containerd',
    entries: [{ range, value: { file, path: segments, ...(meaning === undefined ? {} : { meaning }) }, source }],
    assumeWhenUnknown: 0,
  };
}

const V1 = 'plugins/cri';
const V2 = 'plugins/io.containerd.grpc.v1.cri';
const V3 = 'plugins/io.containerd.cri.v1.images';
const TR = 'plugins/io.containerd.transfer.v1.local';
const SRV16 = `${CD} v1.6.38 services/server/config/config.go:37-71`;
const CRI16 = `${CD} v1.6.38 pkg/cri/config/config.go`;
const CRI21 = `${CD} v2.1.0 internal/cri/config/config.go`;

/** CRI image keys that exist in the v1/v2 layout (`.containerd` holds the snapshotter) and in v3. */
function criKeys(): VersionedFact<ConfigKey>[] {
  const out: VersionedFact<ConfigKey>[] = [];
  for (const [base, range, src] of [
    // 2.x still reads the v1 layout: it migrates `cri` to io.containerd.grpc.v1.cri (configLayouts[1])
    [V1, {}, CRI16],
    [V2, {}, CRI16],
    [V3, { from: '2.0.0' }, CRI21],
  ] as const) {
    const runtime = base === V3 ? base : `${base}/containerd`;
    const later = (from: string): ReleaseRange => {
      const own = 'from' in range ? parseRelease(range.from) : null;
      return own && compareRelease(own, parseRelease(from)!) > 0 ? range : { ...range, from };
    };
    out.push(
      key('config.toml', base, range, src),
      key(
        'config.toml',
        `${base}/max_concurrent_downloads`,
        range,
        `${src} (MaxConcurrentDownloads)`,
        criMaxConcurrentDownloads.id,
      ),
      key(
        'config.toml',
        `${base}/image_pull_progress_timeout`,
        later('1.7.0'),
        `${CD} v1.7.0 pkg/cri/config/config.go:353; ${CRI21}:333`,
        progressTimeoutDefault.id,
      ),
      key(
        'config.toml',
        `${base}/image_pull_with_sync_fs`,
        later('1.7.14'),
        `${CD} v1.7.14 pkg/cri/config/config.go (first tag with the key); ${CRI21}:338`,
        transferFallbackSettings.id,
      ),
      key('config.toml', `${base}/use_local_image_pull`, later('2.1.0'), `${CRI21}:347`, criPullPath.id),
      key('config.toml', `${base}/registry`, range, src),
      key(
        'config.toml',
        `${base}/registry/config_path`,
        later('1.5.0'),
        `${CD} v1.5.0 pkg/cri/config/config.go (config_path); ${CRI21}:231`,
        defaultConfigPath.id,
      ),
      // read only to name it misplaced: the image config has no config_path of its own, only its registry's
      key(
        'config.toml',
        `${base}/config_path`,
        later('1.5.0'),
        `${CD} v1.5.0 pkg/cri/config/config.go (config_path in Registry only); ${CRI21}:231 (the same)`,
      ),
      key(
        'config.toml',
        `${base}/registry/mirrors`,
        range,
        `${CRI16}:179; ${CRI21}:236 (deprecated, removal planned for v2.4: RELEASES.md)`,
        defaultConfigPath.id,
      ),
      key(
        'config.toml',
        `${base}/registry/mirrors/*`,
        range,
        `${CRI16}:179; ${CRI21}:236 (one table per registry name)`,
      ),
      key('config.toml', `${base}/registry/mirrors/*/endpoint`, range, `${CRI16}:145; ${CRI21}:209`),
      // read only to name it ignored: a mirror has only `endpoint` (dfinit before v0.1.97 wrote a header there)
      key(
        'config.toml',
        `${base}/registry/mirrors/*/header`,
        range,
        `${CRI16}:140-146; ${CRI21}:204-210 (no such key: Mirror has only endpoint)`,
      ),
      key(
        'config.toml',
        `${base}/registry/headers`,
        range,
        `${CRI16}:188-189; ${CRI21}:247-248 (sent to all registries; v1.6.38 pkg/cri/server/image_pull.go:103-105)`,
      ),
      key('config.toml', `${base}/registry/configs`, range, `${CRI16}:183; ${CRI21}:241`),
      key(
        'config.toml',
        `${base}/registry/configs/*`,
        range,
        `${CRI16}:183; ${CRI21}:241 (one table per registry host)`,
      ),
      key('config.toml', `${base}/registry/configs/*/tls`, range, `${CRI16}:200`, configsTlsWithConfigPath.id),
      key('config.toml', `${base}/registry/auths`, range, `${CRI16}:187; ${CRI21}:246`),
      key('config.toml', `${runtime}/snapshotter`, range, `${CRI16}:76; ${CRI21}:122`),
      key(
        'config.toml',
        `${runtime}/disable_snapshot_annotations`,
        range,
        `${CRI16}:96; ${CRI21}:289`,
        transferFallbackSettings.id,
      ),
      key(
        'config.toml',
        `${runtime}/discard_unpacked_layers`,
        range,
        `${CRI16}:101; ${CRI21}:294`,
        transferFallbackSettings.id,
      ),
    );
    if (runtime !== base) out.push(key('config.toml', runtime, range, src));
  }
  return out;
}

export const CONFIG_KEYS: readonly VersionedFact<ConfigKey>[] = [
  key('config.toml', 'version', {}, `${SRV16}:37`),
  key('config.toml', 'root', {}, `${SRV16}:39`),
  key('config.toml', 'state', {}, `${SRV16}:41`),
  key('config.toml', 'disabled_plugins', {}, `${SRV16}:56`),
  key('config.toml', 'imports', {}, `${SRV16}:71`),
  key('config.toml', 'grpc', {}, `${SRV16}:132`),
  key('config.toml', 'grpc/address', {}, `${SRV16}:132`),
  key('config.toml', 'plugins', {}, SRV16),
  ...criKeys(),
  key('config.toml', TR, { from: '2.0.0' }, `${CD} v2.1.0 plugins/transfer/plugin.go:46`),
  key(
    'config.toml',
    `${TR}/max_concurrent_downloads`,
    { from: '2.0.0' },
    `${CD} v2.0.0 plugins/transfer/plugin.go:154`,
    transferMaxConcurrentDownloads.id,
  ),
  key(
    'config.toml',
    `${TR}/concurrent_layer_fetch_buffer`,
    { from: '2.1.0' },
    `${CD} v2.1.0 plugins/transfer/plugin.go:177 (commit 72c8c7708)`,
  ),
  key(
    'config.toml',
    `${TR}/max_concurrent_unpacks`,
    { from: '2.2.0' },
    `${CD} v2.2.0 plugins/transfer/plugin.go:213`,
    transferMaxConcurrentUnpacks.id,
  ),
  key('hosts.toml', 'server', {}, `${CD} v2.1.0 core/remotes/docker/config/hosts.go:379-420`),
  key(
    'hosts.toml',
    'host',
    {},
    `${CD} v2.1.0 core/remotes/docker/config/hosts.go:379-420, :548-578`,
    hostsWithoutHostTable.id,
  ),
  key(
    'hosts.toml',
    'host/*',
    {},
    `${CD} v2.1.0 core/remotes/docker/config/hosts.go:548-578 (one table per host URL, in file order)`,
  ),
  key('hosts.toml', 'host/*/capabilities', {}, `${CD} v2.1.0 core/remotes/docker/config/hosts.go:453-467`),
  key(
    'hosts.toml',
    'host/*/skip_verify',
    {},
    `${CD} v2.1.0 core/remotes/docker/config/hosts.go (hostFileConfig.SkipVerify)`,
  ),
  key(
    'hosts.toml',
    'host/*/override_path',
    {},
    `${CD} v2.1.0 core/remotes/docker/config/hosts.go (hostFileConfig.OverridePath)`,
  ),
  key(
    'hosts.toml',
    'host/*/dial_timeout',
    { from: '2.1.0' },
    `${CD} v2.1.0 core/remotes/docker/config/hosts.go:372-374`,
    hostsDialTimeout.id,
  ),
  // a string or a list of strings per header; any other type drops the file (hosts.go "invalid type … for header")
  key('hosts.toml', 'host/*/header', {}, `${CD} v2.1.0 core/remotes/docker/config/hosts.go:518-531`),
  key('hosts.toml', 'host/*/header/*', {}, `${CD} v2.1.0 core/remotes/docker/config/hosts.go:518-531`),
  // the top level of hosts.toml is itself a host config (`server`'s capabilities, skip_verify, …)
  key('hosts.toml', 'header', {}, `${CD} v2.1.0 core/remotes/docker/config/hosts.go:518-531 (root hostFileConfig)`),
  key('hosts.toml', 'header/*', {}, `${CD} v2.1.0 core/remotes/docker/config/hosts.go:518-531 (root hostFileConfig)`),
  key('hosts.toml', 'capabilities', {}, `${CD} v2.1.0 core/remotes/docker/config/hosts.go (root hostFileConfig)`),
  key('hosts.toml', 'skip_verify', {}, `${CD} v2.1.0 core/remotes/docker/config/hosts.go (root hostFileConfig)`),
  key('hosts.toml', 'override_path', {}, `${CD} v2.1.0 core/remotes/docker/config/hosts.go (root hostFileConfig)`),
  key(
    'hosts.toml',
    'dial_timeout',
    { from: '2.1.0' },
    `${CD} v2.1.0 core/remotes/docker/config/hosts.go:372-374`,
    hostsDialTimeout.id,
  ),
];

/** True when `path` (as read) is covered by a CONFIG_KEYS entry of that file. */
export function configKeyKnown(file: ConfigKey['file'], path: readonly string[]): boolean {
  return CONFIG_KEYS.some((k) =>
    k.entries.some(
      (e) =>
        e.value.file === file &&
        e.value.path.length === path.length &&
        e.value.path.every((s, i) => s === '*' || s === path[i]),
    ),
  );
}

/** Every versioned containerd fact, for listing and for the coverage test. */
export const CONTAINERD_FACTS: readonly VersionedFact<unknown>[] = [
  defaultConfigPath,
  configsTlsWithConfigPath,
  criPullPath,
  transferFallbackSettings,
  criMaxConcurrentDownloads,
  transferMaxConcurrentDownloads,
  transferMaxConcurrentUnpacks,
  transferConfigPathList,
  localConfigPathList,
  progressTimeoutDefault,
  hostsDialTimeout,
  mirrorResponseHeaderTimeout,
  hostsWithoutHostTable,
  hostsReferrersCapability,
  defaultHostsDir,
  gzipDecompressors,
  configImportMerge,
  configVersionCeiling,
  ...Object.values(configLayouts),
  builtInConfigVersion,
  ...Object.values(logMessages),
  ...CONFIG_KEYS,
];
