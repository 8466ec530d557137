import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A loopback TCP proxy in front of one etcd endpoint that can lose replies:
 * it forwards a gRPC request to etcd, then cuts the client's connection
 * before the reply comes back (the request is processed; the client cannot
 * know). Requests are found by reading the HTTP/2 frames the client sends: a
 * HEADERS or DATA frame with END_STREAM ends a request.
 */
export interface FaultProxy {
  /** `http://127.0.0.1:<port>`: give this to the client instead of the real endpoint. */
  readonly endpoint: string;
  /** Requests forwarded so far. */
  readonly requests: number;
  /** Connections cut so far. */
  readonly cuts: number;
  /** Cut the connection after forwarding each of the next `n` requests. */
  cutNext(n?: number): void;
  /** Cut after each forwarded request for which `decide(requestNumber)` is true, from now on (`undefined` stops it). */
  cutWhen(decide: ((request: number) => boolean) | undefined): void;
  close(): Promise<void>;
}

const PREFACE = 24; // "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
const END_STREAM = 0x1;

/** Finds the ends of requests in the client-to-server byte stream of one connection. */
class RequestScanner {
  #preface = PREFACE;
  #header = Buffer.alloc(0);
  #skip = 0;
  #ending = false;

  /** Returns how many requests were completed by `chunk`. */
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
        const type = this.#header[3]!;
        const flags = this.#header[4]!;
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

/** Starts a proxy to `target` (`http://host:port`) on a free loopback port. */
export async function startProxy(target: string): Promise<FaultProxy> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  let requests = 0;
  let cuts = 0;
  let armed = 0;
  let decide: ((request: number) => boolean) | undefined;
  const shouldCut = () => {
    if (armed > 0) {
      armed--;
      return true;
    }
    return decide?.(requests) ?? false;
  };
  const server: Server = createServer((client) => {
    const upstream = connect(Number(port), hostname);
    const scanner = new RequestScanner();
    let cut = false;
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => {
        sockets.delete(s);
        client.destroy();
        if (!cut) upstream.destroy();
      });
    }
    client.on('data', (chunk: Buffer) => {
      if (cut) return;
      upstream.write(chunk);
      let ended = scanner.feed(chunk);
      while (ended-- > 0 && !cut) {
        requests++;
        if (shouldCut()) {
          cut = true;
          cuts++;
          client.destroy();
          // etcd's side stays open until the proxy closes. Closing it makes etcd
          // cancel the request if it has not been proposed to raft yet (its
          // context ends with the connection), and on a loaded machine etcd can
          // take seconds to get there (a slow WAL fsync holds up raft): the
          // "lost reply" would then be a lost request, never applied.
        }
      }
    });
    upstream.on('data', (chunk: Buffer) => {
      if (!cut) client.write(chunk);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address !== 'object') throw new Error('proxy has no address');
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    get requests() {
      return requests;
    },
    get cuts() {
      return cuts;
    },
    cutNext: (n = 1) => {
      armed += n;
    },
    cutWhen: (fn) => {
      decide = fn;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
