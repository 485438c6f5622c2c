import { constants } from 'node:fs';
import { open, stat } from 'node:fs/promises';

/** Whether anything is at the path (a file, a directory, a unit): an unreadable path counts as absent. */
export async function pathExists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

export type NodeRead =
  { kind: 'ok'; text: string; truncated: boolean } | { kind: 'missing' | 'denied' | 'error'; reason: string };

/**
 * Reads a node file, at most `maxBytes`, refusing anything but a regular file (a FIFO named like a
 * log would block forever) and never following an unreadable path into an exception.
 */
export async function readNodeFile(path: string, maxBytes = 8 * 1024 * 1024): Promise<NodeRead> {
  let fh;
  try {
    // O_NONBLOCK so that opening a FIFO does not wait for a writer: a blocking open of a FIFO with no
    // writer parks a libuv thread for good, and then even process.exit() cannot end the process
    fh = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const st = await fh.stat();
    if (!st.isFile()) return { kind: 'error', reason: `${path}: not a regular file` };
    const size = st.size > 0 ? Math.min(st.size, maxBytes) : maxBytes;
    const buf = Buffer.alloc(size);
    let off = 0;
    while (off < size) {
      const { bytesRead } = await fh.read(buf, off, size - off, off);
      if (bytesRead === 0) break;
      off += bytesRead;
    }
    return { kind: 'ok', text: buf.subarray(0, off).toString('utf8'), truncated: st.size > maxBytes };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'missing', reason: `${path}: not found` };
    if (code === 'EACCES' || code === 'EPERM') return { kind: 'denied', reason: `${path}: permission denied` };
    return { kind: 'error', reason: `${path}: ${(e as Error).message}` };
  } finally {
    await fh?.close();
  }
}
