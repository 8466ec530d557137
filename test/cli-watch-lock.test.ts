import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../src/cli/run.js';
import type { Client } from '../src/index.js';
import { connect, endpoints, sleep, testConfig, uniquePrefix } from './helpers.js';
import { Capture } from './process.js';

let ns: string;
let client: Client;

beforeAll(async () => {
  ns = uniquePrefix('cli-watch');
  client = await connect(testConfig().withNamespace(ns));
});
afterAll(() => client.close());

function io(signal?: AbortSignal) {
  const stdout = new Capture();
  const stderr = new Capture();
  return { stdout, stderr, env: { ETCD_ENDPOINTS: endpoints().join(',') }, ...(signal ? { signal } : {}) };
}
const withNs = (args: string[]) => ['--namespace', ns, ...args];
const jsonLines = (text: string) =>
  text
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));

describe('watch', () => {
  it('--rev replays history: type, key, mod revision and version of each change, one JSON line each', async () => {
    const first = await client.put('/w/a', '1');
    await client.put('/w/a', '2');
    await client.delete('/w/a');
    const o = io();
    expect(await run(withNs(['watch', '/w/', '--rev', String(first.revision), '--limit', '3', '--json']), o)).toBe(0);
    expect(jsonLines(o.stdout.text)).toEqual([
      expect.objectContaining({ type: 'put', key: '/w/a', modRevision: first.revision, version: 1, value: '1' }),
      expect.objectContaining({ type: 'put', key: '/w/a', modRevision: first.revision + 1, version: 2, value: '2' }),
      expect.objectContaining({ type: 'delete', key: '/w/a', modRevision: first.revision + 2, version: 0 }),
    ]);
    const text = io();
    expect(await run(withNs(['watch', '/w/', '--rev', String(first.revision), '--limit', '3']), text)).toBe(0);
    expect(text.stdout.text.split('\n')[0]).toBe(`PUT    /w/a mod_revision=${first.revision} version=1 = 1`);
    expect(text.stdout.text).toMatch(/^DELETE \/w\/a mod_revision=\d+ version=0$/m);
  });

  it('prints live changes until interrupted, then exits 0', async () => {
    const controller = new AbortController();
    const o = io(controller.signal);
    const running = run(withNs(['watch', '/live/', '--json']), o);
    // The watch may not be established yet: keep writing until a change shows up.
    for (let i = 0; i < 50 && !o.stdout.text.includes('"value":"tick"'); i++) {
      await client.put('/live/k', 'tick');
      await sleep(100);
    }
    controller.abort();
    expect(await running).toBe(0);
    expect(o.stderr.text).toBe('');
    expect(jsonLines(o.stdout.text)[0]).toMatchObject({ type: 'put', key: '/live/k', value: 'tick' });
  });
});

describe('history', () => {
  it('lists every change still in history, oldest first, deletions included', async () => {
    const a = await client.put('/h/k', 'one');
    const b = await client.put('/h/k', 'two');
    await client.delete('/h/k');
    const c = await client.put('/h/k', 'three');
    const o = io();
    expect(await run(withNs(['history', '/h/k', '--json']), o)).toBe(0);
    expect(JSON.parse(o.stdout.text)).toEqual([
      {
        modRevision: a.revision,
        createRevision: a.revision,
        version: 1,
        deleted: false,
        encoding: 'utf8',
        value: 'one',
      },
      {
        modRevision: b.revision,
        createRevision: a.revision,
        version: 2,
        deleted: false,
        encoding: 'utf8',
        value: 'two',
      },
      { modRevision: b.revision + 1, createRevision: 0, version: 0, deleted: true },
      {
        modRevision: c.revision,
        createRevision: c.revision,
        version: 1,
        deleted: false,
        encoding: 'utf8',
        value: 'three',
      },
    ]);
    const text = io();
    expect(await run(withNs(['history', '/h/k', '--rev', String(b.revision)]), text)).toBe(0);
    expect(text.stdout.text.split('\n')).toEqual([
      expect.stringMatching(/^MOD REVISION +VERSION +CHANGE +VALUE$/),
      expect.stringMatching(new RegExp(`^${b.revision} +2 +PUT +two$`)),
      expect.stringMatching(new RegExp(`^${b.revision + 1} +- +DELETE *$`)),
      expect.stringMatching(new RegExp(`^${c.revision} +1 +PUT +three$`)),
      '',
    ]);
  });
});

describe('lock', () => {
  it('runs the command holding the lock, passes the fencing token, returns its exit code', async () => {
    const name = '/locks/cli';
    const o = io();
    const code = await run(
      withNs([
        'lock',
        name,
        '--',
        process.execPath,
        '-e',
        'console.log(process.env.ETCDKIT_FENCING_TOKEN); process.exit(3)',
      ]),
      o,
    );
    expect(code, o.stderr.text).toBe(3);
    expect(Number(o.stdout.text.trim())).toBeGreaterThan(0);
    // Released afterwards: another contender gets it at once.
    await using other = client.newLock(name, { ttl: 5 });
    expect(await other.tryLock()).toBe(true);
  });

  it('excludes other holders while the command runs', async () => {
    const name = '/locks/busy';
    const o = io();
    const running = run(
      withNs(['lock', name, '--', process.execPath, '-e', 'setTimeout(() => console.log("done"), 1500)']),
      o,
    );
    await using other = client.newLock(name, { ttl: 5 });
    let excluded = false;
    for (let i = 0; i < 40 && !excluded; i++) {
      // Wait until the CLI holds the lock (its key exists), then a try must fail.
      if ((await client.count(`${name}/`)) > 0) excluded = !(await other.tryLock());
      else await sleep(50);
    }
    expect(excluded).toBe(true);
    expect(await running).toBe(0);
    expect(o.stdout.text).toBe('done\n');
  });

  it('needs -- and a command', async () => {
    const o = io();
    expect(await run(withNs(['lock', '/locks/x']), o)).toBe(2);
    expect(o.stderr.text).toMatch(/^etcdkit: USAGE: lock takes at least 2 argument/);
  });
});
