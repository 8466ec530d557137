import type { Attributes, Counter, Histogram, Meter, UpDownCounter } from '@opentelemetry/api';
import type { TelemetryEvent } from '../telemetry/types.js';
import { errorType, serverAttributes } from './attributes.js';

/** The instruments etcdkit records. */
export interface Meters {
  readonly duration: Histogram;
  readonly retries: Counter;
  readonly circuitOpens: Counter;
  readonly watchEvents: Counter;
  readonly watchLag: Histogram;
  readonly watchReconnects: Counter;
  readonly leaseRenewal: Histogram;
  readonly leaseLost: Counter;
  readonly locksHeld: UpDownCounter;
  readonly lockWait: Histogram;
  readonly lockLost: Counter;
}

// Seconds, from 0.5 ms (a local read) to 10 s (a long retried call).
const SECONDS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export function createMeters(meter: Meter): Meters {
  const seconds = (name: string, description: string) =>
    meter.createHistogram(name, { unit: 's', description, advice: { explicitBucketBoundaries: SECONDS } });
  return {
    duration: seconds('db.client.operation.duration', 'Duration of etcd client calls, retries included'),
    retries: meter.createCounter('etcdkit.client.retries', {
      unit: '{retry}',
      description: 'Calls attempted again after a failure',
    }),
    circuitOpens: meter.createCounter('etcdkit.client.circuit.opens', {
      unit: '{open}',
      description: 'Endpoint circuit breakers opened',
    }),
    watchEvents: meter.createCounter('etcdkit.watch.events', {
      unit: '{event}',
      description: 'Watch events delivered',
    }),
    watchLag: meter.createHistogram('etcdkit.watch.lag', {
      unit: '{revision}',
      description: "The server's revision minus the revision delivered",
      advice: { explicitBucketBoundaries: [0, 1, 10, 100, 1000, 10000] },
    }),
    watchReconnects: meter.createCounter('etcdkit.watch.reconnects', {
      unit: '{reconnect}',
      description: 'Watch streams reopened',
    }),
    leaseRenewal: seconds('etcdkit.lease.renewal.duration', 'Time from sending a lease keep-alive to its answer'),
    leaseLost: meter.createCounter('etcdkit.lease.lost', {
      unit: '{lease}',
      description: 'Leases lost (expired or revoked elsewhere)',
    }),
    locksHeld: meter.createUpDownCounter('etcdkit.lock.held', {
      unit: '{lock}',
      description: 'Locks and leaderships held now',
    }),
    lockWait: seconds('etcdkit.lock.wait.duration', 'Time to acquire a lock or leadership'),
    lockLost: meter.createCounter('etcdkit.lock.lost', {
      unit: '{lock}',
      description: 'Locks and leaderships lost while held',
    }),
  };
}

const SYSTEM: Attributes = { 'db.system.name': 'etcd' };

function tagged(partition: string | undefined, extra: Attributes = {}): Attributes {
  return partition === undefined ? { ...SYSTEM, ...extra } : { ...SYSTEM, ...extra, 'etcdkit.partition': partition };
}

/** Records one retry, circuit, watch, lease or lock event. */
export function recordEvent(m: Meters, event: TelemetryEvent): void {
  switch (event.channel) {
    case 'retry': {
      const i = event.info;
      m.retries.add(1, tagged(i.partition, { 'db.operation.name': i.operation, 'error.type': errorType(i.error) }));
      return;
    }
    case 'circuit':
      if (event.info.state === 'open')
        m.circuitOpens.add(1, tagged(event.info.partition, serverAttributes(event.info.endpoint)));
      return;
    case 'watch': {
      const i = event.info;
      if (i.type === 'delivered') {
        m.watchEvents.add(i.count, tagged(i.partition));
        m.watchLag.record(i.lag, tagged(i.partition));
      } else if (i.type === 'reconnect') m.watchReconnects.add(1, tagged(i.partition));
      return;
    }
    case 'lease': {
      const i = event.info;
      if (i.type === 'renewed') m.leaseRenewal.record(i.latencyMs / 1000, tagged(i.partition));
      else if (i.type === 'lost') m.leaseLost.add(1, tagged(i.partition));
      return;
    }
    case 'lock': {
      const i = event.info;
      const attrs = tagged(i.partition, { 'etcdkit.lock': i.lock });
      if (i.type === 'acquired') {
        m.locksHeld.add(1, attrs);
        m.lockWait.record(i.waitMs / 1000, attrs);
      } else if (i.type === 'released') m.locksHeld.add(-1, attrs);
      else {
        m.lockLost.add(1, attrs);
        m.locksHeld.add(-1, attrs);
      }
    }
  }
}
