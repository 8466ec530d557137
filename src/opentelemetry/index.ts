/**
 * OpenTelemetry for etcdkit: `Config.withTelemetry(openTelemetry())` makes a
 * span per client call and records its metrics. Needs `@opentelemetry/api`
 * (an optional peer dependency of etcdkit; the core never loads it).
 * @module
 */
import { context, metrics, trace, type MeterProvider, type TracerProvider } from '@opentelemetry/api';
import type { Telemetry } from '../telemetry/types.js';
import { callObserver } from './spans.js';
import { createMeters, recordEvent } from './meters.js';

/** Options of {@link openTelemetry}. */
export interface OpenTelemetryOptions {
  /** Where spans go. @default the global tracer provider (`trace.getTracerProvider()`) */
  tracerProvider?: TracerProvider;
  /** Where metrics go. @default the global meter provider (`metrics.getMeterProvider()`) */
  meterProvider?: MeterProvider;
  /** Record keys on spans (`etcdkit.key`) and lock names (keys can be sensitive). @default false */
  recordKeys?: boolean;
}

/** The instrumentation scope name of etcdkit's tracer and meter. */
export const INSTRUMENTATION_NAME = 'etcdkit';

/**
 * A telemetry plugin for {@link Config.withTelemetry}: one span per client
 * call (database client conventions), with attempts and retries as span
 * events, parented to the caller's active context; and the metrics listed in
 * docs/observability.md.
 *
 * @example
 * ```ts
 * import { openTelemetry } from 'etcdkit/opentelemetry';
 * const client = await Client.connect(Config.fromEnv().withTelemetry(openTelemetry()));
 * ```
 */
export function openTelemetry(options: OpenTelemetryOptions = {}): Telemetry {
  const tracer = (options.tracerProvider ?? trace.getTracerProvider()).getTracer(INSTRUMENTATION_NAME);
  const meters = createMeters((options.meterProvider ?? metrics.getMeterProvider()).getMeter(INSTRUMENTATION_NAME));
  return Object.freeze({
    recordKeys: options.recordKeys === true,
    startCall: (call) => callObserver(tracer, meters, call, context.active()),
    event: (event) => recordEvent(meters, event),
  } satisfies Telemetry);
}
