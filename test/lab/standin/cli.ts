/**
 * Starts the dfdaemon stand-in as a process (for `npm run lab` and for tests that need it outside
 * their own process, e.g. inside a network namespace or a blkio cgroup):
 *
 *   node --import tsx test/lab/standin/cli.ts --cache-dir D --log-dir D --origin http://127.0.0.1:5000 \
 *        [--config dfdaemon.yaml] [--proxy-port N] [--metrics-port N] [--request-delay-ms N] \
 *        [--rate-limit-scope all|back-to-source] [--log-level info|debug]
 *
 * Prints one JSON line `{"proxyUrl","metricsUrl","ports","logFile","pid"}` on stdout when it listens;
 * stops cleanly on SIGTERM/SIGINT.
 */
import { parseArgs } from 'node:util';
import { startStandin, type StandinOptions } from './standin.js';

const { values } = parseArgs({
  options: {
    'cache-dir': { type: 'string' },
    'log-dir': { type: 'string' },
    origin: { type: 'string' },
    config: { type: 'string' },
    'proxy-port': { type: 'string' },
    'metrics-port': { type: 'string' },
    'request-delay-ms': { type: 'string' },
    'rate-limit-scope': { type: 'string' },
    'log-level': { type: 'string' },
  },
});
const need = (k: 'cache-dir' | 'log-dir' | 'origin'): string => {
  const v = values[k];
  if (!v) {
    process.stderr.write(`standin: --${k} is required\n`);
    process.exit(2);
  }
  return v;
};
const opts: StandinOptions = { cacheDir: need('cache-dir'), logDir: need('log-dir'), originUrl: need('origin') };
if (values.config) opts.configPath = values.config;
if (values['proxy-port']) opts.proxyPort = Number(values['proxy-port']);
if (values['metrics-port']) opts.metricsPort = Number(values['metrics-port']);
if (values['request-delay-ms']) opts.requestDelayMs = Number(values['request-delay-ms']);
if (values['rate-limit-scope'] === 'all' || values['rate-limit-scope'] === 'back-to-source')
  opts.rateLimitScope = values['rate-limit-scope'];
if (values['log-level'] === 'debug' || values['log-level'] === 'info') opts.logLevel = values['log-level'];

const s = await startStandin(opts);
process.stdout.write(
  `${JSON.stringify({ proxyUrl: s.proxyUrl, metricsUrl: s.metricsUrl, ports: s.ports, logFile: s.logFile, pid: process.pid })}\n`,
);
const stop = () => {
  void s.stop().finally(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
