import { describe, expect, it } from 'vitest';
import type { Backend } from './backend.js';

/**
 * Every member of {@link Backend}, exactly: the type makes a missing member
 * and one that is not in the interface compile errors (`npm run typecheck`),
 * so the count below is the interface's.
 */
const MEMBERS: Record<keyof Backend, true> = {
  config: true,
  core: true,
  clusters: true,
  partitionOf: true,
  assertSamePartition: true,
  within: true,
  spanning: true,
  spanningRange: true,
  connectionState: true,
  onStateChange: true,
  stateChanges: true,
  close: true,
};

describe('the Backend contract', () => {
  it('stays a small set of routing primitives: operations are written once above it, not in each backend', () => {
    expect(Object.keys(MEMBERS).length).toBeLessThanOrEqual(15);
  });
});
