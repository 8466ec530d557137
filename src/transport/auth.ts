import type { Etcd3 } from 'etcd3';
import { poolOf } from './internals.js';

const OLD_AUTH_REVISION = 'revision of auth store is old';

/**
 * etcd refuses a request whose token was issued before the latest change to
 * users, roles or permissions ("revision of auth store is old"), before
 * applying it. Go's client then fetches a new token and retries once; etcd3
 * only does that for an invalid token, so it is added to its pool here.
 */
export function reauthenticateOnOldRevision(etcd: Etcd3): void {
  const pool = poolOf(etcd);
  const exec = pool.exec.bind(pool);
  pool.exec = async (...args) => {
    try {
      return await exec(...args);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.includes(OLD_AUTH_REVISION)) throw err;
      pool.authenticator.invalidateMetadata();
      return exec(...args);
    }
  };
}

/**
 * Forgets the cached auth token so the next call or stream authenticates
 * again: a token issued before a server restart is refused afterwards.
 */
export function forgetToken(etcd: Etcd3): void {
  // Optional: a client under etcd3's `mock()` in a unit test may have no authenticator.
  poolOf(etcd)?.authenticator?.invalidateMetadata();
}
