import { loopbackSlow } from './net-loopback.js';
import { localhostResolution, proxyBypass } from './net-names.js';
import { netfilterBlocking, netfilterOverhead } from './net-netfilter.js';
import type { Rule } from './rule.js';

export const netRules: Rule[] = [loopbackSlow, netfilterOverhead, netfilterBlocking, localhostResolution, proxyBypass];
