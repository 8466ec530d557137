import { spawn } from 'node:child_process';
import { Writable } from 'node:stream';

/** What a finished child process printed and how it exited. */
export interface ProcessResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a TypeScript file of this repository through tsx in a child process,
 * with `env` on top of this process' environment (an `undefined` value
 * removes a variable), and collects its output.
 */
export function runTs(
  file: string,
  args: string[],
  env: Record<string, string | undefined> = {},
): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** A stream that keeps what is written, standing in for stdout or stderr. */
export class Capture extends Writable {
  text = '';
  constructor(readonly isTTY = false) {
    super();
  }
  override _write(chunk: Buffer, _enc: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}
