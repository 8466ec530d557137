import { utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort, reserve } from './ports.js';

describe('freePort', () => {
  it('never hands out a port it or another process handed out recently', async () => {
    const ports = await Promise.all(Array.from({ length: 30 }, () => freePort()));
    expect(new Set(ports).size).toBe(30);
    for (const p of ports) expect(reserve(p)).toBe(false); // claimed: another process is refused it
  });

  it('takes over a claim older than the reservation period', async () => {
    const port = await freePort();
    const file = join(tmpdir(), 'etcdkit.ports', String(port));
    const hourAgo = new Date(Date.now() - 3_600_000);
    utimesSync(file, hourAgo, hourAgo);
    expect(reserve(port)).toBe(true);
    expect(reserve(port)).toBe(false);
  });
});
