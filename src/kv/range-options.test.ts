import type { IKeyValue } from 'etcd3';
import { describe, expect, it } from 'vitest';
import { Config } from '../config/index.js';
import type { Core } from '../core/core.js';
import { ValidationError } from '../errors/index.js';
import { checkRangeOptions, compareFor, descendingKeys, rangeFields, sortsByContent } from './range-options.js';

const core = (config = Config.defaults()) => ({ config }) as Core;
const kv = (key: string, mod: number, value = ''): IKeyValue =>
  ({
    key: Buffer.from(key),
    value: Buffer.from(value),
    mod_revision: String(mod),
    create_revision: '1',
    version: '1',
    lease: '0',
  }) as IKeyValue;

describe('range options', () => {
  it('send nothing for etcd’s own order, and the Go names otherwise', () => {
    expect(rangeFields({ sort: { target: 'key' } })).toEqual({});
    expect(rangeFields({ sort: { target: 'modRevision', order: 'descend' }, minCreateRevision: 3 })).toEqual({
      sort_target: 'Mod',
      sort_order: 'Descend',
      min_create_revision: 3,
    });
    expect(descendingKeys({ sort: { target: 'key', order: 'descend' } })).toBe(true);
    expect(sortsByContent({ sort: { target: 'key', order: 'descend' } })).toBe(false);
  });

  it('refuse what cannot be paged or means nothing, naming the field', () => {
    expect(() => checkRangeOptions(core(), { sort: { target: 'version' }, pageSize: 10 })).toThrow(/cannot be paged/);
    expect(() => checkRangeOptions(core(), { limit: 1.5 })).toThrow(ValidationError);
    expect(() => checkRangeOptions(core(), { maxModRevision: 0 })).toThrow(/maxModRevision/);
    expect(() => checkRangeOptions(core(), { sort: { target: 'key', order: 'up' as never } })).toThrow(/sort.order/);
    const encrypted = Config.defaults().withEncryption(Buffer.alloc(32, 1));
    expect(() => checkRangeOptions(core(encrypted), { sort: { target: 'value' } })).toThrow(/encryption/);
    expect(() =>
      checkRangeOptions(core(), { sort: { target: 'key', order: 'descend' }, pageSize: 2, limit: 5 }),
    ).not.toThrow();
  });

  it('merge results of several clusters as etcd orders them', () => {
    const rows = [kv('b', 5), kv('a', 9), kv('c', 1)];
    expect(
      [...rows].sort(compareFor({ sort: { target: 'modRevision', order: 'descend' } })).map((r) => r.key.toString()),
    ).toEqual(['a', 'b', 'c']);
    expect([...rows].sort(compareFor({})).map((r) => r.key.toString())).toEqual(['a', 'b', 'c']);
  });
});
