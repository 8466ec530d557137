import { describe, expect, it } from 'vitest';
import type { Core } from '../core/core.js';
import { LeaseNotFoundError } from '../errors/index.js';
import { Instruments } from '../telemetry/index.js';
import { Lease } from './lease.js';

// The expiry timer is pure client-side logic: no request is made without keepAlive().
// Telemetry is silent: no plugin, no logger, no subscriber.
const silent = new Instruments({ telemetry: undefined, logger: undefined, partition: undefined, endpoints: [] });
const offline = () => ({ resources: new Set(), caller: { telemetry: silent } }) as Core;

describe('Lease expiry (client side)', () => {
  it('reports a lease lost when its TTL passes without a renewal', async () => {
    const core = offline();
    const lease = new Lease(core, 'a1', 1, Date.now() - 950);
    expect(core.resources.has(lease)).toBe(true);
    expect(await lease.lost).toBeInstanceOf(LeaseNotFoundError);
    expect(lease.state).toBe('lost');
    expect(core.resources.has(lease)).toBe(false);
  });

  it('waits in steps for a TTL beyond what a Node timer can wait (no overflow)', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on('warning', onWarning);
    const lease = new Lease(offline(), 'a2', 9_000_000_000, Date.now());
    await new Promise((r) => setTimeout(r, 20));
    process.off('warning', onWarning);
    expect(warnings).not.toContain('TimeoutOverflowWarning');
    expect(lease.state).toBe('active');
    await lease.close();
    expect(lease.state).toBe('closed');
  });
});
