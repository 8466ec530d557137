import diagnostics from 'node:diagnostics_channel';
import { randomBytes } from 'node:crypto';
import { BasicTracerProvider, BatchSpanProcessor, InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { SpanKind } from '@opentelemetry/api';
import { Client } from '../../src/index.js';
import { openTelemetry } from '../../src/opentelemetry/index.js';
import { closedLoop, type BenchContext, type Measurement, type Round, type Scenario } from '../scenario.js';
import { keyAt } from './data.js';

// The cost of telemetry on put and get: each etcdkit round runs three slices
// back to back (their order rotates by round), with telemetry off, with a
// diagnostics_channel subscriber on every channel, and with the
// OpenTelemetry plugin exporting to memory through a BatchSpanProcessor, as
// a service sets it up (OpenTelemetry's SimpleSpanProcessor, which exports
// each span as it ends, is meant for tests: it alone costs about four times
// what the batch processor does per span). The main figure is the "off"
// slice against raw etcd3; the others are reported as rates relative to it.
// A fourth slice is the floor of telemetry: the telemetry-off client with
// each call wrapped by hand in what the plugin records (a CLIENT span with
// the same attributes and one point of the duration histogram), straight on
// the SDK: what any instrumentation recording them pays. The plugin is
// judged against it too (`otelVsSdk`).

const KEYS = 1000;
const VALUE = randomBytes(1024);

type Variant = 'off' | 'channel' | 'otel' | 'sdk';
const VARIANTS: readonly Variant[] = ['off', 'channel', 'otel', 'sdk'];

class ManualReader extends MetricReader {
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

interface Rig {
  otelClient: Client;
  /** `op` wrapped by hand in the plugin's span and duration point, on the SDK. */
  byHand(op: () => Promise<unknown>, operation: string, kind: 'read' | 'write'): Promise<unknown>;
  spans: InMemorySpanExporter;
  /** Exports the spans still queued. */
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}
const rigs = new WeakMap<BenchContext, Rig>();

async function rig(ctx: BenchContext): Promise<Rig> {
  const spans = new InMemorySpanExporter();
  // Queue large enough that no span is dropped at 10,000 calls/s between exports.
  const processor = new BatchSpanProcessor(spans, {
    maxQueueSize: 65_536,
    maxExportBatchSize: 2048,
    scheduledDelayMillis: 200,
  });
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [processor] });
  const meterProvider = new MeterProvider({ readers: [new ManualReader()] });
  const otelClient = await Client.connect(
    ctx.etcdkit.config.withTelemetry(openTelemetry({ tracerProvider, meterProvider })),
  );
  const tracer = tracerProvider.getTracer('bench');
  const duration = meterProvider.getMeter('bench').createHistogram('db.client.operation.duration', { unit: 's' });
  const server = new URL(ctx.endpoints[0]!);
  const end = { 'server.address': server.hostname, 'server.port': Number(server.port), 'etcdkit.attempts': 1 };
  return {
    otelClient,
    async byHand(op, operation, kind) {
      const startedAt = performance.now();
      const span = tracer.startSpan(operation, {
        kind: SpanKind.CLIENT,
        attributes: { 'db.system.name': 'etcd', 'db.operation.name': operation, 'etcdkit.kind': kind },
      });
      const result = await op();
      span.setAttributes(end);
      span.end();
      duration.record((performance.now() - startedAt) / 1000, {
        'db.system.name': 'etcd',
        'db.operation.name': operation,
        'server.address': end['server.address'],
        'server.port': end['server.port'],
        'etcdkit.outcome': 'ok',
      });
      return result;
    },
    spans,
    flush: () => processor.forceFlush(),
    async shutdown() {
      await otelClient.close();
      await tracerProvider.shutdown();
      await meterProvider.shutdown();
    },
  };
}

