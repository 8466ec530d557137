import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '../src/index.js';
import { connect, endpoints, testConfig, uniquePrefix } from './helpers.js';
import { cliJson, runCli } from './support/cli.js';
import { runTs } from './process.js';
import { configMap, deployment, pod, type Meta } from './support/k8s-protobuf.js';

// biome-ignore lint/suspicious/noExplicitAny: the CLI's JSON output, checked field by field by the assertions
type Json = any;

let ns: string;
let client: Client;

beforeAll(async () => {
  ns = uniquePrefix('cli-kube');
  client = await connect(testConfig().withNamespace(ns));
});
afterAll(() => client.close());

const cli = (args: string[]) => runCli([...args, '--namespace', ns], { endpoints: endpoints() });
const json = <T = Json>(args: string[]): Promise<T> => cliJson<T>(cli, args);

const meta = (name: string, namespace: string | undefined, uid: string): Meta => ({
  name,
  ...(namespace ? { namespace } : {}),
  uid,
  creationTimestamp: '2026-11-30T09:15:00Z',
  labels: { app: name, 'app.kubernetes.io/part-of': 'shop' },
});

const configMapApp = (name: string, replicas: number) =>
  JSON.stringify({
    apiVersion: 'demo.mycompany.com/v1',
    kind: 'ConfigMapApp',
    metadata: { name, namespace: 'default', uid: `uid-${name}`, creationTimestamp: '2026-11-30T09:00:00Z' },
    spec: { replicas, image: 'nginx:1.27' },
  });

