import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import type { EtcdKitError } from '../../index.js';
import { wholeNumber } from '../format.js';
import type { Output } from '../output.js';
import { UsageError, type Command, type Context } from '../types.js';

/** Exit code of a child that died of a signal, as shells report it. */
const SIGNAL_CODES: Readonly<Record<string, number>> = { SIGHUP: 129, SIGINT: 130, SIGKILL: 137, SIGTERM: 143 };

/**
 * Copies a child's output byte for byte (never decoded: a character split
 * between two chunks must not become U+FFFD), pausing the child while our
 * stream is full so a fast writer cannot fill memory.
 */
function relay(from: Readable, to: Output): void {
  from.on('data', (chunk: Buffer) => {
    from.pause();
    const resume = () => from.resume();
    void to.passThrough(chunk).then(resume, resume);
  });
}

/**
 * Runs `command` with its output relayed to ours, until it exits or the lock
 * is lost (then it is stopped and the loss is the error).
 */
function runHolding(
  ctx: Context,
  command: readonly string[],
  env: Record<string, string>,
  lost: Promise<EtcdKitError>,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command[0]!, command.slice(1), {
      cwd: ctx.cwd,
      env: { ...process.env, ...ctx.env, ...env },
      stdio: ['inherit', 'pipe', 'pipe'],
    });
    let loss: EtcdKitError | undefined;
    const stop = () => child.kill('SIGTERM');
    ctx.signal.addEventListener('abort', stop, { once: true });
    void lost.then((err) => {
      loss = err;
      stop();
    });
    relay(child.stdout, ctx.out);
    relay(child.stderr, ctx.err);
    child.on('error', (err) => reject(new Error(`cannot run ${command[0]}: ${err.message}`)));
    child.on('close', (code, signal) => {
      ctx.signal.removeEventListener('abort', stop);
      if (loss) reject(loss);
      else resolve(code ?? SIGNAL_CODES[signal ?? ''] ?? 1);
    });
  });
}

/** `lock <name> -- <command>`: runs a command while holding a distributed lock. */
export const lock: Command = {
  name: 'lock',
  usage: '<name> -- <command> [args...]',
  summary: 'run command while holding the lock name (same keys as etcdctl lock); exits with its exit code',
  args: [2, Infinity],
  options: {
    ttl: {
      type: 'string',
      value: 'S',
      description: 'session TTL: the lock frees itself this many seconds after etcdkit dies (default 10)',
    },
    wait: { type: 'string', value: 'MS', description: 'give up with TIMEOUT when the lock is not acquired within MS' },
  },
  async run(ctx) {
    const [name, ...command] = ctx.args;
    if (ctx.rest.length === 0 || command.length !== ctx.rest.length) {
      throw new UsageError('lock takes one name, then -- and the command to run: etcdkit lock <name> -- <command>');
    }
    const ttl = wholeNumber('--ttl', ctx.flags.ttl) ?? 10;
    await using mutex = ctx.client.newLock(name!, { ttl });
    await mutex.lock({ signal: ctx.signal, timeoutMs: wholeNumber('--wait', ctx.flags.wait) });
    const token = String(mutex.fencingToken);
    if (ctx.err.tty && !ctx.out.json)
      await ctx.err.line(ctx.err.paint('dim', `holding ${name} (fencing token ${token})`));
    const code = await runHolding(ctx, command, { ETCDKIT_LOCK_NAME: name!, ETCDKIT_FENCING_TOKEN: token }, mutex.lost);
    await mutex.unlock();
    return code;
  },
};
