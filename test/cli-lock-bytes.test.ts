import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../src/cli/run.js';
import { endpoints, sleep, uniquePrefix } from './helpers.js';
import { Capture } from './process.js';

// `etcdkit lock -- cmd` relays the command's output: byte for byte, and at
// the pace the reader takes it.

let dir: string;
const ns = uniquePrefix('cli-lock-bytes');
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'etcdkit-lock-bytes-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Keeps every byte written; while `held`, takes nothing (as a reader that stopped reading). */
class Bytes extends Writable {
  readonly chunks: Buffer[] = [];
  #held: (() => void) | undefined;
  #release: (() => void) | undefined;
  constructor(hold = false) {
    super({ highWaterMark: 16 * 1024 });
    if (hold) this.#held = () => undefined;
  }
  get bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
  release(): void {
    this.#held = undefined;
    this.#release?.();
  }
  override _write(chunk: Buffer, _enc: string, done: () => void): void {
    this.chunks.push(Buffer.from(chunk));
    if (this.#held) this.#release = done;
    else done();
  }
}

/** A node child that writes `file` to stdout (and a marker file once its write is done). */
function catFile(file: string, marker: string): string[] {
  const script = `const fs=require('fs');process.stdout.write(fs.readFileSync(${JSON.stringify(file)}),()=>fs.writeFileSync(${JSON.stringify(marker)},''))`;
  return [process.execPath, '-e', script];
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('lock -- command', () => {
  it('passes 3,000,000 random bytes and 6 MB of multi-byte characters through untouched', async () => {
    const random = randomBytes(3_000_000);
    // `€` is three bytes: with pipe chunks of 64 KiB, many straddle a boundary.
    const euros = Buffer.from('€'.repeat(2_000_000) + 'é'.repeat(1000));
    for (const [name, data] of [
      ['random', random],
      ['euros', euros],
    ] as const) {
      const file = join(dir, name);
      await writeFile(file, data);
      const stdout = new Bytes();
      const stderr = new Capture();
      const args = ['--namespace', ns, 'lock', `/bytes/${name}`, '--', ...catFile(file, `${file}.done`)];
      const code = await run(args, { stdout, stderr, env: { ETCD_ENDPOINTS: endpoints().join(',') } });
      expect(code, stderr.text).toBe(0);
      expect(stdout.bytes.length).toBe(data.length);
      expect(sha(stdout.bytes)).toBe(sha(data));
    }
  });

  it('stops reading the command while stdout is full, then relays everything', async () => {
    const data = randomBytes(8 * 1024 * 1024);
    const file = join(dir, 'slow');
    const marker = `${file}.done`;
    await writeFile(file, data);
    const stdout = new Bytes(true);
    const stderr = new Capture();
    const args = ['--namespace', ns, 'lock', '/bytes/slow', '--', ...catFile(file, marker)];
    const running = run(args, { stdout, stderr, env: { ETCD_ENDPOINTS: endpoints().join(',') } });
    for (let i = 0; i < 600 && stdout.chunks.length === 0; i++) await sleep(50);
    expect(stdout.chunks.length).toBeGreaterThan(0);
    // The reader takes nothing more: 8 MiB cannot fit in the pipe and our
    // buffers, so the command cannot have finished writing (it could if
    // etcdkit kept reading into memory).
    await sleep(1500);
    expect(existsSync(marker)).toBe(false);
    stdout.release();
    expect(await running, stderr.text).toBe(0);
    expect(existsSync(marker)).toBe(true);
    expect(sha(stdout.bytes)).toBe(sha(data));
  });
});
