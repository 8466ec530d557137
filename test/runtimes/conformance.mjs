// The runtime conformance program: end-to-end checks of the packed etcdkit, installed into a scratch project as
// a user would (`npm install etcdkit-x.y.z.tgz`). Plain ESM JavaScript so that Node, Bun and Deno all run it
// as is. scripts/test-runtimes.mjs copies it into the scratch project and runs it once per runtime.
//
// Protocol (read by the driver): one line `plan <name> <name> ...`, then per check `ok <name> <ms>` or
// `fail <name> <ms> <reason>`. A check that never reports (a crash, a hang) is counted as failed by the driver.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import diagnostics from 'node:diagnostics_channel';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Etcd3 } from 'etcd3';
import { Client, Config, ConnectionError, LeaseNotFoundError, compare, op } from 'etcdkit';
import { startEtcd } from 'etcdkit/testing';

const CHECK_TIMEOUT_MS = 60_000;
const state = { etcd: undefined, client: undefined };

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

function within(ms, promise, what) {
  let timer;
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

const config = () =>
  Config.defaults()
    .withEndpoints(...state.etcd.endpoints)
    .withTimeout(10_000);

async function checkStartEtcd() {
  state.etcd = await startEtcd();
  assert(state.etcd.endpoints.length === 1, `one endpoint expected, got ${state.etcd.endpoints}`);
  assert(state.etcd.source === 'binary', `a local etcd binary expected, got source ${state.etcd.source}`);
}

async function checkConnect() {
  state.client = await Client.connect(config());
  const [status] = await state.client.status();
  assert(/^3\./.test(status.version), `status reports etcd ${status.version}`);
}

async function checkKeyValue() {
  const { client } = state;
  const { revision } = await client.put('/rt/kv/a', 'one');
  await client.put('/rt/kv/a', 'two');
  assert((await client.getString('/rt/kv/a')) === 'two', 'getString returns the last value');
  assert((await client.get('/rt/kv/a', { revision })).toString() === 'one', 'a read at a past revision');
  assert((await client.find('/rt/kv/a'))?.version === 2, 'find reports version 2');
  assert((await client.delete('/rt/kv/a')) === 1, 'delete removes one key');
  assert(!(await client.exists('/rt/kv/a')), 'the key is gone');
}

async function checkBulkIterate() {
  const { client } = state;
  const entries = {};
  for (let i = 0; i < 1000; i++) entries[`/rt/bulk/${String(i).padStart(4, '0')}`] = `v${i}`;
  await client.bulkPut(entries);
  assert((await client.count('/rt/bulk/')) === 1000, 'count after bulkPut');
  let i = 0;
  for await (const kv of client.iterate('/rt/bulk/', { pageSize: 64 })) {
    const want = `/rt/bulk/${String(i).padStart(4, '0')}`;
    assert(kv.key === want && kv.value.toString() === `v${i}`, `iterate: ${kv.key} at position ${i}`);
    i++;
  }
  assert(i === 1000, `iterate saw ${i} keys of 1000`);
}

/** Writes 5 events, restarts etcd, writes 5 more: the watch delivers all 10 once each, in order. */
async function checkWatchResume() {
  const { client, etcd } = state;
  const start = (await client.revision()) + 1;
  const watch = await client.watchPrefix('/rt/watch/', { fromRevision: start });
  const seen = [];
  const reader = (async () => {
    for await (const event of watch) {
      seen.push(`${event.key}=${event.value.toString()}@${event.modRevision}`);
      if (seen.length === 10) break;
    }
  })();
  for (let i = 0; i < 5; i++) await client.put(`/rt/watch/${i}`, `before-${i}`);
  await etcd.restart(0);
  for (let i = 5; i < 10; i++) await client.put(`/rt/watch/${i}`, `after-${i}`);
  await within(30_000, reader, 'watch across the restart');
  await watch.close();
  const keys = seen.map((s) => s.split('=')[0]);
  const want = Array.from({ length: 10 }, (_, i) => `/rt/watch/${i}`);
  assert(JSON.stringify(keys) === JSON.stringify(want), `events ${seen.join(', ')}`);
  const revisions = seen.map((s) => Number(s.split('@')[1]));
  assert(
    revisions.every((r, i) => i === 0 || r > revisions[i - 1]),
    `revisions not increasing: ${revisions}`,
  );
}

/** A kept-alive lease revoked by another client (as an operator would) is reported lost. */
async function checkLeaseLoss() {
  const { client, etcd } = state;
  const lease = (await client.lease(3)).keepAlive();
  await client.putWithLease('/rt/lease/k', 'v', lease);
  const other = new Etcd3({ hosts: etcd.endpoints });
  try {
    await other.leaseClient.leaseRevoke({ ID: BigInt(`0x${lease.id}`).toString() });
  } finally {
    other.close();
  }
  const reason = await within(15_000, lease.lost, 'lease loss');
  assert(reason instanceof LeaseNotFoundError, `lost with ${reason?.name}`);
  assert(lease.state === 'lost', `lease state ${lease.state}`);
  assert(!(await client.exists('/rt/lease/k')), 'the key attached to the lease is gone');
}

async function checkLock() {
  const { client } = state;
  const first = client.newLock('/rt/lock');
  const second = client.newLock('/rt/lock');
  await first.lock({ timeoutMs: 10_000 });
  assert(!(await second.tryLock()), 'a second holder is refused while the first holds the lock');
  const fenced = await client.txn().if(first.isOwner()).onSuccess(op.put('/rt/lock-fenced', 'yes')).commit();
  assert(fenced.succeeded, 'a write fenced by the holder succeeds');
  await first.unlock();
  assert(await second.tryLock(), 'the lock is free after unlock');
  await second.close();
  await first.close();
}

async function checkTxn() {
  const { client } = state;
  assert(await client.putIfAbsent('/rt/txn/leader', 'a'), 'putIfAbsent on a free key');
  assert(!(await client.putIfAbsent('/rt/txn/leader', 'b')), 'putIfAbsent on a taken key');
  assert(await client.compareAndSwap('/rt/txn/leader', 'a', 'c'), 'compareAndSwap with the right value');
  const { succeeded, results } = await client
    .txn()
    .if(compare.value('/rt/txn/leader', '==', 'c'))
    .onSuccess(op.put('/rt/txn/other', 'x'), op.get('/rt/txn/leader'))
    .onFailure(op.get('/rt/txn/leader'))
    .commit();
  assert(succeeded && results.length === 2, `txn succeeded=${succeeded} with ${results.length} results`);
}

async function checkEncryption() {
  const key = randomBytes(32).toString('hex');
  const encrypted = await Client.connect(config().withEncryption(key));
  try {
    await encrypted.put('/rt/secret', 'plain text');
    assert((await encrypted.getString('/rt/secret')) === 'plain text', 'decrypted read');
    const stored = await state.client.get('/rt/secret');
    assert(!stored.toString('latin1').includes('plain text'), 'the stored bytes are not the plain text');
    assert(await encrypted.compareAndSwap('/rt/secret', 'plain text', 'next'), 'compareAndSwap under encryption');
  } finally {
    await encrypted.close();
  }
}

/**
 * The package's `etcdkit` bin: under Node as npm links it (node_modules/.bin/etcdkit, run by its shebang), under
 * Bun and Deno its file run by that runtime (`bun <file>`, `deno run -A <file>`).
 */
function runCli(args) {
  const here = dirname(fileURLToPath(import.meta.url));
  const file = join(here, 'node_modules', 'etcdkit', 'dist', 'cli', 'main.js');
  const [bin, ...prefix] = globalThis.Deno
    ? [process.execPath, 'run', '-A', file]
    : globalThis.Bun
      ? [process.execPath, file]
      : [join(here, 'node_modules', '.bin', 'etcdkit')];
  const endpoints = ['--endpoints', state.etcd.endpoints.join(',')];
  return new Promise((resolve, reject) => {
    execFile(bin, [...prefix, ...args, ...endpoints], { timeout: 30_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`etcdkit ${args.join(' ')}: ${stderr.trim() || err.message}`));
      else resolve(stdout);
    });
  });
}

