import { describe, expect, it } from 'vitest';
import { ConfigError, ValidationError } from '../errors/index.js';
import { checkBufferSize, checkRevision, checkWhole, configObject, configWhole, wholeProblem } from './checks.js';

describe('wholeProblem', () => {
  it('accepts whole numbers within the bounds', () => {
    expect(wholeProblem(1)).toBeUndefined();
    expect(wholeProblem(0, { min: 0 })).toBeUndefined();
    expect(wholeProblem(Number.MAX_SAFE_INTEGER)).toBeUndefined();
    expect(wholeProblem(10, { max: 10 })).toBeUndefined();
  });

  it.each([
    [0, {}, 'must be a positive whole number, got 0'],
    [1.5, { unit: 'bytes' }, 'must be a positive whole number of bytes, got 1.5'],
    ['3', {}, 'must be a positive whole number, got "3"'],
    [Number.NaN, {}, 'must be a positive whole number, got NaN'],
    [2 ** 53, {}, 'must be a positive whole number, got 9007199254740992'],
    [-1, { min: 0 }, 'must be a non-negative whole number, got -1'],
    [1, { min: 2, unit: 'members' }, 'must be a whole number of members of at least 2, got 1'],
    [11, { min: 0, max: 10, unit: 'ms' }, 'must be a whole number of ms from 0 to 10, got 11'],
    [null, {}, 'must be a positive whole number, got null'],
  ])('refuses %s (%o): %s', (value, bounds, problem) => {
    expect(wholeProblem(value, bounds)).toBe(problem);
  });
});

describe('the throwing checks say the same thing with the error of their kind', () => {
  it('configWhole throws a ConfigError naming the field', () => {
    const err = (() => {
      try {
        configWhole('maxTxnOps', 0, { unit: 'operations' });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).field).toBe('maxTxnOps');
    expect((err as Error).message).toBe("'maxTxnOps' must be a positive whole number of operations, got 0");
  });

  it('checkWhole, checkRevision and checkBufferSize throw a ValidationError naming the argument', () => {
    expect(() => checkWhole('pageSize', 0)).toThrow(
      new ValidationError('pageSize must be a positive whole number, got 0'),
    );
    expect(() => checkRevision('fromRevision', -3)).toThrow(ValidationError);
    expect(() => checkRevision('fromRevision', -3)).toThrow('fromRevision must be a positive whole number, got -3');
    expect(() => checkBufferSize(0)).toThrow('bufferSize must be a positive whole number, got 0');
    expect(() => checkBufferSize('10')).toThrow(ValidationError);
  });

  it('return the value when it is good; checkBufferSize lets undefined through for the default', () => {
    expect(configWhole('x', 5)).toBe(5);
    expect(checkRevision('revision', 7)).toBe(7);
    expect(checkBufferSize(undefined)).toBeUndefined();
    expect(checkBufferSize(3)).toBe(3);
  });

  it('configObject refuses null, arrays and primitives', () => {
    for (const bad of [null, [], 3, 'x']) expect(() => configObject('retry', bad)).toThrow(ConfigError);
    expect(configObject('retry', { a: 1 })).toEqual({ a: 1 });
  });
});
