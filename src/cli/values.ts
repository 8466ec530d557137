import type { KubernetesObjectMeta, KubernetesValue, ProtoField } from '../index.js';
import { decodeValue, depthCut, MAX_DEPTH } from './decode.js';
import { formatBytes, showValue, valueForHumans } from './format.js';
import type { OptionSpec } from './types.js';

/** The `--raw` option of the commands that show values. */
export const rawOption: OptionSpec = {
  type: 'boolean',
  description: 'print values as stored, without decoding Kubernetes values or JSON',
};

/** A decoded value that reads better than its bytes: protobuf, JSON or encrypted. */
export function structured(bytes: Buffer): KubernetesValue | undefined {
  const decoded = decodeValue(bytes);
  return decoded.format === 'protobuf' || decoded.format === 'json' || decoded.format === 'encrypted'
    ? decoded
    : undefined;
}

/** A value for `--json`: as stored (`encoding`, `value`), plus `decoded` when it is a Kubernetes value or JSON. */
export function valueJson(bytes: Buffer, raw: boolean): Record<string, unknown> {
  const decoded = raw ? undefined : structured(bytes);
  const cut = decoded && depthCut(decoded) ? { decodedDepthLimit: MAX_DEPTH } : {};
  return { ...showValue(bytes), ...(decoded ? { decoded, ...cut } : {}) };
}

function fieldValue(f: ProtoField): unknown {
  if (f.wireType !== 'bytes') return f.value;
  if (f.text !== undefined) return f.text;
  if (f.message) return fieldsObject(f.message);
  return `<${f.length} bytes: ${f.base64}>`;
}

/** Schema-less fields as an object keyed by field number; a repeated field becomes a list. */
export function fieldsObject(fields: readonly ProtoField[]): Record<string, unknown> {
  const counts = new Map<number, number>();
  for (const f of fields) counts.set(f.field, (counts.get(f.field) ?? 0) + 1);
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const key = String(f.field);
    if (counts.get(f.field)! > 1) ((out[key] ??= []) as unknown[]).push(fieldValue(f));
    else out[key] = fieldValue(f);
  }
  return out;
}

/**
 * The value as a plain tree, for printing and comparing: a protobuf value as
 * apiVersion, kind, metadata and its fields by number; JSON as parsed; text
 * and opaque values as `undefined`.
 */
export function readableTree(decoded: KubernetesValue): unknown {
  if (decoded.format === 'json') return decoded.value;
  if (decoded.format !== 'protobuf') return undefined;
  return {
    apiVersion: decoded.apiVersion,
    kind: decoded.kind,
    metadata: decoded.metadata,
    ...fieldsObject(decoded.fields),
  };
}

function objectName(meta: KubernetesObjectMeta | undefined): string {
  if (!meta?.name) return '';
  return meta.namespace ? ` ${meta.namespace}/${meta.name}` : ` ${meta.name}`;
}

/** One line saying what a value is. */
export function summary(decoded: KubernetesValue, bytes: Buffer): string {
  switch (decoded.format) {
    case 'protobuf': {
      const type = [decoded.apiVersion, decoded.kind].filter(Boolean).join(' ') || 'unknown type';
      const stop = decoded.error
        ? `; decoding stopped at byte ${decoded.error.offset} in ${decoded.error.path}: ${decoded.error.reason}`
        : '';
      return `Kubernetes protobuf: ${type}${objectName(decoded.metadata)} (${formatBytes(bytes.length)})${stop}`;
    }
    case 'json': {
      const type = [decoded.apiVersion, decoded.kind].filter(Boolean).join(' ');
      const deep = depthCut(decoded) ? `; nested deeper than ${MAX_DEPTH} levels: deeper parts not shown (--raw)` : '';
      return `JSON${type ? `: ${type}` : ''}${objectName(decoded.metadata)} (${formatBytes(bytes.length)})${deep}`;
    }
    case 'encrypted':
      return `encrypted by Kubernetes: provider ${decoded.provider} ${decoded.providerVersion}, key ${decoded.keyName} (${decoded.ciphertextBytes} bytes of ciphertext)`;
    default:
      return valueForHumans(bytes);
  }
}

const plain = /^[A-Za-z0-9_./@:+-][A-Za-z0-9_./@:+ ,=-]*$/;
const plainKey = /^[A-Za-z0-9_./@+-]+$/;

function scalar(v: unknown): string {
  if (typeof v === 'string') return plain.test(v) && !/ $/.test(v) && !/: /.test(v) ? v : JSON.stringify(v);
  return v === undefined ? '~' : JSON.stringify(v);
}

const numeric = (k: string) => (/^\d+$/.test(k) ? 1 : 0);

/**
 * An object's entries with named ones first: JavaScript lists integer keys
 * (protobuf field numbers) first, which would put `2:` before `metadata`.
 */
export function orderedEntries(value: object): [string, unknown][] {
  return Object.entries(value).sort(([a], [b]) => numeric(a) - numeric(b));
}

/** A plain tree as indented `name: value` lines. */
export function treeLines(value: unknown, indent = 0): string[] {
  const pad = ' '.repeat(indent);
  if (Array.isArray(value)) {
    return value.flatMap((item) =>
      item !== null && typeof item === 'object' && Object.keys(item).length > 0
        ? [`${pad}-`, ...treeLines(item, indent + 2)]
        : [`${pad}- ${scalar(item)}`],
    );
  }
  if (value === null || typeof value !== 'object') return [`${pad}${scalar(value)}`];
  return orderedEntries(value)
    .filter(([, v]) => v !== undefined)
    .flatMap(([k, v]) => {
      const name = plainKey.test(k) ? k : JSON.stringify(k);
      if (v === null || typeof v !== 'object') return [`${pad}${name}: ${scalar(v)}`];
      if (Object.keys(v).length === 0) return [`${pad}${name}: ${Array.isArray(v) ? '[]' : '{}'}`];
      return [`${pad}${name}:`, ...treeLines(v, indent + 2)];
    });
}

/** How a value reads: one summary line and, for structured values, its body (JSON pretty-printed). */
export interface Rendered {
  readonly summary: string;
  readonly body: string[];
}

/** Renders a value for a terminal; with `raw`, as stored (the behaviour before decoding). */
export function render(bytes: Buffer, raw: boolean): Rendered {
  if (raw) return { summary: valueForHumans(bytes), body: [] };
  const decoded = decodeValue(bytes);
  if (decoded.format === 'json')
    return { summary: summary(decoded, bytes), body: JSON.stringify(decoded.value, null, 2).split('\n') };
  if (decoded.format === 'protobuf')
    return { summary: summary(decoded, bytes), body: treeLines(readableTree(decoded)) };
  if (decoded.format === 'text' && decoded.text.includes('\n'))
    return { summary: `text, ${decoded.text.split('\n').length} lines`, body: decoded.text.split('\n') };
  return { summary: summary(decoded, bytes), body: [] };
}
