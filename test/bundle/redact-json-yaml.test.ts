import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../src/bundle/redact.js';

// EKS nodeadm writes the kubelet config as JSON (valid YAML) into a .yaml file; the YAML redactor sees it.
const KUBELET_JSON = `{
    "kind": "KubeletConfiguration",
    "apiVersion": "kubelet.config.k8s.io/v1beta1",
    "authentication": {
        "anonymous": {
            "enabled": false
        },
        "webhook": {
            "cacheTTL": "2m0s",
            "enabled": true
        },
        "x509": {
            "clientCAFile": "/etc/kubernetes/pki/ca.crt"
        }
    },
    "authorization": {
        "mode": "Webhook",
        "webhook": {
            "cacheAuthorizedTTL": "5m0s",
            "cacheUnauthorizedTTL": "30s"
        }
    },
    "serializeImagePulls": false
}
`;

describe('redaction of JSON written as YAML', () => {
  it('keeps a kubelet config with authorization/authentication blocks parseable and whole', () => {
    const out = createRedactor()('raw/kubelet/config.yaml', KUBELET_JSON);
    expect(parseYaml(out.text)).toEqual(JSON.parse(KUBELET_JSON));
    expect(out.redactions).toEqual([]);
  });

  it('keeps block-style kubelet authorization modes', () => {
    const text =
      'authorization:\n  mode: Webhook\n  webhook:\n    cacheAuthorizedTTL: 5m0s\nserializeImagePulls: false\n';
    const out = createRedactor()('raw/kubelet/config.yaml', text);
    expect(parseYaml(out.text)).toEqual(parseYaml(text));
  });

  it('replaces secret values in place so the JSON still parses', () => {
    const text = `{\n  "token": "abcdefgh123",\n  "password": {\n    "inner": "sekret9999",\n    "n": 3\n  },\n  "list": ["x"],\n  "serializeImagePulls": false\n}\n`;
    const out = createRedactor()('raw/dfdaemon/config.yaml', text);
    expect(out.text).not.toContain('abcdefgh123');
    expect(out.text).not.toContain('sekret9999');
    expect(JSON.parse(out.text)).toEqual({
      token: 'REDACTED',
      password: { inner: 'REDACTED', n: 3 },
      list: ['x'],
      serializeImagePulls: false,
    });
  });

  it('replaces a secret flow sequence spanning lines item by item, brackets kept', () => {
    const text = 'password: [\n  "abcd,}ef", q1w2e3r4\n]\nauth: "mul\n  tiline"\nafter: 1\n';
    const out = createRedactor()('raw/dfdaemon/config.yaml', text);
    for (const s of ['abcd,}ef', 'q1w2e3r4', 'mul', 'tiline']) expect(out.text).not.toContain(s);
    expect(parseYaml(out.text)).toEqual({ password: ['REDACTED', 'REDACTED'], auth: 'REDACTED REDACTED', after: 1 });
  });

  it('takes a # inside a plain flow scalar for part of it, not a comment (it used to throw)', () => {
    const text =
      'password: [s3cr#et1, two#2 words]\nproxy:\n  basicAuth: {username: u#1, password: p#ss#word} # note\n';
    const out = createRedactor()('raw/dfdaemon/config.yaml', text);
    for (const s of ['s3cr', 'et1', 'two#2', 'words', 'u#1', 'p#ss']) expect(out.text).not.toContain(s);
    expect(parseYaml(out.text)).toEqual({
      password: ['REDACTED', 'REDACTED'],
      proxy: { basicAuth: { username: 'REDACTED', password: 'REDACTED' } },
    });
  });

  it('still removes an Authorization header value that is a scalar', () => {
    const text =
      '{\n  "headers": {\n    "Authorization": "Bearer abcdefghijk123"\n  },\n  "authorization": "Bearer zyxwvut98765"\n}\n';
    const out = createRedactor()('raw/dfdaemon/config.yaml', text);
    expect(out.text).not.toContain('abcdefghijk123');
    expect(out.text).not.toContain('zyxwvut98765');
    expect(JSON.parse(out.text)).toEqual({ headers: { Authorization: 'REDACTED' }, authorization: 'REDACTED' });
  });
});
