import { SpanKind, SpanStatusCode, type Attributes, type Context, type Tracer } from '@opentelemetry/api';
import type { CallContext, CallObserver } from '../telemetry/types.js';
import { errorType, serverAttributes } from './attributes.js';
import type { Meters } from './meters.js';

/** A span for one call, started now in `parent`, and the observer that ends it and records its duration. */
export function callObserver(tracer: Tracer, meters: Meters, call: CallContext, parent: Context): CallObserver {
  const startedAt = performance.now();
  const attributes =
    call.key === undefined ? startAttributes(call) : { ...startAttributes(call), 'etcdkit.key': call.key };
  const span = tracer.startSpan(call.operation, { kind: SpanKind.CLIENT, attributes }, parent);
  return {
    attempt(c, error) {
      // A call answered at its first attempt has no attempt event: the span is that attempt.
      if (!error && c.attempt === 1) return;
      const event: Attributes = { 'etcdkit.attempt': c.attempt, ...serverAttributes(c.endpoint) };
      if (error) event['error.type'] = errorType(error);
      span.addEvent('etcdkit.attempt', event);
    },
    retry(info) {
      span.addEvent('etcdkit.retry', { 'etcdkit.attempt': info.attempt, 'error.type': errorType(info.error) });
    },
    end(c, error) {
      const done = performance.now();
      if (error) {
        const type = errorType(error);
        span.setAttributes(serverAttributes(c.endpoint));
        span.setAttribute('etcdkit.attempts', c.attempt);
        span.setAttribute('error.type', type);
        span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
        span.end();
        meters.duration.record((done - startedAt) / 1000, { ...durationAttributes(c, 'error'), 'error.type': type });
        return;
      }
      span.setAttributes(
        c.attempt === 1 ? firstAttempt(c.endpoint) : { ...serverAttributes(c.endpoint), 'etcdkit.attempts': c.attempt },
      );
      span.end();
      meters.duration.record((done - startedAt) / 1000, durationAttributes(c, 'ok'));
    },
  };
}

// What a call's span gets at its end when its first attempt answered: the server and one
// attempt, one frozen object per endpoint (one setAttributes, nothing allocated per call).
const firstAttempts = new Map<string | undefined, Attributes>();

function firstAttempt(endpoint: string | undefined): Attributes {
  let attrs = firstAttempts.get(endpoint);
  if (!attrs) {
    attrs = Object.freeze({ ...serverAttributes(endpoint), 'etcdkit.attempts': 1 });
    if (firstAttempts.size >= 1000) firstAttempts.clear();
    firstAttempts.set(endpoint, attrs);
  }
  return attrs;
}

// The attributes of a duration point, made once per operation, endpoint, partition and outcome
// (every call of a kind records the same few sets), found with map lookups, no key string built.
type ByEndpoint = Map<string | undefined, { ok?: Attributes; error?: Attributes }>;
const durations = new Map<string, ByEndpoint>();

function durationAttributes(c: CallContext, outcome: 'ok' | 'error'): Attributes {
  const op = c.partition === undefined ? c.operation : `${c.operation}\0${c.partition}`;
  let byEndpoint = durations.get(op);
  if (!byEndpoint) {
    if (durations.size >= 1000) durations.clear(); // a bound, should operation names ever vary freely
    byEndpoint = new Map();
    durations.set(op, byEndpoint);
  }
  let sets = byEndpoint.get(c.endpoint);
  if (!sets) {
    if (byEndpoint.size >= 1000) byEndpoint.clear();
    sets = {};
    byEndpoint.set(c.endpoint, sets);
  }
  let attrs = sets[outcome];
  if (!attrs) {
    const made: Attributes = {
      'db.system.name': 'etcd',
      'db.operation.name': c.operation,
      ...serverAttributes(c.endpoint),
    };
    if (c.partition !== undefined) made['etcdkit.partition'] = c.partition;
    made['etcdkit.outcome'] = outcome;
    attrs = Object.freeze(made);
    sets[outcome] = attrs;
  }
  return attrs;
}

// A span's attributes at its start without a key (keys are not recorded by default): one frozen
// object per operation, kind and partition.
const starts = new Map<string, Attributes>();

function startAttributes(call: CallContext): Attributes {
  const id =
    call.partition === undefined
      ? `${call.kind}\0${call.operation}`
      : `${call.kind}\0${call.operation}\0${call.partition}`;
  let attrs = starts.get(id);
  if (!attrs) {
    const made: Attributes = {
      'db.system.name': 'etcd',
      'db.operation.name': call.operation,
      'etcdkit.kind': call.kind,
    };
    if (call.partition !== undefined) made['etcdkit.partition'] = call.partition;
    attrs = Object.freeze(made);
    if (starts.size >= 1000) starts.clear();
    starts.set(id, attrs);
  }
  return attrs;
}