// A subscriber that does nothing: what is measured is the cost of publishing to it.
const count = () => {};
const callHandlers = { start: count, end: count, asyncStart: count, asyncEnd: count, error: count };
const EVENT_CHANNELS = ['etcdkit:retry', 'etcdkit:circuit', 'etcdkit:watch', 'etcdkit:lease', 'etcdkit:lock'];

/** Runs `fn` with a subscriber on every etcdkit channel. */
async function subscribed<T>(fn: () => Promise<T>): Promise<T> {
  const calls = diagnostics.tracingChannel('etcdkit:call');
  calls.subscribe(callHandlers);
  for (const name of EVENT_CHANNELS) diagnostics.subscribe(name, count);
  try {
    return await fn();
  } finally {
    calls.unsubscribe(callHandlers);
    for (const name of EVENT_CHANNELS) diagnostics.unsubscribe(name, count);
  }
}

type Op = (client: Client, key: string) => Promise<unknown>;

async function slice(variant: Variant, round: Round, concurrency: number, op: Op, ms: number): Promise<Measurement> {
  const { ctx } = round;
  const r = rigs.get(ctx)!;
  const client = variant === 'otel' ? r.otelClient : ctx.etcdkit;
  const p = `${ctx.prefix}etcdkit/`;
  const [operation, kind] = op === putOp ? (['put', 'write'] as const) : (['get', 'read'] as const);
  const run = () =>
    variant === 'sdk'
      ? closedLoop(concurrency, ms, (i) => r.byHand(() => op(client, keyAt(p, i % KEYS)), operation, kind))
      : closedLoop(concurrency, ms, (i) => op(client, keyAt(p, i % KEYS)));
  const cpu = process.cpuUsage();
  const m = variant === 'channel' ? await subscribed(run) : await run();
  // The spans of this slice still queued are exported within it: their cost counts here.
  const flushing = performance.now();
  if (variant === 'otel' || variant === 'sdk') await r.flush();
  const flushSeconds = (performance.now() - flushing) / 1000;
  const used = process.cpuUsage(cpu);
  r.spans.reset(); // keep the in-memory exporter from growing across slices
  return { ...m, seconds: m.seconds + flushSeconds, cpuSeconds: (used.user + used.system) / 1e6 };
}

async function etcdkitSide(round: Round, concurrency: number, op: Op): Promise<Measurement> {
  const ms = Math.max(100, Math.round(round.durationMs / VARIANTS.length));
  const order = VARIANTS.map((_, i) => VARIANTS[(i + Math.max(0, round.index)) % VARIANTS.length]!);
  const by = new Map<Variant, Measurement>();
  for (const v of order) by.set(v, await slice(v, round, concurrency, op, ms));
  const rate = (v: Variant) => by.get(v)!.work / by.get(v)!.seconds;
  const cpuMicros = (v: Variant) => (1e6 * by.get(v)!.cpuSeconds!) / by.get(v)!.work;
  const off = by.get('off')!;
  return {
    work: off.work,
    seconds: off.seconds,
    // The side's CPU per op is the "off" slice's, like its rate (not the four slices' over one slice's work).
    cpuSeconds: off.cpuSeconds,
    figures: {
      channelVsOff: rate('channel') / rate('off'),
      otelVsOff: rate('otel') / rate('off'),
      sdkVsOff: rate('sdk') / rate('off'),
      otelVsSdk: rate('otel') / rate('sdk'),
      offCpuUs: cpuMicros('off'),
      channelCpuUs: cpuMicros('channel'),
      otelCpuUs: cpuMicros('otel'),
      sdkCpuUs: cpuMicros('sdk'),
    },
  };
}

async function loadKeys(ctx: BenchContext): Promise<void> {
  const entries = new Map<string, Buffer>();
  for (const side of ['etcdkit', 'raw', 'floor'])
    for (let i = 0; i < KEYS; i++) entries.set(keyAt(`${ctx.prefix}${side}/`, i), VALUE);
  await ctx.etcdkit.bulkPut(entries);
  rigs.set(ctx, await rig(ctx));
}

