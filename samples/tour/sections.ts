import { basic } from './basic.js';
import { prefix } from './prefix.js';
import type { Section } from './section.js';

/**
 * The tour, in the order of the reference output. The watch, lease,
 * distributed lock, transaction and encryption demos take their places
 * after `prefix`, one file each.
 */
export const sections: readonly Section[] = [basic, prefix];
