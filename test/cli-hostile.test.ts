import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Range, type Etcd3 } from 'etcd3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../src/cli/commands.js';
import { kubernetesValue, objectMeta } from './support/k8s-protobuf.js';
import { endpoints, rawEtcd, uniquePrefix } from './helpers.js';
import { runCli } from './support/cli.js';

// Keys, values and names written by another tool may hold terminal control
// sequences. No command may print one: each is escaped in human output and
// in JSON.

/** Sets the window title, rings, clears the screen, moves to column 0, CSI in C1, bidi override and isolate. */
const EVIL = '\u001b]0;pwned\u0007\u001b[2J\r\u009b2J\u202e\u2066\u007f\u0085\t\nx';
/** Every control character but the newline that ends each line; C1; bidi controls. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
/** The colour sequences the CLI itself writes on a terminal. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the CLI's own colour sequences
const OUR_COLOURS = /\u001b\[(1|2|22|31|32|33|36|39)m/g;

let ns: string;
let raw: Etcd3;
let dir: string;
let firstRevision: number;
let leaseId: string;
const user = `u${EVIL}`;
const role = `r${EVIL}`;
const keys = {
  text: `/h/t${EVIL}`,
  json: `/h/j${EVIL}`,
  proto: `/h/p${EVIL}`,
  enc: `/h/e${EVIL}`,
  leased: `/h/l${EVIL}`,
};
const crd = `/registry/evil${EVIL}.example.com/things/ns${EVIL}/n${EVIL}`;

/** JSON whose bytes are all printable ASCII: the controls are `\u` escapes, in the decoded fields only. */
const jsonValue = (n: number) =>
  asciiJson({
    apiVersion: `v1${EVIL}`,
    kind: `K${EVIL}`,
    metadata: { name: `n${EVIL}`, namespace: `s${EVIL}` },
    [`f${EVIL}`]: `${n}${EVIL}`,
  });

