import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, ValidationError } from '../src/index.js';
import { connect, testConfig, uniquePrefix } from './helpers.js';

// Bad input from a caller is refused with a ValidationError, before anything
// is sent: never a raw TypeError from reading a field of `null` or putting a
// Symbol in a message.

let client: Client;
const p = uniquePrefix('bad-input');
beforeAll(async () => {
  client = await connect(testConfig().withNamespace(p));
});
afterAll(async () => {
  await client.close();
});

/** What `call` throws or rejects with. */
async function failure(call: () => unknown): Promise<unknown> {
  try {
    const result = call();
    await (result as Promise<unknown>);
  } catch (err) {
    return err;
  }
  return undefined;
}

const NULL = null as never;

describe('options that are not an object', () => {
  const calls: Array<[string, () => unknown]> = [
    ['put', () => client.put('/k', 'v', NULL)],
    ['get', () => client.get('/k', NULL)],
    ['getMany', () => client.getMany(['/k'], NULL)],
    ['delete', () => client.delete('/k', NULL)],
    ['bulkDelete', () => client.bulkDelete(['/k'], NULL)],
    ['list', () => client.list('/k', NULL)],
    ['listWithValues', () => client.listWithValues('/k', NULL)],
    ['iterate', () => client.iterate('/k', NULL)],
    ['getRange', () => client.getRange('/a', '/b', NULL)],
    ['count', () => client.count('/k', NULL)],
    ['putIfAbsent', () => client.putIfAbsent('/k', 'v', NULL)],
    ['stm', () => client.stm(() => 1, NULL)],
    ['watch', () => client.watch('/k', NULL)],
    ['watchPrefix', () => client.watchPrefix('/k', NULL)],
    ['history', () => client.history('/k', NULL)],
    ['mirror', () => client.mirror('/k', NULL)],
    ['session', () => client.session(NULL)],
    ['newLock', () => client.newLock('/k', NULL)],
    ['newRWLock', () => client.newRWLock('/k', NULL)],
    ['election', () => client.election('/k', NULL)],
    ['maintenance.hashKV', () => client.maintenance.hashKV(NULL)],
    ['maintenance.checkConsistency', () => client.maintenance.checkConsistency(NULL)],
    ['Mutex.tryLock', () => client.newLock('/m').tryLock(NULL)],
    ['RWMutex.tryReadLock', () => client.newRWLock('/rw').tryReadLock(NULL)],
    ['RWMutex.tryWriteLock', () => client.newRWLock('/rw').tryWriteLock(NULL)],
  ];
  it.each(calls)('%s(…, null) is refused with a ValidationError', async (_, call) => {
    const err = await failure(call);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as Error).message).toBe('options must be an object, got null');
  });

  it('Client.connect with a signal that is not an AbortSignal is refused with a ValidationError', async () => {
    const err = await failure(() => Client.connect(testConfig(), { signal: 'stop' as never }));
    expect(err).toBeInstanceOf(ValidationError);
  });
});

describe('arguments of the wrong kind', () => {
  const sym = Symbol('k') as never;
  const calls: Array<[string, () => unknown]> = [
    ['getRange with a null start', () => client.getRange(NULL, '')],
    ['getRange with a numeric end', () => client.getRange('/a', 42 as never)],
    ['bulkPut with a Symbol', () => client.bulkPut(sym)],
    ['bulkPut with an array of non-pairs', () => client.bulkPut([1] as never)],
    ['bulkDelete with a number', () => client.bulkDelete(42 as never)],
    ['compareAndSwap with a Symbol key', () => client.compareAndSwap(sym, undefined, NULL)],
    ['putIfAbsent with a Symbol key', () => client.putIfAbsent(sym, NULL)],
    ['partition with a Symbol prefix', () => client.partition(sym)],
    ['auth.revokePermission with a string target', () => client.auth.revokePermission('r', 'v' as never)],
    ['auth.grantPermission with a numeric target', () => client.auth.grantPermission('r', 42 as never, 'read')],
  ];
  it.each(calls)('%s is refused with a ValidationError', async (_, call) => {
    expect(await failure(call)).toBeInstanceOf(ValidationError);
  });
});