describe('Kubernetes protobuf values', () => {
  const objects = [
    ['/registry/pods/default/web', pod(meta('web', 'default', 'uid-pod')), 'v1', 'Pod', 'uid-pod'],
    [
      '/registry/configmaps/kube-system/coredns',
      configMap(meta('coredns', 'kube-system', 'uid-cm'), { Corefile: '.:53 {}' }),
      'v1',
      'ConfigMap',
      'uid-cm',
    ],
    [
      '/registry/deployments/default/api',
      deployment(meta('api', 'default', 'uid-deploy'), 3),
      'apps/v1',
      'Deployment',
      'uid-deploy',
    ],
  ] as const;

  it('get --json reports kind, apiVersion, name, namespace, uid, labels and creationTimestamp', async () => {
    for (const [key, value, apiVersion, kind, uid] of objects) {
      await client.put(key, value);
      const got = await json(['get', key]);
      const [, , , namespace, name] = key.split('/');
      expect(got.encoding).toBe('base64');
      expect(Buffer.from(got.value, 'base64').equals(value)).toBe(true); // the stored bytes, as before
      expect(got.decoded).toMatchObject({
        format: 'protobuf',
        apiVersion,
        kind,
        metadata: {
          name,
          namespace,
          uid,
          labels: { app: name, 'app.kubernetes.io/part-of': 'shop' },
          creationTimestamp: '2026-11-30T09:15:00Z',
        },
      });
      expect(got.decoded.error).toBeUndefined();
    }
    const text = await cli(['get', '/registry/deployments/default/api']);
    expect(text.stdout).toMatch(/^Value: +Kubernetes protobuf: apps\/v1 Deployment default\/api \(\d+ B\)$/m);
    expect(text.stdout).toMatch(/^ {2}uid: uid-deploy$/m);
    expect(text.stdout).toMatch(/^ {4}app\.kubernetes\.io\/part-of: shop$/m);
    expect(text.stdout).toMatch(/^metadata:\n(?: {2}.*\n)+2:\n {2}1: 3\n3:\n/m); // spec.replicas, by field number, after metadata
    const raw = await json(['get', '/registry/deployments/default/api', '--raw']);
    expect(raw.decoded).toBeUndefined();
    expect((await cli(['get', '/registry/pods/default/web', '--raw'])).stdout).toMatch(
      /^Value: +<\d+ bytes of binary data/m,
    );
  });

  it('a truncated value reports where decoding stopped, and what it could read', async () => {
    const whole = pod(meta('cut', 'default', 'uid-cut'));
    const at = whole.indexOf(Buffer.from('uid-cut'));
    await client.put('/registry/pods/default/cut', whole.subarray(0, at + 3));
    const got = await json(['get', '/registry/pods/default/cut']);
    expect(got.decoded).toMatchObject({
      format: 'protobuf',
      kind: 'Pod',
      metadata: { name: 'cut', namespace: 'default' },
    });
    expect(got.decoded.error).toMatchObject({ offset: at - 2, path: 'raw.metadata.uid' });
    const text = await cli(['get', '/registry/pods/default/cut']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`decoding stopped at byte ${at - 2} in raw.metadata.uid`);
  });

  it('values that once crashed the decoder: a time past what a Date holds, 700,000 empty fields', async () => {
    // 18 bytes whose creationTimestamp is past year 275760: `get` and `list --values` threw RangeError.
    await client.put('/registry/pods/default/far', Buffer.from('6b387300120c0a0a42080880c0caf384a302', 'hex'));
    const far = await json(['get', '/registry/pods/default/far']);
    expect(far.decoded.metadata.creationTimestamp).toMatch(/^invalid time \(seconds \d+, nanos 0\)$/);
    // 1.4 MB of empty fields in the object: decoded up to the bound, marked truncated.
    const empties = Buffer.alloc(700_000 * 2);
    for (let i = 0; i < empties.length; i += 2) empties[i] = (5 << 3) | 2;
    const length = [0x80 | (empties.length & 0x7f), 0x80 | ((empties.length >> 7) & 0x7f), empties.length >> 14];
    const hostile = Buffer.concat([Buffer.from('k8s\u0000', 'latin1'), Buffer.from([0x12, ...length]), empties]);
    await client.put('/registry/pods/default/huge', hostile);
    const res = await cli(['list', '/registry/pods/default/', '--values', '--json']);
    expect(res.code).toBe(0);
    expect(res.stdout.length).toBeLessThan(10 * hostile.length);
    const huge = (JSON.parse(res.stdout) as Json[]).find((e) => e.key === '/registry/pods/default/huge');
    expect(huge.decoded).toMatchObject({ truncated: true, error: { reason: expect.stringMatching(/at most/) } });
  });

  it('list --values decodes every value; values encrypted at rest are labelled', async () => {
    await client.put(
      '/registry/secrets/default/db',
      Buffer.concat([Buffer.from('k8s:enc:aesgcm:v1:key1:'), Buffer.alloc(40, 7)]),
    );
    const listed = await json(['list', '/registry/', '--values']);
    const byKey = new Map(listed.map((e: Json) => [e.key, e]));
    expect(byKey.get('/registry/pods/default/web')).toMatchObject({ version: 1, decoded: { kind: 'Pod' } });
    expect(byKey.get('/registry/secrets/default/db')).toMatchObject({
      decoded: { format: 'encrypted', provider: 'aesgcm', providerVersion: 'v1', keyName: 'key1', ciphertextBytes: 40 },
    });
    const text = await cli(['list', '/registry/secrets/', '--values']);
    expect(text.stdout).toBe(
      '/registry/secrets/default/db = encrypted by Kubernetes: provider aesgcm v1, key key1 (40 bytes of ciphertext)\n',
    );
  });
});

