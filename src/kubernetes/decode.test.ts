import { describe, expect, it } from 'vitest';
import {
  configMap,
  deployment,
  kubernetesValue,
  message,
  objectMeta,
  pod,
  varint,
} from '../../test/support/k8s-protobuf.js';
import { FIELD_LIMIT, LIMIT_REASON } from './budget.js';
import { decodeKubernetesValue } from './decode.js';
import type { KubernetesProtobufValue, ProtoField } from './types.js';

const meta = {
  name: 'web',
  namespace: 'default',
  uid: '5a1c2a9e-0000-4000-8000-000000000001',
  creationTimestamp: '2026-11-30T09:15:00Z',
  labels: { app: 'web', tier: 'front' },
};

const asProtobuf = (v: ReturnType<typeof decodeKubernetesValue>) => {
  expect(v.format).toBe('protobuf');
  return v as KubernetesProtobufValue;
};

describe('decodeKubernetesValue: protobuf', () => {
  it('reads the envelope type, ObjectMeta and the rest as a field tree', () => {
    const v = asProtobuf(decodeKubernetesValue(pod(meta)));
    expect(v).toMatchObject({ apiVersion: 'v1', kind: 'Pod', metadata: meta });
    expect(v.error).toBeUndefined();
    expect(v.fields).toEqual([
      {
        field: 2,
        wireType: 'bytes',
        length: 19,
        message: [
          {
            field: 2,
            wireType: 'bytes',
            length: 17,
            message: [
              { field: 1, wireType: 'bytes', length: 3, text: 'web' },
              { field: 2, wireType: 'bytes', length: 10, text: 'nginx:1.27' },
            ],
          },
        ],
      },
      {
        field: 3,
        wireType: 'bytes',
        length: 9,
        message: [{ field: 1, wireType: 'bytes', length: 7, text: 'Running' }],
      },
    ]);
  });

  it('reads a ConfigMap and a Deployment, numbers as varints', () => {
    const cm = asProtobuf(decodeKubernetesValue(configMap(meta, { mode: 'fast' })));
    expect(cm).toMatchObject({ kind: 'ConfigMap', metadata: { name: 'web' } });
    expect(cm.fields[0]).toMatchObject({ field: 2, message: [{ text: 'mode' }, { text: 'fast' }] });
    const d = asProtobuf(decodeKubernetesValue(deployment({ ...meta, generation: 4 }, 3)));
    expect(d).toMatchObject({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { generation: 4 } });
    expect(d.fields[0]).toEqual({
      field: 2,
      wireType: 'bytes',
      length: 2,
      message: [{ field: 1, wireType: 'varint', value: 3 }],
    });
  });

  it('decodes owner references, finalizers, deletion fields and times with nanoseconds', () => {
    const value = kubernetesValue('v1', 'Pod', [
      [
        1,
        [
          [1, 'web-1'],
          [2, 'web-'],
          [
            9,
            [
              [1, 1_800_000_000],
              [2, 500_000_000],
            ],
          ],
          [10, 30],
          [
            13,
            [
              [1, 'ReplicaSet'],
              [3, 'web-abc'],
              [4, 'u-1'],
              [5, 'apps/v1'],
              [6, true],
              [7, false],
            ],
          ],
          [14, 'example.com/cleanup'],
        ],
      ],
    ]);
    expect(decodeKubernetesValue(value)).toMatchObject({
      metadata: {
        name: 'web-1',
        generateName: 'web-',
        deletionTimestamp: '2027-01-15T08:00:00.5Z',
        deletionGracePeriodSeconds: 30,
        ownerReferences: [
          {
            kind: 'ReplicaSet',
            name: 'web-abc',
            uid: 'u-1',
            apiVersion: 'apps/v1',
            controller: true,
            blockOwnerDeletion: false,
          },
        ],
        finalizers: ['example.com/cleanup'],
      },
    });
  });

  it('says where a truncated value stopped, with everything before decoded', () => {
    const whole = pod(meta);
    const labelsAt = whole.indexOf(Buffer.from('tier'));
    const cut = whole.subarray(0, labelsAt + 2);
    const v = asProtobuf(decodeKubernetesValue(cut));
    expect(v).toMatchObject({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web', uid: meta.uid, labels: { app: 'web' } },
    });
    expect(v.metadata.labels).toEqual({ app: 'web' }); // the label cut short is left out, not shown half
    expect(v.error?.path).toBe('raw.metadata.labels.key');
    expect(v.error?.reason).toMatch(/longer than the 2 bytes left/);
    expect(v.error?.offset).toBe(labelsAt - 2); // the tag of the key field
    expect(whole[v.error!.offset]).toBe(0x0a);
  });

  it('says where a value with a broken field stopped', () => {
    const bad = Buffer.concat([
      Buffer.from('k8s\u0000', 'latin1'),
      message([
        [
          1,
          [
            [1, 'v1'],
            [2, 'Pod'],
          ],
        ],
      ]),
      Buffer.from([0x10, 0xff]),
    ]);
    const v = asProtobuf(decodeKubernetesValue(bad));
    expect(v).toMatchObject({ apiVersion: 'v1', kind: 'Pod', error: { path: 'raw', offset: bad.length - 2 } });
    expect(v.error?.reason).toMatch(/varint/);
    expect(asProtobuf(decodeKubernetesValue(Buffer.from('k8s\u0000', 'latin1')))).toEqual({
      format: 'protobuf',
      metadata: {},
      fields: [],
      error: { offset: 4, path: 'raw', reason: 'the envelope has no raw field (the object)' },
    });
  });

  it('never throws on arbitrary bytes after the magic', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed);
    for (let i = 0; i < 2000; i++) {
      const body = Buffer.from(Array.from({ length: random() % 64 }, () => random() % 256));
      const v = decodeKubernetesValue(Buffer.concat([Buffer.from('k8s\u0000', 'latin1'), body]));
      expect(v.format).toBe('protobuf');
    }
    const whole = deployment(meta, 3);
    // Cut after raw, at the boundary of the empty contentEncoding or contentType, the value is whole.
    const boundaries = [whole.length - 4, whole.length - 2];
    for (let n = 4; n < whole.length; n++) {
      if (boundaries.includes(n)) continue;
      const v = asProtobuf(decodeKubernetesValue(whole.subarray(0, n)));
      expect(v.error, `cut at ${n}`).toBeDefined();
      expect(v.error!.offset).toBeLessThanOrEqual(n);
    }
  });

  it('shows big varints as text and deep nesting as bytes, without exhausting the stack', () => {
    const big = kubernetesValue('v1', 'X', [
      [1, objectMeta(meta)],
      [5, 2n ** 63n],
    ]);
    expect(asProtobuf(decodeKubernetesValue(big)).fields).toEqual([
      { field: 5, wireType: 'varint', value: '9223372036854775808' },
    ]);
    let nested = Buffer.from([0x08, 0x01]);
    for (let i = 0; i < 5000; i++) nested = Buffer.concat([Buffer.from([0x12]), varint(nested.length), nested]);
    const deep = asProtobuf(decodeKubernetesValue(kubernetesValue('v1', 'X', [[2, nested]])));
    expect(deep.error).toBeUndefined();
  });
});

