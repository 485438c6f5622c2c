// A node root (for `--root`) with a secret in every place the bundle (docs/architecture.md#bundle) copies into a bundle, and the
// list of those secrets. Every secret string is unique, so a scan of the bundle's bytes can look for it.
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const b64 = (s: string) => Buffer.from(s).toString('base64');

/** Strings that must not occur anywhere in a bundle (nor their base64 forms). */
/** The password of the metrics URL a test gives dfdoctor (--dfdaemon-metrics): not a file of the node's. */
export const METRICS_URL_PASSWORD = 'MetricsUrlPass-91';

export const SECRETS = [
  METRICS_URL_PASSWORD,
  'robot$ci-user01',
  'Pa55w0rd-Registry-A',
  'IdTok-9f8e7d6c5b4a',
  'S3cr3t-Comment-Pass',
  'GcrPassword-77',
  'quay-user-xy',
  'QuayPass-5678',
  'MultiLinePass-Secret-42',
  'RegTok-abcdef123456',
  'ImportedToken-ABCDEF99',
  'DumpOnlyPass-4242',
  'HostsBearer-xyz987654',
  'HostsApiKey-112233',
  'HostsCustomHdr-4455',
  'MirrorBasic-01',
  'CookieSess-8888',
  'InlineCustomHdr-77',
  'BrokenPass-22',
  'DropInPass-31337',
  'DropInToken-7777aaaa',
  'EnvProxyPass-6060',
  'AwsSecretKey-ABCDEFG',
  'proxy-basic-user',
  'ProxyBasicPass-000',
  'MirrorUrlPass-55',
  'xyzSecretKeyMaterial1234567890abcdefGHIJ',
  'SecondLineOfKeyMaterialQWERTYUIOPasdfghjkl0987654321zz',
  'ObjAccessKey-1234',
  'ObjSecretKey-5678',
  'TokenListItem-AAAA1111',
  'TokenListItem-BBBB2222',
  'RustApiToken-qqq999',
  'FoldedPassword-Line1',
  'LogBearer-eyJhbGciOiJIUzI1NiJ9',
  'AccessTok-LLL111',
  'AKIAEXAMPLE0',
  'deadbeefcafe0123456789',
  'SessTok-ZZZ9',
  'LogUrlPass-123',
  'QueryTok-MMM222',
  'LogBasicPass',
  'GoogSig0123456789abcdef',
  'GoogCred-9',
  'JournalPass-8080',
  'KubeletToken-5151abcd',
  'KubeletFlagPass-2323',
  'GoHdrBearer-eyJraWQiOiJnbyJ9',
  'GoHdrCookie-4321',
  'GoHdrRegAuth-9876',
  'GoMapTok-8642',
  'RsObjSecret-31415',
  'RsObjSession-27182',
  'RsHdfsDeleg-16180',
  'GoMapCookie-7531',
  'GoHdrProxyTok-1357',
  'GoHdrApiToken-2468',
  'GoProtoTok-97531',
  'GoProtoRegAuth-8642',
] as const;

/** The base64 forms that a credential takes in config (containerd `auth`) or on the wire (Basic). */
export const SECRET_PAIRS = [
  b64('robot$ci-user01:Pa55w0rd-Registry-A'),
  b64('gcr-registry-user:GcrPassword-77'),
  b64('mirror-basic-user:MirrorBasic-01'),
  b64('broken-user:BrokenPass-22'),
  b64('log-user:LogBasicPass'),
];

