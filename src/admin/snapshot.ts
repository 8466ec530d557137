import { createHash, type Hash } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import type { Core } from '../core/core.js';
import { openSnapshotStream, type SnapshotStream } from '../transport/index.js';
import { CancelledError, ClosedError, ServerError, mapError } from '../errors/index.js';

/** One piece of a snapshot stream, in order. */
export interface SnapshotChunk {
  /** The next bytes of the snapshot file. */
  readonly data: Buffer;
  /** Bytes received so far, this chunk included. */
  readonly received: number;
  /**
   * Bytes of the database the server has still to send. The server adds a
   * 32-byte SHA-256 trailer after the database, so the stream ends slightly
   * past `received + remaining` of the first chunk.
   */
  readonly remaining: number;
}

/** Options of {@link Client.snapshot}. */
export interface SnapshotOptions {
  /** Stops the transfer; the stream then rejects with {@link CancelledError}. */
  signal?: AbortSignal;
}

/** How far a {@link Client.snapshotTo} transfer is. */
export interface SnapshotProgress {
  /** Bytes written so far. */
  readonly received: number;
  /** Bytes expected in all, as far as the server has said (grows by 32 for the trailer at the end). */
  readonly total: number;
}

/** Options of {@link Client.snapshotTo}. */
export interface SnapshotToOptions extends SnapshotOptions {
  /** Called after every chunk is handed to the destination. */
  onProgress?: (progress: SnapshotProgress) => void;
}

/** What {@link Client.snapshotTo} wrote. */
export interface SnapshotResult {
  /** Bytes written (the database plus its 32-byte checksum trailer). */
  readonly bytes: number;
  /** SHA-256 (hex) of everything written: compare it with `sha256sum` of the file. */
  readonly sha256: string;
  /**
   * True when the snapshot carried the server's SHA-256 trailer and it
   * matched the database bytes. A mismatch rejects instead.
   */
  readonly verified: boolean;
}

const TRAILER = 32;

/**
 * Streams a snapshot of the backend database from one member. Nothing is
 * buffered beyond the chunk in hand; stopping early (break, abort, closing
 * the client) cancels the server stream.
 */
export async function* snapshot(core: Core, options: SnapshotOptions = {}): AsyncGenerator<SnapshotChunk> {
  const ctx = { op: 'snapshot' };
  const { signal } = options;
  if (core.caller.closed) throw new ClosedError('snapshot: the client is closed');
  if (signal?.aborted) throw new CancelledError('snapshot: aborted', { cause: signal.reason });
  let stream: SnapshotStream;
  try {
    stream = await openSnapshotStream(core.etcd);
  } catch (err) {
    throw mapError(err, ctx);
  }
  const handle = { close: () => stream.cancel() };
  core.resources.add(handle);
  signal?.addEventListener('abort', handle.close, { once: true });
  let received = 0;
  try {
    for await (const res of stream) {
      received += res.blob.length;
      yield { data: res.blob, received, remaining: Number(res.remaining_bytes) };
    }
  } catch (err) {
    if (signal?.aborted) throw new CancelledError('snapshot: aborted', { cause: signal.reason });
    if (core.caller.closed) throw new ClosedError('snapshot: the client was closed', { cause: err });
    throw mapError(err, ctx);
  } finally {
    signal?.removeEventListener('abort', handle.close);
    core.resources.delete(handle);
    stream.cancel(); // a no-op once the stream ended; stops the server when the consumer left early
  }
}

/**
 * Hashes a stream whose last 32 bytes may be the SHA-256 of everything
 * before them, holding back only those 32 bytes.
 */
class TrailerCheck {
  readonly #body: Hash = createHash('sha256');
  #tail = Buffer.alloc(0);

  update(data: Buffer): void {
    const joined = Buffer.concat([this.#tail, data]);
    const cut = Math.max(0, joined.length - TRAILER);
    this.#body.update(joined.subarray(0, cut));
    this.#tail = joined.subarray(cut);
  }

  /** Whether the trailer matched; `undefined` when the stream has none (bbolt files are whole 512-byte blocks). */
  verify(total: number): boolean | undefined {
    if (total % 512 !== TRAILER) return undefined;
    return this.#body.digest().equals(this.#tail);
  }
}

/**
 * Stops a transfer on the caller's abort or on `client.close()`. The pipeline
 * must be given a signal of its own: while the destination withholds its
 * acknowledgement, the pipeline waits for `drain` and the source sits at a
 * `yield`, so nothing else would notice the abort.
 */
function stopper(core: Core, signal: AbortSignal | undefined): { signal: AbortSignal; release(): void } {
  const stop = new AbortController();
  const onAbort = () => stop.abort(new CancelledError('snapshot: aborted', { cause: signal?.reason }));
  const handle = { close: () => stop.abort(new ClosedError('snapshot: the client was closed')) };
  signal?.addEventListener('abort', onAbort, { once: true });
  core.resources.add(handle);
  return {
    signal: stop.signal,
    release: () => {
      signal?.removeEventListener('abort', onAbort);
      core.resources.delete(handle);
    },
  };
}

/**
 * Streams a snapshot into `destination` (ended at the end), hashing it on the
 * way. An abort or `client.close()` ends it at once, even while the
 * destination stalls: the destination is destroyed and the server stream
 * cancelled.
 */
export async function snapshotTo(
  core: Core,
  destination: NodeJS.WritableStream,
  options: SnapshotToOptions = {},
): Promise<SnapshotResult> {
  if (core.caller.closed) throw new ClosedError('snapshot: the client is closed');
  if (options.signal?.aborted) throw new CancelledError('snapshot: aborted', { cause: options.signal.reason });
  const whole = createHash('sha256');
  const check = new TrailerCheck();
  let bytes = 0;
  let verified = false;
  const stop = stopper(core, options.signal);
  async function* source(): AsyncGenerator<Buffer> {
    for await (const chunk of snapshot(core, { signal: stop.signal })) {
      whole.update(chunk.data);
      check.update(chunk.data);
      bytes = chunk.received;
      yield chunk.data;
      options.onProgress?.({ received: chunk.received, total: chunk.received + chunk.remaining });
    }
    const ok = check.verify(bytes);
    if (ok === false) throw new ServerError('snapshot: the checksum trailer does not match the data received');
    verified = ok === true;
  }
  try {
    await pipeline(source, destination, { signal: stop.signal });
  } catch (err) {
    if (stop.signal.aborted) throw stop.signal.reason;
    throw err;
  } finally {
    stop.release();
  }
  return { bytes, sha256: whole.digest('hex'), verified };
}
