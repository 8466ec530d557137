import { describe, expect, it } from 'vitest';
import { mapError } from './map.js';

/** A gRPC status error as grpc-js raises it. */
const grpc = (code: number, details: string) => Object.assign(new Error(`${code} ${details}`), { code, details });

// The same refusal, as etcd 3.4 and as etcd 3.5 word it, must give the same typed error.
const pairs: ReadonlyArray<readonly [string, Error, Error, string]> = [
  [
    'no credentials',
    grpc(3, 'etcdserver: user name is empty'),
    grpc(3, 'etcdserver: user name is empty'),
    'AUTH_FAILED',
  ],
  ['cancelled by the client', grpc(2, 'context canceled'), grpc(1, 'etcdserver: request canceled'), 'CANCELLED'],
  [
    'deadline passed on the server',
    grpc(2, 'context deadline exceeded'),
    grpc(4, 'etcdserver: context deadline exceeded'),
    'TIMEOUT',
  ],
  ['not root', grpc(7, 'etcdserver: permission denied'), grpc(7, 'etcdserver: permission denied'), 'PERMISSION_DENIED'],
];

describe('mapError across etcd versions', () => {
  it.each(pairs)('%s: 3.4 and 3.5 give the same error', (_, v34, v35, code) => {
    expect(mapError(v34, { op: 'get' }).code).toBe(code);
    expect(mapError(v35, { op: 'get' }).code).toBe(code);
  });

  it('says what to do about credentials instead of what etcd said', () => {
    const none = mapError(grpc(3, 'etcdserver: user name is empty'), { op: 'connect' });
    expect(none.message).toBe(
      'connect: etcd requires authentication and no user name was given: connect with Config.withAuth(user, password)',
    );
    const wrong = mapError(grpc(3, 'etcdserver: authentication failed, invalid user ID or password'), {
      op: 'connect',
    });
    expect(wrong.code).toBe('AUTH_FAILED');
    expect(wrong.message).toContain('check the credentials given to Config.withAuth(user, password)');
  });
});
