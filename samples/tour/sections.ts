import { basic } from './basic.js';
import { encryption } from './encryption.js';
import { prefix } from './prefix.js';
import type { Section } from './section.js';
import { transaction } from './transaction.js';

/**
 * The tour, in the order of the reference output. The watch, lease and
 * distributed lock demos take their places between `prefix` and
 * `transaction`, one file each.
 */
export const sections: readonly Section[] = [basic, prefix, transaction, encryption];
