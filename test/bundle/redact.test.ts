import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { parse as parseToml } from 'smol-toml';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManifestSchema } from '../../src/bundle/manifest.js';
import { createRedactor, syntaxOf } from '../../src/bundle/redact.js';
import { packTarball } from '../../src/bundle/tarball.js';
import { BundleWriter } from '../../src/bundle/writer.js';
import { bundleOnlyFiles, bundlePathOf, forbiddenForms, secretNodeFiles } from '../helpers/secret-node.js';

/** Every file of the secret node, by bundle path, as a collect would write it. */
function bundleFiles(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [p, text] of Object.entries(secretNodeFiles())) out[bundlePathOf(p)] = text;
  return { ...out, ...bundleOnlyFiles() };
}

// parsed config trees are walked by key in these tests
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Tree = Record<string, any>;

function leaks(haystack: string): string[] {
  return forbiddenForms().filter((f) => haystack.includes(f));
}

describe('redaction of a bundle written through BundleWriter', () => {
  let dir: string;
  let tarBytes: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dfdoctor-redact-'));
    const w = new BundleWriter(join(dir, 'b'), createRedactor());
    for (const [rel, text] of Object.entries(bundleFiles())) await w.writeText(rel, text, `/node/${rel}`);
    await w.finish({
      tool: { name: 'dfdoctor', version: 'test' },
      host: { hostname: 'n', kernel: 'k', os: 'o', cpus: 1, memoryBytes: 1 },
      createdAt: '2026-11-25T00:00:00.000Z',
    });
    await packTarball(join(dir, 'b'), join(dir, 'b.tar.gz'));
    tarBytes = gunzipSync(await readFile(join(dir, 'b.tar.gz'))).toString('latin1');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('the unredacted input holds every secret (the scan can find them)', () => {
    const all = Object.values(bundleFiles()).join('\n');
    // every plain secret and every base64 pair occurs in the input, so a clean output is not an accident
    expect(leaks(all).length).toBeGreaterThan(40);
  });

  it('no secret, URL-encoded secret or base64 form occurs in any byte of the tarball', () => {
    expect(leaks(tarBytes)).toEqual([]);
  });

  it('the manifest says what was redacted where, for every file that held a secret', async () => {
    const m = ManifestSchema.parse(JSON.parse(await readFile(join(dir, 'b', 'manifest.json'), 'utf8')));
    const files = new Set((m.redactions ?? []).map((r) => r.file));
    for (const rel of Object.keys(bundleFiles())) {
      if (rel === 'raw/kubelet/config.yaml') continue; // holds no secret
      expect(files, rel).toContain(rel);
    }
    const what = (m.redactions ?? []).filter((r) => r.file === 'raw/containerd/config.toml').map((r) => r.what);
    expect(what.some((w) => w.includes('"password"') && w.includes('registry.example.com'))).toBe(true);
    expect(
      (m.redactions ?? []).some((r) => r.file.endsWith('hosts.toml') && r.what.startsWith('header "Authorization"')),
    ).toBe(true);
  });
});

