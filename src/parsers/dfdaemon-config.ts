// dfget.yaml (Go dfdaemon) and dfdaemon.yaml (Rust client) → the settings that bear on pull speed,
// with each generation's code defaults applied where a key is absent. Key names and defaults that
// change by release come from src/knowledge/ (dfdaemon-go.ts, dfdaemon-rust.ts) with their sources.
import { GO_LOG_SUBDIR, GO_VIPER_FOLDS_LIST_ITEMS } from '../knowledge/dfdaemon-go.js';
import { parseRelease, pick } from '../knowledge/versioned.js';
import { goConfig } from './dfdaemon-config-go.js';
import { goTopLevel } from './dfdaemon-config-go-top.js';
import { rustConfig } from './dfdaemon-config-rust.js';
import type { DfdaemonConfig, Generation } from './dfdaemon-config-types.js';
import { readYamlSettings, type ConfigProblem, type KeyMatch } from './yaml-settings.js';

export type { DfdaemonConfig, Generation, Setting } from './dfdaemon-config-types.js';

/** The directory the Go daemon writes core.log to, for its `logDir` (internal/dflog/loginit.go:101). */
export function goDaemonLogDir(logDir: string): string {
  return `${logDir.replace(/\/+$/, '')}/${GO_LOG_SUBDIR}`;
}

export type ConfigResult =
  { ok: true; config: DfdaemonConfig; problems: ConfigProblem[] } | { ok: false; problems: ConfigProblem[] };

/**
 * Parses a dfdaemon config; `generation` from the file name or detection. The daemon's `version`, when
 * known, picks the keys and defaults of its release (Rust: limits and timeouts; Go: the log-level key).
 */
export function parseDfdaemonConfig(text: string, generation: Generation, version?: string): ConfigResult {
  // the Go daemon reads its file through viper, which matches keys whatever their case; serde does not
  const read = readYamlSettings(text, generation === 'go' ? goKeyMatch(version) : undefined);
  if (!read.ok) return read;
  const { reader } = read;
  if (generation === 'go') {
    const top = goTopLevel(read.topKeys);
    if (top.readsNothing) return { ok: false, problems: top.problems };
    const config = goConfig(reader, version);
    return { ok: true, config, problems: [...top.problems, ...reader.problems] };
  }
  return { ok: true, config: rustConfig(reader, version), problems: reader.problems };
}

/** How viper matches the keys of this release's dfget.yaml (the newest release's way when the release is unknown). */
function goKeyMatch(version: string | undefined): KeyMatch {
  const p = pick(GO_VIPER_FOLDS_LIST_ITEMS, version ? parseRelease(version) : null);
  return { fold: true, inLists: p.kind === 'none' ? true : p.value };
}

/** Which generation a config text belongs to, from keys only one of them has. */
export function detectConfigGeneration(text: string): Generation | null {
  if (
    // any case: viper reads `DataDir:` as `dataDir:` (see goKeyMatch)
    /^\s*(dataDir|keepStorage|workHome|aliveTime|gcInterval)\s*:/im.test(text) ||
    /^\s*(totalRateLimit|perPeerRateLimit|calculateDigest|proxies)\s*:/im.test(text)
  )
    return 'go';
  if (
    /^\s*(bandwidthLimit|concurrentPieceCount|readBufferSize|rules)\s*:/m.test(text) ||
    /^\s*server\s*:\s*$/m.test(text)
  )
    return 'rust';
  return null;
}
