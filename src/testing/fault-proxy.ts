import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * The fault a {@link FaultProxy} applies; switch it at any time with `set`:
 * - `pass`: forward everything;
 * - `delay`: hold every chunk, both ways, `ms` milliseconds (order kept);
 * - `drop-replies`: forward each request to etcd, then cut the client's
 *   connection before the answer comes back (etcd applied it; the client
 *   cannot know), for each request with the given probability;
 * - `reset`: close every connection now, and each new one as it opens;
 * - `blackhole`: keep connections open but let nothing through either way
 *   (held, as TCP would retransmit it, and delivered once the fault changes,
 *   unless the client gave up on the connection meanwhile).
 */
export type Fault =
  | { readonly type: 'pass' }
  | { readonly type: 'delay'; readonly ms: number }
  | { readonly type: 'drop-replies'; readonly probability?: number }
  | { readonly type: 'reset' }
  | { readonly type: 'blackhole' };

/** Options of {@link startFaultProxy}. */
export interface FaultProxyOptions {
  /** The fault to start with. @default { type: 'pass' } */
  readonly fault?: Fault;
  /** Random numbers in [0, 1) for `drop-replies` with a probability (give a seeded one for repeatable runs). @default Math.random */
  readonly random?: () => number;
}

/** A loopback TCP proxy in front of one etcd member that injects faults into the traffic through it. */
export interface FaultProxy extends AsyncDisposable {
  /** `http://127.0.0.1:<port>`: give it to the client instead of the member's endpoint. */
  readonly endpoint: string;
  /** The fault applied now. */
  readonly fault: Fault;
  /** Requests forwarded so far (gRPC calls and stream messages the client finished sending). */
  readonly requests: number;
  /** Requests whose answer was dropped (the connection cut after forwarding them). */
  readonly droppedReplies: number;
  /** Connections closed by the `reset` fault. */
  readonly resets: number;
  /** Applies `fault` from now on, to open connections too. */
  set(fault: Fault): void;
  /** Drops the answers of the next `n` requests, whatever the fault. @default 1 */
  dropNextReplies(n?: number): void;
  /**
   * Drops the answer of each request for which `decide(requestNumber)` is
   * true, whatever the fault (`undefined` stops it): for a deterministic
   * pattern of losses.
   */
  dropRepliesWhen(decide: ((request: number) => boolean) | undefined): void;
  /** Closes every connection and stops listening. Idempotent. */
  close(): Promise<void>;
}

const PREFACE = 24; // "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
const END_STREAM = 0x1;

/** Finds the ends of requests in the client-to-server HTTP/2 bytes of one connection (HEADERS or DATA with END_STREAM). */
class RequestScanner {
  #preface = PREFACE;
  #header = Buffer.alloc(0);
  #skip = 0;
  #ending = false;