async function checkCli() {
  await runCli(['put', '/rt/cli', 'from-the-cli']);
  const got = JSON.parse(await runCli(['get', '/rt/cli', '--json']));
  assert(got.key === '/rt/cli' && got.value === 'from-the-cli', `etcdkit get --json printed ${JSON.stringify(got)}`);
  assert((await state.client.getString('/rt/cli')) === 'from-the-cli', 'the CLI wrote the key');
}

/** A second etcd with TLS, client certificates and auth on: the connection a production cluster asks for. */
async function checkTlsAuth() {
  const etcd = await startEtcd({ tls: true, clientCertAuth: true, auth: { rootPassword: 'root-pw' } });
  try {
    const secure = Config.defaults()
      .withEndpoints(...etcd.endpoints)
      .withTLS(etcd.tls)
      .withAuth('root', 'root-pw')
      .withTimeout(10_000);
    const client = await Client.connect(secure);
    try {
      await client.put('/rt/tls', 'over-tls');
      assert((await client.getString('/rt/tls')) === 'over-tls', 'a read over TLS with auth');
    } finally {
      await client.close();
    }
    // The certificate is verified: a server certificate from an unknown CA is refused.
    const untrusted = secure.withTLS({ cert: etcd.tls.cert, key: etcd.tls.key }).withDialTimeout(3000);
    const refused = await Client.connect(untrusted).then(
      (c) => c.close().then(() => false),
      (err) => err instanceof ConnectionError,
    );
    assert(refused, 'a server certificate from an unknown CA is refused with ConnectionError');
  } finally {
    // Killed, not stopped gracefully: a closed client's idle HTTP/2 session can outlive it (grpc-js keeps
    // subchannels for reuse), and a stopping etcd sends it GOAWAY, which Deno 2.9's nghttp2 can abort the whole
    // process on (`find_stream_on_goaway_func: Assertion stream->closed_next == NULL`, nghttp2/nghttp2#1637).
    // What this check is about is TLS and auth, not a server's shutdown.
    await etcd.kill();
    await etcd.stop();
  }
}