/** Every node of a field tree, nested ones too. */
const nodes = (fields: readonly ProtoField[]): number =>
  fields.reduce((n, f) => n + 1 + (f.wireType === 'bytes' && f.message ? nodes(f.message) : 0), 0);

describe('decodeKubernetesValue: bounded work on hostile values', () => {
  const MAGIC = Buffer.from('k8s\u0000', 'latin1');
  // 786,000 empty length-delimited fields: 1.5 MB that once became a gigabyte of objects.
  const empties = Buffer.alloc(786_000 * 2);
  for (let i = 0; i < empties.length; i += 2) empties[i] = (5 << 3) | 2;

  it('stops an envelope of a million empty fields at the bound and says where', () => {
    const v = asProtobuf(decodeKubernetesValue(Buffer.concat([MAGIC, empties])));
    expect(v.truncated).toBe(true);
    expect(v.error).toEqual({ offset: MAGIC.length + 2 * FIELD_LIMIT, path: 'envelope', reason: LIMIT_REASON });
    expect(JSON.stringify(v).length).toBeLessThan(1000);
  });

  it('stops an object of a million empty fields at the bound, its output a few bytes per byte read', () => {
    const value = kubernetesValue('v1', 'Pod', [
      [1, objectMeta(meta)],
      [2, empties],
    ]);
    for (const hostile of [value, Buffer.concat([MAGIC, message([[2, empties]])])]) {
      const v = asProtobuf(decodeKubernetesValue(hostile));
      expect(v.truncated).toBe(true);
      expect(v.error?.reason).toBe(LIMIT_REASON);
      expect(nodes(v.fields)).toBeLessThanOrEqual(FIELD_LIMIT);
      expect(JSON.stringify(v).length).toBeLessThan(60 * FIELD_LIMIT);
    }
    const spec = asProtobuf(decodeKubernetesValue(value));
    expect(spec).toMatchObject({ kind: 'Pod', metadata: meta, error: { path: 'raw.2' } });
  });

  it('decodes a large real object whole: a ConfigMap of 10,000 keys', () => {
    const data = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`key-${i}`, `value ${i}`]));
    const v = asProtobuf(decodeKubernetesValue(configMap(meta, data)));
    expect(v.truncated).toBeUndefined();
    expect(v.error).toBeUndefined();
    expect(v.fields).toHaveLength(10_000);
    expect(v.fields[9_999]).toMatchObject({ message: [{ text: 'key-9999' }, { text: 'value 9999' }] });
  });
});

