import { runCli } from './index.js';

// `smartstock-provision … | head` closes the pipe before the output ends: the reader is done, which
// is no failure, not an "Unhandled 'error' event" stack trace
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
  process.exit(process.exitCode ?? 0);
});
process.exitCode = await runCli(process.argv.slice(2));
