import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuthError,
  Client,
  Config,
  PermissionDeniedError,
  compare,
  op,
  type KeyValue,
  type WatchEvent,
} from '../src/index.js';
import { startEtcd, type EtcdHandle } from '../src/testing/index.js';
import { Capture } from './process.js';
import { runCli } from './support/cli.js';
import { authConfig } from './support/own-etcd.js';
import { eventually, within } from './waits.js';

// Users as production runs them, on whichever etcd this run uses (3.4 by default; 3.5 with
// `npm run test:etcd -- 3.5`): `app` may read and write under /app/ only, `reader` may read there.
// Nothing they do may need root, or a key outside /app/.

const ROOT_PASSWORD = 'root-secret-8';
const APP_PASSWORD = 'app-secret-9';
const READER_PASSWORD = 'reader-secret-10';
let etcd: EtcdHandle;
let root: Client;
let app: Client;
let reader: Client;

const config = (user: string, password: string, namespace = '') =>
  authConfig(etcd.endpoints, user, password, namespace);

beforeAll(async () => {
  etcd = await startEtcd({ auth: { rootPassword: ROOT_PASSWORD } });
  root = await Client.connect(config('root', ROOT_PASSWORD));
  for (const [role, type] of [
    ['app', 'readwrite'],
    ['reader', 'read'],
  ] as const) {
    await root.auth.addRole(role);
    await root.auth.grantPermission(role, { prefix: '/app/' }, type);
  }
  await root.auth.addUser('app', APP_PASSWORD);
  await root.auth.grantRole('app', 'app');
  await root.auth.addUser('reader', READER_PASSWORD);
  await root.auth.grantRole('reader', 'reader');
  app = await Client.connect(config('app', APP_PASSWORD));
  reader = await Client.connect(config('reader', READER_PASSWORD));
}, 60_000);

afterAll(async () => {
  await Promise.allSettled([app?.close(), reader?.close(), root?.close()]);
  await etcd?.stop();
});

/** The next event of a watch, within a generous deadline. */
async function nextEvent(events: AsyncIterator<WatchEvent>): Promise<WatchEvent> {
  const next = await within(10_000, events.next(), 'watch event');
  if (next.done) throw new Error('the watch ended');
  return next.value;
}

const cli = (user: string, password: string, args: string[]) =>
  runCli(args, { endpoints: etcd.endpoints, env: { ETCD_USERNAME: user, ETCD_PASSWORD: password } });

