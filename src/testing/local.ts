import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, readdirSync, existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { generateCerts } from './certs.js';
import { trackChild, trackDir, untrackChild, untrackDir } from './cleanup.js';
import { etcdHttp, isHealthy, memberStatus, waitUntil } from './http.js';
import { PeerNet } from './peers.js';
import { freePort } from './ports.js';
import type { AddTestMemberOptions, EtcdHandle, EtcdMember, EtcdTLSFiles, StartEtcdOptions } from './types.js';

/** The etcd binary: `$ETCD_BIN`, else `etcd` on the PATH (or /usr/bin, /usr/local/bin). */
export function findEtcdBinary(): string | undefined {
  if (process.env.ETCD_BIN) return process.env.ETCD_BIN;
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/bin', '/usr/local/bin'];
  return dirs.map((d) => join(d, 'etcd')).find((p) => existsSync(p));
}

interface Member extends EtcdMember {
  /** The peer URL the member advertises (unique: its port is reserved for it). */
  readonly peerUrl: string;
  readonly args: string[];
  readonly log: string;
  process?: ChildProcess;
  exited?: Promise<void>;
  /** Stopped with SIGSTOP by `pause`. */
  paused?: boolean;
}

function launch(binary: string, member: Member): void {
  const fd = openSync(member.log, 'a');
  const child = spawn(binary, member.args, { stdio: ['ignore', fd, fd] });
  closeSync(fd);
  trackChild(child);
  member.process = child;
  member.exited = new Promise((resolve) =>
    child.once('exit', () => {
      untrackChild(child);
      resolve();
    }),
  );
}

function alive(member: Member): boolean {
  const child = member.process;
  return !!child && child.exitCode === null && child.signalCode === null;
}

/**
 * Stops or continues a member's process. Through `process.kill`, not
 * `child.kill`: Deno's ChildProcess ignores every `kill()` after its first,
 * so a SIGCONT sent that way would swallow the SIGTERM that follows.
 */
function signal(member: Member, name: 'SIGSTOP' | 'SIGCONT'): void {
  const pid = member.process?.pid;
  if (pid === undefined || !alive(member)) return;
  process.kill(pid, name);
  member.paused = name === 'SIGSTOP';
}

/**
 * Resolves once every thread of a member sent SIGSTOP is stopped. The signal
 * stops a process of many threads (etcd's Go runtime) one thread at a time,
 * as each is next scheduled: until then it may still answer, and a request
 * sent right after `pause()` was seen answered. Reads the threads' states in
 * /proc (Linux); elsewhere resolves at once.
 */
async function untilStopped(member: Member): Promise<void> {
  const pid = member.process?.pid;
  if (pid === undefined) return;
  for (const deadline = Date.now() + 5000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 1))) {
    let tasks: string[];
    try {
      tasks = readdirSync(`/proc/${pid}/task`);
    } catch {
      return; // no /proc (not Linux), or the process is gone
    }
    const running = tasks.some((task) => {
      try {
        // "pid (comm) S ...": the state follows the last ')' (comm may hold spaces and parentheses).
        const stat = readFileSync(`/proc/${pid}/task/${task}/stat`, 'utf8');
        const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
        return state !== 'T' && state !== 't';
      } catch {
        return false; // the thread ended
      }
    });
    if (!running) return;
  }
  throw new Error(`pause: member ${member.name} did not stop within 5 s`);
}

async function halt(member: Member, graceMs: number): Promise<void> {
  const child = member.process;
  if (!child || !alive(member)) return;
  // A paused member would not act on SIGTERM until continued.
  if (member.paused) signal(member, 'SIGCONT');
  child.kill(graceMs > 0 ? 'SIGTERM' : 'SIGKILL');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await member.exited;
  clearTimeout(timer);
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-15).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Starts a cluster of local etcd processes on free loopback ports with a temp data dir. */
/**
 * Starts local members. A port another process bound between being found
 * free and etcd binding it makes a member exit at once: it starts again on
 * other ports (twice at most).
 */