describe('custom', () => {
  beforeAll(async () => {
    await client.bulkPut({
      '/registry/demo.mycompany.com/configmapapps/default/my-nginx-app': configMapApp('my-nginx-app', 3),
      '/registry/demo.mycompany.com/configmapapps/default/my-app': configMapApp('my-app', 2),
      '/registry/demo.mycompany.com/simpleapps/staging/hello': configMapApp('hello', 1),
      '/registry/apiextensions.k8s.io/customresourcedefinitions/configmapapps.demo.mycompany.com':
        '{"kind":"CustomResourceDefinition"}',
      '/registry/services/specs/default/kubernetes': 'not custom',
    });
  });

  it('lists the custom resource types with their object counts', async () => {
    expect(await json(['custom'])).toEqual([
      {
        type: 'customresourcedefinitions.apiextensions.k8s.io',
        group: 'apiextensions.k8s.io',
        plural: 'customresourcedefinitions',
        count: 1,
      },
      { type: 'configmapapps.demo.mycompany.com', group: 'demo.mycompany.com', plural: 'configmapapps', count: 2 },
      { type: 'simpleapps.demo.mycompany.com', group: 'demo.mycompany.com', plural: 'simpleapps', count: 1 },
    ]);
    const text = await cli(['custom']);
    expect(text.stdout).toMatch(
      /^demo\.mycompany\.com +configmapapps +2 +\/registry\/demo\.mycompany\.com\/configmapapps\/$/m,
    );
  });

  it('lists the objects of one type, by plural or plural.group', async () => {
    const objects = await json(['custom', 'configmapapps']);
    expect(objects.map((o: Json) => [o.namespace, o.name, o.apiVersion, o.version])).toEqual([
      ['default', 'my-app', 'demo.mycompany.com/v1', 1],
      ['default', 'my-nginx-app', 'demo.mycompany.com/v1', 1],
    ]);
    expect(objects[0].modRevision).toBeGreaterThan(0);
    expect(await json(['custom', 'configmapapps.demo.mycompany.com'])).toEqual(objects);
    const text = await cli(['custom', 'simpleapps']);
    expect(text.stdout).toMatch(/^NAMESPACE +NAME +API VERSION +VERSION +MOD REVISION$/m);
    expect(text.stdout).toMatch(/^staging +hello +demo\.mycompany\.com\/v1 +1 +\d+$/m);
    expect(await cli(['custom', 'nothings'])).toMatchObject({ code: 1, stdout: '' });
  });
});

describe('history --diff', () => {
  it('shows each change of a key patched 3 → 5 → 5 → 7, and the same-value write as a version with no change', async () => {
    const key = '/registry/demo.mycompany.com/configmapapps/default/patched';
    const revisions: number[] = [];
    for (const replicas of [3, 5, 5, 7])
      revisions.push((await client.put(key, configMapApp('patched', replicas))).revision);
    const versions = await json(['history', key, '--diff']);
    expect(versions.map((v: Json) => [v.modRevision, v.version, v.changes])).toEqual([
      [revisions[0], 1, null],
      [revisions[1], 2, [{ path: 'spec.replicas', before: 3, after: 5 }]],
      [revisions[2], 3, []],
      [revisions[3], 4, [{ path: 'spec.replicas', before: 5, after: 7 }]],
    ]);
    const text = (await cli(['history', key, '--diff'])).stdout.split('\n');
    expect(text).toEqual([
      `PUT    mod_revision=${revisions[0]} version=1`,
      expect.stringMatching(/^ {4}\(created\) JSON: demo\.mycompany\.com\/v1 ConfigMapApp default\/patched/),
      `PUT    mod_revision=${revisions[1]} version=2`,
      '      spec.replicas: 3 → 5',
      `PUT    mod_revision=${revisions[2]} version=3`,
      '    (no field changed: the same value was written again)',
      `PUT    mod_revision=${revisions[3]} version=4`,
      '      spec.replicas: 5 → 7',
      '',
    ]);
  });

  it('compares protobuf values field by field and text line by line', async () => {
    const m = meta('api', 'default', 'uid-d');
    await client.put('/registry/deployments/default/diffed', deployment(m, 3));
    await client.put(
      '/registry/deployments/default/diffed',
      deployment({ ...m, generation: 2, labels: { app: 'api' } }, 4),
    );
    const [, second] = await json(['history', '/registry/deployments/default/diffed', '--diff']);
    expect(second.changes).toEqual([
      { path: 'metadata.labels["app.kubernetes.io/part-of"]', before: 'shop' },
      { path: '2.1', before: 3, after: 4 },
      { path: '3.1', before: 1, after: 2 },
      { path: '3.2', before: 3, after: 4 },
      { path: 'metadata.generation', after: 2 },
    ]);
    await client.put('/text/conf', 'a=1\nb=2\nc=3');
    await client.put('/text/conf', 'a=1\nb=20\nc=3');
    const [, t] = await json(['history', '/text/conf', '--diff']);
    expect(t.changes).toEqual([
      { path: 'line 2', before: 'b=2' },
      { path: 'line 2', after: 'b=20' },
    ]);
  });
});

