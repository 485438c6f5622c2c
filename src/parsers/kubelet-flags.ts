import type { KubeletPullSettings } from './kubelet-config.js';

/**
 * The kubelet's command line as the probe records it (raw/kubelet/flags.txt: one argument per line,
 * from /proc/<pid>/cmdline). Flags override the config file.
 */
export interface KubeletFlags {
  config?: string;
  settings: KubeletPullSettings;
  /** Flags that look pull-related but could not be read. */
  problems: { line: number; message: string }[];
}

export function parseKubeletFlags(text: string): KubeletFlags {
  const args = text.split('\n').map((l) => l.trim());
  const out: KubeletFlags = { settings: {}, problems: [] };
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    const m = /^--?([\w-]+)(?:=(.*))?$/.exec(a);
    if (!m) continue;
    // the kubelet's flag set normalises "_" to "-" (component-base cliflag.WordSepNormalizeFunc)
    const name = (m[1] as string).replaceAll('_', '-');
    let value = m[2];
    const takesValue = name !== 'serialize-image-pulls' || value !== undefined;
    if (value === undefined && takesValue && args[i + 1] !== undefined && !(args[i + 1] ?? '').startsWith('-')) {
      value = args[i + 1];
      i++;
    }
    const line = i + 1;
    switch (name) {
      case 'config':
        if (value) out.config = value;
        break;
      case 'serialize-image-pulls': {
        const v = value === undefined ? 'true' : value.toLowerCase();
        if (v === 'true' || v === 'false') out.settings.serializeImagePulls = v === 'true';
        else out.problems.push({ line, message: `--serialize-image-pulls=${value} is not a boolean` });
        break;
      }
      // a KubeletConfiguration field, never a flag (cmd/kubelet/app/options/options.go has none): a
      // kubelet given it stops at "unknown flag", so it is named, not taken as the limit in effect
      case 'max-parallel-image-pulls':
        out.problems.push({
          line,
          message: `--${name} is not a kubelet flag (maxParallelImagePulls is set in the config file): ignored`,
        });
        break;
      case 'registry-qps':
      case 'registry-burst': {
        const n = Number(value);
        if (value === undefined || !Number.isFinite(n)) {
          out.problems.push({ line, message: `--${name}=${value ?? ''} is not a number` });
          break;
        }
        if (name === 'registry-qps') out.settings.registryPullQPS = n;
        else out.settings.registryBurst = n;
        break;
      }
    }
  }
  return out;
}
