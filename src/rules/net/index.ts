import type { Rule } from '../rule.js';
import { localhostResolution } from './localhost-resolution.js';
import { loopbackSlow } from './loopback-slow.js';
import { netfilterBlocking } from './netfilter-blocking.js';
import { netfilterOverhead } from './netfilter-overhead.js';
import { proxyBypass } from './proxy-bypass.js';

export const netRules: Rule[] = [loopbackSlow, netfilterOverhead, netfilterBlocking, localhostResolution, proxyBypass];
