import { describe, expect, it } from 'vitest';
import { endpoints, uniquePrefix } from './helpers.js';
import { runTs } from './process.js';

// etcd refuses keep-alive pings on a connection without active streams
// (PermitWithoutStream false) and more frequent than --grpc-keepalive-min-time:
// past three such pings it sends GOAWAY too_many_pings, and grpc-js logs
// "rejected by server because of excess pings" on stderr. An idle client must
// not be told off.

describe('a client left idle for a minute', () => {
  it('keeps stderr clean and still works afterwards', async () => {
    const result = await runTs('test/fixtures/idle-client.ts', [uniquePrefix('idle'), '60', ...endpoints()]);
    expect(result.stdout, result.stderr).toContain('read after');
    expect(result.stdout).toContain('done');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  }, 180_000);
});
