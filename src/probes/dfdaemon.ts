import { setTimeout as sleep } from 'node:timers/promises';
import { nodeOwnPath, type ProbeModule } from './context.js';
import { copyLogs } from './dfdaemon-logs.js';
import { discover } from './dfdaemon-discover.js';
import { scrape } from './dfdaemon-scrape.js';
import { BUNDLE } from '../bundle/layout.js';

/** A metrics scrape gets at most this long. */
const SCRAPE_TIMEOUT_MS = 3000;

export const dfdaemonProbe: ProbeModule = {
  async run(ctx) {
    const { out, options } = ctx;
    // set before anything can fail: the disk, loopback and netfilter probes read it
    ctx.discovery.dfdaemon = {
      generation: null,
      cacheDir: options.cacheDir ?? '/var/lib/dragonfly',
      ...(options.dfdaemonProxy ? { proxyUrl: options.dfdaemonProxy } : {}),
      ...(options.dfdaemonMetrics ? { metricsUrl: options.dfdaemonMetrics } : {}),
      ports: [4001, 4002, 65001],
    };
    ctx.progress('discovery');
    const d = await discover(ctx);
    // later probes need these even when dfdaemon is not running
    ctx.discovery.dfdaemon = {
      generation: d.generation,
      cacheDir: d.cacheDir.path,
      cacheDirOnNode: d.cacheDirOnNode,
      cacheDirFrom: d.cacheDir.from,
      ...(d.proxyUrl ? { proxyUrl: d.proxyUrl } : {}),
      ...(d.metricsUrl ? { metricsUrl: d.metricsUrl } : {}),
      ports: d.ports,
    };
    ctx.schedule?.publish();
    const partial: string[] = [...d.notes];
    if (d.configProblem) partial.push(d.configProblem);
    if (d.generation)
      await out.writeText(
        BUNDLE.dfdaemon.generation,
        `${d.generation}\n`,
        `dfdoctor, from the ${d.generationFrom || 'probe'}`,
      );
    if (d.mountinfo !== undefined)
      await out.writeText(
        BUNDLE.dfdaemon.mountinfo,
        d.mountinfo,
        `/proc/${d.pid}/mountinfo (the daemon's mount table)`,
      );
    const container = d.container;
    if (container?.kind === 'container')
      await out.writeJson(
        BUNDLE.dfdaemon.container,
        container.value,
        `\`ctr --namespace k8s.io containers info ${container.value.id}\` (its image and pod labels only)`,
      );
    if (container && container.kind !== 'node' && container.note) partial.push(container.note);
    if (d.configPath && d.configText !== undefined) {
      const name = d.configPath.split('/').pop() ?? 'dfdaemon.yaml';
      await out.writeText(
        `${BUNDLE.dfdaemon.configDir}/${/\.ya?ml$/.test(name) ? name : `${name}.yaml`}`,
        d.configText,
        // read through the daemon's root (its container), not merely under --root: say where
        d.configRead && nodeOwnPath(options.root, d.configRead) !== d.configPath
          ? `${d.configPath} (read at ${d.configRead})`
          : d.configPath,
      );
    }

    const sinceCutoff = options.sinceMs !== undefined ? Date.now() - options.sinceMs : undefined;
    // read before a second scrape, the logs leave it time to run (`reserveMs`)
    const readLogs = (reserveMs: number) => {
      ctx.progress('logs');
      return copyLogs(
        { ...ctx, remainingMs: () => Math.max(0, ctx.remainingMs() - reserveMs) },
        d.logDirOnNode,
        d.generation,
        sinceCutoff,
      );
    };
    let logs: Awaited<ReturnType<typeof copyLogs>> | undefined;

    // two scrapes a known interval apart, so that counters become rates
    const scrapeTimes: string[] = [];
    let version: string | undefined;
    if (d.metricsUrl) {
      ctx.progress('metrics scrape');
      const s0 = await scrape(d.metricsUrl, Math.min(SCRAPE_TIMEOUT_MS, ctx.remainingMs()), ctx.signal);
      if (s0.ok) {
        await out.writeText(BUNDLE.dfdaemon.metrics0, s0.text, `GET ${d.metricsUrl} at ${s0.at}`);
        scrapeTimes.push(s0.at);
        version = /_version\{[^}]*git_version="([^"]+)"/.exec(s0.text)?.[1];
        const wait = Math.min(
          options.scrapeIntervalSeconds * 1000,
          Math.max(0, ctx.remainingMs() - SCRAPE_TIMEOUT_MS - 1000),
        );
        if (wait < options.scrapeIntervalSeconds * 1000)
          partial.push(`scrape interval shortened to ${(wait / 1000).toFixed(1)} s by the time budget`);
        const until = performance.now() + wait;
        // the logs are read within the interval; for what is left of it the other probes read or
        // measure (the wait does not count as busy)
        logs = await readLogs(SCRAPE_TIMEOUT_MS);
        ctx.progress('metrics interval');
        const pause = sleep(Math.max(0, until - performance.now()), undefined, { signal: ctx.signal }).catch(() => {});
        await (ctx.schedule ? ctx.schedule.idle(pause) : pause);
        ctx.progress('second metrics scrape');
        const s1 = await scrape(
          d.metricsUrl,
          Math.min(SCRAPE_TIMEOUT_MS, Math.max(200, ctx.remainingMs())),
          ctx.signal,
        );
        if (s1.ok) {
          await out.writeText(BUNDLE.dfdaemon.metrics1, s1.text, `GET ${d.metricsUrl} at ${s1.at}`);
          scrapeTimes.push(s1.at);
        } else partial.push(`second scrape: ${s1.reason}`);
      } else partial.push(`metrics: ${s0.reason}`);
    } else partial.push('no metrics URL: metrics server off or generation unknown');
    if (version)
      await out.writeText(
        BUNDLE.dfdaemon.version,
        `${version}\n`,
        `the git_version label of the version gauge in ${BUNDLE.dfdaemon.metrics0}`,
      );
    // with the metrics server off (the Go chart's default) the image tag is the version there is
    const versionFrom = version ? 'metrics' : d.release ? 'container image' : undefined;
    version ??= d.release;

    logs ??= await readLogs(0);
    if (logs.files.length === 0)
      partial.push(
        `no dfdaemon log read under ${d.logDirOnNode}${logs.skipped.length > 0 ? ` (${logs.skipped.slice(0, 3).join('; ')})` : ''}`,
      );
    else {
      const unread = logs.skipped.filter((x) => x.includes(': not read: '));
      if (unread.length > 0) partial.push(`logs not read: ${unread.slice(0, 5).join('; ')}`);
    }

    const details: Record<string, unknown> = {
      generation: d.generation,
      generationFrom: d.generationFrom,
      ...(version ? { version, versionFrom } : {}),
      ...(container?.kind === 'container' ? { container: container.value } : {}),
      ...(container?.kind === 'node' && container.unit ? { unit: container.unit } : {}),
      ...(d.pid ? { pid: d.pid } : {}),
      ...(d.daemonRoot ? { daemonRoot: d.daemonRoot } : {}),
      ...(d.configPath ? { configPath: d.configPath } : {}),
      ...(d.configRead && d.configRead !== d.configPath ? { configRead: d.configRead } : {}),
      logDir: d.logDir,
      ...(d.logDirOnNode !== d.logDir ? { logDirOnNode: d.logDirOnNode } : {}),
      cacheDir: d.cacheDir,
      ...(d.cacheDirOnNode !== d.cacheDir.path ? { cacheDirOnNode: d.cacheDirOnNode } : {}),
      ...(d.proxyUrl ? { proxyUrl: d.proxyUrl } : {}),
      ...(d.metricsUrl ? { metricsUrl: d.metricsUrl } : {}),
      ports: d.ports,
      ...(scrapeTimes.length > 0 ? { scrapeTimes } : {}),
      ...(sinceCutoff !== undefined ? { sinceCutoff: new Date(sinceCutoff).toISOString() } : {}),
      logFiles: logs.files.map((f) => ({
        source: f.source,
        bundled: f.bundled,
        bytes: f.bytes,
        sliced: f.sliced,
        ...(f.fromByte !== undefined ? { fromByte: f.fromByte } : {}),
      })),
      ...(logs.window ? { logWindow: { from: new Date(logs.window.fromMs).toISOString(), why: logs.window.why } } : {}),
    };
    if (!d.generation && !d.configPath && scrapeTimes.length === 0 && logs.files.length === 0) {
      // keep why each source failed: "metrics: http://…: no answer within 3000 ms" is the finding when a hung dfdaemon is the trouble
      // flat, one clause per source: nested parentheses made this unreadable
      const why = partial.length > 0 ? `; ${partial.join('; ')}` : '';
      return {
        status: 'skipped',
        reason: `no dfdaemon found: no process, config, metrics or logs${why}; point dfdoctor at it with --dfdaemon-config, --dfdaemon-log-dir or --dfdaemon-metrics`,
        details,
      };
    }
    return { status: 'ok', ...(partial.length > 0 ? { reason: `partial: ${partial.join('; ')}` } : {}), details };
  },
};
