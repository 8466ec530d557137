import { describe, expect, it } from 'vitest';
import { Client, Config, UnavailableError, type ConnectionEvent } from '../src/index.js';
import { freePort } from '../src/testing/ports.js';
import { endpoints, uniquePrefix } from './helpers.js';
import { coreOf } from '../src/internal.js';

// An endpoint nobody listens on: connections are refused, so a request sent
// there provably never reached etcd, and writes may be retried elsewhere.

describe('an endpoint that refuses connections', () => {
  it('never fails a write: refused attempts are retried on the live endpoint', async () => {
    const dead = `http://127.0.0.1:${await freePort()}`;
    const client = await Client.connect(
      Config.defaults()
        .withEndpoints(dead, ...endpoints())
        .withCircuitBreaker({ threshold: 3, halfOpenAfterMs: 60_000 }),
    );
    const events: ConnectionEvent[] = [];
    client.onStateChange((e) => events.push(e));
    try {
      const prefix = uniquePrefix('refused');
      for (let i = 0; i < 30; i++) await client.put(`${prefix}${i}`, `v${i}`);
      expect(await client.count(prefix)).toBe(30);
      expect(events.some((e) => e.type === 'endpoint-down' && e.endpoint === dead)).toBe(true);
      const [deadStatus, liveStatus] = await client.status();
      expect(deadStatus).toMatchObject({ endpoint: dead, reachable: false, circuit: 'open' });
      expect(liveStatus).toMatchObject({ reachable: true, circuit: 'closed' });
      const health = await client.health();
      expect(health).toMatchObject({ healthy: true, reachable: 1, openCircuits: 1, connection: 'connected' });
    } finally {
      await client.close();
    }
    expect(client.connectionState).toBe('closed');
  });

  it('fails with a retryable UnavailableError, not an ambiguous one, when it is the only endpoint', async () => {
    const dead = `http://127.0.0.1:${await freePort()}`;
    // Client.connect refuses a cluster with no live endpoint, so the call
    // layer is driven directly against an etcd3 connection to the dead port.
    const client = await Client.connect(
      Config.defaults()
        .withEndpoints(...endpoints())
        .withRetry({ maxAttempts: 2, initialDelayMs: 10, maxDelayMs: 10 }),
    );
    try {
      const core = coreOf(client);
      const { createEtcd3 } = await import('../src/transport/index.js');
      const etcd = createEtcd3(core.config, [dead]);
      try {
        const err = await core.caller
          .run('write', { op: 'put' }, (grpc) => etcd.kv.put({ key: Buffer.from('/x'), value: Buffer.from('y') }, grpc))
          .catch((e: unknown) => e);
        expect(err).toBeInstanceOf(UnavailableError);
        expect((err as UnavailableError).retryable).toBe(true);
      } finally {
        etcd.close();
      }
    } finally {
      await client.close();
    }
  });
});
