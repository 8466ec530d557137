import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../src/cli/run.js';
import { Client, Config } from '../src/index.js';
import { startEtcd, type EtcdHandle } from '../src/testing/index.js';
import { sleep, uniquePrefix } from './helpers.js';
import { Capture } from './process.js';

// `--verbose` prints the client's log lines to stderr: here, a watch riding out an etcd restart.

let etcd: EtcdHandle;
const ns = uniquePrefix('cli-verbose');

beforeAll(async () => {
  etcd = await startEtcd({ isolated: true });
}, 60_000);
afterAll(() => etcd?.stop());

function io(signal: AbortSignal) {
  return { stdout: new Capture(), stderr: new Capture(), env: { ETCD_ENDPOINTS: etcd.endpoints.join(',') }, signal };
}

async function watchUntil(o: ReturnType<typeof io>, client: Client, value: string): Promise<void> {
  // The watch may not be established yet: keep writing until the change shows up.
  for (let i = 0; i < 100 && !o.stdout.text.includes(value); i++) {
    await client.put('/k', value).catch(() => undefined);
    await sleep(100);
  }
}

describe('--verbose', () => {
  it('prints nothing extra while all is well, and the reconnect and resume of a watch across a restart', async () => {
    const client = await Client.connect(
      Config.defaults()
        .withEndpoints(...etcd.endpoints)
        .withNamespace(ns),
    );
    const controller = new AbortController();
    const o = io(controller.signal);
    try {
      const running = run(['--namespace', ns, 'watch', '/k', '--verbose'], o);
      await watchUntil(o, client, 'before');
      expect(o.stderr.text).toBe('');
      await etcd.restart();
      await watchUntil(o, client, 'after');
      controller.abort();
      expect(await running).toBe(0);
    } finally {
      await client.close();
    }
    expect(o.stderr.text).toMatch(
      /^etcdkit: warn: watch stream broke; reconnecting \(event=reconnect attempt=1 code=\w+\)$/m,
    );
    expect(o.stderr.text).toMatch(/^etcdkit: info: watch resumed from revision \d+ /m);
    expect(o.stderr.text).not.toContain('before');
  }, 60_000);
});
