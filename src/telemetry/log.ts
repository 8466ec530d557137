import type { CircuitInfo, LeaseInfo, LockInfo, Logger, RetryInfo, WatchInfo } from './types.js';

// Log fields name what happened, never values, keys or credentials: errors by code only.
export const describe = {
  retry: (i: RetryInfo) => ({
    operation: i.operation,
    attempt: i.attempt,
    endpoint: i.endpoint,
    code: i.error.code,
    partition: i.partition,
  }),
  circuit: (i: CircuitInfo) => ({ endpoint: i.endpoint, state: i.state, code: i.error?.code, partition: i.partition }),
  watch: (i: WatchInfo) =>
    i.type === 'reconnect'
      ? { event: i.type, attempt: i.attempt, code: i.error.code, partition: i.partition }
      : { event: i.type, revision: 'fromRevision' in i ? i.fromRevision : i.revision, partition: i.partition },
  lease: (i: LeaseInfo) => ({
    event: i.type,
    leaseId: i.leaseId,
    code: i.type === 'lost' ? i.error.code : undefined,
    partition: i.partition,
  }),
  lock: (i: LockInfo) => ({
    event: i.type,
    lock: i.lock,
    code: i.type === 'lost' ? i.error.code : undefined,
    partition: i.partition,
  }),
};

/** The logger with every call guarded: a failing logger must not break the call being logged. */
export function guarded(logger: Logger): Logger {
  const wrap = (level: keyof Logger) => (fields: Record<string, unknown>, message: string) => {
    try {
      logger[level](fields, message);
    } catch {
      // Logging is best effort.
    }
  };
  return { debug: wrap('debug'), info: wrap('info'), warn: wrap('warn'), error: wrap('error') };
}
