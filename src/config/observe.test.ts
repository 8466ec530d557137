import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/index.js';
import { Config, telemetryPartitionOf, withTelemetryFrom } from './config.js';

const logger = { debug() {}, info() {}, warn() {}, error() {} };

describe('Config.withLogger', () => {
  it('keeps a logger with the four levels, and leaves the original config silent', () => {
    const base = Config.defaults();
    const c = base.withLogger(logger);
    expect(c.logger).toBe(logger);
    expect(base.logger).toBeUndefined();
    expect(c.toJSON()).toMatchObject({ logger: true });
  });

  it('refuses an object lacking a level, naming what is missing', () => {
    const { warn: _warn, ...noWarn } = logger;
    expect(() => Config.defaults().withLogger(noWarn as never)).toThrow(ConfigError);
    expect(() => Config.defaults().withLogger(noWarn as never)).toThrow(/missing warn/);
    expect(() => Config.defaults().withLogger(console.log as never)).toThrow(/'logger'|logger/);
    expect(() => Config.defaults().withLogger(null as never)).toThrow(ConfigError);
  });
});

describe('Config.withTelemetry', () => {
  it('accepts a plugin, or only { recordKeys } for channel subscribers', () => {
    expect(Config.defaults().withTelemetry({ recordKeys: true }).telemetry?.recordKeys).toBe(true);
    const plugin = { startCall: () => undefined, event: () => {} };
    expect(Config.defaults().withTelemetry(plugin).telemetry).toBe(plugin);
  });

  it('refuses hooks that are not functions and a non-boolean recordKeys', () => {
    expect(() => Config.defaults().withTelemetry({ startCall: 1 } as never)).toThrow(/telemetry\.startCall/);
    expect(() => Config.defaults().withTelemetry({ recordKeys: 'yes' } as never)).toThrow(/telemetry\.recordKeys/);
    expect(() => Config.defaults().withTelemetry(undefined as never)).toThrow(ConfigError);
  });

  it('is carried to partitions, labelled with their prefix', () => {
    const plugin = { recordKeys: true };
    const parent = Config.defaults().withTelemetry(plugin).withLogger(logger);
    const child = withTelemetryFrom(Config.defaults(), parent, '/events/');
    expect(child.telemetry).toBe(plugin);
    expect(child.logger).toBe(logger);
    expect(telemetryPartitionOf(child)).toBe('/events/');
  });
});
