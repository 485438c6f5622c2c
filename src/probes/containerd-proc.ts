import { closeSync, constants, openSync, readSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { readNodeFile } from './read-node.js';

export interface NodeProcess {
  pid: number;
  /** Its /proc/<pid>/comm. */
  comm: string;
  args: string[];
}

/**
 * Processes whose /proc/<pid>/comm is `comm` (or one of them), in /proc's order, from the live /proc (a
 * DaemonSet with hostPID sees the host's processes there, whatever --root says). Several names are
 * looked for in one pass: each pass reads every process's comm.
 */
export async function findProcesses(comm: string | readonly string[], proc = '/proc'): Promise<NodeProcess[]> {
  const wanted = typeof comm === 'string' ? [comm] : comm;
  let entries: string[];
  try {
    entries = await readdir(proc);
  } catch {
    return [];
  }
  const out: NodeProcess[] = [];
  // one buffer for every read: a comm is at most 16 bytes (TASK_COMM_LEN), and a fresh zeroed buffer per
  // process was most of the scan's time
  const buf = Buffer.allocUnsafe(256);
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    const name = readComm(`${proc}/${e}/comm`, buf);
    if (name === null || !wanted.includes(name)) continue;
    const cl = await readNodeFile(`${proc}/${e}/cmdline`, 64 * 1024);
    out.push({
      pid: Number(e),
      comm: name,
      args: cl.kind === 'ok' ? cl.text.split('\0').filter((a) => a !== '') : [],
    });
  }
  return out;
}

/**
 * A process's name, read synchronously: the kernel copies it from the task under a spinlock, so the
 * read cannot block, and a few hundred of them cost less than as many round trips through libuv's
 * thread pool (shared with every other probe's file reads). The command line, which can block on the
 * process's memory map, is read asynchronously, and only for a match.
 */
function readComm(path: string, buf: Buffer): string | null {
  let fd: number | undefined;
  try {
    // O_NONBLOCK: under a `proc` that is not procfs, a FIFO must not block the read
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    return buf
      .subarray(0, readSync(fd, buf, 0, buf.length, 0))
      .toString('utf8')
      .trim();
  } catch {
    return null;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The value of `--name X`, `--name=X` or `-n X` in an argv. */
export function argValue(args: string[], ...names: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    for (const n of names) {
      if (a === n) return args[i + 1];
      if (a.startsWith(`${n}=`)) return a.slice(n.length + 1);
    }
  }
  return undefined;
}

export async function readEnviron(
  pid: number,
  proc = '/proc',
): Promise<{ env: Record<string, string> } | { reason: string }> {
  const r = await readNodeFile(`${proc}/${pid}/environ`, 1024 * 1024);
  if (r.kind !== 'ok') return { reason: r.reason };
  const env: Record<string, string> = {};
  for (const kv of r.text.split('\0')) {
    const eq = kv.indexOf('=');
    if (eq > 0) env[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  return { env };
}

/** Removes `user:password@` from every URL in the text: proxy URLs must not carry credentials into a bundle. */
export function stripUrlUserinfo(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@"']+@/gi, '$1');
}

const KEPT_ENV = /^(https?_proxy|no_proxy|all_proxy|CONTAINERD_DISABLE_PIGZ|CONTAINERD_DISABLE_IGZIP)$/i;

/** The proxy and decompressor variables of a process environment, as `KEY=VALUE` lines, credentials stripped. */
export function envTxt(env: Record<string, string>): string {
  return Object.keys(env)
    .filter((k) => KEPT_ENV.test(k))
    .sort()
    .map((k) => `${k}=${stripUrlUserinfo(env[k] ?? '')}`)
    .join('\n');
}

/** TOML keys whose values are credentials in containerd's config and hosts.toml (legacy auths/configs, headers). */
const SECRET_TOML_KEY =
  /^(\s*["']?(?:password|auth|identitytoken|identity_token|registrytoken|token|authorization)["']?\s*=\s*)(?:"(?:[^"\\]|\\.)*"|'[^']*')/i;

/**
 * Blanks credentials we know are credentials before a containerd TOML leaves the probe (the bundle's
 * redactor runs after this as well), and strips userinfo from URLs.
 */
export function stripTomlSecrets(text: string): string {
  return stripUrlUserinfo(
    text
      .split('\n')
      .map((l) => l.replace(SECRET_TOML_KEY, (_m, key: string) => `${key}"REDACTED"`))
      .join('\n'),
  );
}
