/**
 * Every scenario the harness runs, in order. To add one, write a module that
 * exports a `Scenario` (see ../scenario.ts) and list it here.
 */
import type { Scenario } from '../scenario.js';
import { bulkVsPutLoop, bulkVsTxnLoop } from './bulk.js';
import { getBatched, getSerializable, putBatched } from './batching.js';
import { encryptedGet1k, encryptedGet64k, encryptedPut1k, encryptedPut64k, open64k, seal64k } from './encryption.js';
import { iterate } from './iterate.js';
import { count, get1, get64, put1, put64 } from './kv.js';
import { lockContended, lockUncontended } from './locks.js';
import { stmTransfers } from './stm.js';
import { leases1kKeepAlive, watch10kKeys } from './streams.js';
import { telemetryGet1, telemetryGet64, telemetryPut1, telemetryPut64 } from './telemetry.js';
import { watchEvents, watchLatency } from './watch.js';

export const scenarios: readonly Scenario[] = [
  put1,
  put64,
  get1,
  get64,
  getBatched,
  getSerializable,
  putBatched,
  bulkVsPutLoop,
  bulkVsTxnLoop,
  iterate,
  count,
  watchEvents,
  watchLatency,
  watch10kKeys,
  leases1kKeepAlive,
  lockUncontended,
  lockContended,
  encryptedPut1k,
  encryptedGet1k,
  encryptedPut64k,
  encryptedGet64k,
  seal64k,
  open64k,
  stmTransfers,
  telemetryPut1,
  telemetryPut64,
  telemetryGet1,
  telemetryGet64,
];
