import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../src/cli/run.js';
import { startEtcd, type EtcdHandle } from '../src/testing/index.js';
import type { Client } from '../src/index.js';
import { connect, endpoints, testConfig, uniquePrefix } from './helpers.js';
import { cliJson, type CliResult, runCli } from './support/cli.js';
import { Capture, runTs } from './process.js';

let ns: string;
let client: Client;
let dir: string;

/** Runs the CLI in-process against the shared etcd, inside this file's namespace. */
function cli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return runCli([...args, '--namespace', ns], { endpoints: endpoints(), env, cwd: dir });
}

/** Runs the CLI with --json and parses what it printed. */
// biome-ignore lint/suspicious/noExplicitAny: the tests read the printed JSON loosely, field by field
const json = <T = any>(args: string[]): Promise<T> => cliJson<T>(cli, args);

beforeAll(async () => {
  ns = uniquePrefix('cli');
  client = await connect(testConfig().withNamespace(ns));
  dir = await mkdtemp(join(tmpdir(), 'etcdkit-cli-'));
});
afterAll(async () => {
  await client.close();
  await rm(dir, { recursive: true, force: true });
});

describe('encryption', () => {
  const key = 'ab'.repeat(32);

  it('with ETCDKIT_ENCRYPTION_KEY, put encrypts and get decrypts; without it the value is ciphertext', async () => {
    const put = await cli(['put', '/enc/secret', 'hunter2', '--json'], { ETCDKIT_ENCRYPTION_KEY: key });
    expect(put.code, put.stderr).toBe(0);
    const decrypted = await cli(['get', '/enc/secret', '--json'], { ETCDKIT_ENCRYPTION_KEY: key });
    expect(JSON.parse(decrypted.stdout)).toMatchObject({ value: 'hunter2', encoding: 'utf8' });
    const raw = await client.get('/enc/secret');
    expect(raw.includes(Buffer.from('hunter2'))).toBe(false);
    const stored = JSON.parse((await cli(['get', '/enc/secret', '--json'])).stdout);
    expect(stored.value).toBe(raw.toString(stored.encoding));
  });

  it('shows values stored without encryption as they are; a bad key is CONFIG_INVALID', async () => {
    await client.put('/enc/plain', 'visible');
    const res = await cli(['get', '/enc/plain', '--json'], { ETCDKIT_ENCRYPTION_KEY: key });
    expect(JSON.parse(res.stdout)).toMatchObject({ value: 'visible' });
    const bad = await cli(['get', '/enc/plain'], { ETCDKIT_ENCRYPTION_KEY: 'too-short' });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^etcdkit: CONFIG_INVALID: [^\n]*\n$/);
    expect(bad.stderr).not.toContain('too-short');
  });
});

describe('cluster commands', () => {
  it('status: one row per endpoint, healthy, with version, leader and raft counters', async () => {
    const health = await json(['status']);
    expect(health).toMatchObject({ healthy: true, endpoints: 1, reachable: 1 });
    const [s] = health.statuses;
    expect(s).toMatchObject({ endpoint: endpoints()[0], reachable: true, isLeader: true });
    expect(s.version).toMatch(/^3\.\d+\.\d+/);
    expect(s.raftTerm).toBeGreaterThan(0);
    expect(s.raftIndex).toBeGreaterThan(0);
    expect(s.dbSize).toBeGreaterThan(0);
    const text = await cli(['status']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^ENDPOINT +ID +VERSION +DB SIZE +LEADER +RAFT TERM +RAFT INDEX +HEALTH$/m);
    expect(text.stdout).toContain(`cluster healthy: 1/1 endpoints answer, leader ${s.leader}`);
  });

  it('members: the single member with its URLs', async () => {
    const members = await json(['members']);
    expect(members).toHaveLength(1);
    expect(members[0].clientURLs).toContain(endpoints()[0]);
    expect(members[0].isLearner).toBe(false);
    expect((await cli(['members'])).stdout).toContain(members[0].id);
  });

  it('size: database size per endpoint, keys of the namespace and the revision', async () => {
    await client.bulkPut({ '/size/a': '1', '/size/b': '2' });
    const size = await json(['size']);
    expect(size.endpoints[0].dbSize).toBeGreaterThan(0);
    expect(size.keys).toBe(await client.count('', { all: true }));
    expect(size.revision).toBe(await client.revision());
    expect((await cli(['size'])).stdout).toMatch(/keys: \d+ {3}revision: \d+/);
  });
});

