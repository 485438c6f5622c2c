import { hostname } from 'node:os';
import type { ProbeModule } from './context.js';
import { argValue, findProcesses } from './containerd-proc.js';
import { copyDropIns } from './kubelet-drop-ins.js';
import { readPulledEvents } from './kubelet-events.js';
import { readNodeFile } from './read-node.js';
import { BUNDLE } from '../bundle/layout.js';

const DEFAULT_CONFIG = '/var/lib/kubelet/config.yaml';

export const kubeletProbe: ProbeModule = {
  async run(ctx) {
    const partial: string[] = [];
    const procs = await findProcesses('kubelet');
    const proc = procs[0];
    if (proc && proc.args.length > 0) {
      // one argument per line; the redactor still sees it, and kubelet flags name files, not secrets
      await ctx.out.writeText(
        BUNDLE.kubelet.flags,
        `${proc.args.join('\n')}\n`,
        `/proc/${proc.pid}/cmdline, one argument a line`,
      );
    } else if (proc) partial.push(`kubelet pid ${proc.pid}: command line unreadable`);
    // the kubelet loads a config file only when --config names one (kubernetes cmd/kubelet/app/server.go,
    // "load kubelet config file, if provided"): a command line that names none runs on flags and
    // defaults, and a file at the default path, or the one --kubelet-config names, is not what it reads
    const named = proc ? argValue(proc.args, '--config') : undefined;
    const flagsOnly = proc !== undefined && proc.args.length > 0 && named === undefined;
    const config = flagsOnly ? null : (ctx.options.kubeletConfig ?? named ?? DEFAULT_CONFIG);
    let unread: string | undefined;
    if (config === null)
      partial.push(
        `its command line names no --config: it reads no config file${ctx.options.kubeletConfig ? ` (--kubelet-config ${ctx.options.kubeletConfig} not read)` : ''}`,
      );
    else {
      const r = await readNodeFile(ctx.nodePath(config), 1024 * 1024);
      if (r.kind === 'ok') await ctx.out.writeText(BUNDLE.kubelet.config, r.text, config);
      else partial.push((unread = r.reason));
    }
    const configDir = proc ? argValue(proc.args, '--config-dir') : undefined;
    const dropIns = configDir ? await copyDropIns(ctx, configDir) : undefined;
    if (dropIns) partial.push(...dropIns.problems);
    // the Pulled events time the kubelet's own queue: "in X (Y including waiting)"
    // the name events carry: the kubelet's override, else the downward-API NODE_NAME of dfdoctor's pod, else the host's
    // trimmed and lowercased, as the kubelet registers it (k8s.io/component-helpers node/util GetHostname)
    const nodeName = (
      (proc ? argValue(proc.args, '--hostname-override') : undefined) ??
      process.env.NODE_NAME ??
      hostname()
    )
      .trim()
      .toLowerCase();
    const ev = await readPulledEvents(ctx, nodeName);
    if (ev.note) partial.push(ev.note);
    // no process means a config path was tried: unread says why it was not read
    if (!proc && unread !== undefined && ev.kept === undefined)
      return { status: 'skipped', reason: `no kubelet here: no process and ${unread}` };
    return {
      status: 'ok',
      ...(partial.length > 0 ? { reason: partial.join('; ') } : {}),
      details: {
        pid: proc?.pid ?? null,
        config,
        ...(configDir ? { configDir, dropIns: dropIns?.files ?? [] } : {}),
        nodeName,
        ...(ev.kept === undefined ? {} : { pulledEvents: ev.kept, pulledEventsFrom: ev.from }),
        ...(ev.backOffs === undefined ? {} : { dfdaemonBackOffEvents: ev.backOffs }),
      },
    };
  },
};
