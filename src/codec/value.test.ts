import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors/index.js';
import { toBuffer } from './value.js';

describe('toBuffer', () => {
  it('refuses a bad value with a ValidationError even when the key is not a string', () => {
    // The key is checked later: the message must not be what fails (a Symbol cannot be put in a template).
    expect(() => toBuffer(undefined as never, Symbol('k') as never)).toThrow(
      new ValidationError("value for 'Symbol(k)' must be a string or a Uint8Array, got undefined"),
    );
  });
});
