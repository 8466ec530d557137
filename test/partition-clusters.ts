/** Two isolated etcd clusters, a partitioned client over them and a plain etcd3 client per cluster. */
import { Etcd3 } from 'etcd3';
import { startEtcd, type EtcdHandle } from '../src/testing/index.js';
import { Client, Config } from '../src/index.js';

export const EVENTS = '/registry/events/';

export interface TwoClusters {
  readonly main: EtcdHandle;
  readonly events: EtcdHandle;
  /** The partitioned client: main is the default, `/registry/events/` lives in events. */
  readonly client: Client;
  /** Plain clients, to check where keys landed. */
  readonly raw: { readonly main: Etcd3; readonly events: Etcd3 };
  close(): Promise<void>;
}

/** A config for one cluster, with a short timeout so failures fail fast. */
export const configOf = (h: EtcdHandle): Config =>
  Config.defaults()
    .withEndpoints(...h.endpoints)
    .withTimeout(2000);

/** Starts both clusters; `events` may adjust the events partition's config (encryption…). */
export async function twoClusters(events: (c: Config) => Config = (c) => c): Promise<TwoClusters> {
  const [m, e] = await Promise.all([startEtcd({ isolated: true }), startEtcd({ isolated: true })]);
  const client = await Client.connect(configOf(m).withPartition(EVENTS, events(configOf(e))));
  const raw = { main: new Etcd3({ hosts: m.endpoints }), events: new Etcd3({ hosts: e.endpoints }) };
  return {
    main: m,
    events: e,
    client,
    raw,
    async close() {
      await client.close();
      raw.main.close();
      raw.events.close();
      await Promise.all([m.stop(), e.stop()]);
    },
  };
}
