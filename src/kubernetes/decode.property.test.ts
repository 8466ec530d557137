import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Field, fullPodObject, kubernetesValue, objectMeta, type Meta } from '../../test/support/k8s-protobuf.js';
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

type Value = Field[1];

/** Paths (indices at each level) to every field of a field tree that holds a number or bytes. */
function leaves(fields: readonly Field[], at: number[] = []): number[][] {
  return fields.flatMap(([, value], i) => (Array.isArray(value) ? leaves(value, [...at, i]) : [[...at, i]]));
}

/** The tree with the leaf at `path` set to `value` (or the field dropped when `value` is undefined). */
function replaced(fields: readonly Field[], path: readonly number[], value: Value | undefined): Field[] {
  const [i, ...rest] = path as [number, ...number[]];
  const out = [...fields];
  const [n, old] = out[i]!;
  if (rest.length > 0) out[i] = [n, replaced(old as Field[], rest, value)];
  else if (value === undefined) out.splice(i, 1);
  else out[i] = [n, value];
  return out;
}

const POD = fullPodObject();
const POD_LEAVES = leaves(POD);
// A leaf's new value: any 64-bit number (signed or not), any bytes, any text, or nothing.
const leafValue: fc.Arbitrary<Value | undefined> = fc.oneof(
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 64n - 1n }),
  fc.uint8Array({ maxLength: 24 }),
  fc.string({ maxLength: 12 }),
  fc.constant(undefined),
);
const leafEdit = fc.tuple(fc.nat(POD_LEAVES.length - 1), leafValue);
const byteEdit = fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }));

describe('decodeKubernetesValue (properties)', () => {
  // A controller-made Pod, its fields replaced with values of any type and
  // range (times far outside what a Date holds, negative numbers, bytes where
  // text was) and then its bytes flipped and cut: every result is a value, never a throw.
  it('never throws on a mutated Pod', () => {
    fc.assert(
      fc.property(
        fc.array(leafEdit, { minLength: 1, maxLength: 3 }),
        fc.array(byteEdit, { maxLength: 3 }),
        fc.option(fc.nat(), { nil: undefined }),
        (leafEdits, byteEdits, cutAt) => {
          let object = POD;
          for (const [leaf, value] of leafEdits) {
            const path = POD_LEAVES[leaf]!;
            if (leaves(object).some((p) => p.join() === path.join())) object = replaced(object, path, value);
          }
          const value = kubernetesValue('v1', 'Pod', object);
          for (const [at, byte] of byteEdits) value[MAGIC.length + (at % (value.length - MAGIC.length))] = byte;
          const cut = cutAt === undefined ? value : value.subarray(0, MAGIC.length + (cutAt % value.length));
          const v = decodeKubernetesValue(cut);
          expect(['protobuf', 'binary', 'text', 'json', 'encrypted']).toContain(v.format);
          JSON.stringify(v);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('reports a time no Date can hold as such', () => {
    // 18 bytes whose creationTimestamp is past year 275760, where a Date ends: it threw `RangeError: Invalid time value`.
    const value = Buffer.from('6b387300120c0a0a42080880c0caf384a302', 'hex');
    expect(decodeKubernetesValue(value)).toMatchObject({
      format: 'protobuf',
      metadata: { creationTimestamp: expect.stringMatching(/^invalid time \(seconds \d+, nanos 0\)$/) },
    });
    const far = (seconds: bigint, nanos = 0n): Field[] => [
      [
        1,
        [
          [1, 'x'],
          [
            8,
            [
              [1, seconds],
              [2, nanos],
            ],
          ],
          [
            9,
            [
              [1, seconds],
              [2, nanos],
            ],
          ],
        ],
      ],
    ];
    const meta = (f: Field[]) =>
      (decodeKubernetesValue(kubernetesValue('v1', 'Pod', f)) as KubernetesProtobufValue).metadata;
    expect(meta(far(-(2n ** 63n)))).toMatchObject({
      creationTimestamp: 'invalid time (seconds -9223372036854775808, nanos 0)',
      deletionTimestamp: 'invalid time (seconds -9223372036854775808, nanos 0)',
    });
    expect(meta(far(253_402_300_800n)).deletionTimestamp).toBe('invalid time (seconds 253402300800, nanos 0)');
    expect(meta(far(0n, 1_000_000_000n)).creationTimestamp).toBe('invalid time (seconds 0, nanos 1000000000)');
    expect(meta(far(-1n, -1n)).creationTimestamp).toBe('invalid time (seconds -1, nanos -1)');
    // The edges of the range are times.
    expect(meta(far(253_402_300_799n, 999_999_999n)).creationTimestamp).toBe('9999-12-31T23:59:59.999999999Z');
    expect(meta(far(-62_135_596_800n)).creationTimestamp).toBe('0001-01-01T00:00:00Z');
  });

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
