import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// A port the OS called free is free only until somebody binds it: two
// processes starting etcds at once (test files run in parallel) can be handed
// the same one, and then one etcd fails to bind while the other answers for
// both. Each port handed out is therefore reserved for a while by a file
// created exclusively in a directory all such processes share.
// Kept between runs (each claim lapses by itself), and not named like the temp dirs the harness removes.
const RESERVATIONS = join(tmpdir(), 'etcdkit.ports');
const RESERVED_MS = 15 * 60_000;

function osPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** Claims `port` for this process; false when another claimed it recently. */
export function reserve(port: number): boolean {
  const file = join(RESERVATIONS, String(port));
  try {
    writeFileSync(file, String(process.pid), { flag: 'wx' });
    return true;
  } catch {
    try {
      if (Date.now() - statSync(file).mtimeMs < RESERVED_MS) return false;
      writeFileSync(file, String(process.pid)); // an old claim: the port is ours now
      return true;
    } catch {
      return false;
    }
  }
}

/** A TCP port on 127.0.0.1 that was free a moment ago and that no other etcdkit process was handed recently. */
export async function freePort(): Promise<number> {
  mkdirSync(RESERVATIONS, { recursive: true });
  for (let i = 0; i < 50; i++) {
    const port = await osPort();
    if (reserve(port)) return port;
  }
  return osPort();
}
