import { readFileSync, readdirSync, readlinkSync } from 'node:fs';

/** The inode of the IPv4 loopback TCP socket bound to `port` (Linux `/proc/net/tcp`), if any. */
function inodeOf(port: number): string | undefined {
  const local = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  let table: string;
  try {
    table = readFileSync('/proc/net/tcp', 'utf8');
  } catch {
    return undefined; // not Linux: the sender stays unknown
  }
  for (const line of table.split('\n')) {
    const cols = line.trim().split(/\s+/);
    if (cols[1] === local) return cols[9];
  }
  return undefined;
}

/**
 * Which of `pids` (by index) holds the loopback socket whose local port is
 * `port`, or -1. Used to tell which member sent a peer request that names no
 * sender: the member owns the client end of the connection.
 */
export function ownerOfLoopbackPort(port: number, pids: ReadonlyArray<number | undefined>): number {
  const inode = inodeOf(port);
  if (!inode || inode === '0') return -1;
  const wanted = `socket:[${inode}]`;
  return pids.findIndex((pid) => {
    if (pid === undefined) return false;
    try {
      return readdirSync(`/proc/${pid}/fd`).some((fd) => {
        try {
          return readlinkSync(`/proc/${pid}/fd/${fd}`) === wanted;
        } catch {
          return false;
        }
      });
    } catch {
      return false;
    }
  });
}
