// A file of version 2 or above whose CRI settings are written under the version 1 id, `[plugins.cri]`
// (a how-to's `[plugins.cri.containerd.runtimes.…]` pasted into a version 2 config: kata-containers/
// kata-containers#4124 on 1.5.10, #7311 on 1.6.19, deislabs/containerd-wasm-shims#110 on 1.7.2). 1.x from
// 1.3.0 does not start with it at version 2, nor 1.5+ above (ValidateV2: "invalid plugin key URI";
// facts/containerd-load.ts); 1.3/1.4 start with a version 3 one and read it by URI, as 2.x does; 2.x starts
// and reads each plugin's table by its URI, a version 0 or 1 file alone having `cri` renamed (v1Migrate),
// so the table belongs to no plugin and is ignored whole, without a log line (v2.2.0
// cmd/containerd/server/config/config.go:312-319, cmd/containerd/server/server.go:266-279: the CRI
// plugins' migrations read only io.containerd.grpc.v1.cri). Pure: the caller says the note.
import { CRI_PLUGIN_ID } from '../parsers/containerd-config.js';
import { isTable } from '../parsers/containerd-toml.js';
import { formatVersion } from '../parsers/containerd-version.js';
import type { ContainerdVersionPicker } from './containerd-versioned.js';
import type { ConfigFileRead } from './containerd-set-in.js';
import { firstSubTableLine } from './containerd-v1-config-cri.js';
import { declared } from './containerd-load.js';

/**
 * The note on the first such file a 2.x containerd, one of unknown version, or a 1.3/1.4 one reading a
 * merged version above 2 reads (other 1.x releases refuse the config before this, or read the table at
 * a merged version 1), or null. `version` is the merged version the release reads; `refusedOn1x` is
 * whether 1.x would refuse these files over that table, which the note says only when the version is
 * not known.
 */
export function v1CriTableInV2ConfigNote(
  pk: ContainerdVersionPicker,
  files: readonly ConfigFileRead[],
  version: number,
  refusedOn1x: boolean,
): { text: string; at: string } | null {
  const oneX = pk.version !== null && pk.version.major < 2;
  if (oneX && version <= 2) return null;
  const holder = files.find((f) => declared(f.table) >= 2 && isTable(criTable(f)));
  if (!holder) return null;
  const declares = declared(holder.table);
  const keys = Object.keys(criTable(holder) as object).join(', ');
  const line = holder.lineOf(['plugins', CRI_PLUGIN_ID[1]]) ?? firstSubTableLine(holder, CRI_PLUGIN_ID[1]);
  const ignored = `reads a version ${oneX ? version : declares} config's plugin tables by their URI, so [plugins.cri] belongs to no plugin and is ignored whole (it sets ${keys})`;
  // 1.x reads the CRI settings of any version above 1 from the version 2 table
  const fix =
    declares === 2 || oneX
      ? `write it as [plugins."${CRI_PLUGIN_ID[2]}"]`
      : `write its settings where a version ${declares} config has them ([plugins."${CRI_PLUGIN_ID[3]}"] for images and registries)`;
  const text =
    pk.version !== null
      ? `${holder.path} declares version = ${declares} but writes CRI settings under [plugins.cri], the version 1 name: containerd ${formatVersion(pk.version)} ${ignored}; ${fix}`
      : `${holder.path} declares version = ${declares} but writes CRI settings under [plugins.cri], the version 1 name: ${refusedOn1x ? `${onOneX(declares)}, and ` : ''}containerd 2.x starts and ${ignored}. Which holds here depends on the containerd version, which is not known; either way, ${fix}`;
  return { text, at: line === undefined ? holder.path : `${holder.path}:${line}` };
}

/** What 1.x does with the table (ValidateV2: v1.3.0 services/server/config/config.go:93-110 at version 2 only; v1.5.0 :98-118 at any version from 2; v1.6.32 and v1.7.17 :106-110 refuse a version above 2 first). */
function onOneX(version: number): string {
  const key = '"invalid plugin key URI \\"cri\\" expect io.containerd.x.vx"';
  return version === 2
    ? `containerd 1.x (from 1.3.0) does not start with it (${key})`
    : `containerd 1.x (from 1.5.0) does not start with it (${key}; 1.6.32+ and 1.7.17+ "unsupported config version \`${version}\`")`;
}

function criTable(f: ConfigFileRead): unknown {
  return isTable(f.table.plugins) ? f.table.plugins[CRI_PLUGIN_ID[1]] : undefined;
}
