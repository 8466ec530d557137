import { jsonObjectMeta, OBJECT_META_NAMES, objectMeta } from './meta.js';
import { Budget, LIMIT_REASON } from './budget.js';
import { asText, locateStop, printableText, toField, type FieldNames } from './tree.js';
import type {
  KubernetesDecodeStop,
  KubernetesEncryptedValue,
  KubernetesEncryptionProvider,
  KubernetesJsonValue,
  KubernetesProtobufValue,
  KubernetesValue,
  ProtoField,
} from './types.js';
import { readMessage, type WireField, type WireMessage } from './wire.js';

/** The 4 bytes before every protobuf value the API server stores. */
const MAGIC = Buffer.from('k8s\u0000', 'latin1');

/** The fields of the object inside `raw`: ObjectMeta is field 1 of every top-level object. */
const OBJECT_NAMES: FieldNames = { 1: ['metadata', OBJECT_META_NAMES] };

/** `runtime.Unknown` (k8s.io/apimachinery/pkg/runtime/generated.proto). */
const ENVELOPE_NAMES: FieldNames = {
  1: ['typeMeta', { 1: ['apiVersion'], 2: ['kind'] }],
  2: ['raw', OBJECT_NAMES],
  3: ['contentEncoding'],
  4: ['contentType'],
};

const ENCRYPTED = /^k8s:enc:(aesgcm|aescbc|secretbox|kms):(v\d+):([^:]+):/;

function encrypted(bytes: Buffer): KubernetesEncryptedValue | undefined {
  const match = ENCRYPTED.exec(bytes.subarray(0, 512).toString('latin1'));
  if (!match) return undefined;
  // The pattern has three groups, each required: they are set when it matched.
  const [prefix, provider, providerVersion, keyName] = match as RegExpExecArray &
    [string, KubernetesEncryptionProvider, string, string];
  const ciphertextBytes = bytes.length - prefix.length;
  return {
    format: 'encrypted',
    provider,
    providerVersion,
    keyName: Buffer.from(keyName, 'latin1').toString('utf8'),
    ciphertextBytes,
  };
}

