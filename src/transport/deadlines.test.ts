import { createServer as createHttp2Server, type Http2Server } from 'node:http2';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { GRPCDeadlineExceededError } from 'etcd3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Config } from '../config/index.js';
import { mayHaveApplied, neverSent } from '../resilience/classify.js';
import { mapError } from '../errors/index.js';
import { Deadlines, type Pending } from './deadlines.js';
import { createEtcd3 } from './etcd.js';
import { createRpc } from './wire.js';

function pending(deadline: number, expired: number[]): Pending {
  return { deadline, expire: () => expired.push(deadline) };
}

describe('Deadlines', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('expires each call at its deadline, with one timer, and never a call that ended', () => {
    vi.useFakeTimers({ now: 1_000 });
    const deadlines = new Deadlines();
    const expired: number[] = [];
    const a = pending(1_100, expired);
    const ended = pending(1_150, expired);
    const b = pending(1_300, expired);
    deadlines.add(a);
    deadlines.add(ended);
    deadlines.add(b);
    expect(vi.getTimerCount()).toBe(1);
    deadlines.delete(ended);
    vi.advanceTimersByTime(99);
    expect(expired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(expired).toEqual([1_100]);
    vi.advanceTimersByTime(199);
    expect(expired).toEqual([1_100]);
    vi.advanceTimersByTime(1);
    expect(expired).toEqual([1_100, 1_300]);
    expect(deadlines.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('re-arms for a call whose deadline is earlier than the one the timer is armed for', () => {
    vi.useFakeTimers({ now: 0 });
    const deadlines = new Deadlines();
    const expired: number[] = [];
    deadlines.add(pending(5_000, expired));
    deadlines.add(pending(50, expired));
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(50);
    expect(expired).toEqual([50]);
    vi.advanceTimersByTime(4_950);
    expect(expired).toEqual([50, 5_000]);
  });
});

// What a call that times out says about whether its request was sent decides
// whether a write may be retried: these run real grpc-js calls against
// servers that never answer (no etcd needed: etcd always answers).
describe('a unary call whose deadline passes', () => {
  const closers: Array<() => void> = [];
  afterEach(() => {
    for (const close of closers.splice(0)) close();
  });

  async function listen(server: Server | Http2Server): Promise<number> {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
  }

  async function rangeWithDeadline(port: number): Promise<Error> {
    const etcd = createEtcd3(Config.defaults().withEndpoints(`127.0.0.1:${port}`));
    closers.push(() => etcd.close());
    const rpc = createRpc(etcd);
    return rpc.kv.range({ key: Buffer.from('k') }, { deadline: Date.now() + 300 }).then(
      () => {
        throw new Error('the call succeeded');
      },
      (err: Error) => err,
    );
  }

  it('never connected (the server accepts TCP but speaks no HTTP/2): a deadline error that says never sent', async () => {
    const sockets: Socket[] = [];
    const server = createServer((socket) => sockets.push(socket));
    closers.push(() => {
      for (const s of sockets) s.destroy();
      server.close();
    });
    const err = await rangeWithDeadline(await listen(server));
    expect(err).toBeInstanceOf(GRPCDeadlineExceededError);
    expect(err.message).toContain('Waiting for LB pick');
    expect(neverSent(err)).toBe(true);
  });

  it('sent to a server that does not answer: a deadline error that says the request may have been applied', async () => {
    const streams: Array<{ close(): void }> = [];
    const server = createHttp2Server();
    server.on('stream', (stream) => streams.push(stream)); // accepted, never answered
    closers.push(() => {
      for (const s of streams) s.close();
      server.close();
    });
    const port = await listen(server);
    const err = await rangeWithDeadline(port);
    expect(err).toBeInstanceOf(GRPCDeadlineExceededError);
    expect(err.message).toContain(`remote_addr=127.0.0.1:${port}`);
    expect(neverSent(err)).toBe(false);
    expect(mayHaveApplied(mapError(err, { op: 'put' }))).toBe(true);
    expect(streams.length).toBe(1);
  });
});
