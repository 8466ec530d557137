import { basic } from './basic.js';
import { encryption } from './encryption.js';
import { lease } from './lease.js';
import { lock } from './lock.js';
import { prefix } from './prefix.js';
import type { Section } from './section.js';
import { transaction } from './transaction.js';
import { watch } from './watch.js';

/** The tour, in the order of the reference output; one demo per file. */
export const sections: readonly Section[] = [basic, prefix, watch, lease, lock, transaction, encryption];
