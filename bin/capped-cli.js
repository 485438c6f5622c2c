// The CLI in the worker thread that bin/dfdoctor.js starts for a command whose input can be large, with
// its old generation capped. The worker's stdout and stderr are streams to the main thread: they are
// given what the CLI reads of a terminal (isTTY and columns: colour, table width, progress), as the main
// thread saw them. Signals reach the main thread only; it hands SIGINT and SIGTERM on as messages, and
// they are emitted here for the CLI's own handlers, which clean up and exit as on a real signal.
const { parentPort, workerData } = require('node:worker_threads');
const { loadMain } = require('./packed-cli.js');

Object.assign(process.stdout, workerData.stdout);
Object.assign(process.stderr, workerData.stderr);
parentPort.on('message', (m) => {
  if (m?.signal === 'SIGINT' || m?.signal === 'SIGTERM') process.emit(m.signal, m.signal);
});
// listening must not keep the worker alive once the command is done
parentPort.unref();
void loadMain()
  .then((main) => main(workerData.argv))
  .then((code) => {
    process.exitCode = code;
  });