// etcd3 and bare grpc-js have no telemetry: their sides report ratios of 1 and their own CPU per op for each
// variant, for comparison.
async function rawSide(concurrency: number, ms: number, op: (i: number) => Promise<unknown>): Promise<Measurement> {
  const cpu = process.cpuUsage();
  const m = await closedLoop(concurrency, ms, op);
  const used = process.cpuUsage(cpu);
  const perOp = (used.user + used.system) / m.work;
  return {
    ...m,
    figures: {
      channelVsOff: 1,
      otelVsOff: 1,
      sdkVsOff: 1,
      otelVsSdk: 1,
      offCpuUs: perOp,
      channelCpuUs: perOp,
      otelCpuUs: perOp,
      sdkCpuUs: perOp,
    },
  };
}

/** A side with no telemetry, as long as one slice of the etcdkit side, under its own prefix. */
function plainSide(
  round: Round,
  name: 'raw' | 'floor',
  concurrency: number,
  op: (key: string) => Promise<unknown>,
): Promise<Measurement> {
  const p = `${round.ctx.prefix}${name}/`;
  const ms = Math.max(100, Math.round(round.durationMs / VARIANTS.length));
  return rawSide(concurrency, ms, (i) => op(keyAt(p, i % KEYS)));
}

const putOp: Op = (c, key) => c.put(key, VALUE);
const getOp: Op = (c, key) => c.get(key);

function scenario(op: 'put' | 'get', concurrency: number): Scenario {
  const etcdkitOp: Op = op === 'put' ? putOp : getOp;
  return {
    name: `telemetry-${op}-c${concurrency}`,
    title: `${op} with telemetry off / a diagnostics_channel subscriber / OpenTelemetry / the SDK by hand, 1 KiB, concurrency ${concurrency}`,
    unit: 'ops/s',
    labels: { etcdkit: 'etcdkit, telemetry off', raw: 'etcd3' },
    figures: {
      channelVsOff: 'rate with a diagnostics_channel subscriber / rate off',
      otelVsOff: 'rate with OpenTelemetry (in-memory exporter) / rate off',
      sdkVsOff: 'rate with the same span and point made by hand on the SDK (the floor) / rate off',
      otelVsSdk: 'rate with OpenTelemetry / rate with the SDK by hand',
      offCpuUs: 'client CPU per op, telemetry off, µs',
      channelCpuUs: 'client CPU per op, diagnostics_channel subscriber, µs',
      otelCpuUs: 'client CPU per op, OpenTelemetry, µs',
      sdkCpuUs: 'client CPU per op, the SDK by hand, µs',
    },
    targets: {
      minRatio: 0.95,
      whenMissed:
        'a put waits for the fsync of a shared disk; compare the paired ratio, the CPU per op and repeated runs.',
    },
    setup: loadKeys,
    etcdkit: (round) => etcdkitSide(round, concurrency, etcdkitOp),
    raw: (round) => {
      const rawOp =
        op === 'put'
          ? (k: string) => round.ctx.raw.put(k).value(VALUE).exec()
          : (k: string) => round.ctx.raw.get(k).buffer();
      return plainSide(round, 'raw', concurrency, rawOp);
    },
    floor: (round) => {
      const floorOp =
        op === 'put' ? (k: string) => round.ctx.floor.put(k, VALUE) : (k: string) => round.ctx.floor.get(k);
      return plainSide(round, 'floor', concurrency, floorOp);
    },
    async teardown(ctx) {
      await rigs.get(ctx)?.shutdown();
      rigs.delete(ctx);
    },
  };
}

export const telemetryPut1 = scenario('put', 1);
export const telemetryPut64 = scenario('put', 64);
export const telemetryGet1 = scenario('get', 1);
export const telemetryGet64 = scenario('get', 64);
