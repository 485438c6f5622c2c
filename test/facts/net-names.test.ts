import { describe, expect, it } from 'vitest';
import { resolveLikeGlibc } from '../../src/facts/net-resolve.js';
import { goProxyFor, proxyEnvFrom, redactUrl } from '../../src/facts/net-proxy.js';
import { parseSystemdEnvironment } from '../../src/parsers/containerd-env.js';
import { parseGaiConf } from '../../src/parsers/gai.js';
import { parseHosts } from '../../src/parsers/hosts.js';
import { parseNsswitchHosts } from '../../src/parsers/nsswitch.js';

const DEBIAN_HOSTS =
  '127.0.0.1\tlocalhost\n127.0.1.1\tnode-1\n\n# The following lines are desirable for IPv6 capable hosts\n::1     localhost ip6-localhost ip6-loopback\nff02::1 ip6-allnodes\n';
const files = (hosts: string, nss = 'hosts: files dns\n', gai?: string) => ({
  hosts: parseHosts(hosts),
  hostsFile: 'raw/net/hosts',
  nsswitch: parseNsswitchHosts(nss),
  ...(gai === undefined ? {} : { gai: parseGaiConf(gai) }),
});

describe('resolving like glibc', () => {
  it('puts ::1 before 127.0.0.1 for a Debian hosts file (RFC 3484 precedence 50 vs 10)', () => {
    const r = resolveLikeGlibc('localhost', files(DEBIAN_HOSTS));
    expect(r.via).toBe('files');
    expect(r.addresses).toEqual([
      { address: '::1', from: 'raw/net/hosts:5' },
      { address: '127.0.0.1', from: 'raw/net/hosts:1' },
    ]);
  });

  it('follows gai.conf when it prefers IPv4', () => {
    const r = resolveLikeGlibc('localhost', files(DEBIAN_HOSTS, undefined, 'precedence ::ffff:0:0/96 100\n'));
    expect(r.addresses.map((a) => a.address)).toEqual(['127.0.0.1', '::1']);
  });

  it('falls to myhostname or DNS when the hosts file lacks the name', () => {
    expect(resolveLikeGlibc('localhost', files('127.0.1.1 node-1\n', 'hosts: files myhostname dns\n')).via).toBe(
      'myhostname',
    );
    const dns = resolveLikeGlibc('localhost', files('127.0.1.1 node-1\n'));
    expect(dns.via).toBe('unresolved');
    expect(dns.needsDns).toBe(true);
    expect(dns.trail).toEqual(['files: not found', 'dns: needs a DNS answer (not replayable offline)']);
  });

  it('passes literals through', () => {
    expect(resolveLikeGlibc('127.0.0.1', files('')).addresses).toEqual([{ address: '127.0.0.1', from: 'literal' }]);
  });
});

describe("Go's proxy choice", () => {
  const env = proxyEnvFrom(
    parseSystemdEnvironment(
      '[Service]\nEnvironment="HTTP_PROXY=http://user:s3cret@proxy.corp:3128" "HTTPS_PROXY=http://proxy.corp:3128"\nEnvironment=NO_PROXY=localhost,10.0.0.0/8,.svc,registry.local:5000\n',
      'raw/containerd/systemd/http-proxy.conf',
    ),
  );

  it('never proxies localhost or loopback, whatever NO_PROXY says', () => {
    expect(goProxyFor('http://localhost:4001', env).proxy).toBeNull();
    expect(goProxyFor('http://127.0.0.1:4001', env).proxy).toBeNull();
    expect(goProxyFor('http://[::1]:4001', env).proxy).toBeNull();
  });

  it('proxies a node-IP or host-name mirror outside NO_PROXY', () => {
    expect(goProxyFor('http://192.168.1.10:4001', env)).toEqual({
      proxy: 'http://user:s3cret@proxy.corp:3128',
      why: 'no NO_PROXY entry covers 192.168.1.10',
    });
    expect(goProxyFor('http://node-1:65001', env).proxy).not.toBeNull();
    expect(goProxyFor('http://10.1.2.3:4001', env).why).toBe('NO_PROXY entry 10.0.0.0/8');
    expect(goProxyFor('http://dfdaemon.dragonfly.svc:4001', env).proxy).toBeNull();
    expect(goProxyFor('http://registry.local:5000', env).proxy).toBeNull();
    expect(goProxyFor('http://registry.local:5001', env).proxy).not.toBeNull();
  });

  it('prefers upper-case variables, as Go does, and masks credentials', () => {
    const vars = new Map([
      ['http_proxy', { value: 'http://lower:1', from: 'a' }],
      ['HTTP_PROXY', { value: 'http://upper:1', from: 'b' }],
    ]);
    expect(proxyEnvFrom(vars).httpProxy).toBe('http://upper:1');
    expect(redactUrl('http://user:s3cret@proxy.corp:3128')).toBe('http://REDACTED@proxy.corp:3128');
  });
});
