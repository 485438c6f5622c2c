import { cpus, hostname, release, totalmem } from 'node:os';
import type { Host } from '../bundle/manifest.js';
import { rootedPath } from './context.js';
import { readNodeFile } from './read-node.js';

/** The node's identity for the manifest; under --root the host's own files name it. */
export async function readHost(root: string): Promise<Host> {
  const hn = await readNodeFile(rootedPath(root, '/etc/hostname'), 4096);
  const osr = await readNodeFile(rootedPath(root, '/etc/os-release'), 64 * 1024);
  let osName = 'unknown';
  if (osr.kind === 'ok') {
    const m = /^PRETTY_NAME="?([^"\n]*)"?/m.exec(osr.text);
    if (m?.[1]) osName = m[1];
  }
  return {
    hostname: root !== '/' && hn.kind === 'ok' && hn.text.trim() !== '' ? hn.text.trim() : hostname(),
    kernel: release(),
    os: osName,
    cpus: cpus().length,
    memoryBytes: totalmem(),
  };
}