describe('a user limited to readwrite on one prefix', () => {
  it('connects, and knows whether authentication is on and what each endpoint says', async () => {
    expect(await app.auth.status()).toMatchObject({ enabled: true });
    const [status] = await app.status();
    // 3.4 answers Status to anyone; 3.5 to root only, and the refusal is an answer.
    expect(status).toMatchObject({ reachable: true });
    expect(await app.health()).toMatchObject({ healthy: true, reachable: 1 });
    expect(await reader.health()).toMatchObject({ healthy: true });
  });

  it('reads the current revision, bare and through a namespace', async () => {
    await app.put('/app/rev', 'x');
    const current = await root.revision();
    expect(await app.revision()).toBe(current);
    await using namespaced = await Client.connect(config('app', APP_PASSWORD, '/app/'));
    expect(await namespaced.revision()).toBe(current);
    await using narrower = await Client.connect(config('app', APP_PASSWORD, '/app'));
    expect(await narrower.revision()).toBe(current);
  });

  it('writes, reads and lists keys under its prefix', async () => {
    const { revision } = await app.put('/app/kv/a', '1');
    await app.bulkPut({ '/app/kv/b': '2', '/app/kv/c': '3' });
    expect(await app.getString('/app/kv/a')).toBe('1');
    expect(await app.exists('/app/kv/b')).toBe(true);
    expect((await app.find('/app/kv/a'))?.modRevision).toBe(revision);
    expect(await app.list('/app/kv/')).toEqual(['/app/kv/a', '/app/kv/b', '/app/kv/c']);
    expect(await app.count('/app/kv/')).toBe(3);
    expect([...(await app.getMany(['/app/kv/a', '/app/kv/c'])).keys()]).toEqual(['/app/kv/a', '/app/kv/c']);
    expect((await app.getRange('/app/kv/a', '/app/kv/c')).map((kv) => kv.key)).toEqual(['/app/kv/a', '/app/kv/b']);
    const seen: string[] = [];
    for await (const kv of app.iterate('/app/kv/', { pageSize: 2 })) seen.push(kv.key);
    expect(seen).toEqual(['/app/kv/a', '/app/kv/b', '/app/kv/c']);
    expect((await app.history('/app/kv/a')).map((v) => v.value?.toString())).toEqual(['1']);
    expect(await app.delete('/app/kv/a')).toBe(1);
    expect(await app.deletePrefix('/app/kv/')).toBe(2);
  });

  it('runs transactions, compare-and-swap and STM under its prefix', async () => {
    await app.put('/app/txn/n', '1');
    const { succeeded } = await app
      .txn()
      .if(compare.value('/app/txn/n', '==', '1'))
      .onSuccess(op.put('/app/txn/n', '2'), op.get('/app/txn/n'))
      .commit();
    expect(succeeded).toBe(true);
    expect(await app.compareAndSwap('/app/txn/n', '2', '3')).toBe(true);
    expect(await app.putIfAbsent('/app/txn/once', 'x')).toBe(true);
    await app.stm(async (tx) => {
      const n = Number(await tx.getString('/app/txn/n'));
      tx.put('/app/txn/n', String(n + 1));
    });
    expect(await app.getString('/app/txn/n')).toBe('4');
  });

  it('watches and mirrors its prefix', async () => {
    await using watch = await app.watchPrefix('/app/w/');
    const events = watch[Symbol.asyncIterator]();
    await using mirror = await app.mirror('/app/w/');
    const { revision } = await app.put('/app/w/a', 'one');
    expect(await nextEvent(events)).toMatchObject({ type: 'put', key: '/app/w/a', modRevision: revision });
    await mirror.waitForRevision(revision);
    expect(mirror.get('/app/w/a')?.value.toString()).toBe('one');
  });

  it('grants, uses and revokes leases; holds sessions, locks and elections under its prefix', async () => {
    const lease = await app.lease(30);
    await app.put('/app/leased', 'x', { lease });
    expect((await lease.timeToLive()).ttl).toBeGreaterThan(0);
    await lease.revoke();
    expect(await app.exists('/app/leased')).toBe(false);

    await using session = await app.session({ ttl: 30 });
    expect(session).toBeDefined();
    await using lock = app.newLock('/app/locks/report');
    const fenced = await lock.withLock(async () => {
      const { succeeded } = await app.txn().if(lock.isOwner()).onSuccess(op.put('/app/report', 'done')).commit();
      return succeeded;
    });
    expect(fenced).toBe(true);
    await using rw = app.newRWLock('/app/locks/rw');
    await rw.readLock();
    expect(rw.isHeld()).toBe(true);
    await rw.unlock();

    await using election = app.election('/app/elections/leader');
    await election.campaign('node-1');
    expect(election.isLeader()).toBe(true);
    const leaders: KeyValue[] = [];
    const controller = new AbortController();
    const observing = (async () => {
      for await (const l of election.observe({ signal: controller.signal })) leaders.push(l);
    })().catch(() => undefined);
    await eventually(10_000, () => expect(leaders.map((l) => l.value.toString())).toContain('node-1'));
    controller.abort();
    await observing;
    await election.resign();
  });

  it('works the same through a namespace that is its prefix', async () => {
    await using ns = await Client.connect(config('app', APP_PASSWORD, '/app/'));
    await ns.put('ns/a', '1');
    expect(await ns.getString('ns/a')).toBe('1');
    expect(await ns.list('ns/')).toEqual(['ns/a']);
    expect(await root.getString('/app/ns/a')).toBe('1');
    await using lock = ns.newLock('ns/lock');
    expect(await lock.tryLock()).toBe(true);
    await lock.unlock();
  });

  it('is refused outside its prefix with PermissionDeniedError, and nothing changes', async () => {
    await root.put('/other/x', 'root');
    const before = await root.revision();
    const refusals = [
      app.put('/other/x', 'app'),
      app.get('/other/x'),
      app.delete('/other/x'),
      app.deletePrefix('/other/'),
      app.list('/other/'),
      app.bulkPut({ '/app/mixed': '1', '/other/mixed': '1' }, { atomic: true }),
      app.txn().onSuccess(op.put('/app/t', '1'), op.put('/other/t', '1')).commit(),
      app.newLock('/other/lock').tryLock(),
      app.watch('/other/x').then((w) => w.close()),
    ];
    for (const result of await Promise.allSettled(refusals)) {
      expect(result.status).toBe('rejected');
      expect((result as PromiseRejectedResult).reason).toBeInstanceOf(PermissionDeniedError);
    }
    expect(await root.getString('/other/x')).toBe('root');
    expect(await root.exists('/app/mixed')).toBe(false);
    expect(await root.exists('/app/t')).toBe(false);
    // The lock waiter's key and every write were refused: the revision did not move.
    expect(await root.revision()).toBe(before);
  });

  it('runs the CLI: status, get, size (in its namespace) and churn --rev', async () => {
    const { revision } = await app.put('/app/cli/k', 'v1');
    await app.put('/app/cli/k', 'v2');
    const status = await cli('app', APP_PASSWORD, ['status']);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('cluster healthy');
    const get = await cli('app', APP_PASSWORD, ['get', '/app/cli/k', '--json']);
    expect(get.stderr).toBe('');
    expect(JSON.parse(get.stdout)).toMatchObject({ key: '/app/cli/k', value: 'v2' });
    const size = await cli('app', APP_PASSWORD, ['size', '--namespace', '/app/', '--json']);
    expect(size.stderr).toBe('');
    expect(JSON.parse(size.stdout)).toMatchObject({ revision: await root.revision() });
    const churn = await cli('app', APP_PASSWORD, ['churn', '/app/cli/', '--rev', String(revision), '--json']);
    expect(churn.stderr).toBe('');
    expect(churn.code).toBe(0);
  });
});