describe('watch --diff', () => {
  it('shows per change the fields changed since the version before, from the previous value etcd sends', async () => {
    const key = '/registry/demo.mycompany.com/configmapapps/default/watched';
    const first = await client.put(key, configMapApp('watched', 1));
    await client.put(key, configMapApp('watched', 2));
    await client.put(key, configMapApp('watched', 2));
    await client.delete(key);
    const res = await cli([
      'watch',
      '/registry/demo.mycompany.com/configmapapps/default/watched',
      '--rev',
      String(first.revision + 1),
      '--diff',
      '--limit',
      '3',
      '--json',
    ]);
    expect(res.code, res.stderr).toBe(0);
    const events = res.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(events.map((e) => [e.type, e.version, e.changes])).toEqual([
      ['put', 2, [{ path: 'spec.replicas', before: 1, after: 2 }]],
      ['put', 3, []],
      ['delete', 0, null],
    ]);
    expect(events[0].decoded).toMatchObject({ format: 'json', kind: 'ConfigMapApp' });
  });
});

describe('churn', () => {
  it('ranks a key two writers keep flipping above a key written once, with the flipping field', async () => {
    const start = await client.put('/registry/demo.mycompany.com/configmapapps/prod/quiet', configMapApp('quiet', 1));
    const fought = '/registry/demo.mycompany.com/configmapapps/prod/fought';
    const writer = async (replicas: number) => {
      for (let i = 0; i < 5; i++) await client.put(fought, configMapApp('fought', replicas));
    };
    await Promise.all([writer(3), writer(5)]);
    await client.put(fought, configMapApp('fought', 3)); // both values seen at least twice, whatever the interleaving
    await client.put(fought, configMapApp('fought', 5));
    await client.put(fought, configMapApp('fought', 3));
    const report = await json([
      'churn',
      '/registry/demo.mycompany.com/configmapapps/prod/',
      '--rev',
      String(start.revision),
    ]);
    expect(report).toMatchObject({
      prefix: '/registry/demo.mycompany.com/configmapapps/prod/',
      fromRevision: start.revision,
      seconds: null,
    });
    expect(report.keys.map((k: Json) => [k.key, k.writes])).toEqual([
      [fought, 13],
      ['/registry/demo.mycompany.com/configmapapps/prod/quiet', 1],
    ]);
    expect(report.keys[0].flipping[0]).toMatchObject({ path: 'spec.replicas' });
    expect(report.keys[0].flipping[0].values.sort()).toEqual([3, 5]); // first seen first: depends on the interleaving
    expect(report.keys[0].flipping[0].flips).toBeGreaterThanOrEqual(1);
    expect(report.keys[1].flipping).toEqual([]);
    const text = await cli([
      'churn',
      '/registry/demo.mycompany.com/configmapapps/prod/',
      '--rev',
      String(start.revision),
    ]);
    expect(text.stdout).toMatch(/^WRITES +PER MIN +KEY +FLIPPING FIELDS$/m);
    expect(text.stdout).toMatch(/^13 +- +\/registry\/\S+\/fought +spec\.replicas \([35] ⇄ [35]; \d+ changes\)$/m);
  });

  it('refuses --for with --rev, and a bad duration', async () => {
    expect((await cli(['churn', '/x/', '--for', '1s', '--rev', '1'])).code).toBe(2);
    expect((await cli(['churn', '/x/', '--for', 'soon'])).stderr).toMatch(/--for must be a duration/);
  });
});

describe('the bin', () => {
  it('decodes a protobuf value when run as a process, and lists the new commands in help', async () => {
    await client.put('/registry/pods/default/bin', pod(meta('bin', 'default', 'uid-bin')));
    const res = await runTs('src/cli/main.ts', ['get', '/registry/pods/default/bin', '--namespace', ns], {
      ETCD_ENDPOINTS: endpoints().join(','),
    });
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^Value: +Kubernetes protobuf: v1 Pod default\/bin /m);
    expect(res.stdout).toMatch(/^ {2}uid: uid-bin$/m);
    const help = await cli(['--help']);
    expect(help.stdout).toMatch(/^ {2}custom \[type\]$/m);
    expect(help.stdout).toMatch(/^ {2}churn <prefix> /m);
    expect((await cli(['history', '--help'])).stdout).toContain('--diff');
  });
});
