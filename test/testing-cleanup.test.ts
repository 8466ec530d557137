import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isHealthy } from '../src/testing/http.js';

// etcdkit/testing cleans up after a process that ends without stop(): the etcd
// process is killed and its temp dir (tens of MB of WAL) removed.

const scratch = mkdtempSync(join(tmpdir(), 'etcdkit-cleanup-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  endpoint: string;
  stderr: string;
  leftover: string[];
}

/** Runs the child in its own TMPDIR; sends `signal` once etcd is up; reports how it ended and what it left. */
function runChild(how: string, signal?: NodeJS.Signals): Promise<Ended> {
  const tmp = mkdtempSync(join(scratch, `${how}-`));
  const env = { ...process.env, TMPDIR: tmp, ETCDKIT_HARNESS: 'binary', ETCD_ENDPOINTS: undefined };
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/cleanup-child.ts', how], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  child.stdout.on('data', (d) => {
    stdout += d;
    if (signal && stdout.includes('ready ')) child.kill(signal);
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, sig) => {
      const endpoint = /ready (\S+)/.exec(stdout)?.[1] ?? '';
      const leftover = readdirSync(tmp).filter((f) => f.startsWith('etcdkit-'));
      resolve({ code, signal: sig, endpoint, stderr, leftover });
    });
  });
}

async function stopsAnswering(endpoint: string): Promise<boolean> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (!(await isHealthy(endpoint, undefined))) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

describe('etcdkit/testing when the process ends without stop()', () => {
  it.each([
    ['an uncaught throw', 'throw', undefined, { code: 1, signal: null }],
    ['process.exit(1)', 'exit', undefined, { code: 1, signal: null }],
    ['SIGTERM (no handler of its own: still dies of the signal)', 'wait', 'SIGTERM', { code: null, signal: 'SIGTERM' }],
    ['SIGINT (no handler of its own: still dies of the signal)', 'wait', 'SIGINT', { code: null, signal: 'SIGINT' }],
    ['SIGTERM with a handler of its own that exits 3', 'own-handler', 'SIGTERM', { code: 3, signal: null }],
  ] as const)(
    'after %s: etcd is killed and its temp dir removed',
    async (_, how, signal, ended) => {
      const res = await runChild(how, signal);
      expect(res.endpoint, res.stderr).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect({ code: res.code, signal: res.signal }).toEqual(ended);
      expect(res.leftover).toEqual([]);
      expect(await stopsAnswering(res.endpoint)).toBe(true);
    },
    60_000,
  );
});
