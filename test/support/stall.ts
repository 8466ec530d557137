import { readdirSync, readFileSync } from 'node:fs';

/**
 * The pid of the local etcd serving `endpoint` (`http://127.0.0.1:<port>`),
 * found by its command line, so a test can stall it with SIGSTOP (it keeps
 * its connections and answers nothing) and wake it with SIGCONT.
 */
export function etcdPid(endpoint: string): number {
  const url = new URL(endpoint);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let args: string[];
    try {
      args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
    } catch {
      continue; // ended meanwhile
    }
    const at = args.indexOf('--listen-client-urls');
    if (at >= 0 && args[at + 1]?.split(',').some((u) => new URL(u).port === url.port)) return Number(entry);
  }
  throw new Error(`no etcd process serves ${endpoint}`);
}

/** Runs `fn` with the etcd of `endpoint` stopped (SIGSTOP), waking it (SIGCONT) however `fn` ends. */
export async function whileStalled<T>(endpoint: string, fn: () => Promise<T>): Promise<T> {
  const pid = etcdPid(endpoint);
  process.kill(pid, 'SIGSTOP');
  try {
    return await fn();
  } finally {
    process.kill(pid, 'SIGCONT');
  }
}