describe('key/value commands', () => {
  it('put then get: value, cluster revision, create/mod revision and version; --rev reads the past', async () => {
    const first = await json(['put', '/kv/app', 'v1']);
    const second = await json(['put', '/kv/app', 'v2']);
    expect(second.revision).toBeGreaterThan(first.revision);
    const got = await json(['get', '/kv/app']);
    expect(got).toMatchObject({
      key: '/kv/app',
      value: 'v2',
      encoding: 'utf8',
      createRevision: first.revision,
      modRevision: second.revision,
      version: 2,
      lease: null,
    });
    expect(got.clusterRevision).toBeGreaterThanOrEqual(second.revision);
    const past = await json(['get', '/kv/app', '--rev', String(first.revision)]);
    expect(past).toMatchObject({ value: 'v1', version: 1, readAt: first.revision });
    const text = await cli(['get', '/kv/app']);
    expect(text.stdout).toMatch(/^Value: +v2$/m);
    expect(text.stdout).toMatch(new RegExp(`^Mod revision: +${second.revision}$`, 'm'));
  });

  it('get shows binary values as base64', async () => {
    await client.put('/kv/bin', new Uint8Array([0, 1, 2, 255]));
    expect(await json(['get', '/kv/bin'])).toMatchObject({ encoding: 'base64', value: 'AAEC/w==' });
  });

  it('list: keys under a prefix, streamed as a JSON array; --limit stops early', async () => {
    await client.bulkPut({ '/list/a': '1', '/list/b': '2', '/list/c': '3', '/listx': '4' });
    const listed = await json(['list', '/list/']);
    expect(listed.map((k: { key: string }) => k.key)).toEqual(['/list/a', '/list/b', '/list/c']);
    expect(listed[0]).toMatchObject({ version: 1, lease: null });
    expect((await cli(['list', '/list/'])).stdout).toBe('/list/a\n/list/b\n/list/c\n');
    expect((await cli(['list', '/list/', '--limit', '2'])).stdout).toBe('/list/a\n/list/b\n');
    expect(await json(['list', '/nothing/'])).toEqual([]);
  });

  it('count: a total, or keys grouped by path segment', async () => {
    await client.bulkPut({
      '/registry/pods/default/web': 'p1',
      '/registry/pods/kube-system/dns': 'p2',
      '/registry/services/default/web': 's1',
      '/registry/configmaps/default/cfg': 'c1',
    });
    expect(await json(['count', '/registry/'])).toEqual({ prefix: '/registry/', count: 4 });
    expect(await json(['count', '/registry/', '--by', '1'])).toEqual({
      prefix: '/registry/',
      depth: 1,
      total: 4,
      groups: [
        { group: '/registry/configmaps', count: 1 },
        { group: '/registry/pods', count: 2 },
        { group: '/registry/services', count: 1 },
      ],
    });
    const byTwo = await json(['count', '/registry/', '--by', '2']);
    expect(byTwo.groups).toContainEqual({ group: '/registry/pods/default', count: 1 });
    const text = await cli(['count', '/registry/', '--by', '1']);
    expect(text.stdout).toMatch(/^ {4}2 {2}\/registry\/pods$/m);
    expect(text.stdout).toContain('total 4 keys in 3 groups');
  });

  it('search: substring or glob; exit 1 when nothing matches', async () => {
    await client.bulkPut({ '/search/alpha/one': '1', '/search/beta/two': '2', '/search/alpha/three': '3' });
    const sub = await json(['search', 'alpha', '--prefix', '/search/']);
    expect(sub.map((k: { key: string }) => k.key)).toEqual(['/search/alpha/one', '/search/alpha/three']);
    expect((await cli(['search', '/search/*/t*'])).stdout).toBe('/search/alpha/three\n/search/beta/two\n');
    expect((await cli(['search', '/search/[ab]*/one'])).stdout).toBe('/search/alpha/one\n');
    const none = await cli(['search', 'no-such-thing']);
    expect(none).toEqual({ code: 1, stdout: '', stderr: '' });
  });

  it('del: one key, or a prefix with --prefix', async () => {
    await client.bulkPut({ '/del/a': '1', '/del/b': '2', '/del/c': '3' });
    expect(await json(['del', '/del/a'])).toEqual({ key: '/del/a', deleted: 1 });
    expect(await json(['del', '/del/a'])).toEqual({ key: '/del/a', deleted: 0 });
    expect((await cli(['del', '/del/', '--prefix'])).stdout).toBe('deleted 2 keys\n');
    expect(await client.count('/del/')).toBe(0);
  });

  it('snapshot save: writes the file atomically with a matching sha256', async () => {
    const saved = await json(['snapshot', 'save', 'backup.db']);
    const bytes = await readFile(join(dir, 'backup.db'));
    expect(saved).toMatchObject({ file: join(dir, 'backup.db'), bytes: bytes.length, verified: true });
    expect(saved.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(await readdir(dir)).not.toContain('backup.db.part');
    const text = await cli(['snapshot', 'save', 'again.db']);
    expect(text.stdout).toContain("checksum: matches the server's");
    expect(text.stderr).toBe(''); // no progress bar when stderr is not a terminal
  });

  it('snapshot save draws a progress bar when stderr is a terminal, and erases it', async () => {
    const stderr = new Capture(true);
    const code = await run(['snapshot', 'save', 'tty.db'], {
      stdout: new Capture(),
      stderr,
      env: { ETCD_ENDPOINTS: endpoints().join(','), NO_COLOR: '1' },
      cwd: dir,
    });
    expect(code).toBe(0);
    expect(stderr.text).toMatch(/^\rsnapshot \[[#.]{30}\] +\d+% /); // redrawn in place
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the progress bar erases itself with ESC [K
    expect(stderr.text).toMatch(/\rsnapshot \[#{30}\] 100% [^\r]*\r\u001b\[K$/); // full, then erased
    expect(stderr.text.endsWith('\r\u001b[K')).toBe(true);
  });
});

describe('own etcd with TLS and authentication (the shared one is never compacted)', () => {
  let etcd: EtcdHandle;
  beforeAll(async () => {
    etcd = await startEtcd({ tls: true, auth: { rootPassword: 'root-pw' }, startTimeoutMs: 20_000 });
  });
  afterAll(() => etcd?.stop());

  /** Runs the CLI against the own etcd, with the connection given by flags only. */
  async function secure(args: string[], password = 'root-pw'): Promise<CliResult> {
    const stdout = new Capture();
    const stderr = new Capture();
    const flags = [
      '--endpoints',
      etcd.endpoints.join(','),
      '--cacert',
      etcd.tls!.ca,
      '--user',
      'root',
      '--password',
      password,
    ];
    const code = await run([...args, ...flags], { stdout, stderr, env: {}, cwd: dir });
    return { code, stdout: stdout.text, stderr: stderr.text };
  }

  it('connects with --cacert, --user and --password; a wrong password is AUTH_FAILED', async () => {
    const put = await secure(['put', '/secure/k', 'v']);
    expect(put.code, put.stderr).toBe(0);
    expect((await secure(['get', '/secure/k'])).stdout).toMatch(/^Value: +v$/m);
    const wrong = await secure(['status'], 'nope');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/^etcdkit: AUTH_FAILED: [^\n]*\n$/);
  });

  it('snapshot save works with authentication on', async () => {
    const res = await secure(['snapshot', 'save', 'secure.db', '--json']);
    expect(res.code, res.stderr).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({ verified: true });
  });

  it('compact discards history: reading before the compacted revision fails with COMPACTED', async () => {
    const put = async (v: string) => JSON.parse((await secure(['put', '/c/k', v, '--json'])).stdout).revision as number;
    const old = await put('1');
    const current = await put('2');
    const c = await secure(['compact', String(current), '--json']);
    expect(c.code, c.stderr).toBe(0);
    expect(JSON.parse(c.stdout)).toEqual({ compacted: current });
    const g = await secure(['get', '/c/k', '--rev', String(old)]);
    expect(g.code).toBe(1);
    expect(g.stderr).toMatch(/^etcdkit: COMPACTED: [^\n]*compacted[^\n]*\n$/);
  });
});

describe('errors and help', () => {
  it('an error is one line on stderr with its code, and exit code 1', async () => {
    const res = await cli(['get', '/missing']);
    expect(res).toMatchObject({ code: 1, stdout: '' });
    expect(res.stderr).toBe('etcdkit: KEY_NOT_FOUND: key not found: /missing\n');
    const asJson = await cli(['get', '/missing', '--json']);
    expect(JSON.parse(asJson.stderr)).toEqual({ error: { code: 'KEY_NOT_FOUND', message: 'key not found: /missing' } });
  });

  it('a wrong command line exits 2 with a hint', async () => {
    for (const args of [
      ['frobnicate'],
      ['get'],
      ['get', 'k', '--rev', 'soon'],
      ['list', '--bogus'],
      ['snapshot', 'load', 'f'],
    ]) {
      const res = await cli(args);
      expect(res.code, args.join(' ')).toBe(2);
      expect(res.stderr).toMatch(/^etcdkit: USAGE: .*\(see etcdkit --help\)\n$/);
    }
  });

  it('an unreachable cluster is a CONNECTION_FAILED line', async () => {
    const stderr = new Capture();
    const code = await run(['status', '--endpoints', '127.0.0.1:1', '--timeout', '300'], {
      stdout: new Capture(),
      stderr,
      env: {},
    });
    expect(code).toBe(1);
    expect(stderr.text).toMatch(/^etcdkit: CONNECTION_FAILED: cannot connect to http:\/\/127\.0\.0\.1:1[^\n]*\n$/);
  });

  it('--help lists every command; <command> --help shows its options', async () => {
    const all = await cli(['--help']);
    expect(all.code).toBe(0);
    for (const name of [
      'status',
      'members',
      'size',
      'list',
      'count',
      'get',
      'search',
      'watch',
      'history',
      'put',
      'del',
      'compact',
      'snapshot',
      'lock',
    ]) {
      expect(all.stdout).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
    }
    expect((await cli(['count', '--help'])).stdout).toContain('--by DEPTH');
  });
});

describe('the bin', () => {
  it('runs as a process: exit code, plain output when piped', async () => {
    await client.put('/bin/key', 'from-the-bin');
    const res = await runTs('src/cli/main.ts', ['get', '/bin/key', '--namespace', ns], {
      ETCD_ENDPOINTS: endpoints().join(','),
      FORCE_COLOR: '1',
    });
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^Value: +from-the-bin$/m);
    expect(res.stdout).not.toContain('\u001b[');
  });
});
