import diagnostics from 'node:diagnostics_channel';
import { describe, expect, it } from 'vitest';
import { UnavailableError } from '../errors/index.js';
import { Instruments } from './instruments.js';
import type { LockInfo, Telemetry, TelemetryEvent } from './types.js';

const settings = (telemetry?: Telemetry) => ({
  telemetry,
  logger: undefined,
  partition: undefined,
  endpoints: ['http://a:1'],
});

describe('Instruments', () => {
  it('observes nothing, and creates nothing, while nobody listens', () => {
    const i = new Instruments(settings());
    expect(i.startCall('read', 'get', '/k')).toBeUndefined();
    for (const c of ['retry', 'circuit', 'watch', 'lease', 'lock'] as const) expect(i.wants(c)).toBe(false);
  });

  it('starts observing once the call channel has a subscriber, and stops when it leaves', () => {
    const i = new Instruments(settings());
    const onStart = () => {};
    diagnostics.subscribe('tracing:etcdkit:call:start', onStart);
    try {
      expect(i.startCall('read', 'get', '/k')?.context).toEqual({
        operation: 'get',
        kind: 'read',
        endpoint: 'http://a:1',
        attempt: 0,
      });
    } finally {
      diagnostics.unsubscribe('tracing:etcdkit:call:start', onStart);
    }
    expect(i.startCall('read', 'get', '/k')).toBeUndefined();
  });

  it('drops lock names unless keys are recorded', () => {
    const got: TelemetryEvent[] = [];
    const lock: LockInfo = { type: 'released', lock: 'lock', name: 'jobs' };
    new Instruments(settings({ event: (e) => got.push(e) })).lock(lock);
    new Instruments(settings({ recordKeys: true, event: (e) => got.push(e) })).lock(lock);
    expect(got.map((e) => e.info)).toEqual([{ type: 'released', lock: 'lock' }, lock]);
  });

  it("survives a plugin that throws: the call's telemetry is best effort", async () => {
    const boom = () => {
      throw new Error('plugin bug');
    };
    const i = new Instruments(settings({ startCall: () => ({ end: boom, attempt: boom }), event: boom }));
    const trace = i.startCall('write', 'put', undefined)!;
    trace.attemptEnded(undefined, new UnavailableError('down'));
    await expect(trace.run(() => Promise.resolve(7))).resolves.toBe(7);
    expect(() => i.circuit('http://a:1', 'open')).not.toThrow();
  });
});

describe('Instruments logging', () => {
  it('keeps the logger as its `this`, and survives a logger that throws', () => {
    const lines: string[] = [];
    const logger = {
      prefix: 'x',
      debug() {},
      info() {},
      warn(this: { prefix: string }, _fields: object, message: string) {
        lines.push(`${this.prefix}:${message}`);
      },
      error() {
        throw new Error('logger bug');
      },
    };
    const i = new Instruments({ ...settings(), logger });
    i.circuit('http://a:1', 'open', new UnavailableError('down'));
    expect(lines).toEqual(['x:etcdkit: endpoint http://a:1 is failing; calls fail over to the others']);
    expect(() => i.connection('disconnected', undefined)).not.toThrow();
  });

  it('reports a throwing listener on the channel, the plugin and the logger; a process warning when nobody listens', () => {
    const lines: Array<[Record<string, unknown>, string]> = [];
    const noop = () => {};
    const logger = {
      debug: noop,
      info: noop,
      warn: noop,
      error: (f: Record<string, unknown>, m: string) => lines.push([f, m]),
    };
    const events: TelemetryEvent[] = [];
    const published: unknown[] = [];
    const onPublish = (m: unknown) => published.push(m);
    diagnostics.subscribe('etcdkit:listener', onPublish);
    try {
      const boom = new Error('bug');
      new Instruments({ ...settings({ event: (e) => events.push(e) }), logger }).listenerError('lease.onLost', boom);
      expect(published).toEqual([{ source: 'lease.onLost', error: boom }]);
      expect(events).toEqual([{ channel: 'listener', info: { source: 'lease.onLost', error: boom } }]);
      expect(lines).toEqual([
        [
          { event: 'listener-error', source: 'lease.onLost', error: 'Error', partition: undefined },
          'etcdkit: a lease.onLost listener threw: bug',
        ],
      ]);
    } finally {
      diagnostics.unsubscribe('etcdkit:listener', onPublish);
    }
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    const hostile = {
      toString: () => {
        throw new Error('no');
      },
    };
    expect(() => new Instruments(settings()).listenerError('watch.callback', hostile)).not.toThrow();
    new Instruments(settings()).listenerError('lock.onLost', new Error('bug'));
    return new Promise<void>((resolve) =>
      setImmediate(() => {
        process.off('warning', onWarning);
        expect(warnings.map((w) => w.message)).toEqual(['etcdkit: a lock.onLost listener threw: bug']);
        resolve();
      }),
    );
  });
});
