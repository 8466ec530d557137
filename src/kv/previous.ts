import type { IKeyValue } from 'etcd3';
import type { Core } from '../core/core.js';
import type { InvalidKeyPolicy } from '../keys/index.js';
import { DecryptionError, KeyEncodingError } from '../errors/index.js';
import { toKeyValue, type KeyValue } from './types.js';

/** The previous key-values of an applied write, as far as they could be decoded. */
export interface Previous {
  readonly previous: KeyValue[];
  /** How many were left out because they could not be decoded. */
  readonly undecodable: number;
}

/**
 * Decodes the previous key-values a write got back. The write is applied by
 * then: a value this client cannot decode (written in plaintext by another
 * tool under encryption) or a key that is not well-formed Unicode must not
 * turn it into a failure, so such an entry is left out and counted, as a
 * watch with `onDecryptionError: 'skip'` does.
 */
export function decodePrevious(
  core: Core,
  raws: readonly IKeyValue[] | null | undefined,
  invalidKeys?: InvalidKeyPolicy,
): Previous {
  const previous: KeyValue[] = [];
  let undecodable = 0;
  for (const raw of raws ?? []) {
    try {
      previous.push(toKeyValue(core, raw, invalidKeys));
    } catch (err) {
      if (!(err instanceof DecryptionError || err instanceof KeyEncodingError)) throw err;
      undecodable++;
    }
  }
  return { previous, undecodable };
}
