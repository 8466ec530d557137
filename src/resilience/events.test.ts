import { describe, expect, it } from 'vitest';
import { UnavailableError, ValidationError } from '../errors/index.js';
import { ConnectionEvents, type ConnectionEvent } from './events.js';

describe('ConnectionEvents', () => {
  it('reports state changes once, and stops after unsubscribe', () => {
    const events = new ConnectionEvents(() => {});
    const seen: string[] = [];
    const off = events.subscribe((e) => seen.push(e.type));
    events.transition({ type: 'connected' }); // already connected: no event
    events.transition({ type: 'reconnecting', error: new UnavailableError('x') });
    events.transition({ type: 'reconnecting', error: new UnavailableError('y') });
    events.emit({ type: 'endpoint-down', endpoint: 'http://a:1' });
    events.transition({ type: 'connected' });
    off();
    events.transition({ type: 'disconnected' });
    expect(seen).toEqual(['reconnecting', 'endpoint-down', 'connected']);
    expect(events.state).toBe('disconnected');
  });

  it('ignores a listener that throws', () => {
    const events = new ConnectionEvents(() => {});
    const seen: string[] = [];
    events.subscribe(() => {
      throw new Error('boom');
    });
    events.subscribe((e) => seen.push(e.type));
    events.transition({ type: 'disconnected' });
    expect(seen).toEqual(['disconnected']);
  });

  it('iterates with a bounded buffer and ends on close', async () => {
    const events = new ConnectionEvents(() => {});
    const it = events.iterate({ bufferSize: 2 })[Symbol.asyncIterator]();
    const first = it.next(); // subscribes
    events.emit({ type: 'endpoint-up', endpoint: 'a' });
    expect(((await first).value as ConnectionEvent).type).toBe('endpoint-up');
    for (const e of ['b', 'c', 'd']) events.emit({ type: 'endpoint-up', endpoint: e });
    events.transition({ type: 'closed' });
    const rest: ConnectionEvent[] = [];
    for (let r = await it.next(); !r.done; r = await it.next()) rest.push(r.value);
    expect(rest.map((e) => ('endpoint' in e ? e.endpoint : e.type))).toEqual(['d', 'closed']);
  });

  it.each([
    ['a bufferSize of 0', { bufferSize: 0 }, 'bufferSize must be a positive whole number, got 0'],
    ['a fractional bufferSize', { bufferSize: 1.5 }, 'bufferSize must be a positive whole number, got 1.5'],
    ['a bufferSize given as text', { bufferSize: '3' }, 'bufferSize must be a positive whole number, got "3"'],
    ['options that are not an object', null, 'options must be an object, got null'],
    ['a signal that is not an AbortSignal', { signal: 'stop' }, 'signal must be an AbortSignal, got "stop"'],
  ])('refuses %s with a ValidationError, not a TypeError', async (_, options, message) => {
    const events = new ConnectionEvents(() => {});
    const it = events.iterate(options as never)[Symbol.asyncIterator]();
    const err = await it.next().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as Error).message).toBe(message);
  });
});
