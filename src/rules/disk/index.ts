import type { Rule } from '../rule.js';
import { saturated } from './saturated.js';
import { slowMedium } from './slow-medium.js';
import { spacePressure } from './space-pressure.js';

export const diskRules: Rule[] = [slowMedium, saturated, spacePressure];
