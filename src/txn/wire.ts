import type { ICompare, IRequestOp, IResponseOp, ITxnRequest } from 'etcd3';
import type { Core } from '../core/core.js';
import { leaseToWire, revision } from '../core/ids.js';
import { toBuffer } from '../codec/index.js';
import { namingKeys, ValidationError } from '../errors/index.js';
import { encodePut, leaseOf, OP_OVERHEAD, toKeyValue } from '../kv/index.js';
import type { Comparison, CompareOp, CompareTarget } from './compare.js';
import type { Operation, OperationResult } from './ops.js';
import { checkWhole } from '../config/checks.js';

/** A transaction as plain data: conditions and both branches. */
export interface TxnSpec {
  readonly if: readonly Comparison[];
  readonly onSuccess: readonly Operation[];
  readonly onFailure: readonly Operation[];
}

/** A request ready to send, with its approximate size in bytes. */
export interface EncodedTxn {
  readonly request: ITxnRequest;
  readonly bytes: number;
  /** True when a branch (at any depth) writes. */
  readonly writes: boolean;
}

const RESULTS: Record<CompareOp, NonNullable<ICompare['result']>> = {
  '==': 'Equal',
  '!=': 'NotEqual',
  '<': 'Less',
  '>': 'Greater',
};
const TARGETS: Record<CompareTarget, NonNullable<ICompare['target']>> = {
  value: 'Value',
  version: 'Version',
  createRevision: 'Create',
  modRevision: 'Mod',
  lease: 'Lease',
};
const FIELDS = { version: 'version', createRevision: 'create_revision', modRevision: 'mod_revision' } as const;

function show(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

function revisionOperand(c: Comparison): number {
  const n = c.operand;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
    throw namingKeys(
      new ValidationError(`comparison of ${c.target} on '${c.key}' needs a whole number >= 0, got ${show(n)}`),
      c.key,
    );
  }
  return n;
}

function valueOperand(core: Core, c: Comparison): Buffer {
  if (core.codec.transforms) {
    // Stored bytes are ciphertext or compressed: a byte comparison on the server would never mean what it says.
    throw namingKeys(
      new ValidationError(
        `value comparison on '${c.key}' refused: values are encrypted or compressed on the client, so the server ` +
          `cannot compare them; read the key and guard on compare.modRevision(key, '==', kv.modRevision), or use compareAndSwap`,
      ),
      c.key,
    );
  }
  if (typeof c.operand === 'number')
    throw namingKeys(new ValidationError(`value comparison on '${c.key}' needs a string or bytes`), c.key);
  return toBuffer(c.operand, c.key);
}

/** One {@link Comparison} in etcd's form, namespaced, checked. */
export function encodeComparison(core: Core, c: Comparison): ICompare {
  if (c === null || typeof c !== 'object') throw new ValidationError(`a comparison must be an object, got ${show(c)}`);
  const result = RESULTS[c.op];
  const target = TARGETS[c.target];
  if (!result) throw new ValidationError(`comparison op must be '==', '!=', '<' or '>', got ${show(c.op)}`);
  if (!target)
    throw new ValidationError(
      `comparison target must be one of ${Object.keys(TARGETS).join(', ')}, got ${show(c.target)}`,
    );
  const range = c.prefix
    ? core.keys.prefixRange(c.key, c.all === true)
    : { key: core.keys.encode(c.key, 'comparison key'), rangeEnd: undefined };
  const wire: ICompare = { key: range.key, result, target };
  if (range.rangeEnd) wire.range_end = range.rangeEnd;
  if (c.target === 'value') wire.value = valueOperand(core, c);
  else if (c.target === 'lease') wire.lease = c.operand === '0' ? '0' : leaseToWire(c.operand as string);
  else wire[FIELDS[c.target]] = revisionOperand(c);
  return wire;
}

function size(...parts: Array<Uint8Array | undefined>): number {
  return parts.reduce((n, p) => n + (p?.length ?? 0), OP_OVERHEAD);
}

