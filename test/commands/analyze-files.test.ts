import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const CASE = 'fixtures/real/containerd-bottlerocket-mirror-timeout/raw/containerd';
// each CLI run starts a node process: seconds apiece on a loaded machine
const CLI_TEST_MS = 120_000;
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dfdoctor-loose-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('dfdoctor analyze FILE...', () => {
  it(
    'recognises each file, says what it took it for, and analyses them as one bundle',
    async () => {
      // names that say nothing: only the content tells
      await writeFile(join(dir, 'paste1.txt'), await readFile(join(CASE, 'journal.txt')));
      await writeFile(join(dir, 'paste2.txt'), await readFile(join(CASE, 'config.toml')));
      const r = await runCli([
        'analyze',
        join(dir, 'paste1.txt'),
        join(dir, 'paste2.txt'),
        '--format',
        'json',
        '--fail-on',
        'never',
      ]);
      expect(r.code, r.stderr).toBe(0);
      const report = JSON.parse(r.stdout);
      expect(report.diagnoses.map((d: { cause: string }) => d.cause)).toContain('mirror-fallback');
      expect(report.notes[0].text).toBe(
        `${join(dir, 'paste1.txt')}: read as containerd log (logrus lines (time=… level=… msg=…)) → raw/containerd/journal.txt`,
      );
      expect(report.notes[1].text).toMatch(
        /paste2\.txt: read as containerd config .* → raw\/containerd\/config\.toml$/,
      );
      expect(report.source.kind).toBe('bundle');
      // the evidence cites the bundle's journal: the report names the file it was given as
      expect(report.files).toContainEqual({ path: 'raw/containerd/journal.txt', from: join(dir, 'paste1.txt') });
    },
    CLI_TEST_MS,
  );

  it(
    'takes KIND=FILE as given and writes markdown ready to paste into the issue',
    async () => {
      const f = join(dir, 'odd.dat');
      await writeFile(
        f,
        'ing next host" error="failed to do request: Head \\"http://127.0.0.1:4001/v2/a/manifests/1?ns=docker.io\\": dial tcp 127.0.0.1:4001: connect: connection refused" host="127.0.0.1:4001"\n',
      );
      const r = await runCli(['analyze', `containerd-log=${f}`, '--format', 'markdown', '--fail-on', 'never']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('## dfdoctor report — loose files');
      expect(r.stdout).toContain(`${f}: read as containerd log (given as containerd-log=)`);
      expect(r.stdout).toContain('`mirror-fallback`');
    },
    CLI_TEST_MS,
  );

  it(
    'names the file or the kind it cannot use, exit 2',
    async () => {
      const missing = await runCli(['analyze', join(dir, 'nope.log'), join(dir, 'odd.dat')]);
      expect(missing.code).toBe(2);
      expect(missing.stderr.trim()).toBe(`dfdoctor: ${join(dir, 'nope.log')}: no such file`);
      const kind = await runCli(['analyze', `journal=${join(dir, 'odd.dat')}`]);
      expect(kind.code).toBe(2);
      expect(kind.stderr).toContain('unknown kind "journal" (kinds: dfdaemon-go-log,');
      await writeFile(join(dir, 'prose.md'), '# notes\nthe pull was slow\n');
      const none = await runCli(['analyze', join(dir, 'prose.md')]);
      expect(none.code).toBe(2);
      expect(none.stderr).toContain('prose.md: no known format recognised (name one as KIND=PATH');
    },
    CLI_TEST_MS,
  );

  // loose files are not redacted as a bundle is; a problem that quotes one of their lines must not carry
  // a secret into the report (the first unrecognised line of each log is quoted)
  it(
    'quotes an unrecognised log line without the secret it holds, in every format',
    async () => {
      const dfdaemon = join(dir, 'core.log');
      await writeFile(
        dfdaemon,
        [
          '{"level":"info","ts":"2022-11-09 06:39:19.164","caller":"peer/peertask_conductor.go:307","msg":"register task success, SizeScope: NORMAL","peer":"10.0.0.1-1-abc","task":"9156eabc","component":"PeerTask"}',
          'Authorization: Bearer QuotedTok-eyJhbGciOiJIUzI1NiJ9.e30.zzz pasted by hand',
          '',
        ].join('\n'),
      );
      const journal = join(dir, 'journal.txt');
      await writeFile(
        journal,
        [
          'time="2024-06-01T10:00:00.000000000Z" level=info msg="PullImage \\"docker.io/library/nginx:1.27\\""',
          'registry login password=QuotedPass-31337 (typed into the wrong window)',
          '',
        ].join('\n'),
      );
      for (const format of ['json', 'markdown', 'table', 'junit']) {
        const r = await runCli([
          'analyze',
          `dfdaemon-go-log=${dfdaemon}`,
          `containerd-log=${journal}`,
          '--format',
          format,
          '--fail-on',
          'never',
        ]);
        expect(r.code, r.stderr).toBe(0);
        // JUnit carries diagnoses only, not the notes: it is checked for the secrets alone
        if (format !== 'junit') expect(r.stdout, format).toContain('not recognised');
        for (const s of ['QuotedTok-eyJhbGciOiJIUzI1NiJ9', 'QuotedPass-31337'])
          expect(r.stdout, format).not.toContain(s);
      }
    },
    CLI_TEST_MS,
  );

  // evidence quotes log lines too: a request the daemon sent straight to the registry may carry a
  // presigned URL (a registry redirects blobs to object storage so) or a token in its query
  it(
    'quotes a log line as evidence without the credentials in its URL',
    async () => {
      const lines = (await readFile('fixtures/seed-cache-hit-slow/raw/dfdaemon/logs/core.log', 'utf8')).split('\n');
      // the last pull's, which the rule quotes
      const at = lines.findLastIndex((l) => l.includes('round trip directly, method: GET') && l.includes('2.3.1"'));
      expect(at).toBeGreaterThan(0);
      lines[at] = (lines[at] as string).replace(
        /manifests\/2\.3\.1"/,
        'manifests/2.3.1?X-Amz-Credential=AKIAEXAMPLE%2F20240101&X-Amz-Signature=EvSig0123456789abcdef&token=EvTok-998877"',
      );
      const log = join(dir, 'seed-core.log');
      await writeFile(log, lines.join('\n'));
      const r = await runCli(['analyze', `dfdaemon-go-log=${log}`, '--format', 'json', '--fail-on', 'never']);
      expect(r.code, r.stderr).toBe(0);
      const evidence = (JSON.parse(r.stdout) as { diagnoses: { rule: string; evidence: string[] }[] }).diagnoses.find(
        (d) => d.rule === 'dfdaemon.registry-roundtrip',
      )?.evidence;
      expect(evidence?.join('\n')).toContain('manifests/2.3.1?X-Amz-Credential=REDACTED');
      for (const s of ['AKIAEXAMPLE', 'EvSig0123456789abcdef', 'EvTok-998877']) expect(r.stdout).not.toContain(s);
    },
    CLI_TEST_MS,
  );

  // a remediation step built from a setting: the mirror URL's user and password stay out of it
  it(
    'pastes a mirror URL into a command without its credentials, and quotes it redacted',
    async () => {
      const yaml = (await readFile('fixtures/seed-cache-hit-slow/raw/dfdaemon/config/dfget.yaml', 'utf8')).replace(
        'url: https://index.docker.io',
        'url: https://mirroruser:MirrorPass-4242@index.docker.io',
      );
      expect(yaml).toContain('MirrorPass-4242');
      const config = join(dir, 'dfget.yaml');
      await writeFile(config, yaml);
      const log = join(dir, 'seed-core-plain.log');
      await writeFile(log, await readFile('fixtures/seed-cache-hit-slow/raw/dfdaemon/logs/core.log'));
      const r = await runCli(['analyze', config, `dfdaemon-go-log=${log}`, '--format', 'json', '--fail-on', 'never']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).not.toContain('MirrorPass-4242');
      const d = (
        JSON.parse(r.stdout) as {
          diagnoses: {
            rule: string;
            evidence: string[];
            remediation: { steps: { kind: string; command?: string }[] };
          }[];
        }
      ).diagnoses.find((x) => x.rule === 'dfdaemon.registry-roundtrip');
      expect(d?.remediation.steps.find((s) => s.kind === 'command')?.command).toMatch(
        /^time curl -sI https:\/\/index\.docker\.io\/v2\//,
      );
      expect(d?.evidence.join('\n')).toContain('proxy.registryMirror.url: https://REDACTED@index.docker.io');
    },
    CLI_TEST_MS,
  );

  it(
    'still reads a bundle directory given alone',
    async () => {
      const r = await runCli([
        'analyze',
        'fixtures/real/containerd-bottlerocket-mirror-timeout',
        '--format',
        'json',
        '--fail-on',
        'never',
      ]);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).host.hostname).toBe('node-br');
    },
    CLI_TEST_MS,
  );
});
