import diagnostics from 'node:diagnostics_channel';
import { describe, expect, it } from 'vitest';
import { KeyEncodingError, KeyNotFoundError, LockLostError, namingKeys, redactKeys } from '../errors/index.js';
import { Instruments } from './instruments.js';
import type { EtcdKitError } from '../errors/index.js';

const SECRET = '/secret-tenant/acme';

describe('redactKeys', () => {
  it('replaces the keys an error names, in its message, stack and causes, and keeps its class and code', () => {
    const cause = namingKeys(new LockLostError(`its key '${SECRET}/lock/1a' was deleted`), `${SECRET}/lock/1a`);
    const err = namingKeys(new LockLostError(`'${SECRET}/lock' lost while held`, { cause }), `${SECRET}/lock`);
    const hidden = redactKeys(err);
    expect(hidden).toBeInstanceOf(LockLostError);
    expect(hidden).toMatchObject({ name: 'LockLostError', code: 'LOCK_LOST', retryable: false });
    expect(hidden.message).toBe("'<key>' lost while held");
    expect((hidden.cause as Error).message).toBe("its key '<key>' was deleted");
    expect(`${hidden.stack}`).not.toContain('secret');
    expect(err.message).toContain(SECRET);
  });

  it('leaves out the key field of KeyNotFoundError and KeyEncodingError', () => {
    const missing = redactKeys(new KeyNotFoundError(SECRET));
    expect(missing.message).toBe('key not found: <key>');
    expect('key' in missing).toBe(false);
    const bytes = redactKeys(new KeyEncodingError(Buffer.from([0xfe, 0x73, 0x65])));
    expect(bytes.message).not.toContain('fe7365');
    expect('key' in bytes).toBe(false);
  });

  it('returns an error that names no key unchanged', () => {
    const err = new LockLostError('session lost');
    expect(redactKeys(err)).toBe(err);
    expect(redactKeys('text')).toBe('text');
  });
});

describe('Instruments: a failed call', () => {
  const run = (recordKeys: boolean) => {
    const ended: (EtcdKitError | undefined)[] = [];
    const published: unknown[] = [];
    const listener = (m: unknown) => published.push((m as { error: unknown }).error);
    diagnostics.subscribe('tracing:etcdkit:call:error', listener);
    const instruments = new Instruments({
      telemetry: { recordKeys, startCall: () => ({ end: (_c, error) => ended.push(error) }) },
      logger: undefined,
      partition: undefined,
      endpoints: ['http://127.0.0.1:2379'],
    });
    const trace = instruments.startCall('read', 'get', SECRET)!;
    const thrown = new KeyNotFoundError(SECRET);
    return trace
      .run(() => Promise.reject(thrown))
      .catch((caught: unknown) => ({ caught, thrown, observed: [...ended, ...published] }))
      .finally(() => diagnostics.unsubscribe('tracing:etcdkit:call:error', listener));
  };

  it('hands the plugin and the etcdkit:call channel the error without its key; the caller gets it whole', async () => {
    const { caught, thrown, observed } = await run(false);
    expect(caught).toBe(thrown);
    expect(observed).toHaveLength(2);
    for (const e of observed) {
      expect(e).toBeInstanceOf(KeyNotFoundError);
      expect((e as Error).message).toBe('key not found: <key>');
    }
  });

  it('with recordKeys, observers get the error as thrown', async () => {
    const { thrown, observed } = await run(true);
    expect(observed).toEqual([thrown, thrown]);
  });
});