describe('decodeKubernetesValue: other formats', () => {
  it('parses JSON objects and takes apiVersion, kind and metadata from them', () => {
    const cr = {
      apiVersion: 'demo.mycompany.com/v1',
      kind: 'ConfigMapApp',
      metadata: { name: 'my-app', namespace: 'default', labels: { a: 'b' } },
      spec: { replicas: 3 },
    };
    expect(decodeKubernetesValue(Buffer.from(JSON.stringify(cr)))).toEqual({
      format: 'json',
      apiVersion: cr.apiVersion,
      kind: cr.kind,
      metadata: cr.metadata,
      value: cr,
    });
    expect(decodeKubernetesValue(Buffer.from('[1,2]'))).toEqual({ format: 'json', value: [1, 2] });
  });

  it('labels values encrypted at rest with their provider and key name', () => {
    for (const [prefix, provider, version] of [
      ['k8s:enc:aesgcm:v1:key1:', 'aesgcm', 'v1'],
      ['k8s:enc:aescbc:v1:key1:', 'aescbc', 'v1'],
      ['k8s:enc:kms:v1:key1:', 'kms', 'v1'],
      ['k8s:enc:kms:v2:key1:', 'kms', 'v2'],
      ['k8s:enc:secretbox:v1:key1:', 'secretbox', 'v1'],
    ] as const) {
      const value = Buffer.concat([Buffer.from(prefix), Buffer.from([0, 1, 2, 0xff, 0xfe])]);
      expect(decodeKubernetesValue(value)).toEqual({
        format: 'encrypted',
        provider,
        providerVersion: version,
        keyName: 'key1',
        ciphertextBytes: 5,
      });
    }
  });

  it('plain text, values that only look like JSON, and binary', () => {
    expect(decodeKubernetesValue(Buffer.from('hello'))).toEqual({ format: 'text', text: 'hello' });
    expect(decodeKubernetesValue(Buffer.from('42'))).toEqual({ format: 'text', text: '42' });
    expect(decodeKubernetesValue(Buffer.from('{nope'))).toEqual({ format: 'text', text: '{nope' });
    expect(decodeKubernetesValue(new Uint8Array([0, 1, 0xff]))).toEqual({
      format: 'binary',
      length: 3,
      base64: 'AAH/',
    });
  });
});
