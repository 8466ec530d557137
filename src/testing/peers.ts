import { createServer, connect, type Server, type Socket } from 'node:net';
import { ownerOfLoopbackPort } from './sockets.js';

/** One proxied peer connection: the member (index) that dialed it, when known, and its two sockets. */
interface Link {
  readonly inbound: Socket;
  readonly outbound: Socket;
  readonly from: number | undefined;
}

// rafthttp puts these headers on every stream and pipeline request
// (X-Server-From: the dialing member's id, X-Raft-To: the member dialed).
// Other peer requests (lease renewals forwarded to the leader, version
// checks) carry none: their sender is found by who owns the socket.
const FROM = /x-server-from:\s*([0-9a-f]+)/i;
const TO = /x-raft-to:\s*([0-9a-f]+)/i;
const HEADERS_END = '\r\n\r\n';
const MAX_HEADER_BYTES = 64 * 1024;

/** What a proxy asks its network. */
interface Rules {
  /** The member that dialed: from the header's id, else from the socket's owner. */
  sender(id: string | undefined, remotePort: number | undefined): number | undefined;
  blocked(target: number, from: number | undefined): boolean;
}

/**
 * A loopback TCP proxy in front of one member's peer port. Every peer
 * connection to the member goes through it, so {@link PeerNet} can cut the
 * member off from its peers while its client port stays reachable.
 */
class PeerProxy {
  readonly #server: Server;
  readonly #index: number;
  readonly #target: number;
  readonly #rules: Rules;
  readonly #links = new Set<Link>();
  /** This member's id (hex), learnt from the `X-Raft-To` header of requests to it. */
  self: string | undefined;

  constructor(index: number, target: number, rules: Rules) {
    this.#index = index;
    this.#target = target;
    this.#rules = rules;
    this.#server = createServer((socket) => this.#accept(socket));
  }

  listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, '127.0.0.1', () => resolve());
    });
  }

  /** Drops the links `drop` selects. */
  cut(drop: (from: number | undefined) => boolean): void {
    for (const link of [...this.#links]) if (drop(link.from)) this.#close(link);
  }

  close(): Promise<void> {
    this.cut(() => true);
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }

  // Holds the first request until its headers are complete, so a connection
  // from a cut-off member never delivers a byte.
  #accept(inbound: Socket): void {
    inbound.on('error', () => inbound.destroy());
    if (this.#rules.blocked(this.#index, undefined)) return void inbound.destroy();
    let head = '';
    const onData = (chunk: Buffer) => {
      head += chunk.toString('latin1');
      if (!head.includes(HEADERS_END) && head.length < MAX_HEADER_BYTES) return;
      inbound.off('data', onData);
      inbound.pause();
      this.#forward(inbound, head);
    };
    inbound.on('data', onData);
  }

  #forward(inbound: Socket, head: string): void {
    this.self ??= TO.exec(head)?.[1];
    const from = this.#rules.sender(FROM.exec(head)?.[1], inbound.remotePort);
    if (this.#rules.blocked(this.#index, from)) return void inbound.destroy();
    const outbound = connect(this.#target, '127.0.0.1');
    const link: Link = { inbound, outbound, from };
    this.#links.add(link);
    outbound.write(Buffer.from(head, 'latin1'));
    inbound.pipe(outbound);
    outbound.pipe(inbound);
    for (const s of [inbound, outbound]) {
      s.on('error', () => this.#close(link));
      s.on('close', () => this.#close(link));
    }
    inbound.resume();
  }

  #close(link: Link): void {
    if (!this.#links.delete(link)) return;
    link.inbound.destroy();
    link.outbound.destroy();
  }
}

/**
 * The peer network of a local cluster: a {@link PeerProxy} per member. A
 * member *dials* the peers it receives from, so cutting one member off drops
 * both the connections to it and those it opened to the others.
 */
export class PeerNet {
  readonly #proxies: PeerProxy[];
  readonly #pids: () => ReadonlyArray<number | undefined>;
  readonly #cut = new Set<number>();

  private constructor(targets: readonly number[], pids: () => ReadonlyArray<number | undefined>) {
    this.#pids = pids;
    const rules: Rules = {
      sender: (id, port) => this.#sender(id, port),
      blocked: (target, from) => this.#cut.has(target) || (from !== undefined && this.#cut.has(from)),
    };
    this.#proxies = targets.map((t, i) => new PeerProxy(i, t, rules));
  }

  /**
   * `targets[i]` is the port member i listens on for peers; its proxy listens
   * on `ports[i]`; `pids()` gives each member's process id (to tell who sent
   * a request that has no `X-Server-From` header).
   */
  static async start(
    targets: readonly number[],
    ports: readonly number[],
    pids: () => ReadonlyArray<number | undefined>,
  ): Promise<PeerNet> {
    const net = new PeerNet(targets, pids);
    await Promise.all(net.#proxies.map((p, i) => p.listen(ports[i]!)));
    return net;
  }

  /** Cuts member `index` off from its peers (clients still reach it). */
  partition(index: number): void {
    this.#cut.add(index);
    // Links whose sender is unknown are dropped too: they reconnect, and are told apart then.
    for (const p of this.#proxies) p.cut((from) => from === index || from === undefined);
    this.#proxies[index]!.cut(() => true);
  }

  /** Restores every cut link (members reconnect by themselves). */
  heal(): void {
    this.#cut.clear();
  }

  close(): Promise<void> {
    return Promise.all(this.#proxies.map((p) => p.close())).then(() => undefined);
  }

  #sender(id: string | undefined, remotePort: number | undefined): number | undefined {
    const byId = id === undefined ? -1 : this.#proxies.findIndex((p) => p.self === id);
    if (byId >= 0) return byId;
    if (remotePort === undefined) return undefined;
    const owner = ownerOfLoopbackPort(remotePort, this.#pids());
    return owner >= 0 ? owner : undefined;
  }
}