  /** How many requests `chunk` completed. */
  feed(chunk: Buffer): number {
    let ended = 0;
    let i = 0;
    while (i < chunk.length) {
      if (this.#preface > 0 || this.#skip > 0) {
        const n = Math.min(this.#preface || this.#skip, chunk.length - i);
        if (this.#preface > 0) this.#preface -= n;
        else this.#skip -= n;
        i += n;
      } else {
        const take = chunk.subarray(i, i + 9 - this.#header.length);
        this.#header = Buffer.concat([this.#header, take]);
        i += take.length;
        if (this.#header.length < 9) continue;
        const type = this.#header[3] as number;
        const flags = this.#header[4] as number;
        const stream = this.#header.readUInt32BE(5) & 0x7fffffff;
        this.#skip = this.#header.readUIntBE(0, 3);
        this.#header = Buffer.alloc(0);
        this.#ending = stream > 0 && (type === 0 || type === 1) && (flags & END_STREAM) !== 0;
      }
      if (this.#ending && this.#skip === 0 && this.#header.length === 0) {
        this.#ending = false;
        ended++;
      }
    }
    return ended;
  }
}

function checkFault(fault: Fault): Fault {
  const bad = (why: string) => new Error(`FaultProxy: ${why}, got ${JSON.stringify(fault)}`);
  if (!fault || typeof fault !== 'object') throw bad('a fault is an object with a type');
  if (fault.type === 'delay' && !(Number.isFinite(fault.ms) && fault.ms >= 0)) throw bad("'ms' must be a number >= 0");
  if (
    fault.type === 'drop-replies' &&
    fault.probability !== undefined &&
    !(fault.probability >= 0 && fault.probability <= 1)
  ) {
    throw bad("'probability' must be between 0 and 1");
  }
  if (!['pass', 'delay', 'drop-replies', 'reset', 'blackhole'].includes(fault.type)) throw bad('unknown fault type');
  return fault;
}

/** One direction of a connection: chunks leave in order, each no earlier than its delay allows, none while blackholed. */
class Pipe {
  readonly #queue: { chunk: Buffer; at: number }[] = [];
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly to: Socket,
    private readonly proxy: ProxyState,
  ) {}

  push(chunk: Buffer): void {
    const fault = this.proxy.fault;
    this.#queue.push({ chunk, at: Date.now() + (fault.type === 'delay' ? fault.ms : 0) });
    this.pump();
  }

  pump(): void {
    if (this.#timer || this.proxy.fault.type === 'blackhole') return;
    const now = Date.now();
    while (this.#queue.length > 0 && (this.#queue[0]?.at ?? 0) <= now) {
      const { chunk } = this.#queue.shift() as { chunk: Buffer };
      if (!this.to.destroyed) this.to.write(chunk);
    }
    const next = this.#queue[0];
    if (!next) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.pump();
    }, next.at - now);
    this.#timer.unref();
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#queue.length = 0;
  }
}

/** One proxied connection: a client socket and its upstream. */
class Link {
  readonly #scanner = new RequestScanner();
  readonly #up: Pipe;
  readonly #down: Pipe;
  #cut = false;

  constructor(
    readonly client: Socket,
    readonly upstream: Socket,
    private readonly proxy: ProxyState,
  ) {
    this.#up = new Pipe(upstream, proxy);
    this.#down = new Pipe(client, proxy);
    client.on('data', (chunk: Buffer) => this.#fromClient(chunk));
    upstream.on('data', (chunk: Buffer) => {
      if (!this.#cut) this.#down.push(chunk);
    });
  }

  /** The fault changed: release what a blackhole held. */
  wake(): void {
    this.#up.pump();
    this.#down.pump();
  }

  #fromClient(chunk: Buffer): void {
    if (this.#cut) return;
    this.#up.push(chunk);
    for (let ended = this.#scanner.feed(chunk); ended > 0 && !this.#cut; ended--) {
      this.proxy.requests++;
      if (this.proxy.dropThisReply()) this.#cutAfterRequest();
    }
  }

  /**
   * The client loses the answer. etcd's side stays open until the proxy
   * closes: closing it makes etcd cancel a request it has not yet proposed to
   * raft (its context ends with the connection), and on a loaded machine etcd
   * can take seconds to get there, so the "lost reply" would be a lost request.
   */
  #cutAfterRequest(): void {
    this.#cut = true;
    this.#down.stop();
    this.proxy.droppedReplies++;
    this.client.destroy();
  }

  /** True once the answer was dropped: the upstream then lingers until the proxy closes. */
  get lingering(): boolean {
    return this.#cut;
  }

  reset(): void {
    this.#cut = true;
    this.#up.stop();
    this.#down.stop();
    this.client.destroy();
    this.upstream.destroy();
  }
}

interface ProxyState {
  fault: Fault;
  requests: number;
  droppedReplies: number;
  dropThisReply(): boolean;
}

/**
 * Starts a {@link FaultProxy} to `target` (an etcd member's client URL,
 * `http://host:port`) on a free loopback port.
 *
 * @example
 * ```ts
 * import { startEtcd, startFaultProxy } from 'etcdkit/testing';
 * const etcd = await startEtcd();
 * const proxy = await startFaultProxy(etcd.endpoints[0]!);
 * const client = await Client.connect(Config.defaults().withEndpoints(proxy.endpoint));
 * proxy.set({ type: 'drop-replies', probability: 0.2 }); // writes may now be applied yet reported ambiguous
 * ```
 */
export async function startFaultProxy(target: string, options: FaultProxyOptions = {}): Promise<FaultProxy> {
  const { hostname, port } = new URL(target);
  const random = options.random ?? Math.random;
  const links = new Set<Link>();
  let armed = 0;
  let resets = 0;
  let decide: ((request: number) => boolean) | undefined;
  const state: ProxyState = {
    fault: checkFault(options.fault ?? { type: 'pass' }),
    requests: 0,
    droppedReplies: 0,
    dropThisReply() {
      if (armed > 0) {
        armed--;
        return true;
      }
      if (decide?.(state.requests)) return true;
      const f = state.fault;
      return f.type === 'drop-replies' && random() < (f.probability ?? 1);
    },
  };
  const server: Server = createServer((client) => {
    client.on('error', () => undefined);
    if (state.fault.type === 'reset') {
      resets++;
      client.destroy();
      return;
    }
    const upstream = connect(Number(port), hostname);
    upstream.on('error', () => undefined);
    const link = new Link(client, upstream, state);
    links.add(link);
    const end = () => {
      client.destroy();
      if (link.lingering && !upstream.destroyed) return;
      links.delete(link);
      upstream.destroy();
    };
    client.on('close', end);
    upstream.on('close', () => {
      if (links.has(link)) end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address !== 'object') throw new Error('FaultProxy: no address to listen on');
  let closed: Promise<void> | undefined;
  const close = () => {
    closed ??= new Promise<void>((resolve) => {
      for (const link of links) link.reset();
      server.close(() => resolve());
    });
    return closed;
  };
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    get fault() {
      return state.fault;
    },
    get requests() {
      return state.requests;
    },
    get droppedReplies() {
      return state.droppedReplies;
    },
    get resets() {
      return resets;
    },
    set(fault) {
      state.fault = checkFault(fault);
      for (const link of links) link.wake();
      if (fault.type !== 'reset') return;
      for (const link of links) {
        resets++;
        link.reset();
      }
      links.clear();
    },
    dropNextReplies(n = 1) {
      armed += n;
    },
    dropRepliesWhen(fn) {
      decide = fn;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
