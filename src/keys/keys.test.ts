import { describe, expect, it } from 'vitest';
import { KeyEncodingError, ValidationError } from '../errors/index.js';
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
    expect(() => ks.encode(1 as never)).toThrow(ValidationError);
  });
  it('refuses the empty prefix unless all is set, then covers the namespace (not the bare namespace key) or everything', () => {
    expect(() => new Keyspace('/ns/').prefixRange('')).toThrow(ValidationError);
    // The raw key '/ns/' itself would be the key '', which no call accepts: ranges start after it.
    expect(new Keyspace('/ns/').prefixRange('', true)).toEqual({
      key: Buffer.from('/ns/\0'),
      rangeEnd: Buffer.from('/ns0'),
    });
    expect(new Keyspace('/ns/').range('', '')).toEqual({ key: Buffer.from('/ns/\0'), rangeEnd: Buffer.from('/ns0') });
    expect(new Keyspace('').prefixRange('', true)).toEqual({ key: Buffer.from([0]), rangeEnd: Buffer.from([0]) });
    expect(new Keyspace('').prefixRange('/a/')).toEqual({ key: Buffer.from('/a/'), rangeEnd: Buffer.from('/a0') });
  });
  it('builds [start, end) ranges, "" meaning the end of the namespace', () => {
    expect(new Keyspace('/n/').range('a', 'c')).toEqual({ key: Buffer.from('/n/a'), rangeEnd: Buffer.from('/n/c') });
    expect(new Keyspace('/n/').range('a', '')).toEqual({ key: Buffer.from('/n/a'), rangeEnd: Buffer.from('/n0') });
  });
  it('refuses keys, prefixes and range bounds that are not well-formed Unicode', () => {
    const ks = new Keyspace('/ns/');
    // Both lone surrogates would be written as the same U+FFFD bytes.
    expect(() => ks.encode('u-\ud800')).toThrow(ValidationError);
    expect(() => ks.encode('u-\udbff')).toThrow(/lone surrogate \\udbff at index 2/);
    expect(() => ks.prefixRange('p-\udc00')).toThrow(ValidationError);
    expect(() => ks.range('a', 'b\ud800')).toThrow(ValidationError);
    // A well-formed pair (an emoji) is fine.
    expect(ks.decode(ks.encode('u-\ud83d\ude00'))).toBe('u-\u{1f600}');
  });
  it('decodes a stored key that is not UTF-8 to a KeyEncodingError naming its bytes, never a lossy string', () => {
    const ks = new Keyspace('/ns/');
    const raw = Buffer.concat([Buffer.from('/ns/k-'), Buffer.from([0xfe])]);
    const err = (() => {
      try {
        ks.decode(raw);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(KeyEncodingError);
    expect((err as KeyEncodingError).code).toBe('KEY_ENCODING');
    expect((err as KeyEncodingError).key).toEqual(raw);
    expect((err as KeyEncodingError).message).toContain(raw.toString('hex'));
    // A real U+FFFD in a key is valid UTF-8 and decodes as itself.
    expect(ks.decode(ks.encode('k-\uFFFD'))).toBe('k-\uFFFD');
  });
});

describe('Keyspace.range with bounds that are not strings', () => {
  it.each([null, 42, Symbol('s'), {}])('refuses %s with a ValidationError, not a TypeError', (bound) => {
    for (const ks of [new Keyspace(''), new Keyspace('/n/')]) {
      expect(() => ks.range(bound as never, '')).toThrow(
        new ValidationError(`range start must be a string, got ${typeof bound}`),
      );
      expect(() => ks.range('a', bound as never)).toThrow(
        new ValidationError(`range end must be a string, got ${typeof bound}`),
      );
    }
  });
});