/** The secret node's files, by node path. */
export function secretNodeFiles(): Record<string, string> {
  return {
    '/etc/containerd/certs.d/_default/hosts.toml': `[host."https://mirror.example.com"]
  capabilities = ["pull"]
  header = { Authorization = "Basic ${SECRET_PAIRS[2]}", Cookie = "session=CookieSess-8888", X-Tenant = "InlineCustomHdr-77" }
  # broken on purpose below: the file must not parse, and still must not leak
  [host."https://broken.example.com".header
    Proxy-Authorization = "Basic ${SECRET_PAIRS[3]}"
`,
    '/etc/containerd/certs.d/registry.example.com/hosts.toml': `server = "https://registry.example.com"

[host."http://127.0.0.1:4001"]
  capabilities = ["pull", "resolve"]
  [host."http://127.0.0.1:4001".header]
    Authorization = ["Bearer HostsBearer-xyz987654"]
    X-Api-Key = "HostsApiKey-112233"
    X-Meta-Ns = "HostsCustomHdr-4455"
    User-Agent = "containerd"
`,
    '/etc/containerd/conf.d/creds.toml': `[plugins."io.containerd.grpc.v1.cri".registry.configs."imported.example.com".auth]
  token = "ImportedToken-ABCDEF99"
`,
    '/etc/containerd/config.toml': `version = 2
imports = ["/etc/containerd/conf.d/*.toml"]
# old creds: password = "S3cr3t-Comment-Pass"

[plugins."io.containerd.grpc.v1.cri".registry]
  config_path = "/etc/containerd/certs.d"

[plugins."io.containerd.grpc.v1.cri".registry.configs."registry.example.com".auth]
  username = "robot$ci-user01"
  password = "Pa55w0rd-Registry-A"
  auth = "${SECRET_PAIRS[0]}"
  identitytoken = "IdTok-9f8e7d6c5b4a"

[plugins."io.containerd.grpc.v1.cri".registry.configs."registry.example.com".tls]
  key_file = "/etc/containerd/certs/client.key"
  insecure_skip_verify = false

[plugins."io.containerd.grpc.v1.cri".registry.auths."https://gcr.io"]
  auth = "${SECRET_PAIRS[1]}"

[plugins."io.containerd.grpc.v1.cri".registry.configs."quay.io"]
  auth = { username = "quay-user-xy", password = "QuayPass-5678" }

[plugins."io.containerd.grpc.v1.cri".registry.configs."multi.example.com".auth]
  password = """
MultiLinePass-Secret-42
"""
  registrytoken = 'RegTok-abcdef123456'
`,
    '/etc/dragonfly/dfdaemon.yaml': `manager:
  addr: http://manager:65003
proxy:
  server:
    caCert: /etc/ssl/ca.crt
    caKey: /etc/ssl/ca.key
  rules:
    - regex: blobs/sha256.*
  readBufferSize: 32768
tokens:
  - TokenListItem-AAAA1111
  - TokenListItem-BBBB2222
apiToken: "RustApiToken-qqq999"
password: >-
  FoldedPassword-Line1
`,
    '/etc/dragonfly/dfget.yaml': `proxy:
  basicAuth:
    username: proxy-basic-user
    password: ProxyBasicPass-000
  registryMirror:
    url: https://mirroruser:MirrorUrlPass-55@index.docker.io
  proxies:
    - regx: blobs/sha256.*
hijackHTTPS:
  cert: /etc/dragonfly/ca.crt
  key: |
    -----BEGIN RSA PRIVATE KEY-----
    MIIEpAIBAAKCAQEAxyzSecretKeyMaterial1234567890abcdefGHIJ
    SecondLineOfKeyMaterialQWERTYUIOPasdfghjkl0987654321zz
    -----END RSA PRIVATE KEY-----
objectStorage:
  accessKey: ObjAccessKey-1234
  secretKey: "ObjSecretKey-5678"   # quoted, with a comment
download:
  totalRateLimit: 1024Mi
storage:
  multiplex: true
`,
    '/etc/systemd/system/containerd.service.d/http-proxy.conf': `[Service]
Environment="HTTP_PROXY=http://dropuser:DropInPass-31337@proxy.corp:3128" "NO_PROXY=localhost,127.0.0.1"
Environment=REGISTRY_TOKEN=DropInToken-7777aaaa
`,
    '/var/log/dragonfly/daemon/core.log': `{"level":"info","ts":"2022-11-09 06:39:19.162","caller":"peer/peertask_conductor.go:307","msg":"register task success, SizeScope: NORMAL","peer":"10.22.60.85-1-abc","task":"9156eabc","component":"PeerTask"}
{"level":"debug","ts":"2022-11-09 06:39:19.163","caller":"proxy/proxy.go:307","msg":"request","header":{"Authorization":["Bearer LogBearer-eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sigsigsig"]}}
{"level":"debug","ts":"2022-11-09 06:39:19.163","caller":"transport/transport.go:339","msg":"request url: https://registry.example.com/v2/library/alpine/manifests/3.19, with header: http.Header{\\"Accept\\":[]string{\\"application/vnd.oci.image.index.v1+json\\", \\"application/vnd.docker.distribution.manifest.v2+json\\"}, \\"Authorization\\":[]string{\\"Bearer GoHdrBearer-eyJraWQiOiJnbyJ9.e30.c2ln\\"}, \\"Cookie\\":[]string{\\"_gcl_au=GoHdrCookie-4321; lang=en\\"}, \\"User-Agent\\":[]string{\\"containerd/v1.6.20\\"}, \\"X-Dragonfly-Registry\\":[]string{\\"https://registry.example.com\\"}, \\"X-Registry-Auth\\":[]string{\\"GoHdrRegAuth-9876\\"}}"}
{"level":"info","ts":"2022-11-09 06:39:19.163","caller":"transport/transport.go:243","msg":"start download with url: https://registry.example.com/v2/library/alpine/blobs/sha256:4abcf2066143, header: http.Header{\\"Proxy-Authorization\\":[]string{\\"Token GoHdrProxyTok-1357\\"}, \\"X-Api-Token\\":[]string{\\"GoHdrApiToken-2468\\"}, \\"X-Dragonfly-Tag\\":[]string{\\"ci\\"}}"}
{"level":"debug","ts":"2022-11-09 06:39:19.163","caller":"peer/peertask_conductor.go:266","msg":"request overview, pid: 10.22.60.85-1-abc, url: https://registry.example.com/v2/library/alpine/blobs/sha256:4abcf2066143, filter: Expires&Signature&ns, tag: , range: , digest: , header: map[string]string{\\"Authorization\\":\\"Token GoMapTok-8642\\", \\"Cookie\\":\\"sid=GoMapCookie-7531\\", \\"User-Agent\\":\\"containerd/v1.6.4\\"}","peer":"10.22.60.85-1-abc","component":"PeerTask"}
{"level":"info","ts":"2021-09-27 14:32:21.709","caller":"peer/peertask_file.go:97","msg":"request overview, url: https://registry.example.com/v2/library/alpine/blobs/sha256:4abcf2066143, filter: Expires&Signature, meta: tag:\\"d7y/proxy\\"  filter:\\"Expires&Signature\\" header:{key:\\"Authorization\\"  value:\\"Token GoProtoTok-97531\\"} header:{key:\\"X-Registry-Auth\\" value:\\"GoProtoRegAuth-8642\\"}, biz: d7y/proxy, peer: 10.22.60.85-1-abc"}
{"level":"info","ts":"2022-11-09 06:39:19.164","caller":"transport/transport.go:246","msg":"round trip directly, url: https://registry.example.com/v2/token?scope=repository:x:pull&service=registry&access_token=AccessTok-LLL111"}
{"level":"error","ts":"2022-11-09 06:39:19.165","caller":"source/http.go:10","msg":"back source failed: GET https://bucket.s3.amazonaws.com/blob?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAEXAMPLE0%2F20240101&X-Amz-Signature=deadbeefcafe0123456789&X-Amz-Security-Token=SessTok-ZZZ9"}
`,
    '/var/log/dragonfly/dfdaemon/dfdaemon.log': `2024-06-01T10:00:00.123456789+00:00  INFO dragonfly_client::proxy: proxy request url=https://user:LogUrlPass-123@registry.example.com/v2/ token=QueryTok-MMM222
2024-06-01T10:00:00.223456789+00:00  INFO dragonfly_client::proxy: header "Authorization: Basic ${SECRET_PAIRS[4]}"
2024-06-01T10:00:00.323456789+00:00 ERROR dragonfly_client::backend: GET https://storage.googleapis.com/b/o?X-Goog-Signature=GoogSig0123456789abcdef&X-Goog-Credential=GoogCred-9
2024-06-01T10:00:00.423456789+00:00  WARN dragonfly_client::grpc: token: unexpected status
2024-06-01T10:00:00.523456789+00:00  INFO download_task: dragonfly_client::grpc::dfdaemon_download: download task started: Download { url: "s3://models/weights.bin", request_header: {}, object_storage: Some(ObjectStorage { region: Some("us-east-1"), access_key_id: Some("AKIAIOSFODNN7EXAMPLE"), access_key_secret: Some("RsObjSecret-31415"), session_token: Some("RsObjSession-27182"), credential_path: None }), hdfs: Some(Hdfs { delegation_token: Some("RsHdfsDeleg-16180") }) }
`,
    '/var/lib/kubelet/kubeadm-flags.env': `KUBELET_KUBEADM_ARGS="--container-runtime-endpoint=unix:///run/containerd/containerd.sock --token=KubeletToken-5151abcd"
`,
    '/var/lib/kubelet/config.yaml': `apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
serializeImagePulls: true
authentication:
  anonymous:
    enabled: false
  webhook:
    enabled: true
`,
  };
}

