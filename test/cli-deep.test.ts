import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '../src/index.js';
import { connect, endpoints, testConfig, uniquePrefix } from './helpers.js';
import { runCli } from './support/cli.js';

// Values written by others may nest without limit; showing them must not
// overflow the stack, and --json output must stay valid JSON.

let ns: string;
let client: Client;
let first: number;
const deep = (n: number) => `${'['.repeat(n)}${n}${']'.repeat(n)}`;

beforeAll(async () => {
  ns = uniquePrefix('cli-deep');
  client = await connect(testConfig().withNamespace(ns));
  first = (await client.put('/d/v', deep(5000))).revision;
  await client.put('/d/v', deep(5001));
  await client.put('/d/w', '{"ok":true}');
});
afterAll(() => client.close());

const cli = (args: string[], env: Record<string, string> = {}) =>
  runCli(['--namespace', ns, ...args], { endpoints: endpoints(), env });

const note = /nested deeper than 100 levels/;

describe('a JSON value 5,000 levels deep', () => {
  it('get, watch, history --diff and list --values show it cut, with a note', async () => {
    for (const args of [
      ['get', '/d/v'],
      ['watch', '/d/', '--rev', String(first), '--limit', '2'],
      ['history', '/d/v'],
      ['history', '/d/v', '--diff'],
      ['watch', '/d/', '--rev', String(first), '--limit', '2', '--diff'],
      ['list', '/d/', '--values'],
    ]) {
      const res = await cli(args);
      expect(res.stderr, args.join(' ')).toBe('');
      expect(res.code).toBe(0);
      expect(res.stdout, args.join(' ')).toMatch(note);
    }
    // churn compares the fields of each version.
    expect(await cli(['churn', '/d/', '--rev', String(first)])).toMatchObject({ code: 0, stderr: '' });
  });

  it('--json gives the value as stored and the decoded tree cut at 100 levels', async () => {
    for (const args of [
      ['get', '/d/v'],
      ['list', '/d/', '--values'],
      ['history', '/d/v', '--diff'],
    ]) {
      const res = await cli([...args, '--json']);
      expect(res.stderr, args.join(' ')).toBe('');
      expect(res.code).toBe(0);
      expect(res.stdout).toContain('"decodedDepthLimit":100');
      expect(() => JSON.parse(res.stdout)).not.toThrow();
    }
    const got = JSON.parse((await cli(['get', '/d/v', '--json'])).stdout);
    expect(got.value).toBe(deep(5001));
  });
});

describe('list --values --json when a value cannot be read', () => {
  it('closes the array after the items read: stdout is valid JSON, the error is on stderr, exit 1', async () => {
    const encrypted = await connect(testConfig().withNamespace(ns).withEncryption(Buffer.alloc(32, 1)));
    await encrypted.put('/e/a', 'one');
    await encrypted.put('/e/b', 'two');
    await encrypted.close();
    await client.put('/e/0', 'plain');
    const res = await cli(['list', '/e/', '--values', '--json'], { ETCDKIT_ENCRYPTION_KEY: '02'.repeat(32) });
    expect(res.code).toBe(1);
    expect(JSON.parse(res.stderr)).toMatchObject({ error: { code: 'DECRYPT_FAILED' } });
    expect(JSON.parse(res.stdout)).toEqual([expect.objectContaining({ key: '/e/0', value: 'plain' })]);
  });
});