describe('what needs root (docs/production.md, "Permissions")', () => {
  it('maintenance, membership and auth administration are refused with PermissionDeniedError', async () => {
    const version = (await root.status())[0]!.version!;
    const since35 = !version.startsWith('3.4.');
    const member = (await root.members())[0]!;
    const rootOnly: Array<[string, () => Promise<unknown>]> = [
      ['defragment', () => app.maintenance.defragment()],
      ['hashKV', () => app.maintenance.hashKV()],
      ['checkConsistency', () => app.maintenance.checkConsistency()],
      ['snapshot', () => app.snapshotTo(new Capture())],
      ['addMember', () => app.cluster.addMember(['http://127.0.0.1:1'], { learner: true })],
      ['removeMember', () => app.cluster.removeMember('1234')],
      ['users', () => app.auth.users()],
      ['roles', () => app.auth.roles()],
      ['addRole', () => app.auth.addRole('nope')],
      ['changePassword', () => app.auth.changePassword('app', APP_PASSWORD)],
    ];
    // etcd 3.5 made these root-only too; on 3.4 any user may compact, and the leader is found with Status.
    if (since35)
      rootOnly.push(['compact', () => app.compact(1)], ['moveLeader', () => app.maintenance.moveLeader(member.id)]);
    for (const [name, call] of rootOnly) {
      const err = await call().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect([name, err]).toEqual([name, expect.any(PermissionDeniedError)]);
    }
    // Open to every authenticated user on both versions.
    expect((await app.members()).map((m) => m.id)).toEqual([member.id]);
    expect(await app.maintenance.alarms()).toEqual([]);
    expect(await app.auth.user('app')).toEqual({ name: 'app', roles: ['app'] });
    expect(await app.auth.role('app')).toEqual({ name: 'app', permissions: [{ type: 'readwrite', prefix: '/app/' }] });
  });
});

describe('a read-only user', () => {
  it('connects, reads, lists, watches and mirrors, and reads the revision', async () => {
    await app.put('/app/ro/a', '1');
    expect(await reader.getString('/app/ro/a')).toBe('1');
    expect(await reader.list('/app/ro/')).toEqual(['/app/ro/a']);
    expect(await reader.revision()).toBe(await root.revision());
    await using watch = await reader.watchPrefix('/app/ro/');
    await using mirror = await reader.mirror('/app/ro/');
    expect(mirror.get('/app/ro/a')?.value.toString()).toBe('1');
    const { revision } = await app.put('/app/ro/b', '2');
    expect(await nextEvent(watch[Symbol.asyncIterator]())).toMatchObject({ key: '/app/ro/b', modRevision: revision });
    await mirror.waitForRevision(revision);
    expect(mirror.get('/app/ro/b')?.value.toString()).toBe('2');
  });

  it('is refused every write with PermissionDeniedError, and nothing changes', async () => {
    const before = await root.revision();
    const refusals = [
      reader.put('/app/ro/a', 'x'),
      reader.delete('/app/ro/a'),
      reader.compareAndSwap('/app/ro/a', '1', 'x'),
      reader.newLock('/app/locks/ro').tryLock(),
    ];
    for (const result of await Promise.allSettled(refusals)) {
      expect((result as PromiseRejectedResult).reason).toBeInstanceOf(PermissionDeniedError);
    }
    expect(await root.getString('/app/ro/a')).toBe('1');
    expect(await root.revision()).toBe(before);
  });
});

describe('refused credentials', () => {
  it('no credentials or a wrong password: AuthError saying what to do, never the password', async () => {
    const none = await Client.connect(Config.defaults().withEndpoints(...etcd.endpoints)).catch((e: unknown) => e);
    expect(none).toBeInstanceOf(AuthError);
    expect((none as Error).message).toContain('Config.withAuth(user, password)');
    const wrong = await Client.connect(config('app', 'not-the-password-11')).catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(AuthError);
    expect((wrong as Error).message).toContain('check the credentials');
    expect(JSON.stringify(wrong, Object.getOwnPropertyNames(wrong)) + String((wrong as Error).stack)).not.toContain(
      'not-the-password-11',
    );
    const bare = await cli('', '', ['get', '/app/x']);
    expect(bare.code).toBe(1);
    expect(bare.stderr).toContain('AUTH_FAILED');
    expect(bare.stderr).toContain('--user');
  });
});
