import { type Budget, LIMIT_REASON, UNLIMITED } from './budget.js';
import { asText, toTree, type FieldNames } from './tree.js';
import type { KubernetesObjectMeta, KubernetesOwnerReference, ProtoField } from './types.js';
import { plainNumber, readMessage, type WireField } from './wire.js';

/** ObjectMeta's field numbers (k8s.io/apimachinery/pkg/apis/meta/v1/generated.proto). */
export const OBJECT_META_NAMES: FieldNames = {
  1: ['name'],
  2: ['generateName'],
  3: ['namespace'],
  4: ['selfLink'],
  5: ['uid'],
  6: ['resourceVersion'],
  7: ['generation'],
  8: ['creationTimestamp', { 1: ['seconds'], 2: ['nanos'] }],
  9: ['deletionTimestamp', { 1: ['seconds'], 2: ['nanos'] }],
  10: ['deletionGracePeriodSeconds'],
  11: ['labels', { 1: ['key'], 2: ['value'] }],
  12: ['annotations', { 1: ['key'], 2: ['value'] }],
  13: [
    'ownerReferences',
    { 1: ['kind'], 3: ['name'], 4: ['uid'], 5: ['apiVersion'], 6: ['controller'], 7: ['blockOwnerDeletion'] },
  ],
  14: ['finalizers'],
  17: ['managedFields'],
};

/**
 * The fields of a (possibly cut short) embedded message; `undefined` when the
 * budget ran out reading it, since a part would be shown as if whole.
 */
function inner(f: WireField, budget: Budget): WireField[] | undefined {
  if (!f.bytes) return [];
  const read = readMessage(f.bytes, f.dataOffset, budget);
  return read.stop?.reason === LIMIT_REASON ? undefined : read.fields;
}

function byNumber(fields: readonly WireField[]): Map<number, WireField> {
  return new Map(fields.map((f) => [f.field, f]));
}

// google.protobuf.Timestamp's range, 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z:
// RFC 3339 has no years outside it, and a Date throws on far larger ones.
const MIN_SECONDS = -62_135_596_800n;
const MAX_SECONDS = 253_402_300_799n;
const MAX_NANOS = 999_999_999n;

/**
 * A `Time` {1 seconds, 2 nanos} as RFC 3339 text, the way Kubernetes prints it;
 * a time outside the range a Timestamp allows as `invalid time (seconds S, nanos N)`,
 * since the decoder reports what it finds and never throws.
 */
export function timeText(f: WireField, budget: Budget = UNLIMITED): string | undefined {
  const fields = inner(f, budget);
  if (!fields) return undefined;
  const parts = byNumber(fields);
  const seconds = BigInt.asIntN(64, parts.get(1)?.number ?? 0n);
  const nanos = BigInt.asIntN(32, parts.get(2)?.number ?? 0n);
  if (seconds < MIN_SECONDS || seconds > MAX_SECONDS || nanos < 0n || nanos > MAX_NANOS) {
    return `invalid time (seconds ${seconds}, nanos ${nanos})`;
  }
  const iso = new Date(Number(seconds) * 1000).toISOString().replace(/\.000Z$/, 'Z');
  if (nanos === 0n) return iso;
  return iso.replace(/Z$/, `.${String(nanos).padStart(9, '0').replace(/0+$/, '')}Z`);
}

function mapEntry(f: WireField, into: Record<string, string>, budget: Budget): void {
  const fields = inner(f, budget);
  if (!fields) return;
  const entry = byNumber(fields);
  into[asText(entry.get(1)?.bytes)] = asText(entry.get(2)?.bytes);
}

function ownerReference(f: WireField, into: KubernetesOwnerReference[], budget: Budget): void {
  const fields = inner(f, budget);
  if (!fields) return;
  const ref = byNumber(fields);
  const text = (n: number) => (ref.has(n) ? asText(ref.get(n)!.bytes) : undefined);
  const flag = (n: number) => (ref.has(n) ? ref.get(n)!.number === 1n : undefined);
  const all = {
    apiVersion: text(5),
    kind: text(1),
    name: text(3),
    uid: text(4),
    controller: flag(6),
    blockOwnerDeletion: flag(7),
  };
  into.push(Object.fromEntries(Object.entries(all).filter(([, v]) => v !== undefined)) as KubernetesOwnerReference);
}