/**
 * Bundle files no `--root` can feed (the running process's environment, `containerd config dump`, the
 * journal): the redactor is tested on them directly, by bundle path.
 */
export function bundleOnlyFiles(): Record<string, string> {
  return {
    'raw/containerd/config-dump.toml': `version = 2
root = "/var/lib/containerd"
[plugins."io.containerd.grpc.v1.cri".registry]
  config_path = "/etc/containerd/certs.d"
  [plugins."io.containerd.grpc.v1.cri".registry.auths]
  [plugins."io.containerd.grpc.v1.cri".registry.configs]
    [plugins."io.containerd.grpc.v1.cri".registry.configs."dump.example.com"]
      [plugins."io.containerd.grpc.v1.cri".registry.configs."dump.example.com".auth]
        auth = ""
        identitytoken = ""
        password = "DumpOnlyPass-4242"
        username = "robot$ci-user01"
  [plugins."io.containerd.grpc.v1.cri".registry.headers]
  [plugins."io.containerd.grpc.v1.cri".registry.mirrors]
`,
    'raw/containerd/env.txt': `HTTP_PROXY=http://env-user:EnvProxyPass-6060@proxy.corp:3128
HTTPS_PROXY=http://env-user:EnvProxyPass-6060@proxy.corp:3128
NO_PROXY=localhost,127.0.0.1,.svc
AWS_SECRET_ACCESS_KEY=AwsSecretKey-ABCDEFG
`,
    'raw/containerd/journal.txt': `Nov 25 10:00:00 node containerd[812]: time="2026-11-25T10:00:00.000000000Z" level=info msg="trying next host" error="failed to do request: Head \\"http://127.0.0.1:4001/v2/library/nginx/manifests/latest?ns=docker.io\\": dial tcp 127.0.0.1:4001: connect: connection refused" host="127.0.0.1:4001"
Nov 25 10:00:01 node containerd[812]: time="2026-11-25T10:00:01.000000000Z" level=debug msg="do request" request.header.authorization="Basic ${SECRET_PAIRS[0]}" url="https://registry.example.com/v2/"
Nov 25 10:00:02 node containerd[812]: time="2026-11-25T10:00:02.000000000Z" level=debug msg="auth" password=JournalPass-8080
Nov 25 10:00:03 node containerd[812]: time="2026-11-25T10:00:03.000000000Z" level=info msg="fetch token" url="https://auth.example.com/token?service=registry&scope=pull&password=Pa55w0rd-Registry-A"
`,
    'raw/kubelet/flags.txt': `--container-runtime-endpoint=unix:///run/containerd/containerd.sock --bootstrap-token KubeletToken-5151abcd --serialize-image-pulls=false
--registry-password
KubeletFlagPass-2323
--kubeconfig=/etc/kubernetes/kubelet.conf
`,
  };
}

