import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';

// A process that ends without stop() (an uncaught throw, process.exit(), a
// SIGTERM or SIGINT) must not leave etcd processes running or their data
// directories (tens of MB of WAL each) behind.
//
// 'exit' covers an uncaught throw and process.exit(): the children are killed
// and the directories removed synchronously, as 'exit' listeners must be.
// A signal ends Node without 'exit', so SIGTERM and SIGINT are listened to as
// well, but only while something is running, and without changing what the
// signal does: when no other listener is there (Node would have ended the
// process), the listener cleans up, removes itself and raises the signal again,
// so the process still dies of that signal. When the program has listeners of
// its own, it decides: nothing is done then (if it exits, 'exit' cleans up).

const children = new Set<ChildProcess>();
const dirs = new Set<string>();
const SIGNALS = ['SIGTERM', 'SIGINT'] as const;
let installed = false;

/** Kills `child` if this process ends while it runs. */
export function trackChild(child: ChildProcess): void {
  children.add(child);
  update();
}

/** `child` has exited. */
export function untrackChild(child: ChildProcess): void {
  children.delete(child);
  update();
}

/** Removes `dir` if this process ends before it is removed otherwise. */
export function trackDir(dir: string): void {
  dirs.add(dir);
  update();
}

/** `dir` was removed (or handed over). */
export function untrackDir(dir: string): void {
  dirs.delete(dir);
  update();
}

function update(): void {
  const wanted = children.size > 0 || dirs.size > 0;
  if (wanted === installed) return;
  installed = wanted;
  if (wanted) {
    process.on('exit', cleanUp);
    for (const signal of SIGNALS) process.on(signal, onSignal);
  } else {
    process.off('exit', cleanUp);
    for (const signal of SIGNALS) process.off(signal, onSignal);
  }
}

function cleanUp(): void {
  for (const child of children) child.kill('SIGKILL');
  // etcd may still be writing until SIGKILL lands: retry on ENOTEMPTY/EBUSY.
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 20 });
  children.clear();
  dirs.clear();
  update();
}

function onSignal(signal: NodeJS.Signals): void {
  if (process.listenerCount(signal) > 1) return;
  try {
    cleanUp();
  } finally {
    // With no listener left, Node restores the default action: the process dies of the signal.
    process.kill(process.pid, signal);
  }
}
