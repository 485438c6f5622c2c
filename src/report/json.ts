import { storedMeasurements } from '../bundle/measurements.js';
import type { Report } from './model.js';

export function renderJson(report: Report): string {
  // the measurements as a bundle stores them: readers of schemaVersion 1 find the loopback throughput
  // where it always was (loopback.baseline.throughputMBps)
  return `${JSON.stringify({ ...report, measurements: storedMeasurements(report.measurements) }, null, 2)}\n`;
}
