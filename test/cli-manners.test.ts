import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../src/cli/commands.js';
import type { Client } from '../src/index.js';
import { connect, endpoints, rawEtcd, sleep, testConfig, uniquePrefix } from './helpers.js';
import { runCli } from './support/cli.js';
import { Capture } from './process.js';

let ns: string;
let client: Client;
beforeAll(async () => {
  ns = uniquePrefix('cli-manners');
  client = await connect(testConfig().withNamespace(ns));
});
afterAll(() => client.close());

const cli = (args: string[], options: { signal?: AbortSignal; stderr?: Capture } = {}) =>
  runCli(['--namespace', ns, ...args], { endpoints: endpoints(), env: { NO_COLOR: '1' }, ...options });

const unreachable = ['--endpoints', '127.0.0.1:1', '--timeout', '1000'];

describe('usage errors exit 2', () => {
  it('--timeout takes plain decimal milliseconds; defrag ratios and member, lease ids are checked', async () => {
    for (const args of [
      ['get', '/k', '--timeout', 'abc'],
      ['get', '/k', '--timeout', '0x10'],
      ['get', '/k', '--timeout', '1e3'],
      ['defrag', '--all', '--min-free-ratio', 'abc'],
      ['defrag', '--all', '--min-free-ratio', '1.5'],
      ['member', 'remove', 'zzz'],
      ['member', 'promote', '-1'],
      ['move-leader', 'zzz'],
      ['lease', 'timetolive', 'not-hex'],
    ]) {
      const res = await cli(args);
      expect(res.code, `${args.join(' ')}: ${res.stderr}`).toBe(2);
      expect(res.stderr).toMatch(/^etcdkit: USAGE: [^\n]+\n$/);
    }
  });

  it("search '[z-a]' says the pattern is invalid", async () => {
    const res = await cli(['search', '[z-a]']);
    expect(res.code).toBe(2);
    expect(res.stderr).toBe(
      "etcdkit: USAGE: invalid pattern '[z-a]': Range out of order in character class (see etcdkit --help)\n",
    );
  });

  it("del '' --prefix names the --all flag; del --all deletes every key of the namespace", async () => {
    const res = await cli(['del', '', '--prefix']);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('pass --all');
    expect(res.stderr).not.toContain('{ all: true }');
    await client.put('/all/a', '1');
    await client.put('/all/b', '2');
    expect(await cli(['del', '--all'])).toMatchObject({ code: 0, stdout: 'deleted 2 keys\n' });
  });
});

describe('exit codes', () => {
  it('search: 0 found, 1 no match, 3 the search failed', async () => {
    await client.put('/s/found', '1');
    expect((await cli(['search', 'found'])).code).toBe(0);
    expect((await cli(['search', 'nothing-like-it'])).code).toBe(1);
    const failed = await cli(['search', 'found', ...unreachable]);
    expect(failed.code).toBe(3);
    expect(failed.stderr).toMatch(/^etcdkit: CONNECTION_FAILED: /);
  });

  it('churn exits 130 when interrupted, after printing the counts so far', async () => {
    const controller = new AbortController();
    const stderr = new Capture(true);
    const running = cli(['churn', '/c/', '--for', '10m'], { signal: controller.signal, stderr });
    for (let i = 0; i < 600 && !stderr.text.includes('watching'); i++) await sleep(50);
    controller.abort();
    const res = await running;
    expect(res.code).toBe(130);
    expect(res.stdout).toMatch(/^no writes in \d+s\n$/);
  });
});

describe('what the CLI prints', () => {
  it('connection errors have no empty "Resolution note"', async () => {
    const res = await cli(['get', '/k', ...unreachable]);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/^etcdkit: CONNECTION_FAILED: cannot connect to [^\n]*ECONNREFUSED[^\n]*\n$/);
    expect(res.stderr).not.toContain('Resolution note');
  });

  it('lease ids read the same in lease list and lease timetolive, given with or without leading zeros', async () => {
    // A lease id with leading zeros in its 16-digit form (etcd lets the client choose the id).
    const raw = rawEtcd();
    const id = `30ca${randomBytes(5).toString('hex')}`.replace(/^0+/, '');
    await raw.leaseClient.leaseGrant({ TTL: 600, ID: BigInt(`0x${id}`).toString() });
    try {
      expect(id.padStart(16, '0')).not.toBe(id);
      const list = await cli(['lease', 'list']);
      expect(list.stdout.split('\n')).toContain(id);
      for (const given of [id.padStart(16, '0'), id]) {
        const ttl = await cli(['lease', 'timetolive', given]);
        expect(ttl.stdout).toMatch(new RegExp(`^lease ${id} granted with TTL\\(600s\\)`));
        expect(JSON.parse((await cli(['lease', 'timetolive', given, '--json'])).stdout).id).toBe(id);
      }
    } finally {
      await raw.leaseClient.leaseRevoke({ ID: BigInt(`0x${id}`).toString() });
      raw.close();
    }
  });

  it('count --by aligns the counts to the right', async () => {
    for (let i = 0; i < 12; i++) await client.put(`/n/a/${i}`, 'x');
    await client.put('/n/b/0', 'x');
    const res = await cli(['count', '/n/', '--by', '1']);
    expect(res.stdout).toBe('COUNT  GROUP\n   12  /n/a\n    1  /n/b\ntotal 13 keys in 2 groups\n');
  });

  it('help fits in 80 columns: the overview and every command’s', async () => {
    const helps = [await cli(['--help']), ...(await Promise.all(commands.map((c) => cli([c.name, '--help']))))];
    for (const h of helps) {
      expect(h.code).toBe(0);
      for (const line of h.stdout.split('\n')) expect(line.length, line).toBeLessThanOrEqual(80);
    }
  });
});