/** Writes the secret node under a fresh temp dir and returns its root. */
export async function writeSecretNode(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'dfdoctor-secret-node-'));
  for (const [p, text] of Object.entries(secretNodeFiles())) {
    const f = join(root, p);
    await mkdir(dirname(f), { recursive: true });
    await writeFile(f, text);
  }
  return root;
}

/** Every form of every secret a scan must not find: as is, URL-encoded, and base64 at each byte alignment. */
export function forbiddenForms(): string[] {
  const out = new Set<string>();
  for (const s of [...SECRETS, ...SECRET_PAIRS]) {
    out.add(s);
    out.add(encodeURIComponent(s));
    for (const form of base64Cores(s)) out.add(form);
  }
  return [...out];
}

/** The base64 characters that depend only on `s`, whatever bytes precede or follow it. */
export function base64Cores(s: string): string[] {
  const bytes = Buffer.from(s);
  const out: string[] = [];
  for (let k = 0; k < 3; k++) {
    const enc = Buffer.concat([Buffer.alloc(k), bytes]).toString('base64');
    const start = k === 0 ? 0 : k === 1 ? 2 : 3;
    // the last group may mix in the next byte (or padding)
    const usable = Math.floor((k + bytes.length) / 3) * 4;
    const core = enc.slice(start, usable);
    if (core.length >= 8) out.push(core);
  }
  return out;
}

/** Where the bundle layout puts each node file of the secret node in a bundle. */
export function bundlePathOf(nodePath: string): string {
  const rules: [RegExp, (m: RegExpExecArray) => string][] = [
    [/^\/etc\/containerd\/config\.toml$/, () => 'raw/containerd/config.toml'],
    [/^\/etc\/containerd\/conf\.d\/(.+)$/, (m) => `raw/containerd/imports/${m[1]}`],
    [/^\/etc\/containerd\/certs\.d\/(.+)$/, (m) => `raw/containerd/certs.d/${m[1]}`],
    [/^\/etc\/systemd\/system\/containerd\.service\.d\/(.+)$/, (m) => `raw/containerd/systemd/${m[1]}`],
    [/^\/etc\/dragonfly\/(.+)$/, (m) => `raw/dfdaemon/config/${m[1]}`],
    [/^\/var\/log\/dragonfly\/(?:.+\/)?([^/]+)$/, (m) => `raw/dfdaemon/logs/${m[1]}`],
    [/^\/var\/lib\/kubelet\/config\.yaml$/, () => 'raw/kubelet/config.yaml'],
    [/^\/var\/lib\/kubelet\/(.+)$/, (m) => `raw/kubelet/${m[1]}`],
  ];
  for (const [re, to] of rules) {
    const m = re.exec(nodePath);
    if (m) return to(m);
  }
  throw new Error(`no bundle path for ${nodePath}`);
}
