/**
 * A small protobuf encoder for tests: builds Kubernetes values to the
 * documented wire format (the `k8s\0` magic, a `runtime.Unknown` envelope,
 * ObjectMeta as field 1 of the object), with no protobuf library.
 */

/** One field to encode: a number (varint), text or bytes, or a nested message. */
export type Field = readonly [field: number, value: number | bigint | boolean | string | Uint8Array | Field[]];

export function varint(n: number | bigint): Buffer {
  let v = BigInt.asUintN(64, BigInt(n));
  const out: number[] = [];
  do {
    const byte = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v > 0n ? byte | 0x80 : byte);
  } while (v > 0n);
  return Buffer.from(out);
}

function field([n, value]: Field): Buffer {
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') {
    return Buffer.concat([varint((n << 3) | 0), varint(typeof value === 'boolean' ? Number(value) : value)]);
  }
  const bytes =
    typeof value === 'string' ? Buffer.from(value) : value instanceof Uint8Array ? Buffer.from(value) : message(value);
  return Buffer.concat([varint((n << 3) | 2), varint(bytes.length), bytes]);
}

/** Encodes fields, in order, as one message. */
export function message(fields: readonly Field[]): Buffer {
  return Buffer.concat(fields.map(field));
}

/** A `Time` {1 seconds, 2 nanos}. */
export const time = (iso: string): Field[] => [[1, Math.floor(Date.parse(iso) / 1000)]];

/** Map entries {1 key, 2 value} of a map field. */
export const entries = (n: number, map: Record<string, string>): Field[] =>
  Object.entries(map).map(
    ([k, v]) =>
      [
        n,
        [
          [1, k],
          [2, v],
        ],
      ] as Field,
  );

export interface Meta {
  name: string;
  namespace?: string;
  uid: string;
  creationTimestamp: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  generation?: number;
}

/** ObjectMeta's fields (k8s.io/apimachinery/pkg/apis/meta/v1/generated.proto). */
export function objectMeta(m: Meta): Field[] {
  return [
    [1, m.name],
    ...(m.namespace ? [[3, m.namespace] as Field] : []),
    [5, m.uid],
    ...(m.generation ? [[7, m.generation] as Field] : []),
    [8, time(m.creationTimestamp)],
    ...entries(11, m.labels ?? {}),
    ...entries(12, m.annotations ?? {}),
  ];
}

/** A stored value: `k8s\0` + runtime.Unknown {1 typeMeta {1 apiVersion, 2 kind}, 2 raw}. */
export function kubernetesValue(apiVersion: string, kind: string, object: readonly Field[]): Buffer {
  const envelope = message([
    [
      1,
      [
        [1, apiVersion],
        [2, kind],
      ],
    ],
    [2, message(object)],
    [3, ''],
    [4, ''],
  ]);
  return Buffer.concat([Buffer.from('k8s\u0000', 'latin1'), envelope]);
}

/** A Pod: metadata, spec {containers [{1 name, 2 image}]}, status {1 phase}. */
export function pod(m: Meta, image = 'nginx:1.27'): Buffer {
  return kubernetesValue('v1', 'Pod', [
    [1, objectMeta(m)],
    [
      2,
      [
        [
          2,
          [
            [1, 'web'],
            [2, image],
          ],
        ],
      ],
    ],
    [3, [[1, 'Running']]],
  ]);
}

/** A ConfigMap: metadata, data (field 2, a map). */
export function configMap(m: Meta, data: Record<string, string>): Buffer {
  return kubernetesValue('v1', 'ConfigMap', [[1, objectMeta(m)], ...entries(2, data)]);
}

/** A Deployment: metadata, spec {1 replicas}, status {1 observedGeneration, 2 replicas}. */
export function deployment(m: Meta, replicas: number): Buffer {
  return kubernetesValue('apps/v1', 'Deployment', [
    [1, objectMeta(m)],
    [2, [[1, replicas]]],
    [
      3,
      [
        [1, m.generation ?? 1],
        [2, replicas],
      ],
    ],
  ]);
}

const t = (seconds: number): Field[] => [[1, seconds]];

/**
 * The object of a Pod as a controller-made Pod is stored (field numbers of
 * k8s.io/api/core/v1/generated.proto): ObjectMeta with owner references,
 * finalizers, a pending deletion and managedFields; a spec with a container,
 * ports, resources and volumes; a status with conditions and container states.
 */
export function fullPodObject(): Field[] {
  const managed: Field[] = [
    [1, 'kube-controller-manager'],
    [2, 'Update'],
    [3, 'v1'],
    [4, t(1_764_490_500)],
    [6, 'FieldsV1'],
    [7, [[1, '{"f:metadata":{"f:generateName":{},"f:labels":{".":{},"f:app":{}}}}']]],
  ];
  const meta: Field[] = [
    [1, 'web-7d4b9c-x2kqp'],
    [2, 'web-7d4b9c-'],
    [3, 'default'],
    [5, '5a1c2a9e-0000-4000-8000-000000000001'],
    [7, 1],
    [8, t(1_764_490_500)],
    [9, t(1_764_494_100)],
    [10, 30],
    ...entries(11, { app: 'web', 'pod-template-hash': '7d4b9c' }),
    ...entries(12, { 'kubectl.kubernetes.io/restartedAt': '2026-11-30T09:15:00Z' }),
    [
      13,
      [
        [1, 'ReplicaSet'],
        [3, 'web-7d4b9c'],
        [4, '5a1c2a9e-0000-4000-8000-000000000002'],
        [5, 'apps/v1'],
        [6, true],
        [7, true],
      ],
    ],
    [14, 'example.com/cleanup'],
    [17, managed],
  ];
  const container: Field[] = [
    [1, 'web'],
    [2, 'nginx:1.27'],
    [
      6,
      [
        [1, 'http'],
        [3, 8080],
        [4, 'TCP'],
      ],
    ],
    [8, [...entries(1, { cpu: '500m' }), ...entries(2, { cpu: '100m', memory: '64Mi' })]],
    [
      9,
      [
        [1, 'kube-api-access'],
        [2, true],
        [3, '/var/run/secrets/kubernetes.io/serviceaccount'],
      ],
    ],
    [14, 'IfNotPresent'],
  ];
  const spec: Field[] = [
    [
      1,
      [
        [1, 'kube-api-access'],
        [2, [[28, [[1, [[1, [[1, 'token']]]]]]]]],
      ],
    ],
    [2, container],
    [3, 'Always'],
    [4, 30],
    [6, 'ClusterFirst'],
    [8, 'default'],
    [10, 'node-1'],
  ];
  const condition = (type: string, at: number): Field[] => [
    [1, type],
    [2, 'True'],
    [4, t(at)],
  ];
  const status: Field[] = [
    [1, 'Running'],
    [2, condition('Ready', 1_764_490_520)],
    [2, condition('PodScheduled', 1_764_490_500)],
    [5, '10.0.0.12'],
    [6, '10.244.1.7'],
    [7, t(1_764_490_501)],
    [
      8,
      [
        [1, 'web'],
        [2, [[2, [[2, t(1_764_490_510)]]]]],
        [4, true],
        [5, 0],
        [6, 'docker.io/library/nginx:1.27'],
        [7, 'docker.io/library/nginx@sha256:0f0e'],
        [8, 'containerd://4c1b'],
      ],
    ],
    [9, 'Burstable'],
  ];
  return [
    [1, meta],
    [2, spec],
    [3, status],
  ];
}
