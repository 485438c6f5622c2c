import type { Manifest } from '../bundle/manifest.js';
import type { Measurements } from '../bundle/measurements.js';
import type { Baseline } from './baseline.js';
import type { ContainerdFacts } from './containerd.js';
import type { DfdaemonFacts } from './dfdaemon.js';
import type { DiskFacts } from './disk.js';
import type { KubeletFacts } from './kubelet.js';
import type { NetFacts } from './net.js';
import type { InputProblem } from './problems.js';
import type { Note } from '../report/model.js';
import type { SystemFacts } from './system.js';

/** Knobs of the analysis itself (not of the node), so the same bundle analyses the same way anywhere. */
export interface AnalysisSettings {
  /** Sequential read rate below which the cache disk counts as too slow for image serving, MB/s. */
  diskFloorMBps: number;
  /** A saved baseline of measured figures, and the tolerated regression (0.25 = 25 %). */
  baseline?: Baseline;
  tolerance: number;
}

export const DEFAULT_SETTINGS: AnalysisSettings = { diskFloorMBps: 100, tolerance: 0.25 };

/** Everything rules see. An area is absent when its probe did not run or the bundle lacks its files. */
export interface Facts {
  manifest: Manifest;
  measurements: Measurements;
  settings: AnalysisSettings;
  system?: SystemFacts;
  dfdaemon?: DfdaemonFacts;
  disk?: DiskFacts;
  containerd?: ContainerdFacts;
  kubelet?: KubeletFacts;
  net?: NetFacts;
  /** Bad input found while building facts; reported as notes, never fatal. */
  problems: InputProblem[];
  /** Notes a reader would otherwise misread (e.g. what a metric cannot show). */
  notes: Note[];
}

export type AreaKey = 'system' | 'dfdaemon' | 'disk' | 'containerd' | 'kubelet' | 'net';
