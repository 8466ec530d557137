import type { CallOptions as GrpcCallOptions } from '@grpc/grpc-js';
import type { Etcd3 } from 'etcd3';
import { poolOf } from './internals.js';

/**
 * Calls `method` of `service` on one host through etcd3's pool (auth token,
 * host selection and per-host guards included), by the method's name in the
 * proto. For methods etcd3's service clients call wrongly: its
 * `maintenance.hashKV` asks gRPC for 'hashKV', but the service's methods are
 * named 'HashKV' (as in the proto) and 'hashKv' (camel-cased by
 * proto-loader), so that call always fails.
 */
export function unary<T>(
  etcd: Etcd3,
  service: string,
  method: string,
  request: unknown,
  grpc?: GrpcCallOptions,
): Promise<T> {
  return poolOf(etcd).exec(service, method, request, grpc) as Promise<T>;
}
