/**
 * The repository's own door to a client's internals, for its tests and tools. It is not a package
 * entry (neither package.json's `exports` nor tsup.config.ts lists it) and `src/index.ts` does not
 * re-export it, so none of this is public API.
 * @module
 */
import { backendOf, type Client } from './client.js';
import type { Core } from './core/core.js';

/** The core (connection, call layer, codec, keys) of `client`'s backend: its default partition's when partitioned. */
export function coreOf(client: Client): Core {
  return backendOf(client).core;
}
