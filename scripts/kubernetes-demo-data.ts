/**
 * Writes a small Kubernetes-like keyspace to the etcd at ETCD_ENDPOINTS (default
 * localhost:2379), the one docs/cli.md ("Debugging a Kubernetes cluster") explores:
 * custom resources of demo.mycompany.com stored as JSON, built-in objects stored as
 * Kubernetes protobuf (one of them cut short), a Secret encrypted at rest, a patched and a deleted object,
 * and a resource two controllers keep flipping.
 *
 *   npx tsx scripts/kubernetes-demo-data.ts              # load the keyspace
 *   npx tsx scripts/kubernetes-demo-data.ts --fight 30   # then flip my-nginx-app for 30 s
 */
import { Client, Config } from '../src/index.js';
import { configMap, deployment, pod, type Meta } from '../test/support/k8s-protobuf.js';

const GROUP = '/registry/demo.mycompany.com';

function app(kind: string, name: string, spec: Record<string, unknown>, annotations: Record<string, string> = {}): string {
  const metadata = { name, namespace: 'default', uid: `0b6c7f0e-${name.length}a1d-4c5e-9f00-${name.padEnd(12, '0').slice(0, 12)}`, creationTimestamp: '2026-11-30T09:00:00Z', annotations };
  return JSON.stringify({ apiVersion: 'demo.mycompany.com/v1', kind, metadata, spec });
}

const meta = (name: string, uid: string): Meta => ({
  name,
  namespace: 'default',
  uid,
  creationTimestamp: '2026-11-30T09:01:00Z',
  labels: { app: 'my-app', 'app.kubernetes.io/managed-by': 'configmapapp-operator' },
});

async function load(client: Client): Promise<void> {
  const crd = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'configmapapps.demo.mycompany.com' } };
  await client.put('/registry/apiextensions.k8s.io/customresourcedefinitions/configmapapps.demo.mycompany.com', JSON.stringify(crd));
  await client.put(`${GROUP}/simpleapps/default/hello`, app('SimpleApp', 'hello', { message: 'hi' }));
  const old = await client.put(`${GROUP}/simpleapps/default/old-app`, app('SimpleApp', 'old-app', { message: 'bye' }));
  console.log(`old-app written at revision ${old.revision}`);
  await client.delete(`${GROUP}/simpleapps/default/old-app`);
  // my-app: kubectl patch ... replicas 3, then 5, 5 again, then 7; the operator follows with a Deployment.
  for (const replicas of [3, 5, 5, 7]) {
    const r = await client.put(`${GROUP}/configmapapps/default/my-app`, app('ConfigMapApp', 'my-app', { replicas, image: 'nginx:1.27' }));
    console.log(`my-app replicas=${replicas} at revision ${r.revision}`);
    await client.put('/registry/deployments/default/my-app', deployment(meta('my-app', '3f1e2d4c-0000-4000-8000-00000000d001'), replicas));
  }
  await client.put('/registry/configmaps/default/my-app-config', configMap(meta('my-app-config', '3f1e2d4c-0000-4000-8000-00000000c001'), { 'index.html': '<h1>hello</h1>' }));
  await client.put('/registry/pods/default/my-app-7c9d5-x2k4p', pod(meta('my-app-7c9d5-x2k4p', '3f1e2d4c-0000-4000-8000-00000000p001')));
  // A value cut short (a damaged write, or a copy that lost its tail).
  const whole = pod(meta('my-app-7c9d5-q8r2m', '3f1e2d4c-0000-4000-8000-00000000p002'));
  await client.put('/registry/pods/default/my-app-7c9d5-q8r2m', whole.subarray(0, whole.indexOf(Buffer.from('app.kubernetes.io')) + 5));
  const sealed = Buffer.concat([Buffer.from('k8s:enc:aesgcm:v1:key1:'), Buffer.from('9c2f5a01d4e7b8c3a6f09e1d2c3b4a5f60718293a4b5c6d7e8f9', 'hex')]);
  await client.put('/registry/secrets/default/my-app-db', sealed);
  const first = await fight(client, 6);
  console.log(`two controllers started fighting over my-nginx-app at revision ${first}`);
}

/** Two controllers disagreeing about my-nginx-app's replicas and owner annotation, `rounds` times each. */
async function fight(client: Client, rounds: number, pauseMs = 0): Promise<number> {
  const key = `${GROUP}/configmapapps/default/my-nginx-app`;
  let first = 0;
  for (let i = 0; i < rounds; i++) {
    for (const [replicas, owner] of [[2, 'controller-a'], [4, 'controller-b']] as const) {
      const r = await client.put(key, app('ConfigMapApp', 'my-nginx-app', { replicas, image: 'nginx:1.27' }, { 'demo.mycompany.com/last-applied-by': owner }));
      first ||= r.revision;
      if (pauseMs) await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  }
  return first;
}

const client = await Client.connect(Config.fromEnv());
try {
  const i = process.argv.indexOf('--fight');
  if (i < 0) await load(client);
  else {
    const seconds = Number(process.argv[i + 1] ?? 30);
    console.log(`flipping my-nginx-app for ${seconds} s`);
    await fight(client, Math.max(1, Math.round(seconds)), 500);
  }
} finally {
  await client.close();
}
