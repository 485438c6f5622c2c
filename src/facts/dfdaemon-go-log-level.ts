// What the Go dfdaemon's log level hides, and which setting changes it in the release at hand: up to
// v2.2.3 `verbose: true` turns DEBUG on; v2.2.4 (dragonflyoss/dragonfly #4157) removed `verbose` and
// reads `logLevel` (debug, info, warn, error) instead. A config that sets the other release's key is
// silently ignored by the daemon, which is exactly what an SRE who "turned debug on" needs to be told.
import { GO_DEBUG_SWITCH, GO_PARENT_PIECE_LINE } from '../knowledge/dfdaemon-go.js';
import { formatRange, parseRelease, pick } from '../knowledge/versioned.js';
import type { DfdaemonConfig } from '../parsers/dfdaemon-config.js';

export interface GoLevelNote {
  text: string;
  source: string;
}

/** Levels above INFO that zap honours from v2.2.4 (internal/dflog/logcore.go:71-79); anything else is INFO. */
const QUIET_LEVELS = new Set(['warn', 'error']);

export interface GoLevelInput {
  /** The daemon's release, when known. */
  version: string | undefined;
  /** The Go config read, if any. */
  config: (DfdaemonConfig & { file: string }) | undefined;
  /** The log was read and holds no DEBUG line. */
  noDebug: boolean;
  metricsRead: boolean;
}

/** The notes for a Go log with no DEBUG line and for a config whose level hides INFO lines. */
export function goLogLevelNotes({ version, config, noDebug, metricsRead }: GoLevelInput): GoLevelNote[] {
  const sw = pick(GO_DEBUG_SWITCH, version ? parseRelease(version) : null);
  // true / false when the release is known, undefined when it is not
  const readsLogLevel = sw.kind === 'known' ? sw.value.key === 'logLevel' : undefined;
  const out: GoLevelNote[] = [];
  if (noDebug) {
    const how =
      sw.kind === 'known'
        ? `this release, ${version}, logs DEBUG only with ${sw.value.text}`
        : 'it logs DEBUG only with `verbose: true` up to v2.2.3 and `logLevel: debug` from v2.2.4; the version is unknown';
    const pieces = pieceLines(version);
    out.push({
      text: `The Go dfdaemon log holds no DEBUG line (${how}): the proxy's routing lines ("round trip directly" / "round trip with dragonfly") are DEBUG in every release, so which requests bypassed P2P and went straight to the origin is known only from the metrics (dragonfly_dfdaemon_proxy_request_not_via_dragonfly_total)${metricsRead ? '' : ', which were not read'}. ${pieces.text}${unknownReleaseSwitch(config, readsLogLevel)}`,
      source: `dragonfly v2.1.49 client/daemon/transport/transport.go:242, :246 (Debugf); dragonfly ${(sw.kind === 'none' ? GO_DEBUG_SWITCH.entries[1] : sw.entry)?.source ?? ''}; dragonfly ${pieces.source}`,
    });
  }
  const level = config?.logLevel;
  const quiet = level?.from === 'config' ? level.value.trim().toLowerCase() : '';
  if (QUIET_LEVELS.has(quiet) && readsLogLevel !== false) {
    out.push({
      text: `${config?.file} sets \`logLevel: ${level?.value}\`${level?.line ? ` (line ${level.line})` : ''}: ${readsLogLevel ? '' : 'if the daemon is v2.2.4 or later (the version is unknown), '}it writes no INFO line, so its log shows no task starts, cache hits, scheduler registrations or durations; timelines come only from what it logs at ${quiet === 'warn' ? 'WARN and ERROR' : 'ERROR'}, and the metrics are the evidence. Set \`logLevel: info\` (the default) to diagnose pulls from the log.`,
      source: GO_DEBUG_SWITCH.entries[1]?.source ?? '',
    });
  }
  return out;
}

/**
 * Which piece lines an INFO log still holds: a piece from the origin logs only at DEBUG, a piece a parent
 * offers at INFO in a wording that changed with the release (GO_PARENT_PIECE_LINE).
 */
function pieceLines(version: string | undefined): GoLevelNote {
  const line = pick(GO_PARENT_PIECE_LINE, version ? parseRelease(version) : null);
  const assumed = GO_PARENT_PIECE_LINE.entries[GO_PARENT_PIECE_LINE.assumeWhenUnknown];
  const parent =
    line.kind === 'known'
      ? `in ${version}, ${line.value}`
      : `${assumed?.value ?? ''} (the version is unknown: assumed ${assumed ? formatRange(assumed.range) : ''}; ${GO_PARENT_PIECE_LINE.entries
          .filter((e) => e !== assumed)
          .map((e) => `${formatRange(e.range)}: ${e.value}`)
          .join('; ')})`;
  return {
    text: `The line of each piece fetched from the origin ("download piece <n>") is DEBUG in every release too, but each piece a parent offers is logged at INFO: ${parent}`,
    source: `${(line.kind === 'known' ? line.entry : assumed)?.source ?? ''}; v2.1.49 client/daemon/peer/piece_manager.go:491, :546 (Debugf)`,
  };
}

/**
 * The tail of the no-DEBUG note when the version is unknown and the config sets one release's switch.
 * (With a known version the parser reads only that release's key and reports the other as not read.)
 */
function unknownReleaseSwitch(config: DfdaemonConfig | undefined, readsLogLevel: boolean | undefined): string {
  if (readsLogLevel !== undefined) return '.';
  if (config?.verbose?.from === 'config' && config.verbose.value)
    return '. This config sets `verbose: true`: if the daemon is v2.2.4 or later, it no longer reads it (dragonflyoss/dragonfly #4157) and `logLevel: debug` is the setting.';
  const level = config?.logLevel;
  if (level?.from === 'config' && level.value.trim().toLowerCase() === 'debug')
    return '. This config sets `logLevel: debug`: if the daemon is older than v2.2.4, it does not read it and `verbose: true` is the setting.';
  return '.';
}
