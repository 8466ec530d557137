import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CancelledError, ClosedError, type Client } from '../src/index.js';
import { connect } from './helpers.js';
import { coreOf } from '../src/internal.js';

let client: Client;
beforeAll(async () => {
  client = await connect();
});
afterAll(() => client.close());

/** Collects everything written into one Buffer. */
function sink(): Writable & { bytes: () => Buffer } {
  const parts: Buffer[] = [];
  const w = new Writable({
    write(chunk: Buffer, _enc, done) {
      parts.push(chunk);
      done();
    },
  });
  return Object.assign(w, { bytes: () => Buffer.concat(parts) });
}

/**
 * Starts snapshotTo into a destination that takes the first chunk and never
 * acknowledges it, like a hung upload; resolves once that chunk arrived.
 */
async function stalledTransfer(c: Client, signal?: AbortSignal) {
  let started!: () => void;
  const underWay = new Promise<void>((resolve) => (started = resolve));
  const destination = new Writable({ highWaterMark: 1, write: () => started() });
  const transfer = c.snapshotTo(destination, { signal });
  transfer.catch(() => undefined);
  await Promise.race([underWay, transfer]);
  return { destination, transfer };
}

describe('snapshot', () => {
  it('streams the database followed by its SHA-256 trailer', async () => {
    const chunks: Buffer[] = [];
    let last = { received: 0, remaining: -1 };
    for await (const chunk of client.snapshot()) {
      chunks.push(chunk.data);
      last = chunk;
    }
    const all = Buffer.concat(chunks);
    expect(last).toMatchObject({ received: all.length, remaining: 0 });
    const body = all.subarray(0, all.length - 32);
    expect(createHash('sha256').update(body).digest()).toEqual(all.subarray(all.length - 32));
  });

  it('snapshotTo writes, reports progress up to the total, and hashes what it wrote', async () => {
    const out = sink();
    const seen: number[] = [];
    const result = await client.snapshotTo(out, { onProgress: (p) => seen.push(p.received / p.total) });
    expect(result.bytes).toBe(out.bytes().length);
    expect(result.sha256).toBe(createHash('sha256').update(out.bytes()).digest('hex'));
    expect(result.verified).toBe(true);
    expect(seen.at(-1)).toBe(1);
  });

  it('stopping early cancels the stream and leaves no handle behind', async () => {
    for await (const chunk of client.snapshot()) {
      expect(chunk.data.length).toBeGreaterThan(0);
      break;
    }
    expect(coreOf(client).resources.size).toBe(0);
  });

  it('rejects with CancelledError when aborted, and ClosedError once the client is closed', async () => {
    const aborted = AbortSignal.abort();
    await expect(client.snapshotTo(sink(), { signal: aborted })).rejects.toBeInstanceOf(CancelledError);
    const other = await connect();
    await other.close();
    const iterate = async () => {
      for await (const _ of other.snapshot()) void _;
    };
    await expect(iterate()).rejects.toBeInstanceOf(ClosedError);
  });

  it('snapshotTo into a stalled destination: abort rejects with CancelledError and releases the stream', {
    timeout: 20_000,
  }, async () => {
    const ac = new AbortController();
    const { destination, transfer } = await stalledTransfer(client, ac.signal);
    expect(coreOf(client).resources.size).toBeGreaterThan(0); // the transfer holds its stream
    ac.abort(new Error('upload hung'));
    const err = await transfer.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CancelledError);
    expect((err as CancelledError).cause).toEqual(new Error('upload hung'));
    expect(destination.destroyed).toBe(true);
    expect(coreOf(client).resources.size).toBe(0);
  });

  it('snapshotTo into a stalled destination: client.close() rejects it with ClosedError', {
    timeout: 20_000,
  }, async () => {
    const other = await connect();
    const { transfer } = await stalledTransfer(other);
    await other.close();
    await expect(transfer).rejects.toBeInstanceOf(ClosedError);
    expect(coreOf(other).resources.size).toBe(0);
  });
});
