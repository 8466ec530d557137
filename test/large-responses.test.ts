/**
 * Answers larger than the client's 4 MiB gRPC receive limit: history asks
 * etcd to fragment them (as a watch does); a transaction cannot, and says so.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../src/cli/run.js';
import { AmbiguousWriteError, op, ResponseTooLargeError, type Client } from '../src/index.js';
import { connect, endpoints, testConfig, uniquePrefix } from './helpers.js';
import { Capture } from './process.js';

const MiB = 1024 * 1024;
let ns: string;
let client: Client;
const revisions: number[] = [];
let values: Buffer[] = [];

beforeAll(async () => {
  ns = uniquePrefix('large');
  client = await connect(testConfig().withNamespace(ns));
  // Five versions of 1 MiB: over 5 MiB of history for one key.
  values = Array.from({ length: 5 }, () => randomBytes(MiB));
  for (const v of values) revisions.push((await client.put('/big', v)).revision);
});
afterAll(() => client.close());

describe('history of a key with large values', () => {
  it('returns every version of five 1 MiB values', async () => {
    const versions = await client.history('/big');
    expect(versions.map((v) => v.modRevision)).toEqual(revisions);
    expect(versions.map((v) => v.value.equals(values[versions.indexOf(v)]!))).toEqual([true, true, true, true, true]);
  });

  it('returns them from a given revision', async () => {
    const versions = await client.history('/big', { fromRevision: revisions[0]! });
    expect(versions.map((v) => v.modRevision)).toEqual(revisions);
    const later = await client.history('/big', { fromRevision: revisions[1]! });
    expect(later.map((v) => v.modRevision)).toEqual(revisions.slice(1));
  });

  it('etcdkit history lists them', async () => {
    const stdout = new Capture();
    const stderr = new Capture();
    const code = await run(['history', '/big', '--json', '--namespace', ns], {
      stdout,
      stderr,
      env: { ETCD_ENDPOINTS: endpoints().join(',') },
      cwd: process.cwd(),
    });
    expect(stderr.text).toBe('');
    expect(code).toBe(0);
    expect((JSON.parse(stdout.text) as Array<{ modRevision: number }>).map((v) => v.modRevision)).toEqual(revisions);
  });
});

describe('a transaction whose answer is over 4 MiB', () => {
  beforeAll(async () => {
    for (let i = 0; i < 4; i++) await client.put(`/wide/k${i}`, randomBytes(1.2 * MiB));
  });

  it('a read-only txn of op.getPrefix fails with ResponseTooLargeError saying to page', async () => {
    const err = await client
      .txn()
      .onSuccess(op.getPrefix('/wide/'))
      .commit()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResponseTooLargeError);
    expect(err).toMatchObject({ code: 'RESPONSE_TOO_LARGE', retryable: false });
    expect((err as Error).message).toMatch(/4 MiB.*list\(\)/);
    // What the error suggests works.
    expect((await client.listWithValues('/wide/')).size).toBe(4);
  });

  it('a writing txn is ambiguous (the branch that ran is unknown) and carries the ResponseTooLargeError', async () => {
    const err = await client
      .txn()
      .onSuccess(op.put('/wide/marker', 'x'), op.getPrefix('/wide/'))
      .commit()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AmbiguousWriteError);
    expect((err as Error).cause).toBeInstanceOf(ResponseTooLargeError);
  });
});
