import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kubernetesValue, objectMeta, type Meta } from '../../test/support/k8s-protobuf.js';
import { decodeKubernetesValue } from './decode.js';
import type { KubernetesProtobufValue } from './types.js';

const MAGIC = Buffer.from('k8s\u0000', 'latin1');
const word = fc.stringMatching(/^[a-z0-9][a-z0-9.-]{0,20}$/);
const labels = fc.dictionary(word, fc.string({ maxLength: 12 }), { maxKeys: 4 });
const meta: fc.Arbitrary<Meta> = fc.record({
  name: word,
  namespace: fc.option(word, { nil: undefined }),
  uid: fc.uuid(),
  creationTimestamp: fc
    .integer({ min: 0, max: 4_000_000_000 })
    .map((s) => new Date(s * 1000).toISOString().replace(/\.000Z$/, 'Z')),
  labels,
  annotations: labels,
  generation: fc.option(fc.integer({ min: 1, max: 1_000_000 }), { nil: undefined }),
});

describe('decodeKubernetesValue (properties)', () => {
  it('gives back the ObjectMeta it was encoded from', () => {
    fc.assert(
      fc.property(meta, word, (m, kind) => {
        const v = decodeKubernetesValue(kubernetesValue('v1', kind, [[1, objectMeta(m)]])) as KubernetesProtobufValue;
        // Absent and empty fields are not on the wire, so they are not in the result either.
        const empty = (x: unknown) =>
          x === undefined || (typeof x === 'object' && x !== null && Object.keys(x).length === 0);
        const want = Object.fromEntries(Object.entries(m).filter(([, x]) => !empty(x)));
        expect(v).toMatchObject({ format: 'protobuf', kind, metadata: want });
        expect(v.error).toBeUndefined();
      }),
    );
  });

  it('never throws on bytes after the magic, and a stop lies inside the value', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (body) => {
        const value = Buffer.concat([MAGIC, body]);
        const v = decodeKubernetesValue(value) as KubernetesProtobufValue;
        expect(v.format).toBe('protobuf');
        if (v.error) {
          expect(v.error.offset).toBeGreaterThanOrEqual(MAGIC.length);
          expect(v.error.offset).toBeLessThanOrEqual(value.length);
        }
      }),
    );
  });

  it('a value cut anywhere inside its object reports a stop before the cut', () => {
    fc.assert(
      fc.property(meta, fc.nat(), (m, at) => {
        const whole = kubernetesValue('v1', 'Pod', [[1, objectMeta(m)]]);
        const cut = MAGIC.length + 1 + (at % (whole.length - MAGIC.length - 5)); // stop before contentEncoding and contentType
        const v = decodeKubernetesValue(whole.subarray(0, cut)) as KubernetesProtobufValue;
        expect(v.error).toBeDefined();
        expect(v.error!.offset).toBeLessThanOrEqual(cut);
      }),
    );
  });
});
