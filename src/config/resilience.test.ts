import { describe, expect, it } from 'vitest';
import { Config } from './index.js';
import { ConfigError } from '../errors/index.js';
import { BREAKER_DEFAULTS, DEFAULTS, RETRY_DEFAULTS } from './defaults.js';

describe('Config.withRetry', () => {
  it('defaults to the documented values', () => {
    expect(Config.defaults().retry).toEqual({ maxAttempts: 6, initialDelayMs: 100, maxDelayMs: 2000 });
    expect(Config.defaults().retry).toEqual(RETRY_DEFAULTS);
  });
  it('fills missing fields from the defaults and can switch retries off', () => {
    expect(Config.defaults().withRetry({ maxAttempts: 2 }).retry).toEqual({ ...RETRY_DEFAULTS, maxAttempts: 2 });
    expect(Config.defaults().withRetry(false).retry).toBe(false);
  });
  it('names the field at fault', () => {
    expect(() => Config.defaults().withRetry({ maxAttempts: 0 })).toThrow(
      /'retry.maxAttempts' must be a positive whole number of attempts, got 0/,
    );
    expect(() => Config.defaults().withRetry({ initialDelayMs: -1 })).toThrow(ConfigError);
    expect(() => Config.defaults().withRetry({ initialDelayMs: 500, maxDelayMs: 100 })).toThrow(/'retry.maxDelayMs'/);
    expect(() => Config.defaults().withRetry(null as never)).toThrow(/'retry' must be an object/);
  });
});

describe('Config.withCircuitBreaker', () => {
  it('defaults to the documented values', () => {
    expect(Config.defaults().circuitBreaker).toEqual({ threshold: 3, halfOpenAfterMs: 5000 });
    expect(Config.defaults().circuitBreaker).toEqual(BREAKER_DEFAULTS);
  });
  it('validates', () => {
    expect(Config.defaults().withCircuitBreaker({ threshold: 1 }).circuitBreaker).toEqual({
      threshold: 1,
      halfOpenAfterMs: 5000,
    });
    expect(() => Config.defaults().withCircuitBreaker({ halfOpenAfterMs: 1.5 })).toThrow(
      /'circuitBreaker.halfOpenAfterMs'/,
    );
  });
  it('appears in toJSON', () => {
    expect(Config.defaults().toJSON()).toMatchObject({ retry: RETRY_DEFAULTS, circuitBreaker: BREAKER_DEFAULTS });
  });
});

describe('RETRY_DEFAULTS and BREAKER_DEFAULTS', () => {
  it('are the very objects DEFAULTS holds (deprecated second names)', () => {
    expect(RETRY_DEFAULTS).toBe(DEFAULTS.retry);
    expect(BREAKER_DEFAULTS).toBe(DEFAULTS.circuitBreaker);
    expect(Config.defaults().retry).toBe(DEFAULTS.retry);
  });
});
