import type { ChannelCredentials } from '@grpc/grpc-js';
import type { IPolicy } from 'cockatiel';
import type { Etcd3 } from 'etcd3';
import type { Config } from '../config/index.js';
import { type HostPolicy, wireEndpoint } from './etcd.js';
import { asHostPolicy, type PoolHost, poolOf } from './internals.js';

/** etcd3's Host constructor (not exported by etcd3; reached through an existing host). */
type HostConstructor = new (url: string, c: ChannelCredentials, o: unknown, p: IPolicy) => PoolHost;

/**
 * Points `etcd` at `endpoints` from now on: hosts still listed keep their
 * connections and streams, new ones are added, and the others are closed
 * (their streams fail and are re-established on the remaining hosts).
 * etcd3 takes a fixed host list; its pool reads the list on every call, and
 * its authenticator reads it from the options, so both are replaced.
 */
export function setHosts(etcd: Etcd3, config: Config, endpoints: readonly string[], hostPolicy: HostPolicy): void {
  const pool = poolOf(etcd);
  const template = pool.hosts[0];
  if (!template || endpoints.length === 0) return;
  const wire = (e: string) => wireEndpoint(config, e);
  const bare = (e: string) => wire(e).replace(/^https?:\/\//, '');
  const wanted = new Set(endpoints.map(bare));
  const kept = pool.hosts.filter((h) => wanted.has(h.host));
  for (const h of pool.hosts) if (!wanted.has(h.host)) h.close();
  const Host = template.constructor as HostConstructor;
  for (const e of endpoints) {
    if (kept.some((h) => h.host === bare(e))) continue;
    kept.push(new Host(wire(e), template.channelCredentials, template.channelOptions, asHostPolicy(hostPolicy(e))));
  }
  pool.hosts = kept;
  pool.options.hosts = endpoints.map(wire);
}
