import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors/index.js';
import { bulkKeys, pairs } from './bulk.js';

describe('the entries of bulkPut', () => {
  it('are an object, a Map or an iterable of [key, value] pairs', () => {
    expect([...pairs({ a: '1' })]).toEqual([['a', '1']]);
    expect([...pairs(new Map([['b', '2']]))]).toEqual([['b', '2']]);
    expect([...pairs([['c', '3']])]).toEqual([['c', '3']]);
  });

  it.each([
    [Symbol('s'), 'entries must be an object, a Map or an iterable of pairs, got [object Symbol]'],
    [null, 'entries must be an object, a Map or an iterable of pairs, got null'],
    [[1], 'entries must hold [key, value] pairs, got 1'],
    [['ab'], 'entries must hold [key, value] pairs, got "ab"'],
    [[['k']], 'entries must hold [key, value] pairs, got [object Array]'],
  ])('refuse %s with a ValidationError, not a TypeError', (entries, message) => {
    expect(() => [...pairs(entries as never)]).toThrow(new ValidationError(message));
  });
});

describe('the keys of bulkDelete', () => {
  it('are any iterable of keys', () => {
    expect(bulkKeys(new Set(['a', 'b']))).toEqual(['a', 'b']);
  });

  it.each([null, 42, Symbol('s'), { a: 1 }])('refuse %s with a ValidationError, not a TypeError', (keys) => {
    expect(() => bulkKeys(keys as never)).toThrow(ValidationError);
  });
});
