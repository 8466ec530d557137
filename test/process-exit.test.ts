import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { endpoints, uniquePrefix } from './helpers.js';

// A script that closes what it opened ends on its own, even without closing
// the client: nothing it released may keep the event loop alive.

/** Runs test/fixtures/exit-probe.ts `mode`; resolves to its exit code, or 'hung' if it is still running after `ms`. */
function runProbe(mode: string, ms: number): Promise<{ code: number | 'hung'; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const args = ['--import', 'tsx', 'test/fixtures/exit-probe.ts', mode, uniquePrefix(`exit-${mode}`), ...endpoints()];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve({ code: 'hung', stdout, stderr });
    }, ms);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

describe('a script that does not close its client', () => {
  // Generous: starting tsx on a loaded machine takes seconds; a hung process never ends.
  for (const mode of ['lease', 'session', 'lock', 'watch', 'mirror']) {
    it(`exits after closing a ${mode}`, async () => {
      const result = await runProbe(mode, 45_000);
      expect(result.stdout, result.stderr).toContain(`done ${mode}`);
      expect(result.code).toBe(0);
    }, 60_000);
  }
});