function managedFieldsEntry(f: WireField, into: ProtoField[][], budget: Budget): void {
  const fields = inner(f, budget);
  if (fields) into.push(toTree(fields, 1, budget));
}

/** Sets a time field, left out when the budget ran out reading it. */
function setTime(meta: Mutable<KubernetesObjectMeta>, name: 'creationTimestamp' | 'deletionTimestamp', text?: string) {
  if (text !== undefined) meta[name] = text;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const TEXT_FIELDS = {
  1: 'name',
  2: 'generateName',
  3: 'namespace',
  4: 'selfLink',
  5: 'uid',
  6: 'resourceVersion',
} as const;

/** Reads one ObjectMeta field into `meta`; false when the field is not one ObjectMeta defines. */
function readMetaField(f: WireField, meta: Mutable<KubernetesObjectMeta>, budget: Budget): boolean {
  if (f.truncated) return false; // a value cut short would be shown as if whole
  const textName = TEXT_FIELDS[f.field as keyof typeof TEXT_FIELDS];
  if (textName && f.wireType === 2) meta[textName] = asText(f.bytes);
  else if (f.field === 7 && f.wireType === 0) meta.generation = plainNumber(f.number!);
  else if (f.field === 8 && f.wireType === 2) setTime(meta, 'creationTimestamp', timeText(f, budget));
  else if (f.field === 9 && f.wireType === 2) setTime(meta, 'deletionTimestamp', timeText(f, budget));
  else if (f.field === 10 && f.wireType === 0) meta.deletionGracePeriodSeconds = plainNumber(f.number!);
  else if (f.field === 11 && f.wireType === 2) mapEntry(f, (meta.labels ??= {}), budget);
  else if (f.field === 12 && f.wireType === 2) mapEntry(f, (meta.annotations ??= {}), budget);
  else if (f.field === 13 && f.wireType === 2) ownerReference(f, (meta.ownerReferences ??= []), budget);
  else if (f.field === 14 && f.wireType === 2) (meta.finalizers ??= []).push(asText(f.bytes));
  else if (f.field === 17 && f.wireType === 2) managedFieldsEntry(f, (meta.managedFields ??= []), budget);
  else return false;
  return true;
}

/** ObjectMeta from its wire fields (fields it does not define are left out); nested reads take from `budget`. */
export function objectMeta(fields: readonly WireField[], budget: Budget = UNLIMITED): KubernetesObjectMeta {
  const meta: Mutable<KubernetesObjectMeta> = {};
  for (const f of fields) readMetaField(f, meta, budget);
  return meta;
}

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
const strings = (v: unknown) =>
  v && typeof v === 'object' && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string')
    ? (v as Record<string, string>)
    : undefined;

/** ObjectMeta from a JSON object's `metadata`, keeping the fields that have the expected types. */
export function jsonObjectMeta(value: unknown): KubernetesObjectMeta | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const m = value as Record<string, unknown>;
  const all: Mutable<KubernetesObjectMeta> = {
    name: str(m.name),
    generateName: str(m.generateName),
    namespace: str(m.namespace),
    uid: str(m.uid),
    resourceVersion: str(m.resourceVersion),
    generation: typeof m.generation === 'number' ? m.generation : undefined,
    creationTimestamp: str(m.creationTimestamp),
    deletionTimestamp: str(m.deletionTimestamp),
    labels: strings(m.labels),
    annotations: strings(m.annotations),
    ownerReferences: Array.isArray(m.ownerReferences) ? (m.ownerReferences as KubernetesOwnerReference[]) : undefined,
    finalizers: Array.isArray(m.finalizers)
      ? m.finalizers.filter((x): x is string => typeof x === 'string')
      : undefined,
  };
  return Object.fromEntries(Object.entries(all).filter(([, v]) => v !== undefined)) as KubernetesObjectMeta;
}