export async function startLocal(binary: string, options: StartEtcdOptions): Promise<EtcdHandle> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(binary, options);
    } catch (err) {
      if (attempt >= 3 || !(err instanceof Error) || !err.message.includes('address already in use')) throw err;
    }
  }
}

async function startOnce(binary: string, options: StartEtcdOptions): Promise<EtcdHandle> {
  const size = options.members ?? 1;
  const root = await mkdtemp(join(tmpdir(), 'etcdkit-'));
  trackDir(root);
  const certs = options.tls ? await generateCerts(root) : undefined;
  const tls: EtcdTLSFiles | undefined = certs && { ca: certs.ca, cert: certs.clientCert, key: certs.clientKey };
  const scheme = certs ? 'https' : 'http';
  // Per member: client port, peer port, and the port of its peer proxy (which
  // the others dial, so that partition() can cut it off).
  const ports = await Promise.all(Array.from({ length: size * 3 }, freePort));
  const proxied = size > 1;
  const peerPort = (i: number) => ports[3 * i + 1]!;
  const advertised = (i: number) => (proxied ? ports[3 * i + 2]! : peerPort(i));
  const peers = Array.from({ length: size }, (_, i) => `m${i}=http://127.0.0.1:${advertised(i)}`);
  const token = `etcdkit-${process.pid}-${Date.now()}`;
  const members: Member[] = [];
  for (let i = 0; i < size; i++) {
    const client = `${scheme}://127.0.0.1:${ports[3 * i]}`;
    const peer = `http://127.0.0.1:${peerPort(i)}`;
    const dataDir = join(root, `m${i}`);
    await mkdir(dataDir, { recursive: true });
    const advertisedPeer = `http://127.0.0.1:${advertised(i)}`;
    const member = {
      name: `m${i}`,
      dataDir,
      client,
      peer,
      advertisedPeer,
      cluster: peers,
      state: 'new' as const,
      token,
    };
    const args = memberArgs(member, {
      certs,
      clientCertAuth: options.clientCertAuth,
      quota: options.quotaBackendBytes,
    });
    members.push({ name: `m${i}`, endpoint: client, peerUrl: advertisedPeer, args, log: join(root, `m${i}.log`) });
  }
  const startTimeoutMs = options.startTimeoutMs ?? 30_000;
  const healthy = async (list: Member[], identify = false) => {
    // A member that exited (a port taken meanwhile, say) ends the wait: another process
    // answering on its port must not pass for it.
    const ok = await waitUntil(
      async () =>
        list.some((m) => !alive(m)) || (await Promise.all(list.map((m) => isHealthy(m.endpoint, tls)))).every(Boolean),
      startTimeoutMs,
    );
    const dead = list.find((m) => !alive(m));
    if (dead) {
      throw new Error(`etcd member ${dead.name} exited while starting; last log lines:\n${tail(dead.log)}`);
    }
    if (!ok) {
      throw new Error(
        `etcd did not become healthy within ${startTimeoutMs} ms; last log lines:\n${tail(list[0]!.log)}`,
      );
    }
    // At the first start, healthy answers may still come from another process's etcd that held a
    // member's port while ours was failing to bind it (and had not exited yet): the member list must
    // name our own peer URL. (A restart keeps its ports, which stay reserved for it; and once auth is
    // on, etcd 3.5 refuses the member list without a token.)
    if (!identify) return;
    for (const m of list) {
      if (!(await answersAs(m, tls))) {
        throw new Error(
          `etcd member ${m.name}: another etcd answers on ${m.endpoint} (address already in use); last log lines:\n${tail(m.log)}`,
        );
      }
    }
  };
  const net = proxied
    ? await PeerNet.start(
        members.map((_, i) => peerPort(i)),
        members.map((_, i) => advertised(i)),
        () => members.map((m) => m.process?.pid),
      )
    : undefined;
  const pick = (member?: number): Member[] => {
    if (member === undefined) return members;
    const m = Number.isInteger(member) ? members[member] : undefined;
    if (!m) throw new Error(`no member ${member} (the cluster has ${members.length})`);
    return [m];
  };
  let stopped: Promise<void> | undefined;
  const endpoints = members.map((m) => m.endpoint);
  const listed: EtcdMember[] = members.map(({ name, endpoint }) => ({ name, endpoint }));
  const handle: EtcdHandle = {
    endpoints,
    members: listed,
    source: 'binary',
    ...(tls ? { tls } : {}),
    stop: () =>
      (stopped ??= (async () => {
        await Promise.all(members.map((m) => halt(m, 5000)));
        await net?.close();
        await rm(root, { recursive: true, force: true });
        untrackDir(root);
      })()),
    kill: async (member) => {
      await Promise.all(pick(member).map((m) => halt(m, 0)));
    },
    restart: async (member) => {
      const list = pick(member);
      await Promise.all(list.map((m) => halt(m, 5000)));
      for (const m of list) launch(binary, m);
      await healthy(list);
    },
    leader: async () => {
      const statuses = await Promise.all(members.map((m) => (alive(m) ? memberStatus(m.endpoint, tls) : undefined)));
      return statuses.findIndex((s) => s !== undefined && s.member === s.leader);
    },
    addMember: async (add = {}) => {
      const m = await joining(
        root,
        members,
        { scheme, certs, tls, clientCertAuth: options.clientCertAuth, quota: options.quotaBackendBytes },
        add,
      );
      members.push(m);
      endpoints.push(m.endpoint);
      listed.push({ name: m.name, endpoint: m.endpoint });
      launch(binary, m);
      // A learner has no /health of its own worth asking; it answers status once it follows a leader.
      const joined = await waitUntil(
        async () => ((await memberStatus(m.endpoint, tls))?.leader ?? '0') !== '0',
        startTimeoutMs,
      );
      if (!joined)
        throw new Error(
          `new member ${m.name} did not join within ${startTimeoutMs} ms; last log lines:\n${tail(m.log)}`,
        );
      return { name: m.name, endpoint: m.endpoint };
    },
    partition: async (member) => {
      if (!net) throw new Error('partition needs a cluster of more than one member');
      if (!Number.isInteger(member) || !members[member]) throw new Error(`partition: no member ${member}`);
      net.partition(member);
    },
    heal: async () => net?.heal(),
    pause: async (member) => {
      const list = pick(member);
      // Pausing a member that is not running would pause nothing: the caller's test would then
      // run against a live cluster while believing it stalled.
      const gone = list.find((m) => !alive(m));
      if (gone) throw new Error(`pause: member ${gone.name} is not running; last log lines:\n${tail(gone.log)}`);
      for (const m of list) signal(m, 'SIGSTOP');
      await Promise.all(list.map((m) => untilStopped(m)));
    },
    resume: async (member) => {
      for (const m of pick(member)) signal(m, 'SIGCONT');
    },
    [Symbol.asyncDispose]: () => handle.stop(),
  };
  try {
    for (const m of members) launch(binary, m);
    await healthy(members, true);
  } catch (err) {
    await handle.stop();
    throw err;
  }
  return handle;
}

