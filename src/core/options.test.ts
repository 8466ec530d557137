import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors/index.js';
import { checkCallOptions, checkOptions } from './options.js';

describe('checkOptions', () => {
  it('lets undefined and objects through', () => {
    expect(() => checkOptions(undefined)).not.toThrow();
    expect(() => checkOptions({ timeoutMs: 5 })).not.toThrow();
  });

  it.each([
    [null, 'options must be an object, got null'],
    [42, 'options must be an object, got 42'],
    ['fast', 'options must be an object, got "fast"'],
    [[1], 'options must be an object, got [object Array]'],
  ])('refuses %s with a ValidationError', (options, message) => {
    expect(() => checkOptions(options)).toThrow(new ValidationError(message));
    expect(() => checkCallOptions(options as never)).toThrow(new ValidationError(message));
  });
});
