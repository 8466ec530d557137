import type { Etcd3 } from 'etcd3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpoints, rawEtcd, uniquePrefix } from './helpers.js';
import { runCli } from './support/cli.js';

// Keys written by other tools need not be UTF-8. The CLI shows them escaped
// (each invalid byte as \xHH) instead of failing, and del --hex removes them.

let ns: string;
let raw: Etcd3;
let first: number;
const bytes = (...parts: (string | number[] | Buffer)[]) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));

beforeAll(async () => {
  ns = uniquePrefix('cli-invalid-keys');
  raw = rawEtcd();
  first = Number((await raw.put(bytes(ns, '/b/k-', [0xfe])).value('one')).header.revision);
  await raw.put(bytes(ns, '/b/k-', [0xff], '\u001b]0;x\u0007')).value('two');
  await raw.put(bytes(ns, '/b/ok')).value('fine');
});
afterAll(async () => {
  await raw.delete().prefix(ns);
  raw.close();
});

const cli = (args: string[]) => runCli(['--namespace', ns, ...args], { endpoints: endpoints() });

const escaped = ['/b/k-\\xfe', '/b/k-\\xff\\x1b]0;x\\x07'];

describe('keys that are not UTF-8', () => {
  it('list, list --values, search and count --by show them escaped', async () => {
    expect(await cli(['list', '/b/'])).toEqual({ code: 0, stdout: `${escaped.join('\n')}\n/b/ok\n`, stderr: '' });
    const values = await cli(['list', '/b/', '--values']);
    expect(values.stdout).toBe(`${escaped[0]} = one\n${escaped[1]} = two\n/b/ok = fine\n`);
    expect(await cli(['search', 'k-'])).toEqual({ code: 0, stdout: `${escaped.join('\n')}\n`, stderr: '' });
    expect((await cli(['search', '*\\xfe'])).stdout).toBe(`${escaped[0]}\n`);
    expect((await cli(['count', '/b/', '--by', '1'])).stdout).toContain('total 3 keys in 3 groups');
    const json = JSON.parse((await cli(['list', '/b/', '--json'])).stdout);
    expect(json.map((k: { key: string }) => k.key)).toEqual(['/b/k-\\xfe', '/b/k-\\xff\u001b]0;x\u0007', '/b/ok']);
  });

  it('watch delivers their events with the key escaped', async () => {
    const res = await cli(['watch', '/b/', '--rev', String(first), '--limit', '3']);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout.split('\n').slice(0, 2)).toEqual([
      `PUT    ${escaped[0]} mod_revision=${first} version=1 = one`,
      `PUT    ${escaped[1]} mod_revision=${first + 1} version=1 = two`,
    ]);
  });

  it('del --hex deletes one by its bytes; a bad --hex is a usage error', async () => {
    const key = bytes('/b/k-', [0xfe]);
    const res = await cli(['del', '--hex', key.toString('hex')]);
    expect(res).toEqual({ code: 0, stdout: 'deleted 1 key\n', stderr: '' });
    expect(await raw.get(bytes(ns, key)).string()).toBeNull();
    expect(await raw.get(bytes(ns, '/b/k-', [0xff], '\u001b]0;x\u0007')).string()).toBe('two');
    expect((await cli(['del', '--hex', 'zz'])).code).toBe(2);
    // A UTF-8 key given in hex is an ordinary key.
    expect((await cli(['del', '--hex', Buffer.from('/b/ok').toString('hex')])).stdout).toBe('deleted 1 key\n');
  });
});
