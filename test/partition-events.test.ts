import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionEvent } from '../src/index.js';
import { EVENTS, twoClusters, type TwoClusters } from './partition-clusters.js';
import { eventually } from './waits.js';

let clusters: TwoClusters;

beforeAll(async () => {
  clusters = await twoClusters();
});

afterAll(async () => {
  await clusters?.close();
});

describe('connection events of a partitioned client', () => {
  it('are heard from every partition and agree with connectionState', async () => {
    const { client, events } = clusters;
    const heard: ConnectionEvent[] = [];
    const off = client.onStateChange((e) => heard.push(e));
    const ac = new AbortController();
    const iterated: ConnectionEvent[] = [];
    const reader = (async () => {
      for await (const e of client.stateChanges({ signal: ac.signal })) iterated.push(e);
    })();
    try {
      await client.put(`${EVENTS}e1`, 'v');
      await events.kill(); // the events partition only: the default cluster stays up
      await expect(client.get(`${EVENTS}e1`)).rejects.toMatchObject({ partition: EVENTS });
      expect(client.connectionState).not.toBe('connected');
      const states = heard.filter((e) => !e.type.startsWith('endpoint-'));
      expect(states.length).toBeGreaterThan(0);
      expect(states.at(-1)!.type).toBe(client.connectionState);

      await events.restart();
      // A success in the events partition (reconnected lazily): every partition is connected again.
      await eventually(20_000, async () => void (await client.get(`${EVENTS}e1`)));
      expect(client.connectionState).toBe('connected');
      expect(heard.at(-1)?.type).toBe('connected');
      await new Promise((r) => setImmediate(r));
      expect(iterated.map((e) => e.type)).toEqual(heard.map((e) => e.type));
    } finally {
      off();
      ac.abort();
      await reader;
    }
  });
});
