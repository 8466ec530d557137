import { SpanKind, SpanStatusCode, type Attributes, type Context, type Tracer } from '@opentelemetry/api';
import type { CallContext, CallObserver } from '../telemetry/types.js';
import { errorType, serverAttributes } from './attributes.js';
import type { Meters } from './meters.js';

/** A span for one call, started now in `parent`, and the observer that ends it and records its duration. */
export function callObserver(tracer: Tracer, meters: Meters, call: CallContext, parent: Context): CallObserver {
  const startedAt = performance.now();
  const attributes: Attributes = {
    'db.system.name': 'etcd',
    'db.operation.name': call.operation,
    'etcdkit.kind': call.kind,
  };
  if (call.partition !== undefined) attributes['etcdkit.partition'] = call.partition;
  if (call.key !== undefined) attributes['etcdkit.key'] = call.key;
  const span = tracer.startSpan(call.operation, { kind: SpanKind.CLIENT, attributes }, parent);
  return {
    attempt(c, error) {
      const event: Attributes = { 'etcdkit.attempt': c.attempt, ...serverAttributes(c.endpoint) };
      if (error) event['error.type'] = errorType(error);
      span.addEvent('etcdkit.attempt', event);
    },
    retry(info) {
      span.addEvent('etcdkit.retry', { 'etcdkit.attempt': info.attempt, 'error.type': errorType(info.error) });
    },
    end(c, error) {
      const server = serverAttributes(c.endpoint);
      span.setAttributes({ ...server, 'etcdkit.attempts': c.attempt });
      const metric: Attributes = { 'db.system.name': 'etcd', 'db.operation.name': c.operation, ...server };
      if (c.partition !== undefined) metric['etcdkit.partition'] = c.partition;
      if (error) {
        const type = errorType(error);
        span.setAttribute('error.type', type);
        span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
        metric['error.type'] = type;
      }
      metric['etcdkit.outcome'] = error ? 'error' : 'ok';
      span.end();
      meters.duration.record((performance.now() - startedAt) / 1000, metric);
    },
  };
}
