import { afterEach, describe, expect, it } from 'vitest';
import { ClusterAdmin } from '../admin/membership.js';
import { endpointClient } from '../admin/status.js';
import { Config } from '../config/index.js';
import { readBatcher } from '../kv/batch.js';
import { writeBatcher } from '../kv/write-batch.js';
import { KeepAliveHub } from '../lease/hub.js';
import { WatchPool } from '../watch/pool.js';
import type { Closeable, Core } from './core.js';

// The per-client objects live on the client's core, where a reader of Core sees them: each accessor
// makes its object once per core, on first use, and another client's core gets its own. Nothing here
// connects (objects are made, not used), so no etcd is needed.

const config = Config.defaults().withEndpoints('http://127.0.0.1:1').withWriteBatching({});
const made: Core[] = [];
const offline = (): Core => {
  const core = { config, resources: new Set<Closeable>() } as Core;
  made.push(core);
  return core;
};

afterEach(async () => {
  // The endpoint clients are in `resources`, as with a real client: closing them frees their channels.
  for (const core of made.splice(0)) await Promise.all([...core.resources].map((r) => r.close()));
});

/** The per-client objects of `core`, each made through the accessor its callers use. */
function objectsOf(core: Core) {
  return {
    watchPool: WatchPool.of(core),
    keepAliveHub: KeepAliveHub.of(core),
    writeBatcher: writeBatcher(core),
    linearizable: readBatcher(core, false),
    serializable: readBatcher(core, true),
    endpointClient: endpointClient(core, 'http://127.0.0.1:1'),
  };
}

describe('per-client state on the core', () => {
  it('is made once per core, on first use, and kept in the core’s own fields', () => {
    const core = offline();
    expect(core.watchPool).toBeUndefined();
    const first = objectsOf(core);
    expect(objectsOf(core)).toEqual(first);
    for (const o of Object.values(first)) expect(o).toBeDefined();
    expect(core.watchPool).toBe(first.watchPool);
    expect(core.keepAliveHub).toBe(first.keepAliveHub);
    expect(core.writeBatcher).toBe(first.writeBatcher);
    expect(core.readBatchers).toEqual({ linearizable: first.linearizable, serializable: first.serializable });
    expect(core.readBatchers?.linearizable).not.toBe(first.serializable);
    expect(core.endpointClients?.get('http://127.0.0.1:1')).toBe(first.endpointClient);
    expect(core.resources.has(first.endpointClient)).toBe(true);
  });

  it('is distinct for two clients', () => {
    const a = objectsOf(offline());
    const b = objectsOf(offline());
    for (const [name, o] of Object.entries(a)) expect(o, name).not.toBe(b[name as keyof typeof b]);
  });

  it('holds the endpoints one client’s sync chose, not another’s', () => {
    const a = offline();
    const b = offline();
    a.syncedEndpoints = ['http://10.0.0.1:2379'];
    expect(new ClusterAdmin(a).endpoints).toEqual(['http://10.0.0.1:2379']);
    expect(new ClusterAdmin(b).endpoints).toEqual(['http://127.0.0.1:1']);
  });

  it('is not made when its feature is off', () => {
    const core = { config: config.withWriteBatching(false).withReadBatching(false) } as Core;
    expect(writeBatcher(core)).toBeUndefined();
    expect(readBatcher(core, false)).toBeUndefined();
    expect(core.writeBatcher).toBeUndefined();
    expect(core.readBatchers).toBeUndefined();
  });
});
