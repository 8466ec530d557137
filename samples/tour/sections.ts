import { basic } from './basic.js';
import { encryption } from './encryption.js';
import { prefix } from './prefix.js';
import type { Section } from './section.js';
import { transaction } from './transaction.js';
import { watch } from './watch.js';

/**
 * The tour, in the order of the reference output. The lease and distributed
 * lock demos take their places between `watch` and `transaction`, one file each.
 */
export const sections: readonly Section[] = [basic, prefix, watch, transaction, encryption];
