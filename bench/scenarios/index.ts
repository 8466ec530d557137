/**
 * Every scenario the harness runs, in order. To add one, write a module that
 * exports a `Scenario` (see ../scenario.ts) and list it here.
 */
import type { Scenario } from '../scenario.js';
import { bulkVsPutLoop, bulkVsTxnLoop } from './bulk.js';
import { iterate } from './iterate.js';
import { count, get1, get64, put1, put64 } from './kv.js';

export const scenarios: readonly Scenario[] = [put1, put64, get1, get64, bulkVsPutLoop, bulkVsTxnLoop, iterate, count];
