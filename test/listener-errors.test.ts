import { describe, expect, it } from 'vitest';
import { endpoints, uniquePrefix } from './helpers.js';
import { runTs } from './process.js';

// One rule for a listener that throws: the process goes on, the other
// listeners are called, and the error is reported on the configured logger
// and the `etcdkit:listener` channel. Checked in a child process, where an
// uncaught exception would end the process.

describe('listeners that throw', () => {
  it('neither end the process nor stop the other listeners, and each is reported once', async () => {
    const prefix = uniquePrefix('listener-errors');
    const result = await runTs('test/fixtures/throwing-listeners.ts', [prefix, ...endpoints()]);
    expect(result.stdout, result.stderr).toContain('alive');
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toContain('lease second listener');
    expect(lines).toContain('lock second listener');
    expect(lines).toContain('watch ended: watch listener bug');
    const channel = lines.filter((l) => l.startsWith('channel ')).map((l) => l.slice(8));
    // The session's loss is its lease's.
    expect(channel.sort()).toEqual(
      ['client.onStateChange', 'lease.onLost', 'lease.onLost', 'lock.onLost', 'watch.callback'].sort(),
    );
    const logged = lines.filter((l) => l.startsWith('log ') && l !== 'log undefined').map((l) => l.slice(4));
    expect(logged.sort()).toEqual(channel);
  }, 90_000);
});
