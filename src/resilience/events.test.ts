import { describe, expect, it } from 'vitest';
import { UnavailableError } from '../errors/index.js';
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
});
