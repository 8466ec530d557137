import { InterceptingCall, type Interceptor } from '@grpc/grpc-js';

// etcd's unary interceptor refuses a call carrying `hasleader: true` when the
// member has no leader, before the handler runs (server/etcdserver/api/v3rpc/interceptor.go).
// The same interceptor on a stream makes etcd's stream interceptor cancel it
// (monitorLeader) once the member has been without a leader for about three
// election timeouts. The metadata is copied: etcd3 shares one instance (its
// auth token) between calls, and a call without the flag must stay without.
export const requireLeader: Interceptor = (options, nextCall) =>
  new InterceptingCall(nextCall(options), {
    start(metadata, listener, next) {
      const copy = metadata.clone();
      copy.set('hasleader', 'true');
      next(copy, listener);
    },
  });
