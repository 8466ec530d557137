/**
 * What OpenTelemetry costs per call, in process and without etcd: the SDK
 * alone (a CLIENT span with the plugin's attributes, ended, and one point of
 * the duration histogram) against etcdkit's plugin doing the same through its
 * public `Telemetry` hooks. The difference is etcdkit's share; the SDK's is
 * the floor any instrumentation recording a span and a histogram point per
 * call pays. Client CPU per call from `process.cpuUsage`, median of 5 rounds.
 *   npx tsx bench/otel-floor.ts [calls per round]
 */
import { SpanKind } from '@opentelemetry/api';
import { BasicTracerProvider, BatchSpanProcessor, InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import type { CallContext } from '../src/index.js';
import { openTelemetry } from '../src/opentelemetry/index.js';

class ManualReader extends MetricReader {
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

const calls = Number(process.argv[2] ?? 100_000);
const exporter = new InMemorySpanExporter();
const processor = new BatchSpanProcessor(exporter, { maxQueueSize: 65_536, maxExportBatchSize: 2048 });
const tracerProvider = new BasicTracerProvider({ spanProcessors: [processor] });
const meterProvider = new MeterProvider({ readers: [new ManualReader()] });
const tracer = tracerProvider.getTracer('floor');
const histogram = meterProvider.getMeter('floor').createHistogram('db.client.operation.duration', { unit: 's' });
const plugin = openTelemetry({ tracerProvider, meterProvider });

const ENDPOINT = 'http://127.0.0.1:2379';
const START = { 'db.system.name': 'etcd', 'db.operation.name': 'get', 'etcdkit.kind': 'read' };
const END = { 'server.address': '127.0.0.1', 'server.port': 2379, 'etcdkit.attempts': 1 };
const POINT = {
  'db.system.name': 'etcd',
  'db.operation.name': 'get',
  'server.address': '127.0.0.1',
  'server.port': 2379,
  'etcdkit.outcome': 'ok',
};

const sides: Record<string, () => void> = {
  'SDK alone': () => {
    const startedAt = performance.now();
    const span = tracer.startSpan('get', { kind: SpanKind.CLIENT, attributes: START });
    span.setAttributes(END);
    span.end();
    histogram.record((performance.now() - startedAt) / 1000, POINT);
  },
  'etcdkit plugin': () => {
    const call: CallContext = { operation: 'get', kind: 'read', endpoint: ENDPOINT, attempt: 1 };
    const hooks = plugin.startCall!(call);
    hooks?.attempt?.(call, undefined);
    hooks?.end(call, undefined);
  },
};

async function round(side: () => void): Promise<number> {
  const before = process.cpuUsage();
  for (let i = 0; i < calls; i++) side();
  await processor.forceFlush(); // the export of this round's spans counts here
  exporter.reset();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / calls;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const names = Object.keys(sides);
for (const name of names) await round(sides[name]!); // warm-up
const cpu: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
for (let r = 0; r < 5; r++)
  for (const name of r % 2 ? [...names].reverse() : names) cpu[name]!.push(await round(sides[name]!));
const [sdk, ours] = names.map((n) => median(cpu[n]!));
console.log(
  `µs of CPU per call (median of 5 rounds of ${calls}): SDK alone ${sdk!.toFixed(2)}, etcdkit plugin ${ours!.toFixed(2)}`,
);
console.log(`etcdkit's share: ${(ours! - sdk!).toFixed(2)} µs per call`);
await tracerProvider.shutdown();
await meterProvider.shutdown();
