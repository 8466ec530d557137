#!/usr/bin/env node
/**
 * The `etcdkit` bin: runs the CLI on the process' arguments and streams,
 * and turns Ctrl-C into a clean cancellation.
 */
import { run } from './run.js';

const controller = new AbortController();
process.once('SIGINT', () => controller.abort(new Error('interrupted')));
// A reader that goes away (`etcdkit list | head`) is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

run(process.argv.slice(2), { signal: controller.signal }).then((code) => {
  process.exitCode = code;
});
