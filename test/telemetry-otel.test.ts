import { SpanKind } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, compare, op } from '../src/index.js';
import { openTelemetry } from '../src/opentelemetry/index.js';
import { startEtcd, type EtcdHandle } from '../src/testing/index.js';
import { testConfig, uniquePrefix } from './helpers.js';
import { otelSetup } from './support/otel.js';

// A real OpenTelemetry SDK (in-memory span exporter, on-demand metric reader) against real etcd.

const otel = otelSetup();
let client: Client;
const prefix = uniquePrefix('otel');

beforeAll(async () => {
  const telemetry = openTelemetry({ tracerProvider: otel.tracerProvider, meterProvider: otel.meterProvider });
  client = await Client.connect(testConfig().withTelemetry(telemetry));
});

afterAll(async () => {
  await client?.close();
  await otel.shutdown();
});

describe('openTelemetry()', () => {
  it('makes a client span per call with the database attributes, parented to the active span', async () => {
    otel.reset();
    const tracer = otel.tracerProvider.getTracer('test');
    const outerId = await tracer.startActiveSpan('outer', async (outer) => {
      await client.put(`${prefix}a`, 'one');
      await client.get(`${prefix}a`);
      await client
        .txn()
        .if(compare.exists(`${prefix}a`))
        .onSuccess(op.put(`${prefix}b`, 'two'))
        .commit();
      const watch = await client.watch(`${prefix}a`);
      await watch.close();
      outer.end();
      return outer.spanContext().spanId;
    });
    const spans = otel.spans().filter((s) => s.name !== 'outer');
    expect(spans.map((s) => s.name)).toEqual(['put', 'get', 'txn', 'watch']);
    const [host, port] = testConfig().endpoints[0]!.replace('http://', '').split(':');
    for (const span of spans) {
      expect(span.kind).toBe(SpanKind.CLIENT);
      expect(span.parentSpanContext?.spanId).toBe(outerId);
      expect(span.attributes).toMatchObject({
        'db.system.name': 'etcd',
        'db.operation.name': span.name,
        'server.address': host,
        'server.port': Number(port),
        'etcdkit.attempts': 1,
      });
      expect(span.attributes['error.type']).toBeUndefined();
      expect(span.attributes['etcdkit.key']).toBeUndefined(); // keys are not recorded by default
    }
  });

  it('records keys only when asked', async () => {
    const telemetry = openTelemetry({
      tracerProvider: otel.tracerProvider,
      meterProvider: otel.meterProvider,
      recordKeys: true,
    });
    const other = await Client.connect(testConfig().withTelemetry(telemetry));
    try {
      otel.reset();
      await other.put(`${prefix}k`, 'v');
      expect(otel.spans()[0]!.attributes['etcdkit.key']).toBe(`${prefix}k`);
    } finally {
      await other.close();
    }
  });

  it('marks a failed call with error.type and an error status', async () => {
    otel.reset();
    // A compaction to a future revision: etcd refuses it.
    const err = await client.compact(1e12).then(
      () => ({ code: 'none' }),
      (e: unknown) => e as { code: string },
    );
    expect(err.code).not.toBe('none');
    const [span] = otel.spans();
    expect(span!.name).toBe('compact');
    expect(span!.attributes['error.type']).toBe(err.code);
    expect(span!.status.code).toBe(2); // SpanStatusCode.ERROR
  });

  it('records one duration data point per operation and outcome', async () => {
    const duration = await otel.histogram('db.client.operation.duration');
    expect(duration?.descriptor.unit).toBe('s');
    const points = duration!.dataPoints.map(
      (p) => `${String(p.attributes['db.operation.name'])}:${String(p.attributes['etcdkit.outcome'])}`,
    );
    expect(new Set(points).size).toBe(points.length);
    expect(points).toEqual(expect.arrayContaining(['put:ok', 'get:ok', 'txn:ok', 'watch:ok', 'compact:error']));
    const put = duration!.dataPoints.find((p) => p.attributes['db.operation.name'] === 'put')!;
    expect(put.value.count).toBeGreaterThanOrEqual(1);
  });

  it('counts watch events delivered and records their lag', async () => {
    const watch = await client.watch(`${prefix}w`);
    const seen = (async () => {
      for await (const _ of watch) return;
    })();
    await client.put(`${prefix}w`, 'x');
    await seen;
    await watch.close();
    const events = await otel.metric('etcdkit.watch.events');
    expect(events?.dataPoints[0]?.value).toBeGreaterThanOrEqual(1);
    const lag = await otel.histogram('etcdkit.watch.lag');
    expect(lag?.dataPoints[0]?.value.count).toBeGreaterThanOrEqual(1);
  });

  it('records lock wait time and the locks held', async () => {
    const lock = client.newLock(`${prefix}lock`);
    await lock.lock();
    expect((await otel.metric('etcdkit.lock.held'))?.dataPoints[0]?.value).toBe(1);
    await lock.unlock();
    await lock.close();
    expect((await otel.metric('etcdkit.lock.held'))?.dataPoints[0]?.value).toBe(0);
    expect((await otel.histogram('etcdkit.lock.wait.duration'))?.dataPoints[0]?.value.count).toBe(1);
    const names = otel.spans().map((s) => s.name);
    expect(names).toContain('lock.acquire');
    expect(names).toContain('lock.release');
  });

  it('records lease renewal latency', async () => {
    const lease = (await client.lease(1)).keepAlive();
    // A TTL of 1 s renews every ~333 ms: wait for one renewal to be recorded.
    for (let i = 0; i < 50 && !(await otel.histogram('etcdkit.lease.renewal.duration')); i++)
      await new Promise((r) => setTimeout(r, 100));
    await lease.revoke();
    expect((await otel.histogram('etcdkit.lease.renewal.duration'))?.dataPoints[0]?.value.count).toBeGreaterThanOrEqual(
      1,
    );
  });
});

describe('a call retried after its endpoint was killed', () => {
  let etcd: EtcdHandle;
  beforeAll(async () => {
    etcd = await startEtcd({ isolated: true });
  }, 60_000);
  afterAll(() => etcd?.stop());

  it('shows its failed attempts and retries as span events, and counts the retries', async () => {
    const telemetry = openTelemetry({ tracerProvider: otel.tracerProvider, meterProvider: otel.meterProvider });
    const config = testConfig()
      .withEndpoints(...etcd.endpoints)
      .withRetry({ maxAttempts: 100, initialDelayMs: 20, maxDelayMs: 200 })
      .withTelemetry(telemetry);
    const c = await Client.connect(config);
    try {
      await c.put(`${prefix}r`, 'v');
      await etcd.kill();
      otel.reset();
      const read = c.get(`${prefix}r`);
      await etcd.restart();
      expect((await read).toString()).toBe('v');
      const [span] = otel.spans();
      expect(span!.name).toBe('get');
      const attempts = span!.events.filter((e) => e.name === 'etcdkit.attempt');
      const retries = span!.events.filter((e) => e.name === 'etcdkit.retry');
      expect(attempts.length).toBeGreaterThan(1);
      expect(retries.length).toBe(attempts.length - 1);
      expect(attempts[0]!.attributes?.['error.type']).toBe('UNAVAILABLE');
      expect(attempts.at(-1)!.attributes?.['error.type']).toBeUndefined();
      expect(span!.attributes['etcdkit.attempts']).toBe(attempts.length);
      const counted = await otel.metric('etcdkit.client.retries');
      const total = counted!.dataPoints.reduce((n, p) => n + (p.value as number), 0);
      expect(total).toBeGreaterThanOrEqual(retries.length);
    } finally {
      await c.close();
    }
  }, 60_000);
});
