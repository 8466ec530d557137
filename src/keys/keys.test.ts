import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors/index.js';
import { Keyspace } from './keyspace.js';
import { keyAfter, prefixEnd } from './range.js';

describe('prefixEnd', () => {
  it('increments the last byte that can be incremented', () => {
    expect(prefixEnd(Buffer.from('abc'))).toEqual(Buffer.from('abd'));
    expect(prefixEnd(Buffer.from([0x61, 0xff, 0xff]))).toEqual(Buffer.from([0x62]));
  });
  it('is "\\0" (end of keyspace) for an empty or all-0xff prefix', () => {
    expect(prefixEnd(Buffer.alloc(0))).toEqual(Buffer.from([0]));
    expect(prefixEnd(Buffer.from([0xff, 0xff]))).toEqual(Buffer.from([0]));
  });
  it('does not modify its input', () => {
    const input = Buffer.from('ab');
    prefixEnd(input);
    expect(input.toString()).toBe('ab');
  });
});

describe('keyAfter', () => {
  it('appends a zero byte', () => {
    expect(keyAfter(Buffer.from('a'))).toEqual(Buffer.from([0x61, 0]));
  });
});

describe('Keyspace', () => {
  it('adds and strips the namespace, including multi-byte characters', () => {
    const ks = new Keyspace('/ns/');
    const raw = ks.encode('clé');
    expect(raw.toString()).toBe('/ns/clé');
    expect(ks.decode(raw)).toBe('clé');
  });
  it('refuses empty and non-string keys', () => {
    const ks = new Keyspace('');
    expect(() => ks.encode('')).toThrow(ValidationError);
    expect(() => ks.encode(1 as unknown as string)).toThrow(ValidationError);
  });
  it('refuses the empty prefix unless all is set, then covers the namespace or everything', () => {
    expect(() => new Keyspace('/ns/').prefixRange('')).toThrow(ValidationError);
    expect(new Keyspace('/ns/').prefixRange('', true)).toEqual({ key: Buffer.from('/ns/'), rangeEnd: Buffer.from('/ns0') });
    expect(new Keyspace('').prefixRange('', true)).toEqual({ key: Buffer.from([0]), rangeEnd: Buffer.from([0]) });
    expect(new Keyspace('').prefixRange('/a/')).toEqual({ key: Buffer.from('/a/'), rangeEnd: Buffer.from('/a0') });
  });
  it('builds [start, end) ranges, "" meaning the end of the namespace', () => {
    expect(new Keyspace('/n/').range('a', 'c')).toEqual({ key: Buffer.from('/n/a'), rangeEnd: Buffer.from('/n/c') });
    expect(new Keyspace('/n/').range('a', '')).toEqual({ key: Buffer.from('/n/a'), rangeEnd: Buffer.from('/n0') });
  });
});
