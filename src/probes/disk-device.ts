import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type MountEntry, mountOf } from '../parsers/mountinfo.js';
import { pathExists } from './read-node.js';

/** A physical (leaf) block device and what sysfs and systeminformation say about it. */
export interface PhysicalDevice {
  name: string;
  majMin: string;
  /** /sys/block/<dev>/queue/rotational; virtio disks report true on SSD-backed hosts, so never decisive. */
  rotational: boolean | null;
  scheduler: string | null;
  readAheadKb: number | null;
  logicalBlockSize: number | null;
  sizeBytes: number | null;
  model: string | null;
  vendor: string | null;
  /** systeminformation's classification (blockDevices().physical, diskLayout().type): HDD/SSD/NVMe/HD… */
  siPhysical: string | null;
  siType: string | null;
  siInterface: string | null;
}

/** The block device a filesystem sits on, and the chain down to the physical devices. */
export interface DeviceChain {
  /** The filesystem's own device (dm-0, sda2, loop3…). */
  device: {
    name: string;
    majMin: string;
    kind: 'disk' | 'partition' | 'dm' | 'md' | 'loop' | 'other';
    dmName?: string;
    backingFile?: string;
  } | null;
  /** Every hop, e.g. ["dm-0", "sda2", "sda"], or ["loop3", "(file) /var/img", "vda"]. */
  chain: string[];
  physical: PhysicalDevice[];
  notes: string[];
}

const SYS = '/sys';
const MAX_DEPTH = 8;

/** st_dev (glibc makedev encoding) → "major:minor". */
export function majMinOf(dev: bigint): string {
  const major = ((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn);
  const minor = (dev & 0xffn) | ((dev >> 12n) & ~0xffn);
  return `${major}:${minor}`;
}

async function text(p: string): Promise<string | null> {
  try {
    return (await readFile(p, 'utf8')).trim();
  } catch {
    return null;
  }
}

async function num(p: string): Promise<number | null> {
  const t = await text(p);
  if (t === null || t === '') return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
}

/** virtio-blk exposes only its PCI vendor id; say what it is rather than print a bare hex number. */
function vendorName(v: string | null): string | null {
  if (v === '0x1af4') return 'virtio (PCI vendor 0x1af4)';
  return v;
}

async function leaf(sysDir: string, name: string, majMin: string): Promise<PhysicalDevice> {
  const q = join(sysDir, 'queue');
  const rot = await num(join(q, 'rotational'));
  const sched = await text(join(q, 'scheduler'));
  const sectors = await num(join(sysDir, 'size'));
  return {
    name,
    majMin,
    rotational: rot === null ? null : rot === 1,
    // "none [mq-deadline] kyber" → the bracketed one is in use
    scheduler: sched === null ? null : (/\[([^\]]+)\]/.exec(sched)?.[1] ?? sched),
    readAheadKb: await num(join(q, 'read_ahead_kb')),
    logicalBlockSize: await num(join(q, 'logical_block_size')),
    sizeBytes: sectors === null ? null : sectors * 512,
    model: await text(join(sysDir, 'device', 'model')),
    vendor: vendorName(await text(join(sysDir, 'device', 'vendor'))),
    siPhysical: null,
    siType: null,
    siInterface: null,
  };
}

