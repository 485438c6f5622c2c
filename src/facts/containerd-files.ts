import { BUNDLE } from '../bundle/layout.js';

/** containerd's files in the bundle, and the listeners table its routes are checked against. */
export const CONTAINERD_FILES = { ...BUNDLE.containerd, listeners: BUNDLE.net.listeners } as const;