describe("a probe's record in the manifest", () => {
  it('loses a credential it quotes, and the manifest says so; a plain record stays as it was', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dfdoctor-redact-manifest-'));
    try {
      const w = new BundleWriter(dir, createRedactor());
      const plain = { status: 'ok' as const, durationMs: 3, steps: [{ atMs: 1, what: 'scraping' }] };
      w.recordProbe('disk', plain);
      w.recordProbe('dfdaemon', {
        status: 'skipped',
        reason: 'GET http://scraper-7:MetricsPass-2468@127.0.0.1:4002/metrics?token=MetricsTok-1357abcd refused',
        durationMs: 5,
      });
      await w.finish({
        tool: { name: 'dfdoctor', version: 'test' },
        host: { hostname: 'n', kernel: 'k', os: 'o', cpus: 1, memoryBytes: 1 },
        createdAt: '2026-12-06T00:00:00.000Z',
      });
      const text = await readFile(join(dir, 'manifest.json'), 'utf8');
      for (const s of ['MetricsPass-2468', 'MetricsTok-1357abcd']) expect(text).not.toContain(s);
      const m = ManifestSchema.parse(JSON.parse(text));
      expect(m.probes.dfdaemon?.reason).toContain('127.0.0.1:4002/metrics');
      expect(m.probes.disk).toEqual(plain);
      expect((m.redactions ?? []).filter((r) => r.file === 'manifest.json').length).toBeGreaterThan(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('redaction keeps what analysis needs', () => {
  const r = () => createRedactor();
  const files = bundleFiles();

  it('a scheme name followed by a word is prose; followed by a token, a credential', () => {
    const log = (t: string) => createRedactor()('raw/dfdaemon/logs/core.log', t).text;
    for (const prose of [
      'Digest mismatches mean a parent served corrupt pieces',
      'Negotiate protocol version',
      'Basic authentication failed',
    ])
      expect(log(prose)).toBe(prose);
    const spnego = 'YIIGhgYJKoZIhvcSAQICAQBuggZ1MIIGcaADAgEFoQMCAQ6iBwMFACAAAACjggSV';
    expect(log(`Authorization: Negotiate ${spnego}`)).not.toContain(spnego);
    expect(log(`auth: Negotiate ${spnego}`)).not.toContain(spnego);
    expect(log('Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig-1234')).toBe('Bearer REDACTED');
  });

  it('redacted TOML still parses and keeps non-secret settings', () => {
    const red = r();
    const cfg = red('raw/containerd/config.toml', files['raw/containerd/config.toml'] as string).text;
    const t = parseToml(cfg) as Tree;
    const cri = t.plugins['io.containerd.grpc.v1.cri'];
    expect(cri.registry.config_path).toBe('/etc/containerd/certs.d');
    expect(cri.registry.configs['registry.example.com'].auth.password).toBe('REDACTED');
    expect(cri.registry.configs['registry.example.com'].tls.key_file).toBe('/etc/containerd/certs/client.key');
    expect(cri.registry.configs['registry.example.com'].tls.insecure_skip_verify).toBe(false);
    expect(t.imports).toEqual(['/etc/containerd/conf.d/*.toml']);
    // line numbers of located messages stay right
    expect(cfg.split('\n').length).toBe((files['raw/containerd/config.toml'] as string).split('\n').length);

    const hosts = parseToml(
      red(
        'raw/containerd/certs.d/registry.example.com/hosts.toml',
        files['raw/containerd/certs.d/registry.example.com/hosts.toml'] as string,
      ).text,
    ) as Tree;
    expect(hosts.server).toBe('https://registry.example.com');
    expect(hosts.host['http://127.0.0.1:4001'].capabilities).toEqual(['pull', 'resolve']);
    expect(hosts.host['http://127.0.0.1:4001'].header['User-Agent']).toBe('containerd');
    expect(hosts.host['http://127.0.0.1:4001'].header.Authorization).toEqual(['REDACTED']);
  });

  it('redacted YAML still parses and keeps speed-relevant keys', () => {
    const red = r();
    const go = parseYaml(red('raw/dfdaemon/config/dfget.yaml', files['raw/dfdaemon/config/dfget.yaml'] as string).text);
    expect(go.download.totalRateLimit).toBe('1024Mi');
    expect(go.storage.multiplex).toBe(true);
    expect(go.proxy.proxies).toEqual([{ regx: 'blobs/sha256.*' }]);
    expect(go.proxy.registryMirror.url).toBe('https://REDACTED@index.docker.io');
    expect(go.hijackHTTPS.cert).toBe('/etc/dragonfly/ca.crt');
    const rust = parseYaml(
      red('raw/dfdaemon/config/dfdaemon.yaml', files['raw/dfdaemon/config/dfdaemon.yaml'] as string).text,
    );
    expect(rust.proxy.readBufferSize).toBe(32768);
    expect(rust.proxy.server.caKey).toBe('/etc/ssl/ca.key');
    expect(rust.tokens).toEqual(['REDACTED', 'REDACTED']);
    expect(rust.manager.addr).toBe('http://manager:65003');
  });

  it('log lines without secrets are left byte for byte; proxy hosts and NO_PROXY stay', () => {
    const red = r();
    const journal = files['raw/containerd/journal.txt'] as string;
    const out = red('raw/containerd/journal.txt', journal).text;
    expect(out.split('\n')[0]).toBe(journal.split('\n')[0]);
    const log = red('raw/dfdaemon/logs/dfdaemon.log', files['raw/dfdaemon/logs/dfdaemon.log'] as string).text;
    expect(log).toContain('WARN dragonfly_client::grpc: token: unexpected status');
    const env = red('raw/containerd/env.txt', files['raw/containerd/env.txt'] as string).text;
    expect(env).toContain('HTTP_PROXY=http://REDACTED@proxy.corp:3128');
    expect(env).toContain('NO_PROXY=localhost,127.0.0.1,.svc');
    expect(env).toContain('AWS_SECRET_ACCESS_KEY=REDACTED');
  });

  it('leaves routing headers, system databases and command outputs alone', () => {
    const red = r();
    const hosts =
      'server = "https://index.docker.io"\n[host."http://127.0.0.1:4001"]\n  capabilities = ["pull", "resolve"]\n  [host."http://127.0.0.1:4001".header]\n    X-Dragonfly-Registry = "https://index.docker.io"\n';
    expect(red('raw/containerd/certs.d/docker.io/hosts.toml', hosts)).toEqual({ text: hosts, redactions: [] });
    const nss = 'passwd:         files systemd\ngroup:          files systemd\nhosts:          files dns\n';
    expect(red('raw/net/nsswitch.conf', nss)).toEqual({ text: nss, redactions: [] });
    const ipt = '-A KUBE-SVC-X -m comment --comment "default/auth-token-service:http" -j KUBE-SEP-Y\n';
    expect(red('raw/net/iptables-save.txt', ipt).text).toBe(ipt);
    // but a credential in a URL goes wherever it is
    expect(red('raw/net/listeners.txt', 'x http://u:SysUrlPass-1@h/ y').text).toBe('x http://REDACTED@h/ y');
  });

  it('a secret seen in one file is scrubbed from later files of the same bundle, not from another bundle', () => {
    const a = createRedactor();
    a('raw/containerd/config.toml', 'password = "SeenOnce-Secret-777"\n');
    expect(a('raw/containerd/journal.txt', 'msg="login with SeenOnce-Secret-777"\n').text).not.toContain(
      'SeenOnce-Secret-777',
    );
    const b = createRedactor();
    expect(b('raw/containerd/journal.txt', 'msg="login with SeenOnce-Secret-777"\n').text).toContain(
      'SeenOnce-Secret-777',
    );
  });

  it('a user name beside a password is hidden where it stands alone, not inside a host name or a path', () => {
    // a Harbor robot's user named after the registry: the registry's host must survive for the mirror rules
    const r = createRedactor();
    const config = r(
      'raw/containerd/config.toml',
      [
        '[plugins."io.containerd.grpc.v1.cri".registry.configs."harbor.corp.example".auth]',
        '  username = "harbor"',
        '  password = "Xy9-secret-pass"',
        '',
      ].join('\n'),
    );
    expect(config.text).toContain('configs."harbor.corp.example".auth]');
    expect(config.text).toContain('username = "REDACTED"');
    expect(config.text).not.toContain('Xy9-secret-pass');
    const hosts = r(
      'raw/containerd/certs.d/harbor.corp.example/hosts.toml',
      'server = "https://harbor.corp.example"\n[host."http://127.0.0.1:65001"]\n',
    );
    expect(hosts.text).toBe('server = "https://harbor.corp.example"\n[host."http://127.0.0.1:65001"]\n');
    const log = r(
      'raw/containerd/journal.txt',
      'pull harbor.corp.example/app:1 from harbor-mirror at /var/lib/harbor/x\nlogin user=harbor ok; "harbor" again; harbor:5000 is a port\n',
    );
    expect(log.text).toBe(
      'pull harbor.corp.example/app:1 from harbor-mirror at /var/lib/harbor/x\nlogin user=REDACTED ok; "REDACTED" again; harbor:5000 is a port\n',
    );
    expect(log.redactions).toEqual([
      { file: 'raw/containerd/journal.txt', what: 'user name seen elsewhere in the bundle', count: 2 },
    ]);
    // the same in YAML: dfdaemon's proxy basic auth user named after the project
    const y = createRedactor();
    expect(
      y(
        'raw/dfdaemon/config/dfget.yaml',
        'proxy:\n  basicAuth:\n    username: dragonfly\n    password: Xy9-secret-pass\n',
      ).text,
    ).toBe('proxy:\n  basicAuth:\n    username: "REDACTED"\n    password: "REDACTED"\n');
    expect(y('raw/dfdaemon/logs/core.log', 'open /var/log/dragonfly/daemon as dragonfly\n').text).toBe(
      'open /var/log/dragonfly/daemon as REDACTED\n',
    );
  });

  it('a user name under a secret key of a JSON file is a name too, not a value scrubbed inside words', () => {
    const r = createRedactor();
    const json = r(
      'raw/containerd/mirror-auth.json',
      '{"auth": {"username": "harbor", "password": "Xy9-secret-pass"}}\n',
    );
    expect(JSON.parse(json.text)).toEqual({ auth: { username: 'REDACTED', password: 'REDACTED' } });
    // the registry's host, named like its robot user, survives in the next file
    expect(r('raw/containerd/journal.txt', 'pull harbor.corp.example/app:1 as harbor\n').text).toBe(
      'pull harbor.corp.example/app:1 as REDACTED\n',
    );
  });

  it("a URL's user name is kept as a name, a userinfo without a password as a token", () => {
    const r = createRedactor();
    expect(r('raw/system/env.txt', 'HTTPS_PROXY=http://metrics:Pw-123456@10.0.0.1:3128\n').text).toBe(
      'HTTPS_PROXY=http://REDACTED@10.0.0.1:3128\n',
    );
    expect(r('raw/dfdaemon/logs/core.log', 'GET /metrics user metrics Pw-123456\n').text).toBe(
      'GET /metrics user REDACTED REDACTED\n',
    );
    // a token taken as the user (https://<token>:x-oauth-basic@github.com) is a value too
    r('raw/system/env.txt', 'REPO=https://ghp0UserTok3n0123456789:x-oauth-basic@github.com/x\n');
    expect(r('raw/dfdaemon/logs/core.log', 'cloned /src/ghp0UserTok3n0123456789/x\n').text).toBe(
      'cloned /src/REDACTED/x\n',
    );
    // https://<token>@host: one value, scrubbed wherever it occurs, inside a path too
    r('raw/system/env.txt', 'GIT_URL=https://ghp0Tok3nValue99@github.com/x\n');
    expect(r('raw/dfdaemon/logs/core.log', 'cloned /src/ghp0Tok3nValue99/x\n').text).toBe('cloned /src/REDACTED/x\n');
  });

  it('a signed URL ending in a comma loses its signature, not the comma; a comma inside a value goes with it', () => {
    const r = createRedactor();
    expect(
      r(
        'raw/dfdaemon/logs/core.log',
        'round trip directly, method: GET, url: https://b.s3.amazonaws.com/k?X-Amz-Signature=abcdef0123456789, status: 200\n' +
          'GET https://h/p?token=abc123def456,next=1 done\n',
      ).text,
    ).toBe(
      'round trip directly, method: GET, url: https://b.s3.amazonaws.com/k?X-Amz-Signature=REDACTED, status: 200\n' +
        'GET https://h/p?token=REDACTED done\n',
    );
  });

  it("an auth scheme's name is not taken for the secret it introduces", () => {
    const r = createRedactor();
    expect(r('raw/kubelet/flags.txt', 'Authorization: Bearer abcdef0123456789xyz\n').text).toBe(
      'Authorization: Bearer REDACTED\n',
    );
    r('raw/containerd/config.toml', '[x]\n  header = { Authorization = "Bearer zyxw9876543210abcd" }\n');
    expect(
      r('raw/dfdaemon/logs/core.log', 'www-authenticate: Bearer realm="https://auth.docker.io/token"\n').text,
    ).toBe('www-authenticate: Bearer realm="https://auth.docker.io/token"\n');
  });

  it('JSON files are redacted structurally and stay JSON', () => {
    const red = r();
    const text = `${JSON.stringify({ hosts: [{ url: 'https://u:JsonUrlPass-1@m.example.com/v2/?token=JsonTok-12345678', status: 200, headers: { Authorization: 'JsonAuth-abc' } }], password: 'JsonPass-99' }, null, 2)}\n`;
    const out = red('raw/containerd/mirror-check.json', text).text;
    const v = JSON.parse(out);
    expect(v.hosts[0].status).toBe(200);
    expect(v.hosts[0].url).toBe('https://REDACTED@m.example.com/v2/?token=REDACTED');
    expect(v.hosts[0].headers.Authorization).toBe('REDACTED');
    expect(v.password).toBe('REDACTED');
    // a kubelet drop-in in JSON is read structurally: a token value goes, the pull settings stay
    const dropIn = red(
      'raw/kubelet/config.d/40-nodeadm.conf',
      '{"maxParallelImagePulls": 10, "staticPodURLHeader": {"Authorization": ["Bearer s3cr3tT0kenValue"]}}\n',
    ).text;
    expect(dropIn).not.toContain('s3cr3tT0kenValue');
    expect(dropIn).toContain('"maxParallelImagePulls": 10');
    // nothing secret: the text is left exactly as it was
    const plain = '{\n  "count": 5,\n  "max": 262144\n}\n';
    expect(red('raw/net/conntrack.json', plain).text).toBe(plain);
  });

  it('chooses the syntax by bundle path', () => {
    expect(syntaxOf('raw/containerd/config.toml')).toBe('toml');
    expect(syntaxOf('raw/containerd/imports/10-creds.conf')).toBe('toml');
    expect(syntaxOf('raw/containerd/certs.d/docker.io/hosts.toml')).toBe('toml');
    expect(syntaxOf('raw/dfdaemon/config/dfget.yaml')).toBe('yaml');
    // kubelet --config-dir drop-ins: KubeletConfiguration (YAML or JSON) named *.conf
    expect(syntaxOf('raw/kubelet/config.d/40-nodeadm.conf')).toBe('yaml');
    expect(syntaxOf('raw/containerd/env.txt')).toBe('env');
    expect(syntaxOf('raw/containerd/journal.txt')).toBe('log');
    expect(syntaxOf('raw/dfdaemon/logs/core.log')).toBe('log');
    expect(syntaxOf('raw/containerd/systemd/http-proxy.conf')).toBe('config-text');
    expect(syntaxOf('raw/net/nsswitch.conf')).toBe('system');
    expect(syntaxOf('raw/system/dmesg.txt')).toBe('log');
  });
});

// Secrets shaped like real ones: letters, digits and the punctuation tokens and passwords use.
const secretArb = fc
  .string({
    unit: fc.constantFrom(...'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ0123456789-_.~+/!%*'.split('')),
    minLength: 10,
    maxLength: 40,
  })
  .map((s) => `Zq9${s}`);

const PLACES: [string, (s: string) => string][] = [
  [
    'raw/containerd/config.toml',
    (s) => `[plugins."io.containerd.grpc.v1.cri".registry.configs."r.example.com".auth]\n  password = '${s}'\n`,
  ],
  [
    'raw/containerd/config.toml',
    (s) =>
      `[plugins."io.containerd.grpc.v1.cri".registry.configs."r.example.com"]\n  auth = { username = "u", password = '${s}' }\n`,
  ],
  [
    'raw/containerd/config-dump.toml',
    (s) => `[plugins.'io.containerd.cri.v1.images'.registry.configs.'r.example.com'.auth]\n  identitytoken = '${s}'\n`,
  ],
  [
    'raw/containerd/certs.d/r.example.com/hosts.toml',
    (s) => `[host."http://127.0.0.1:4001".header]\n  X-Registry-Auth = ['${s}']\n`,
  ],
  [
    'raw/containerd/certs.d/r.example.com/hosts.toml',
    (s) => `[host."http://127.0.0.1:4001"\n  header = { Authorization = 'Bearer ${s}' }\n`,
  ],
  ['raw/dfdaemon/config/dfdaemon.yaml', (s) => `security:\n  token: '${s}'\n`],
  ['raw/dfdaemon/config/dfget.yaml', (s) => `proxy:\n  basicAuth:\n    password: |\n      ${s}\n  port: 65001\n`],
  ['raw/dfdaemon/config/dfget.yaml', (s) => `: broken [\nsecretKey: '${s}'\n`],
  ['raw/dfdaemon/config/dfdaemon.yaml', (s) => `manager:\n  password:\n    ${s}\n  addr: http://m:65003\n`],
  ['raw/dfdaemon/config/dfdaemon.yaml', (s) => `- name: a\n  auth:\n    - user: u\n      pass: "${s}"\n`],
  ['raw/containerd/env.txt', (s) => `HTTPS_PROXY=http://user:${encodeURIComponent(s)}@proxy:3128\n`],
  ['raw/containerd/systemd/proxy.conf', (s) => `[Service]\nEnvironment="REGISTRY_PASSWORD=${s}"\n`],
  [
    'raw/dfdaemon/logs/core.log',
    (s) => `{"msg":"GET https://b.s3.amazonaws.com/x?X-Amz-Signature=${encodeURIComponent(s)}&X-Amz-Date=1"}\n`,
  ],
  ['raw/dfdaemon/logs/core.log', (s) => `{"header":{"Authorization":["Bearer ${s}"]}}\n`],
  [
    'raw/dfdaemon/logs/core.log',
    (s) =>
      `${JSON.stringify({ msg: `request url: /v2/, with header: http.Header{"X-Registry-Auth":[]string{"${s}"}}` })}\n`,
  ],
  [
    'raw/dfdaemon/logs/core.log',
    (s) => `DEBUG\tstart download with url: /v2/, header: http.Header{"Cookie":[]string{"_ga=${s}"}}\n`,
  ],
  ['raw/dfdaemon/logs/dfdaemon.log', (s) => `INFO proxy: GET /v2/token?access_token=${encodeURIComponent(s)} 200\n`],
  [
    'raw/containerd/journal.txt',
    (s) => `level=debug msg="auth" request.header.authorization="Basic ${Buffer.from(`u:${s}`).toString('base64')}"\n`,
  ],
];

describe('property: a secret in any supported place never survives', () => {
  it.each(PLACES.map(([p, f], i) => [i, p, f] as const))('place %i (%s)', (_i, path, template) => {
    fc.assert(
      fc.property(secretArb, (s) => {
        const out = createRedactor()(path, template(s)).text;
        expect(out).not.toContain(s);
        expect(out).not.toContain(encodeURIComponent(s));
        // redaction is stable: redacting the output again changes nothing
        expect(createRedactor()(path, out).text).toBe(out);
      }),
      { numRuns: 60 },
    );
  });
});

describe('text mangled before it reaches the redactor', () => {
  it('a multi-line password whose opening quotes were already half replaced does not leak', () => {
    // what a naive `password = "…"` regex makes of `password = """`: the value's lines are left dangling
    const mangled = [
      '[plugins."io.containerd.grpc.v1.cri".registry.configs."m.example.com".auth]',
      '  password = "REDACTED""',
      'DanglingLinePass-0099',
      '"""',
      '[plugins."io.containerd.grpc.v1.cri".registry.configs."m.example.com".tls]',
      '  insecure_skip_verify = true',
      '[plugins."other".x]',
      '  token = "REDACTED"\'',
      "DanglingSingleQuoted-1'",
      '  keep = "this"',
    ].join('\n');
    const out = createRedactor()('raw/containerd/config.toml', mangled).text;
    expect(out).not.toContain('DanglingLinePass-0099');
    expect(out).not.toContain('DanglingSingleQuoted-1');
    expect(out).toContain('insecure_skip_verify = true');
    expect(out).toContain('keep = "this"');
  });

  it("through the containerd probe's own pre-strip, the secret node's config does not leak", async () => {
    const { stripTomlSecrets } = await import('../../src/probes/containerd-proc.js');
    const text = stripTomlSecrets(secretNodeFiles()['/etc/containerd/config.toml'] as string);
    const out = createRedactor()('raw/containerd/config.toml', text).text;
    expect(leaks(out)).toEqual([]);
  });
});

describe('property: hostile text', () => {
  const paths = [
    'raw/containerd/config.toml',
    'raw/dfdaemon/config/dfget.yaml',
    'raw/containerd/mirror-check.json',
    'raw/containerd/env.txt',
    'raw/kubelet/flags.txt',
    'raw/dfdaemon/logs/core.log',
    'raw/net/iptables-save.txt',
  ];
  const pieces = [
    '\n',
    '"""',
    "'''",
    '[',
    ']',
    '{',
    '}',
    '"',
    "'",
    ' = ',
    ': ',
    '- ',
    '  ',
    '|',
    '#',
    'password',
    'token',
    'auth',
    'key',
    'Bearer ',
    'Basic ',
    '://',
    '@',
    '?',
    '&',
    '=',
    '-----BEGIN RSA PRIVATE KEY-----',
    '-----END RSA PRIVATE KEY-----',
    'abc',
    'QUJD',
    '\\',
    '\u0000',
    '\r',
  ];
  const textArb = fc
    .array(fc.oneof(fc.constantFrom(...pieces), fc.string({ maxLength: 8 })), { maxLength: 80 })
    .map((a) => a.join(''));
  it('never throws, and keeps the line count of every text but reformatted JSON', () => {
    fc.assert(
      fc.property(fc.constantFrom(...paths), textArb, (path, text) => {
        const out = createRedactor()(path, text);
        if (!path.endsWith('.json')) expect(out.text.split('\n').length).toBe(text.split('\n').length);
        for (const r of out.redactions) expect(r.count).toBeGreaterThan(0);
      }),
      { numRuns: 400 },
    );
  });
});

// Go dfdaemon dumps request headers with `%#v` (dragonflyoss/dragonfly v2.1.49
// client/daemon/transport/transport.go:339 at debug; v2.0.10 transport.go:243 at info). Its log files are
// zap JSON (internal/dflog/logcore.go: NewJSONEncoder), where the dump's quotes read `\"`; with
// `console: true` zap's console layout keeps them bare.
describe('Go http.Header dumps in dfdaemon logs', () => {
  const dump =
    'http.Header{"Accept":[]string{"application/vnd.oci.image.manifest.v1+json"}, "Authorization":[]string{"Token GoTok-a1b2c3d4e5"}, ' +
    '"Cookie":[]string{"_ga=GA1.2.GoCookie-98765; sid=GoSid-13579"}, "Proxy-Authorization":[]string{"Basic cHJveHk6R29Qcm94eVBhc3MtNDQ0"}, ' +
    '"User-Agent":[]string{"containerd/v1.6.20"}, "X-Dragonfly-Tag":[]string{"ci-tag"}, "X-Registry-Auth":[]string{"GoRegAuth-eyJ1c2VyIjoidSJ9", "GoRegAuth-second-value"}}';
  const secrets = [
    'GoTok-a1b2c3d4e5',
    'GoCookie-98765',
    'GoSid-13579',
    'cHJveHk6R29Qcm94eVBhc3MtNDQ0',
    'GoProxyPass-444',
    'GoRegAuth-eyJ1c2VyIjoidSJ9',
    'GoRegAuth-second-value',
  ];
  const url = 'https://registry.example.com/v2/library/alpine/blobs/sha256:4abcf2066143';
  const jsonLine = JSON.stringify({
    level: 'debug',
    ts: '2024-06-01 10:00:00.123',
    caller: 'transport/transport.go:339',
    msg: `request url: ${url}, with header: ${dump}`,
  });
  const consoleLine = `2024-06-01T10:00:00.123Z\tINFO\ttransport/transport.go:243\tstart download with url: ${url}, header: ${dump}\t{"peer": "10.0.0.1-1-abc"}`;

  it.each([
    ['zap JSON (escaped quotes)', jsonLine],
    ['zap console (bare quotes)', consoleLine],
  ])('%s: credential headers go, the rest of the dump stays', (_layout, line) => {
    const r = createRedactor()('raw/dfdaemon/logs/core.log', `${line}\n`);
    for (const s of secrets) expect(r.text).not.toContain(s);
    expect(r.text).toContain('containerd/v1.6.20');
    expect(r.text).toContain('ci-tag');
    expect(r.text).toContain('application/vnd.oci.image.manifest.v1+json');
    expect(r.text).toContain(url);
    for (const h of ['Authorization', 'Cookie', 'Proxy-Authorization', 'X-Registry-Auth'])
      expect(r.redactions.map((x) => x.what)).toContain(`value of header "${h}"`);
    expect(r.text.split('\n').length).toBe(2);
  });

  it('the JSON line stays JSON, its message keeps the dump shape with the values replaced', () => {
    const out = createRedactor()('raw/dfdaemon/logs/core.log', jsonLine).text;
    const msg = (JSON.parse(out) as { msg: string }).msg;
    expect(msg).toContain('"Authorization":[]string{"REDACTED"}');
    expect(msg).toContain('"X-Registry-Auth":[]string{"REDACTED"}');
    expect(msg).toContain('"User-Agent":[]string{"containerd/v1.6.20"}');
  });

  it('a quote or brace inside an escaped value does not let the rest of the value through', () => {
    const go = 'http.Header{"Cookie":[]string{"q=\\"x}y\\" GoQuoted-24680"}}';
    const line = JSON.stringify({ msg: `request url: ${url}, with header: ${go}` });
    for (const l of [line, go]) {
      const out = createRedactor()('raw/dfdaemon/logs/core.log', l).text;
      expect(out).not.toContain('GoQuoted-24680');
    }
  });

  // Rust client before v1.3.9 logged the whole request (dragonflyoss/client v1.0.0
  // dragonfly-client/src/grpc/dfdaemon_download.rs:281 `download task started: {:?}`), its
  // `request_header` a HashMap<String, String> in Rust's Debug form
  it('Rust Debug dumps of request_header lose their credential values too', () => {
    const line =
      '2024-06-01T10:00:00.423456789+00:00  INFO dragonfly_client::grpc::dfdaemon_download: download task started: Download { url: "https://r.example.com/v2/a/blobs/sha256:ab", ' +
      'request_header: {"authorization": "Token RsTok-1122334455", "cookie": "_ga=RsCookie-667788", "x-registry-auth": "RsRegAuth-99aabb", "user-agent": "containerd/v1.7.27"}, output_path: None }';
    const out = createRedactor()('raw/dfdaemon/logs/dfdaemon.log', line).text;
    for (const s of ['RsTok-1122334455', 'RsCookie-667788', 'RsRegAuth-99aabb']) expect(out).not.toContain(s);
    expect(out).toContain('"user-agent": "containerd/v1.7.27"');
  });

  // the same log line held the download's credentials: object storage keys, HDFS and hub tokens, as
  // Debug prints an Option<String> (`Some("…")`). Fields in the order of dragonflyoss/api v2.2.28
  // common.proto (client v1.3.8's), values made up.
  it("Rust Debug dumps of a download's object storage and hub credentials lose their values", () => {
    const line =
      '2025-03-01T10:00:00.423456789+00:00  INFO download_task: dragonfly_client::grpc::dfdaemon_download: download task started: Download { url: "s3://models/llama/weights.bin", ' +
      'digest: None, range: None, type: Standard, tag: None, application: None, priority: Level6, filtered_query_params: [], request_header: {}, output_path: Some("/data/weights.bin"), ' +
      'timeout: None, disable_back_to_source: false, need_back_to_source: false, certificate_chain: [], prefetch: false, object_storage: Some(ObjectStorage { region: Some("us-east-1"), ' +
      'endpoint: Some("https://s3.us-east-1.amazonaws.com"), access_key_id: Some("AKIAIOSFODNN7EXAMPLE"), access_key_secret: Some("RsS3Secret-wJalr\\"XUtn"), ' +
      'session_token: Some("RsS3Session-FwoGZXIvYXdz"), credential_path: Some("/etc/dragonfly/gcs.json"), predefined_acl: None, security_token: Some("RsOssSts-CAIS9988"), insecure_skip_verify: None }), ' +
      'hdfs: Some(Hdfs { delegation_token: Some("RsHdfsDeleg-5544aa") }), is_prefetch: false, hugging_face: Some(HuggingFace { token: Some("hf_RsHubToken4455667788"), revision: "main" }), model_scope: None }';
    const r = createRedactor()('raw/dfdaemon/logs/dfdaemon.log', line);
    for (const s of [
      'RsS3Secret-wJalr',
      'XUtn',
      'RsS3Session-FwoGZXIvYXdz',
      'RsOssSts-CAIS9988',
      'RsHdfsDeleg-5544aa',
      'hf_RsHubToken4455667788',
    ])
      expect(r.text).not.toContain(s);
    expect(r.text).toContain('access_key_secret: Some("REDACTED")');
    // a value Debug prints without quotes is read as before: a strong name hides it whole
    expect(createRedactor()('raw/dfdaemon/logs/dfdaemon.log', 'api_key: Some(RsUnquoted-7788)').text).not.toContain(
      'RsUnquoted-778',
    );
    // what is not a credential stays: the URL, the region and endpoint, a path
    for (const s of [
      's3://models/llama/weights.bin',
      'region: Some("us-east-1")',
      'https://s3.us-east-1.amazonaws.com',
      'credential_path: Some("/etc/dragonfly/gcs.json")',
      'revision: "main"',
    ])
      expect(r.text).toContain(s);
    expect(r.redactions.map((x) => x.what)).toEqual(
      expect.arrayContaining([
        'value of "access_key_secret"',
        'value of "session_token"',
        'value of "delegation_token"',
        'value of "token"',
      ]),
    );
  });

  it('a token seen in a dump is scrubbed from later files too', () => {
    const red = createRedactor();
    red('raw/dfdaemon/logs/core.log', consoleLine);
    expect(
      red('raw/containerd/journal.txt', 'level=info msg="pull" ref=GoRegAuth-eyJ1c2VyIjoidSJ9\n').text,
    ).not.toContain('GoRegAuth-eyJ1c2VyIjoidSJ9');
  });
});

// Go dfdaemon v2.0.2–v2.1.x logs each task's request headers at debug level as a map[string]string
// (dragonflyoss/dragonfly v2.0.6 client/daemon/peer/peertask_conductor.go:266 `request overview, …,
// header: %#v`). The console line is the shape dragonflyoss/dragonfly#1592 shows (v2.0.x, a registry's
// bearer token in it), with the host, ids and token replaced.
describe('Go map[string]string header dumps in dfdaemon logs', () => {
  const url =
    'https://registry.example.com/v2/team/app/blobs/sha256:620ff11397cedfde34c25eb801d7eccbc96ca6e083ba7befc46d801085ed08d3';
  const dump =
    'map[string]string{"Authorization":"Bearer eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.MapJwtClaims-1a2b3c.MapJwtSig-4d5e6f", ' +
    '"Cookie":"sid=MapCookie-13579; q=\\"x}y\\" MapQuoted-24680", "User-Agent":"containerd/v1.6.4", ' +
    '"X-Dragonfly-Registry":"https://registry.example.com", "X-Registry-Auth":"MapRegAuth-97531"}';
  const secrets = ['MapJwtClaims-1a2b3c', 'MapJwtSig-4d5e6f', 'MapCookie-13579', 'MapQuoted-24680', 'MapRegAuth-97531'];
  const overview = `request overview, pid: 10.0.0.1-1-8c51a4d8-83a3-481d-b59c-f70af13abc3d, url: ${url}, filter: Expires&Signature&ns, tag: , range: , digest: , header: ${dump}`;
  const consoleLine = `2022-08-24T13:03:02.187Z\tDEBUG\tpeer/peertask_conductor.go:259\t${overview}\t{"peer": "10.0.0.1-1-8c51a4d8-83a3-481d-b59c-f70af13abc3d", "component": "PeerTask"}`;
  const jsonLine = JSON.stringify({
    level: 'debug',
    ts: '2022-08-24 13:03:02.187',
    caller: 'peer/peertask_conductor.go:266',
    msg: overview,
    peer: '10.0.0.1-1-8c51a4d8-83a3-481d-b59c-f70af13abc3d',
    component: 'PeerTask',
  });

  it.each([
    ['zap console (bare quotes)', consoleLine],
    ['zap JSON (escaped quotes)', jsonLine],
  ])('%s: credential headers go, the rest of the map stays', (_layout, line) => {
    const r = createRedactor()('raw/dfdaemon/logs/core.log', `${line}\n`);
    for (const s of secrets) expect(r.text).not.toContain(s);
    expect(r.text).toContain('containerd/v1.6.4');
    expect(r.text).toContain(url);
    // the registry's address is not a credential
    expect(r.text).not.toMatch(/X-Dragonfly-Registry\\?":\\?"REDACTED/);
    for (const h of ['Authorization', 'Cookie', 'X-Registry-Auth'])
      expect(r.redactions.map((x) => x.what)).toContain(`value of header "${h}"`);
    expect(r.text.split('\n').length).toBe(2);
  });

  it('the JSON line stays JSON, the map keeps its shape with the values replaced', () => {
    const msg = (JSON.parse(createRedactor()('raw/dfdaemon/logs/core.log', jsonLine).text) as { msg: string }).msg;
    expect(msg).toContain(
      'header: map[string]string{"Authorization":"REDACTED", "Cookie":"REDACTED", "User-Agent":"containerd/v1.6.4"',
    );
    expect(msg).toContain('"X-Registry-Auth":"REDACTED"}');
  });

  it('a token seen in the map is scrubbed from later files too', () => {
    const red = createRedactor();
    red('raw/dfdaemon/logs/core.log', jsonLine);
    expect(red('raw/containerd/journal.txt', 'level=info msg="pull" ref=MapRegAuth-97531\n').text).not.toContain(
      'MapRegAuth-97531',
    );
  });
});

describe('protobuf text header maps in Go dfdaemon v2.0.0–v2.0.1 logs', () => {
  // the real line of fixtures/real/dfdaemon-go-console-grep (dragonflyoss/dragonfly#692)
  const real = readFileSync(
    new URL('../../fixtures/real/dfdaemon-go-console-grep/raw/dfdaemon/logs/core.log', import.meta.url),
    'utf8',
  )
    .split('\n')
    .find((l) => l.includes('request overview')) as string;
  // the protobuf text encoder spaces at random: two spaces before value: here
  const meta =
    'tag:"d7y/proxy"  filter:"Expires&Signature" header:{key:"Accept" value:"application/json"} ' +
    'header:{key:"Authorization"  value:"Token ProtoTok-1a2b3c4d"} header:{key:"Cookie" value:"sid=ProtoCookie-5e6f"} ' +
    'header:{key:"X-Registry-Auth" value:"ProtoRegAuth-7a8b9c"} header:{key:"X-Dragonfly-Registry" value:"https://registry.example.com"}';
  const secrets = ['ProtoTok-1a2b3c4d', 'ProtoCookie-5e6f', 'ProtoRegAuth-7a8b9c'];
  const overview = `request overview, url: https://registry.example.com/v2/app/blobs/sha256:3c5e, filter: Expires&Signature, meta: ${meta}, biz: d7y/proxy, peer: 10.0.0.1-1-abc`;
  const consoleLine = `2021-09-27T14:32:21.709Z\tINFO\tpeer/peertask_file.go:97\t${overview}`;
  const jsonLine = JSON.stringify({
    level: 'info',
    ts: '2021-09-27 14:32:21.709',
    caller: 'peer/peertask_file.go:97',
    msg: overview,
  });

  it('the real line loses its Basic credential and keeps every header name', () => {
    expect(real).toContain('value:"Basic ');
    const out = createRedactor()('raw/dfdaemon/logs/core.log', `${real}\n`).text;
    expect(out).toContain('header:{key:"Authorization" value:"REDACTED"}');
    for (const h of ['Accept', 'User-Agent', 'X-Forwarded-For']) expect(out).toContain(`key:"${h}"`);
    expect(out).toContain('value:"application/vnd.docker.distribution.manifest.v2+json"');
  });

  it.each([
    ['zap console (bare quotes)', consoleLine],
    ['zap JSON (escaped quotes)', jsonLine],
  ])('%s: credential headers of any scheme go, the rest of the map stays', (_layout, line) => {
    const r = createRedactor()('raw/dfdaemon/logs/core.log', `${line}\n`);
    for (const s of secrets) expect(r.text).not.toContain(s);
    for (const h of ['Accept', 'Authorization', 'Cookie', 'X-Registry-Auth', 'X-Dragonfly-Registry'])
      expect(r.text).toMatch(new RegExp(`key:\\\\?"${h}\\\\?"`));
    expect(r.text).toContain('application/json');
    // the registry's address is not a credential
    expect(r.text).toMatch(/value:\\?"https:\/\/registry\.example\.com\\?"\}/);
    for (const h of ['Authorization', 'Cookie', 'X-Registry-Auth'])
      expect(r.redactions.map((x) => x.what)).toContain(`value of header "${h}"`);
  });

  it('a token seen in the map is scrubbed from later files too', () => {
    const red = createRedactor();
    red('raw/dfdaemon/logs/core.log', jsonLine);
    expect(red('raw/containerd/journal.txt', 'msg="pull" ref=ProtoRegAuth-7a8b9c\n').text).not.toContain(
      'ProtoRegAuth-7a8b9c',
    );
  });
});

describe('private key blocks in a log', () => {
  const body = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7';
  const redact = (text: string) => createRedactor()('raw/dfdaemon/logs/dfdaemon.log', text).text;

  it('hides the body wherever "-----BEGIN" starts: at the very start, after six dashes, among dashed ids', () => {
    for (const head of ['', '------', '2026-12-06 10.0.0.5-1-6d1f0c2a-2b1e ']) {
      const out = redact(`${head}-----BEGIN PRIVATE KEY-----\n${body}\n-----END PRIVATE KEY-----\nnext line\n`);
      expect(out).not.toContain(body);
      expect(out).toContain('-----END PRIVATE KEY-----\nnext line');
    }
  });

  it('leaves a text without "-----BEGIN" whole: four dashes, or "BEGIN" alone', () => {
    for (const text of [`----BEGIN PRIVATE KEY-----\n${body}\n`, `BEGIN PRIVATE KEY\n${body}\n`]) {
      expect(redact(text)).toBe(text);
    }
  });
});