interface JoinContext {
  scheme: string;
  certs: Awaited<ReturnType<typeof generateCerts>> | undefined;
  tls: EtcdTLSFiles | undefined;
  clientCertAuth: boolean | undefined;
  quota: number | undefined;
}

// A new member needs the cluster's current members (names and peer URLs) in
// its --initial-cluster, which the member list gives once it is registered.
async function joining(root: string, members: Member[], ctx: JoinContext, add: AddTestMemberOptions): Promise<Member> {
  const name = `m${members.length}`;
  const [clientPort, peerPort] = await Promise.all([freePort(), freePort()]);
  const client = `${ctx.scheme}://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  const via = members.find((m) => alive(m))?.endpoint;
  if (!via) throw new Error('addMember: no running member to join');
  const listed = await register(via, peer, ctx, add);
  const cluster = listed.map((m) => `${m.peerURLs?.includes(peer) ? name : m.name}=${m.peerURLs?.[0]}`);
  const dataDir = join(root, name);
  await mkdir(dataDir, { recursive: true });
  const member = { name, dataDir, client, peer, advertisedPeer: peer, cluster, state: 'existing' as const };
  const args = memberArgs(member, ctx);
  return { name, endpoint: client, peerUrl: peer, args, log: join(root, `${name}.log`) };
}

type Listed = Array<{ name?: string; peerURLs?: string[] }>;

/** True when the etcd answering on `m`'s client URL is of `m`'s cluster: its member list holds `m`'s peer URL. */
async function answersAs(m: Member, tls: EtcdTLSFiles | undefined): Promise<boolean> {
  try {
    const list = (await etcdHttp(m.endpoint, '/v3/cluster/member/list', tls, '{}', 5000)) as { members?: Listed };
    return (list.members ?? []).some((x) => x.peerURLs?.includes(m.peerUrl));
  } catch {
    return false;
  }
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Asks `via` to add `peer`, returning the member list the answer holds. etcd
 * refuses a membership change as "unhealthy cluster" until every member has
 * been connected for 5 s, so right after a restart the add is asked again.
 */
async function memberAdd(via: string, peer: string, ctx: JoinContext, learner: boolean): Promise<Listed> {
  const body = JSON.stringify({ peerURLs: [peer], isLearner: learner });
  for (const deadline = Date.now() + 30_000; ; await pause(250)) {
    // An error is { code, message } (3.5) or { code, message, error } (3.4).
    const added = (await etcdHttp(via, '/v3/cluster/member/add', ctx.tls, body, 5000)) as {
      members?: Listed;
      code?: number;
      message?: string;
    };
    if (!added.code) return added.members ?? [];
    if (!added.message?.includes('unhealthy cluster') || Date.now() > deadline) {
      throw new Error(`addMember: etcd refused to add ${peer}: ${added.message}`);
    }
  }
}

/**
 * Adds `peer` to the cluster and returns the member list that holds it: the
 * answer to the add holds that list, while `via` asked again may not have
 * applied the add yet, and a new member started from a list without itself
 * refuses to start.
 */
async function register(via: string, peer: string, ctx: JoinContext, add: AddTestMemberOptions): Promise<Listed> {
  if (!add.register) return memberAdd(via, peer, ctx, add.learner === true);
  await add.register([peer]);
  for (const deadline = Date.now() + 10_000; ; await pause(100)) {
    const list = (await etcdHttp(via, '/v3/cluster/member/list', ctx.tls, '{}', 5000)) as { members?: Listed };
    const members = list.members ?? [];
    if (members.some((m) => m.peerURLs?.includes(peer)) || Date.now() > deadline) return members;
  }
}

/** Where one member listens and which cluster it starts or joins. */
interface MemberSpec {
  name: string;
  dataDir: string;
  client: string;
  peer: string;
  advertisedPeer: string;
  cluster: readonly string[];
  state: 'new' | 'existing';
  token?: string;
}

/** etcd's command line for one member: the same flags for the first members and for one that joins later. */
function memberArgs(m: MemberSpec, extra: Pick<JoinContext, 'certs' | 'clientCertAuth' | 'quota'>): string[] {
  const args = [
    '--name',
    m.name,
    '--data-dir',
    m.dataDir,
    '--listen-client-urls',
    m.client,
    '--advertise-client-urls',
    m.client,
    '--listen-peer-urls',
    m.peer,
    '--initial-advertise-peer-urls',
    m.advertisedPeer,
    '--initial-cluster',
    m.cluster.join(','),
    '--initial-cluster-state',
    m.state,
    ...(m.token ? ['--initial-cluster-token', m.token] : []),
    '--logger',
    'zap',
    '--log-level',
    'warn',
  ];
  if (extra.certs) args.push('--cert-file', extra.certs.serverCert, '--key-file', extra.certs.serverKey);
  if (extra.certs && extra.clientCertAuth) args.push('--client-cert-auth', '--trusted-ca-file', extra.certs.ca);
  if (extra.quota !== undefined) args.push('--quota-backend-bytes', String(extra.quota));
  return args;
}

/** True when `etcd --version` runs. */
export function binaryWorks(binary: string): boolean {
  return spawnSync(binary, ['--version'], { stdio: 'ignore' }).status === 0;
}
