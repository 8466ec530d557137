import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { credentials, loadPackageDefinition, type GrpcObject, type ServiceClientConstructor } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';

// The floor: what any wrapper of grpc-js could reach. etcd3's own rpc.proto,
// loaded with the options etcd3 loads it with (connection-pool.js), one KV
// client with no auth, no interceptors, no channel options, no deadline, and
// each call a callback wrapped in a promise. A side that costs this much
// client CPU per call has nothing left to shed above grpc-js.

const LOADER_OPTIONS = { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true };

type Callback<T> = (err: Error | null, res: T) => void;

interface RangeResponse {
  readonly kvs: ReadonlyArray<{ readonly value: Buffer }>;
}

/** The two methods of `etcdserverpb.KV` the floor calls, as grpc-js generates them from the proto. */
interface KvStub {
  put(request: { key: Buffer; value: Buffer }, callback: Callback<unknown>): void;
  range(request: { key: Buffer; limit: number }, callback: Callback<RangeResponse>): void;
  close(): void;
}

/** A bare grpc-js client of one etcd's KV service. */
export interface Floor {
  /** `KV.Put` of one key, as etcd3's `put(key).value(value).exec()` sends it. */
  put(key: string, value: Buffer): Promise<unknown>;
  /** `KV.Range` of one key (limit 1, as etcd3's `get(key)`): its value, or null. */
  get(key: string): Promise<Buffer | null>;
  close(): void;
}

function kvConstructor(): ServiceClientConstructor {
  // etcd3's own copy of the proto, wherever npm put the package.
  const etcd3Main = createRequire(import.meta.url).resolve('etcd3');
  const proto = join(dirname(etcd3Main), '..', 'proto', 'rpc.proto');
  const services = loadPackageDefinition(loadSync(proto, LOADER_OPTIONS));
  return (services.etcdserverpb as GrpcObject).KV as ServiceClientConstructor;
}

function call<T>(send: (callback: Callback<T>) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => send((err, res) => (err ? reject(err) : resolve(res))));
}

/** Opens the floor client on the first of `endpoints` (`http://host:port`). */
export function openFloor(endpoints: readonly string[]): Floor {
  const address = (endpoints[0] ?? '').replace(/^https?:\/\//, '');
  const KV = kvConstructor();
  const kv = new KV(address, credentials.createInsecure()) as unknown as KvStub;
  return {
    put: (key, value) => call((cb) => kv.put({ key: Buffer.from(key), value }, cb)),
    get: (key) =>
      call<RangeResponse>((cb) => kv.range({ key: Buffer.from(key), limit: 1 }, cb)).then(
        (res) => res.kvs[0]?.value ?? null,
      ),
    close: () => kv.close(),
  };
}
