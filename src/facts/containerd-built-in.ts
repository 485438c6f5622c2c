import { builtInConfigVersion } from '../knowledge/containerd.js';
import { type ContainerdConfig, readContainerdConfig } from '../parsers/containerd-config.js';
import type { ContainerdVersionPicker } from './containerd-versioned.js';

/**
 * The config containerd runs on where no config.toml exists: its built-in one, whose version is its
 * release's (1 on 1.x, 3 on 2.0–2.2, 4 from 2.3), so that a snippet for the node is written in the
 * layout a new config.toml is read in there.
 */
export function builtInConfig(pk: ContainerdVersionPicker): ContainerdConfig {
  const version = pk.value(builtInConfigVersion, (v) => `the built-in config (no config.toml) is version ${v}`) ?? 1;
  return readContainerdConfig({ version }).config;
}