function encodeOp(core: Core, o: Operation, acc: { bytes: number; writes: boolean }): IRequestOp {
  switch (o?.type) {
    case 'put': {
      const p = encodePut(core, o.key, o.value);
      acc.bytes += size(p.etcdKey, p.value);
      acc.writes = true;
      return { request_put: { key: p.etcdKey, value: p.value, lease: leaseOf(o.lease), prev_kv: o.prevKV === true } };
    }
    case 'get': {
      const r = o.prefix
        ? core.keys.prefixRange(o.key, o.all === true)
        : { key: core.keys.encode(o.key), rangeEnd: undefined };
      if (o.limit !== undefined) checkWhole('get limit', o.limit, { min: 0 });
      acc.bytes += size(r.key, r.rangeEnd);
      return {
        request_range: { key: r.key, range_end: r.rangeEnd, limit: o.limit ?? 0, keys_only: o.keysOnly === true },
      };
    }
    case 'delete': {
      const key = core.keys.encode(o.key);
      acc.bytes += size(key);
      acc.writes = true;
      return { request_delete_range: { key, prev_kv: o.prevKV === true } };
    }
    case 'deletePrefix': {
      const r = core.keys.prefixRange(o.prefix, o.all === true);
      acc.bytes += size(r.key, r.rangeEnd);
      acc.writes = true;
      return { request_delete_range: { key: r.key, range_end: r.rangeEnd, prev_kv: o.prevKV === true } };
    }
    case 'txn':
      return { request_txn: encodeSpec(core, o, acc) };
    default:
      throw new ValidationError(`unknown transaction operation ${show((o as { type?: unknown } | null)?.type)}`);
  }
}

function list<T>(what: string, items: readonly T[] | undefined): readonly T[] {
  if (items === undefined) return [];
  if (!Array.isArray(items)) throw new ValidationError(`${what} must be an array, got ${show(items)}`);
  return items;
}

function encodeSpec(core: Core, spec: TxnSpec, acc: { bytes: number; writes: boolean }): ITxnRequest {
  const compare = list('if', spec.if).map((c) => encodeComparison(core, c));
  acc.bytes += compare.reduce((n, c) => n + size(c.key, c.range_end, c.value), 0);
  return {
    compare,
    success: list('onSuccess', spec.onSuccess).map((o) => encodeOp(core, o, acc)),
    failure: list('onFailure', spec.onFailure).map((o) => encodeOp(core, o, acc)),
  };
}

/**
 * Validates and encodes a transaction (keys namespaced, values through the
 * value pipeline). Throws before anything is sent.
 */
export function encodeTxn(core: Core, spec: TxnSpec): EncodedTxn {
  const acc = { bytes: 0, writes: false };
  const request = encodeSpec(core, spec, acc);
  return { request, bytes: acc.bytes, writes: acc.writes };
}

/** Turns the responses of the branch that ran into typed results, values decoded. */
export function decodeResults(core: Core, ops: readonly Operation[], responses: IResponseOp[]): OperationResult[] {
  return responses.map((r, i) => decodeOne(core, ops[i]!, r));
}

function decodeOne(core: Core, o: Operation, r: IResponseOp): OperationResult {
  switch (o.type) {
    case 'put':
      return r.response_put.prev_kv
        ? { type: 'put', previous: toKeyValue(core, r.response_put.prev_kv) }
        : { type: 'put' };
    case 'get':
      return {
        type: 'get',
        kvs: r.response_range.kvs.map((kv) => toKeyValue(core, kv)),
        count: revision(r.response_range.count),
        more: r.response_range.more,
      };
    case 'delete':
    case 'deletePrefix':
      return {
        type: o.type,
        deleted: revision(r.response_delete_range.deleted),
        previous: (r.response_delete_range.prev_kvs ?? []).map((kv) => toKeyValue(core, kv)),
      } as OperationResult;
    case 'txn': {
      const t = r.response_txn;
      const branch = t.succeeded ? o.onSuccess : o.onFailure;
      return {
        type: 'txn',
        succeeded: t.succeeded,
        results: decodeResults(core, branch, t.responses),
      } as OperationResult;
    }
  }
}