const asciiJson = (v: unknown) =>
  JSON.stringify(v).replace(/[^\u0020-\u007e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

beforeAll(async () => {
  ns = uniquePrefix('cli-hostile');
  raw = rawEtcd();
  dir = await mkdtemp(join(tmpdir(), 'etcdkit-hostile-'));
  const put = (key: string, value: string | Buffer) => raw.put(Buffer.from(ns + key)).value(value);
  firstRevision = Number((await put(keys.text, `v${EVIL}`)).header.revision);
  await put(keys.text, `w${EVIL}\nsecond line${EVIL}`);
  await put(keys.json, jsonValue(1));
  await put(keys.json, jsonValue(2));
  const meta = objectMeta({
    name: `n${EVIL}`,
    namespace: `s${EVIL}`,
    uid: 'u',
    creationTimestamp: '2024-01-01T00:00:00Z',
  });
  await put(keys.proto, kubernetesValue(`v1${EVIL}`, `Pod${EVIL}`, [[1, meta]]));
  await put(keys.enc, Buffer.concat([Buffer.from(`k8s:enc:aescbc:v1:key${EVIL}:`), Buffer.alloc(32, 7)]));
  await put(crd, jsonValue(3));
  const lease = raw.lease(600, { autoKeepAlive: false });
  leaseId = (await lease.grant()).toString();
  await lease.put(Buffer.from(ns + keys.leased)).value(`v${EVIL}`);
  await raw.role(role).create();
  await raw.role(role).grant({ permission: 'Read', range: Range.prefix(`${ns}/h/${EVIL}`) });
  await raw.user(user).create('secret-pw');
});
afterAll(async () => {
  await raw.user(user).delete();
  await raw.role(role).delete();
  await raw.delete().prefix(ns);
  raw.close();
  await rm(dir, { recursive: true, force: true });
});

/** The command lines run per command; a command missing here fails the test. */
function commandLines(mode: string): Record<string, string[][]> {
  const hex = BigInt(leaseId).toString(16);
  return {
    status: [['status']],
    members: [['members']],
    size: [['size']],
    list: [
      ['list', '/h/'],
      ['list', '/h/', '--values'],
      ['list', '/h/', '--values', '--raw'],
    ],
    count: [
      ['count', '/h/', '--by', '1'],
      ['count', '/h/'],
    ],
    get: [...Object.values(keys).map((k) => ['get', k]), ['get', `/h/missing${EVIL}`]],
    search: [
      ['search', 'pwned', '--prefix', '/h/'],
      ['search', '*J*', '--prefix', '/h/'],
    ],
    watch: [
      ['watch', '/h/', '--rev', String(firstRevision), '--limit', '7'],
      ['watch', '/h/', '--rev', String(firstRevision), '--limit', '7', '--diff'],
    ],
    history: [
      ['history', keys.text],
      ['history', keys.json],
      ['history', keys.json, '--diff'],
    ],
    custom: [['custom'], ['custom', 'things']],
    churn: [['churn', '/h/', '--rev', String(firstRevision)]],
    put: [['put', `/h/put${mode}${EVIL}`, `v${EVIL}`]],
    del: [
      ['del', `/h/put${mode}${EVIL}`],
      ['del', `/h/none${EVIL}`, '--prefix'],
    ],
    compact: [['compact', `1${EVIL}`]],
    snapshot: [['snapshot', 'save', join(dir, `snap-${mode}${EVIL.replace('\n', '')}`)]],
    lock: [['lock', `/h/lock${EVIL}`, '--', process.execPath, '-e', '']],
    lease: [
      ['lease', 'list'],
      ['lease', 'timetolive', hex, '--keys'],
    ],
    alarm: [['alarm', 'list']],
    defrag: [['defrag', '--endpoint', `x${EVIL}`]],
    check: [['check', 'hash']],
    member: [
      ['member', 'list'],
      ['member', 'remove', `1${EVIL}`],
    ],
    'move-leader': [['move-leader', `1${EVIL}`]],
    auth: [['auth', 'status']],
    user: [
      ['user', 'list'],
      ['user', 'get', user],
    ],
    role: [
      ['role', 'list'],
      ['role', 'get', role],
    ],
  };
}

async function cli(args: string[], tty: boolean, env: Record<string, string> = { NO_COLOR: '1' }) {
  const res = await runCli(['--namespace', ns, ...args], { endpoints: endpoints(), env, tty });
  return { code: res.code, out: res.stdout + res.stderr };
}

describe('hostile keys, values and names', () => {
  it('every command has command lines in this test', () => {
    const lines = commandLines('x');
    for (const c of commands) expect(lines[c.name], `no command line for ${c.name}`).toBeDefined();
  });

  for (const mode of ['human', 'json'] as const) {
    it(`no control character reaches the ${mode} output of any command`, async () => {
      for (const [name, lines] of Object.entries(commandLines(mode))) {
        for (const args of lines) {
          const res = await cli(mode === 'json' ? [...args, '--json'] : args, mode === 'human');
          const what = `${name}: etcdkit ${JSON.stringify(args)} printed ${JSON.stringify(res.out)}`;
          expect(res.out.length, what).toBeGreaterThan(0);
          // The snapshot's progress bar redraws its own line on a terminal.
          // biome-ignore lint/suspicious/noControlCharactersInRegex: the bar's own sequences
          const shown = name === 'snapshot' ? res.out.replace(/\r|\u001b\[K/g, '') : res.out;
          expect(CONTROL.test(shown), what).toBe(false);
        }
      }
    }, 120_000);
  }

  it('shows the data escaped: list, get and decoded Kubernetes fields', async () => {
    const list = await cli(['list', '/h/'], false);
    expect(list.out).toContain('/h/t\\x1b]0;pwned\\x07\\x1b[2J\\x0d\\u009b2J\\u202e\\u2066\\x7f\\u0085\\x09\\x0ax\n');
    const proto = await cli(['get', keys.proto], false);
    expect(proto.out).toContain('Kubernetes protobuf: v1\\x1b]0;pwned');
    expect(proto.out).toContain('Pod\\x1b]0;pwned');
    const enc = await cli(['get', keys.enc], false);
    expect(enc.out).toContain('key key\\x1b]0;pwned');
  });

  it('on a terminal with colours, only the CLI’s own colour sequences are written', async () => {
    for (const args of [
      ['watch', '/h/', '--rev', String(firstRevision), '--limit', '7'],
      ['history', keys.json, '--diff'],
      ['get', keys.json],
    ]) {
      const res = await cli(args, true, {});
      expect(res.out).toMatch(OUR_COLOURS);
      expect(CONTROL.test(res.out.replace(OUR_COLOURS, '')), JSON.stringify(res.out)).toBe(false);
    }
  });
});
