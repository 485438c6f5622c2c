// What containerd.mirror-fallback found, read by its evidence (mirror-fallback.ts) and its steps
// (mirror-fallback-steps.ts).
import type { ContainerdFacts, RegistryRoute, RouteHost } from '../../facts/containerd.js';
import type { ContainerdLogEvent } from '../../parsers/containerd-log.js';
import type { LineRef } from '../../parsers/dfdaemon-timeline.js';
import type { FailedPull, FailingMirror, RequestCost } from './mirror-failures.js';
import type { LoggedCost, NextMirror } from './mirror-fallback-timing.js';
import type { NotManifestPull } from './mirror-not-manifest.js';

export interface FallbackFinding {
  c: ContainerdFacts;
  fallbacks: ContainerdLogEvent[];
  cancels: ContainerdLogEvent[];
  /** Pulls that failed with a mirror's error status or its request unanswered: every host after it failed too (from 1.3.4). */
  failedPulls: FailedPull[];
  /** Pulls that failed because the mirror answered the manifest request 2xx with no manifest (no fallback). */
  notManifest: NotManifestPull[];
  failing: FailingMirror[];
  blackholed?: RouteHost;
  hung?: RouteHost;
  /** dfdaemon's proxy errors, shown when containerd's side shows nothing. */
  proxyErrors: LineRef[];
  /** Where pulls go instead, when the mirror is fallen back from (not merely waited on). */
  fallbackRoutes: RegistryRoute[];
  /** What the black-holed (dial timeout) or hung (response-header timeout, 2.3+) mirror costs each request. */
  requestCost?: RequestCost;
  /** What the log's timestamps show the failing mirrors cost a resolve, when no live check gave a cost. */
  logged?: LoggedCost;
  /** Failing mirrors the log shows containerd left for another mirror (not the origin), for the evidence. */
  toMirrors: NextMirror[];
}