function json(text: string): KubernetesJsonValue | undefined {
  if (!/^\s*[[{]/.test(text)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return { format: 'json', value };
  const o = value as Record<string, unknown>;
  const metadata = jsonObjectMeta(o.metadata);
  return {
    format: 'json',
    ...(typeof o.apiVersion === 'string' ? { apiVersion: o.apiVersion } : {}),
    ...(typeof o.kind === 'string' ? { kind: o.kind } : {}),
    ...(metadata ? { metadata } : {}),
    value,
  };
}

function only(fields: readonly WireField[], n: number): WireField | undefined {
  return fields.filter((f) => f.field === n && f.wireType === 2).at(-1);
}

function optionalText(fields: readonly WireField[], n: number): string | undefined {
  const f = only(fields, n);
  return f ? asText(f.bytes) : undefined;
}

/** The messages of a protobuf value, each read once. */
interface Read {
  readonly envelope: WireMessage;
  readonly raw?: WireField;
  readonly object?: WireMessage;
  readonly meta?: WireField;
  readonly metaMessage?: WireMessage;
}

function read(bytes: Buffer, budget: Budget): Read {
  const envelope = readMessage(bytes.subarray(MAGIC.length), MAGIC.length, budget);
  const raw = only(envelope.fields, 2);
  if (!raw?.bytes) return { envelope };
  const object = budget.within('raw', () => readMessage(raw.bytes!, raw.dataOffset, budget));
  const meta = only(object.fields, 1);
  if (!meta?.bytes) return { envelope, raw, object };
  const metaMessage = budget.within('raw.metadata', () => readMessage(meta.bytes!, meta.dataOffset, budget));
  return { envelope, raw, object, meta, metaMessage };
}

/** The object's other fields as a tree, each labelled `raw.<field>` should the budget run out in it. */
function otherFields({ object, meta }: Read, budget: Budget): ProtoField[] {
  const fields = object?.fields.filter((f) => f !== meta) ?? [];
  return fields
    .map((f) => budget.within(`raw.${f.field}`, () => toField(f, 0, budget)))
    .filter((f): f is ProtoField => f !== undefined);
}

function protobuf(bytes: Buffer): KubernetesProtobufValue {
  const budget = new Budget();
  const message = read(bytes, budget);
  const typeMeta = only(message.envelope.fields, 1);
  const type = typeMeta?.bytes ? readMessage(typeMeta.bytes, typeMeta.dataOffset, budget).fields : [];
  const apiVersion = optionalText(type, 1);
  const kind = optionalText(type, 2);
  const contentEncoding = optionalText(message.envelope.fields, 3);
  const contentType = optionalText(message.envelope.fields, 4);
  const metadata = message.metaMessage
    ? budget.within('raw.metadata', () => objectMeta(message.metaMessage!.fields, budget))
    : {};
  const fields = otherFields(message, budget);
  const error = firstStop(bytes.length, message) ?? budgetStop(budget);
  return {
    format: 'protobuf',
    ...(apiVersion !== undefined ? { apiVersion } : {}),
    ...(kind !== undefined ? { kind } : {}),
    metadata,
    fields,
    ...(contentEncoding ? { contentEncoding } : {}),
    ...(contentType ? { contentType } : {}),
    ...(error ? { error } : {}),
    ...(budget.exhausted ? { truncated: true as const } : {}),
  };
}

/** Where the budget ran out in a nested field, when no message read before it stopped. */
function budgetStop(budget: Budget): KubernetesDecodeStop | undefined {
  if (budget.stoppedAt === undefined) return undefined;
  return { offset: budget.stoppedAt, path: budget.path ?? 'raw', reason: LIMIT_REASON };
}

/**
 * Where the value stops being readable: in the envelope, then in `raw` (the
 * object), then in the object's metadata, each read to its end or to the
 * innermost field cut short (re-reading with a budget of its own).
 */
function firstStop(length: number, { envelope, raw, object, metaMessage }: Read): KubernetesDecodeStop | undefined {
  const budget = new Budget();
  const atEnvelope = locateStop(envelope, 'envelope', ENVELOPE_NAMES, budget);
  if (atEnvelope) return { ...atEnvelope, path: atEnvelope.path.replace(/^envelope\.raw/, 'raw') };
  if (!raw?.bytes || !object)
    return { offset: length, path: 'raw', reason: 'the envelope has no raw field (the object)' };
  return (
    locateStop(object, 'raw', OBJECT_NAMES, budget) ??
    (metaMessage ? locateStop(metaMessage, 'raw.metadata', OBJECT_META_NAMES, budget) : undefined)
  );
}

/**
 * Decodes a value as the Kubernetes API server stores it in etcd, without
 * compiled schemas: protobuf (`k8s\0` and a `runtime.Unknown` envelope) gives
 * the type, the object's metadata and its other fields as a field tree; JSON
 * is parsed; values encrypted at rest are recognised by their
 * `k8s:enc:<provider>:<version>:<key name>:` prefix. A value that cannot be
 * decoded to its end does not throw: the result says where decoding stopped
 * (`error`), with everything before it decoded.
 *
 * @param value - the value as read from etcd (any `Uint8Array`, such as the `Buffer` {@link Client.get} returns).
 * @returns What the value is, by `format`: `protobuf`, `json`, `encrypted`, `text` or `binary`.
 * @example
 * ```ts
 * import { decodeKubernetesValue } from 'etcdkit';
 *
 * const decoded = decodeKubernetesValue(await client.get('/registry/pods/default/web'));
 * if (decoded.format === 'protobuf') {
 *   console.log(decoded.kind, decoded.metadata.namespace, decoded.metadata.name, decoded.metadata.labels);
 *   if (decoded.error) console.log(`stopped at byte ${decoded.error.offset} in ${decoded.error.path}`);
 * } else if (decoded.format === 'encrypted') {
 *   console.log(`encrypted by ${decoded.provider} with key ${decoded.keyName}`);
 * }
 * ```
 */
export function decodeKubernetesValue(value: Uint8Array): KubernetesValue {
  const bytes = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  if (bytes.subarray(0, MAGIC.length).equals(MAGIC)) return protobuf(bytes);
  const sealed = encrypted(bytes);
  if (sealed) return sealed;
  const text = printableText(bytes);
  if (text === undefined) return { format: 'binary', length: bytes.length, base64: bytes.toString('base64') };
  return json(text) ?? { format: 'text', text };
}
