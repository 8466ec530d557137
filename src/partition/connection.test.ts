import { describe, expect, it } from 'vitest';
import type { Backend } from '../backend/index.js';
import { UnavailableError } from '../errors/index.js';
import { ConnectionEvents, type ConnectionEvent } from '../resilience/events.js';
import { MergedConnection } from './connection.js';

/** The connection side of one partition's backend, driven by hand. */
function partition(): { events: ConnectionEvents; backend: Backend } {
  const events = new ConnectionEvents(() => {});
  const backend = {
    get connectionState() {
      return events.state;
    },
    onStateChange: (listener: (e: ConnectionEvent) => void) => events.subscribe(listener),
  } as Backend;
  return { events, backend };
}

describe('merged connection events', () => {
  it('hear every partition, and their state events follow the worst state', () => {
    const main = partition();
    const other = partition();
    const merged = new MergedConnection([main.backend, other.backend], () => {});
    const heard: string[] = [];
    merged.events.subscribe((e) => heard.push('endpoint' in e ? `${e.type} ${e.endpoint}` : e.type));

    const error = new UnavailableError('down');
    other.events.emit({ type: 'endpoint-down', endpoint: 'b:2379', error });
    other.events.transition({ type: 'reconnecting', error });
    expect(merged.state).toBe('reconnecting');
    main.events.transition({ type: 'disconnected' });
    expect(merged.state).toBe('disconnected');
    main.events.transition({ type: 'connected' }); // the other partition still retries
    expect(merged.state).toBe('reconnecting');
    other.events.transition({ type: 'connected' });
    expect(merged.state).toBe('connected');

    expect(heard).toEqual(['endpoint-down b:2379', 'reconnecting', 'disconnected', 'reconnecting', 'connected']);
  });

  it('a state event carries the error of the partition in that state', () => {
    const main = partition();
    const other = partition();
    const merged = new MergedConnection([main.backend, other.backend], () => {});
    const events: ConnectionEvent[] = [];
    merged.events.subscribe((e) => events.push(e));
    const error = new UnavailableError('events cluster down');
    other.events.transition({ type: 'reconnecting', error });
    main.events.transition({ type: 'reconnecting', error: new UnavailableError('main') });
    expect(events).toHaveLength(1); // still reconnecting: no change of the worst state
    expect(events[0]).toMatchObject({ type: 'reconnecting', error });
  });
});
