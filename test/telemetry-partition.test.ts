import diagnostics from 'node:diagnostics_channel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Config, type CallContext } from '../src/index.js';
import { startEtcd, type EtcdHandle } from '../src/testing/index.js';

// On a partitioned client every call names its partition, and the parent's telemetry reaches every partition.

const EVENTS = '/registry/events/';
let main: EtcdHandle;
let events: EtcdHandle;
let client: Client;

beforeAll(async () => {
  [main, events] = await Promise.all([startEtcd({ isolated: true }), startEtcd({ isolated: true })]);
  const config = Config.defaults()
    .withEndpoints(...main.endpoints)
    .withPartition(EVENTS, Config.defaults().withEndpoints(...events.endpoints))
    .withTelemetry({ recordKeys: true });
  client = await Client.connect(config);
}, 60_000);

afterAll(async () => {
  await client?.close();
  await Promise.all([main?.stop(), events?.stop()]);
});

describe('telemetry over partitions', () => {
  it('labels each call with the partition that served it, at its endpoint', async () => {
    const seen: CallContext[] = [];
    const calls = diagnostics.tracingChannel<unknown, CallContext>('etcdkit:call');
    const handlers = {
      start() {},
      end() {},
      asyncStart() {},
      error() {},
      asyncEnd: (c: CallContext) => void seen.push({ ...c }),
    };
    calls.subscribe(handlers);
    try {
      await client.put(`${EVENTS}e1`, 'x');
      await client.put('/other/k', 'y');
    } finally {
      calls.unsubscribe(handlers);
    }
    expect(seen).toEqual([
      expect.objectContaining({
        operation: 'put',
        partition: EVENTS,
        key: `${EVENTS}e1`,
        endpoint: events.endpoints[0],
      }),
      expect.objectContaining({ operation: 'put', partition: '', key: '/other/k', endpoint: main.endpoints[0] }),
    ]);
  });
});