/** `require('etcdkit')` (the CommonJS build) gives the same public names as the ESM build. */
async function checkCommonJs() {
  const esm = Object.keys(await import('etcdkit')).sort();
  const cjs = Object.keys(createRequire(import.meta.url)('etcdkit')).sort();
  assert(JSON.stringify(cjs) === JSON.stringify(esm), `CommonJS exports differ: ${cjs.length} vs ${esm.length}`);
}

/** Calls are published on the `etcdkit:call` tracing channel. */
async function checkDiagnostics() {
  const seen = [];
  const subscriber = {
    start: () => {},
    end: () => {},
    asyncStart: () => {},
    asyncEnd: (ctx) => seen.push(ctx.operation),
    error: () => {},
  };
  const calls = diagnostics.tracingChannel('etcdkit:call');
  calls.subscribe(subscriber);
  try {
    await state.client.put('/rt/traced', 'v');
  } finally {
    calls.unsubscribe(subscriber);
  }
  assert(seen.includes('put'), `operations seen on etcdkit:call: ${JSON.stringify(seen)}`);
}

const checks = [
  ['startEtcd', checkStartEtcd],
  ['connect', checkConnect],
  ['key-value', checkKeyValue],
  ['bulk-iterate', checkBulkIterate],
  ['watch-resume', checkWatchResume],
  ['lease-loss', checkLeaseLoss],
  ['lock', checkLock],
  ['txn', checkTxn],
  ['encryption', checkEncryption],
  ['cli', checkCli],
  ['tls-auth', checkTlsAuth],
  ['commonjs', checkCommonJs],
  ['diagnostics', checkDiagnostics],
];

async function main() {
  console.log(`plan ${checks.map(([name]) => name).join(' ')}`);
  for (const [name, check] of checks) {
    const started = performance.now();
    const ms = () => Math.round(performance.now() - started);
    try {
      await within(CHECK_TIMEOUT_MS, check(), name);
      console.log(`ok ${name} ${ms()}`);
    } catch (err) {
      console.log(`fail ${name} ${ms()} ${String(err).replace(/\s*\n\s*/g, ' | ')}`);
      // Without an etcd or a client, the remaining checks cannot run; the driver counts them as failed.
      if (!state.etcd || !state.client) break;
    }
  }
  await state.client?.close();
  await state.etcd?.stop();
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