async function walk(majMin: string, out: DeviceChain, depth: number): Promise<void> {
  if (depth > MAX_DEPTH) {
    out.notes.push(`device chain deeper than ${MAX_DEPTH} at ${majMin}; stopped`);
    return;
  }
  let dir: string;
  try {
    dir = await realpath(join(SYS, 'dev', 'block', majMin));
  } catch {
    out.notes.push(`no sysfs entry for block device ${majMin}`);
    return;
  }
  const name = basename(dir);
  out.chain.push(name);
  const first = depth === 0;
  if (await pathExists(join(dir, 'partition'))) {
    if (first) out.device = { name, majMin, kind: 'partition' };
    const parentDir = dirname(dir);
    const parentDev = await text(join(parentDir, 'dev'));
    if (parentDev) {
      out.chain.push(basename(parentDir));
      out.physical.push(await leaf(parentDir, basename(parentDir), parentDev));
    }
    return;
  }
  const slaves = await readdir(join(dir, 'slaves')).catch(() => [] as string[]);
  if (name.startsWith('dm-') || (name.startsWith('md') && slaves.length > 0)) {
    const dmName = (await text(join(dir, 'dm', 'name'))) ?? undefined;
    if (first) out.device = { name, majMin, kind: name.startsWith('dm-') ? 'dm' : 'md', ...(dmName ? { dmName } : {}) };
    for (const s of slaves) {
      const mm = await text(join(SYS, 'class', 'block', s, 'dev'));
      if (mm) await walk(mm, out, depth + 1);
    }
    return;
  }
  if (name.startsWith('loop')) {
    const backing = await text(join(dir, 'loop', 'backing_file'));
    if (first) out.device = { name, majMin, kind: 'loop', ...(backing ? { backingFile: backing } : {}) };
    if (backing) {
      out.chain.push(`(file) ${backing}`);
      try {
        const st = await stat(backing, { bigint: true });
        await walk(majMinOf(st.dev), out, depth + 1);
      } catch {
        out.notes.push(`loop backing file ${backing} is not visible from here`);
      }
    }
    return;
  }
  if (first) out.device = { name, majMin, kind: (await pathExists(join(dir, 'queue'))) ? 'disk' : 'other' };
  out.physical.push(await leaf(dir, name, majMin));
}

/** Resolves the device chain under a filesystem given its st_dev and its mount entry. */
export async function resolveDevice(majMin: string, mount: MountEntry | null): Promise<DeviceChain> {
  const out: DeviceChain = { device: null, chain: [], physical: [], notes: [] };
  let mm = majMin;
  // btrfs, zfs and overlay report an anonymous st_dev (major 0); the mount source names the device
  if (mm.startsWith('0:') && mount?.source.startsWith('/dev/')) {
    try {
      const st = await stat(mount.source, { bigint: true });
      if (st.isBlockDevice()) mm = majMinOf(st.rdev);
    } catch {
      // the source is not visible from here; fall through to the note below
    }
  }
  if (mm.startsWith('0:')) {
    out.notes.push(
      `${mount?.fsType ?? 'this filesystem'} at ${mount?.mountPoint ?? '?'} has no block device of its own (${mount?.source ?? 'unknown source'})`,
    );
    return out;
  }
  await walk(mm, out, 0);
  return out;
}

/** Adds systeminformation's classification and model to the physical devices, bounded in time. */
export async function addSystemInformation(
  devs: PhysicalDevice[],
  signal: AbortSignal,
  timeoutMs: number,
): Promise<string | null> {
  if (devs.length === 0) return null;
  try {
    const r = await Promise.race([
      // loaded here, not at start-up: only a disk probe that found its device needs it
      import('systeminformation').then(({ default: si }) => Promise.all([si.blockDevices(), si.diskLayout()])),
      sleep(timeoutMs, null, { signal }),
    ]);
    if (!r) return `systeminformation did not answer within ${timeoutMs} ms`;
    const [blocks, layout] = r;
    for (const d of devs) {
      const b = blocks.find((x) => x.name === d.name);
      const l = layout.find((x) => x.device === `/dev/${d.name}`);
      if (b) {
        d.siPhysical = b.physical || null;
        if (!d.model && b.model) d.model = b.model;
        if (b.protocol) d.siInterface = b.protocol;
      }
      if (l) {
        d.siType = l.type || null;
        if (!d.model && l.name) d.model = l.name;
        if (!d.vendor && l.vendor) d.vendor = l.vendor;
        if (l.interfaceType) d.siInterface = l.interfaceType;
      }
    }
    return null;
  } catch (e) {
    if (signal.aborted) throw e;
    return `systeminformation: ${(e as Error).message}`;
  }
}

export { mountOf };
