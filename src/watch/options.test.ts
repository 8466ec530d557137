import { describe, expect, it } from 'vitest';
import type { IEvent } from 'etcd3';
import { identityCodec } from '../codec/index.js';
import type { Core } from '../core/core.js';
import { ValidationError } from '../errors/index.js';
import { Keyspace } from '../keys/index.js';
import { createRequest, validate } from './options.js';
import { toWatchEvent } from '../kv/events.js';

describe('watch options', () => {
  it('maps types to server-side filters and always asks for progress notifications', () => {
    const range = { key: Buffer.from('a'), rangeEnd: Buffer.from('b') };
    expect(createRequest(range, {})).toMatchObject({
      key: range.key,
      range_end: range.rangeEnd,
      filters: [],
      progress_notify: true,
      prev_kv: false,
    });
    expect(createRequest(range, { types: ['put'], prevKV: true })).toMatchObject({
      filters: ['Nodelete'],
      prev_kv: true,
    });
    expect(createRequest({ key: range.key }, { types: ['delete'] })).not.toHaveProperty('range_end');
    expect(createRequest({ key: range.key }, { types: ['delete'] }).filters).toEqual(['Noput']);
  });

  it('names the bad option', () => {
    expect(() => validate({ fromRevision: 0 })).toThrow(/fromRevision must be a positive whole number, got 0/);
    expect(() => validate({ bufferSize: 1.5 })).toThrow(ValidationError);
    expect(() => validate({ types: ['put', 'nope' as 'put'] })).toThrow(/'put' or 'delete', got nope/);
    expect(() => validate({ callback: 'x' as never })).toThrow(/callback must be a function/);
    expect(() => validate({ onDecryptionError: 'drop' as 'skip' })).toThrow(
      /onDecryptionError must be 'fail' or 'skip', got drop/,
    );
    expect(() => validate({ onDecryptionError: 'skip' })).not.toThrow();
    expect(() => validate({ fromRevision: 5, bufferSize: 1, types: [] })).not.toThrow();
  });
});

describe('toWatchEvent', () => {
  const core = { keys: new Keyspace('/ns'), codec: identityCodec } as Core;
  const kv = (key: string, value: string, mod: number, version: number) => ({
    key: Buffer.from(`/ns${key}`),
    value: Buffer.from(value),
    create_revision: '3',
    mod_revision: String(mod),
    version: String(version),
    lease: '255',
  });

  it('strips the namespace and keeps revisions, lease and the previous value', () => {
    const ev = toWatchEvent(core, {
      type: 'Put',
      kv: kv('/k', 'v2', 7, 2),
      prev_kv: kv('/k', 'v1', 3, 1),
    } as IEvent);
    expect(ev).toMatchObject({ type: 'put', key: '/k', createRevision: 3, modRevision: 7, version: 2, lease: 'ff' });
    expect(ev.value.toString()).toBe('v2');
    expect(ev.previous).toMatchObject({ key: '/k', modRevision: 3, version: 1 });
  });

  it('gives deletes an empty value and no previous value unless sent', () => {
    const raw = {
      type: 'Delete',
      kv: { ...kv('/k', '', 9, 0), create_revision: '0' },
      prev_kv: null as never, // what the proto loader gives for an absent message
    } as IEvent;
    const ev = toWatchEvent(core, raw);
    expect(ev).toEqual({
      type: 'delete',
      key: '/k',
      value: Buffer.alloc(0),
      createRevision: 0,
      modRevision: 9,
      version: 0,
    });
  });
});
