import type { Command } from '@commander-js/extra-typings';
import { registerAnalyze } from './analyze.js';
import { registerBaseline } from './baseline.js';
import { registerBench } from './bench.js';
import { registerCollect } from './collect.js';
import { registerDiagnose } from './diagnose.js';
import { registerFleet } from './fleet.js';
import { registerRules } from './rules.js';
import type { RunContext } from './run-context.js';

export type Register = (program: Command, ctx: () => RunContext, setExit: (n: number) => void) => void;

/** Every command, in the order `--help` lists them. */
export const COMMANDS: Register[] = [
  registerDiagnose,
  registerAnalyze,
  registerCollect,
  registerRules,
  registerBench,
  registerBaseline,
  registerFleet,
];
