import { describe, expect, it } from 'vitest';
import type { IRequestOp } from 'etcd3';
import { Config } from '../config/index.js';
import { TxnTooLargeError, ValidationError } from '../errors/index.js';
import { checkTxn } from './check.js';

const config = Config.defaults();
const b = (s: string) => Buffer.from(s);
const put = (k: string): IRequestOp => ({ request_put: { key: b(k), value: b('v') } });
const del = (k: string, end?: string): IRequestOp => ({
  request_delete_range: { key: b(k), range_end: end ? b(end) : undefined },
});
const get = (k: string): IRequestOp => ({ request_range: { key: b(k) } });
const nested = (success: IRequestOp[], failure: IRequestOp[] = []): IRequestOp => ({
  request_txn: { compare: [], success, failure },
});
const puts = (n: number) => Array.from({ length: n }, (_, i) => put(`k${i}`));

describe('checkTxn', () => {
  it('counts operations as the largest list, like etcd', () => {
    expect(() => checkTxn({ success: puts(128), failure: puts(128) }, 0, config)).not.toThrow();
    expect(() => checkTxn({ success: puts(129) }, 0, config)).toThrow(TxnTooLargeError);
    const cmp = Array.from({ length: 129 }, () => ({ key: b('k') }));
    expect(() => checkTxn({ compare: cmp }, 0, config)).toThrow(TxnTooLargeError);
  });

  it('gives a nested transaction what the outer one leaves', () => {
    expect(() => checkTxn({ success: [nested(puts(127))] }, 0, config)).not.toThrow();
    expect(() => checkTxn({ success: [nested(puts(128))] }, 0, config)).toThrow(TxnTooLargeError);
    expect(() => checkTxn({ success: [nested([nested(puts(126))])] }, 0, config)).not.toThrow();
    expect(() => checkTxn({ success: [nested([nested(puts(127))])] }, 0, config)).toThrow(TxnTooLargeError);
  });

  it('counts bytes with the request framing', () => {
    expect(() => checkTxn({ success: [put('k')] }, config.maxRequestBytes, config)).toThrow(TxnTooLargeError);
    expect(() => checkTxn({ success: [put('k')] }, 1000, config)).not.toThrow();
  });

  it('refuses keys written twice in one branch and accepts what etcd accepts', () => {
    const refused: IRequestOp[][] = [
      [put('a'), put('a')],
      [del('a'), put('a')],
      [del('a', 'b'), put('a0')],
      [put('a'), nested([put('a')])],
      [nested([put('a')]), nested([], [put('a')])],
      [nested([del('a', 'z')]), put('m')],
      [del('a', '\0'), put('zzz')],
    ];
    for (const ops of refused) expect(() => checkTxn({ success: ops }, 0, config)).toThrow(ValidationError);
    const accepted: IRequestOp[][] = [
      [put('a'), get('a')],
      [del('a'), del('a')],
      [del('a', 'b'), put('b')],
      [nested([put('a')], [put('a')])],
    ];
    for (const ops of accepted) expect(() => checkTxn({ success: ops }, 0, config)).not.toThrow();
    expect(() => checkTxn({ success: [put('a')], failure: [put('a')] }, 0, config)).not.toThrow();
  });
});
