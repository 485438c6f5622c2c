import type { Rule } from '../rule.js';
import { cacheNotPersistent } from './cache-not-kept.js';
import { cannotListen } from './cannot-listen.js';
import { verification } from './digest-verification.js';
import { hitNotLocal } from './hit-not-local.js';
import { mirrorDisabled } from './mirror-disabled.js';
import { mirrorWrongRegistry } from './mirror-wrong-registry.js';
import { originFailed } from './origin-failed.js';
import { mirrorUrlScheme } from './mirror-url-scheme.js';
import { proxyBodyCut } from './proxy-body-cut.js';
import { proxyRequestLimit } from './proxy-request-limit.js';
import { proxyRules } from './proxy-rules.js';
import { proxyNotHttp } from './proxy-not-http.js';
import { proxyTls } from './proxy-tls.js';
import { rateLimit } from './rate-limit.js';
import { registryRoundtrip } from './registry-roundtrip.js';
import { resource } from './resource.js';
import { parentFailures } from './parent-failures.js';
import { multiplexOff } from './reuse-disabled.js';
import { schedulerBackSource } from './scheduler-back-source.js';
import { schedulerGaveUp } from './scheduler-gave-up.js';
import { schedulerWait } from './scheduler-wait.js';
import { storageFull } from './storage-full.js';
import { taskIdChurn } from './task-id-churn.js';
import { version } from './version.js';

export const dfdaemonRules: Rule[] = [
  rateLimit,
  verification,
  hitNotLocal,
  taskIdChurn,
  multiplexOff,
  cacheNotPersistent,
  proxyRules,
  mirrorDisabled,
  mirrorWrongRegistry,
  mirrorUrlScheme,
  proxyRequestLimit,
  proxyTls,
  proxyNotHttp,
  proxyBodyCut,
  cannotListen,
  schedulerWait,
  schedulerBackSource,
  schedulerGaveUp,
  parentFailures,
  storageFull,
  originFailed,
  resource,
  version,
  registryRoundtrip,
];
