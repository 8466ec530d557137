import { describe, expect, it } from 'vitest';
import { Config } from '../config/index.js';
import { createEtcd3 } from './etcd.js';
import { poolOf } from './internals.js';

describe('an auth token older than the auth store', () => {
  // etcd3's own mock hook stands in for the pool's transport; what is tested is the retry around it.
  it('is renewed and the call retried once', async () => {
    const etcd = createEtcd3(Config.defaults().withAuth('app', 'pw'));
    const pool = poolOf(etcd);
    let invalidated = 0;
    pool.authenticator.invalidateMetadata = () => void invalidated++;
    let calls = 0;
    etcd.mock({
      exec: async () => {
        if (calls++ === 0) throw new Error('etcdserver: revision of auth store is old');
        return { header: {}, kvs: [], count: '0', more: false };
      },
      getConnection: () => {
        throw new Error('not used');
      },
    } as never);
    await etcd.kv.range({ key: Buffer.from('k') });
    expect({ calls, invalidated }).toEqual({ calls: 2, invalidated: 1 });

    calls = 0;
    etcd.mock({
      exec: async () => {
        calls++;
        throw new Error('etcdserver: revision of auth store is old');
      },
    } as never);
    await expect(etcd.kv.range({ key: Buffer.from('k') })).rejects.toThrow('revision of auth store is old');
    expect(calls).toBe(2);
    etcd.close();
  });
});
