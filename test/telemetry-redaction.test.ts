import diagnostics from 'node:diagnostics_channel';
import { afterEach, describe, expect, it } from 'vitest';
import { Client, LockLostError, type EtcdKitError, type LockInfo } from '../src/index.js';
import { rawEtcd, testConfig, uniquePrefix } from './helpers.js';
import { RecordingLogger } from './support/logger.js';

// Errors handed to the logger, the telemetry plugin and diagnostics_channel
// subscribers name no key unless keys are recorded (docs/observability.md).

const SECRET = 'secret-tenant';
const subscriptions: (() => void)[] = [];
afterEach(() => {
  for (const off of subscriptions.splice(0)) off();
});

function subscribe<T>(channel: string): T[] {
  const seen: T[] = [];
  const listener = (message: unknown) => seen.push(message as T);
  diagnostics.subscribe(channel, listener);
  subscriptions.push(() => diagnostics.unsubscribe(channel, listener));
  return seen;
}

/** Everything an error shows: message, stack, causes and fields. */
function shown(err: unknown): string {
  const parts: string[] = [];
  for (let e = err as (Error & Record<string, unknown>) | undefined, i = 0; e && i < 5; e = e.cause as never, i++) {
    parts.push(e.message, e.stack ?? '', JSON.stringify({ ...e }));
  }
  return parts.join('\n');
}

/** Takes a lock under `name` and deletes its key from outside; resolves with the loss the holder sees. */
async function loseLock(client: Client, name: string): Promise<EtcdKitError> {
  const raw = rawEtcd();
  const lock = client.newLock(name);
  try {
    await lock.lock();
    await raw.delete().prefix(name);
    return await lock.lost;
  } finally {
    raw.close();
    await lock.close();
  }
}

describe('keys in telemetry errors', () => {
  it('a lost lock: the logger line and the etcdkit:lock event name no key; the holder’s error still does', async () => {
    const name = `${uniquePrefix('redact')}${SECRET}/customer-acme/lock`;
    const logger = new RecordingLogger();
    const events = subscribe<LockInfo>('etcdkit:lock');
    await using client = await Client.connect(testConfig().withLogger(logger));
    const lost = await loseLock(client, name);
    expect(lost).toBeInstanceOf(LockLostError);
    expect(lost.message).toContain(SECRET);

    const line = await logger.waitFor((l) => l.fields.event === 'lost');
    expect(line).toMatchObject({ level: 'error', fields: { lock: 'lock', code: 'LOCK_LOST' } });
    expect(JSON.stringify(logger.lines)).not.toContain(SECRET);
    const event = events.find((e) => e.type === 'lost') as Extract<LockInfo, { type: 'lost' }>;
    expect(event.error).toBeInstanceOf(LockLostError);
    expect(event.error.code).toBe('LOCK_LOST');
    expect(event.error.message).toContain('<key>');
    expect(shown(event.error)).not.toContain(SECRET);
  }, 30_000);

  it('with recordKeys the etcdkit:lock event keeps the name in its error', async () => {
    const name = `${uniquePrefix('redact')}${SECRET}/lock`;
    const events = subscribe<LockInfo>('etcdkit:lock');
    await using client = await Client.connect(testConfig().withTelemetry({ recordKeys: true }));
    await loseLock(client, name);
    const event = events.find((e) => e.type === 'lost') as Extract<LockInfo, { type: 'lost' }>;
    expect(event.error.message).toContain(SECRET);
  }, 30_000);
});
