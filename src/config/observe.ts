import { ConfigError } from '../errors/index.js';
import type { Logger, Telemetry } from '../telemetry/types.js';
import { show } from './validate.js';

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;

/** A logger must have every level as a method. */
export function checkLogger(logger: unknown): Logger {
  if (typeof logger !== 'object' || logger === null) {
    throw new ConfigError('logger', `must be an object with debug, info, warn and error methods, got ${show(logger)}`);
  }
  const missing = LEVELS.filter((level) => typeof (logger as Record<string, unknown>)[level] !== 'function');
  if (missing.length > 0) {
    throw new ConfigError('logger', `must have debug, info, warn and error methods; missing ${missing.join(', ')}`);
  }
  return logger as Logger;
}

/** A telemetry plugin is an object whose hooks, when present, are functions. */
export function checkTelemetry(telemetry: unknown): Telemetry {
  if (typeof telemetry !== 'object' || telemetry === null) {
    throw new ConfigError('telemetry', `must be a telemetry plugin object, got ${show(telemetry)}`);
  }
  const t = telemetry as Record<string, unknown>;
  for (const hook of ['startCall', 'event'] as const) {
    if (t[hook] !== undefined && typeof t[hook] !== 'function') {
      throw new ConfigError(`telemetry.${hook}`, `must be a function, got ${show(t[hook])}`);
    }
  }
  if (t.recordKeys !== undefined && typeof t.recordKeys !== 'boolean') {
    throw new ConfigError('telemetry.recordKeys', `must be a boolean, got ${show(t.recordKeys)}`);
  }
  return telemetry as Telemetry;
}
