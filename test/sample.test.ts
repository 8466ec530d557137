import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { connect, endpoints, testConfig, uniquePrefix } from './helpers.js';
import { runTs } from './process.js';

/** The reference tour output (seed 003, "Expected Output"), all sections. */
const EXPECTED = readFileSync(new URL('./fixtures/tour-expected.txt', import.meta.url), 'utf8');

interface Block {
  title: string;
  lines: string[];
}

/** Splits tour output into its blank-line separated blocks: header, sections, closing line. */
function blocks(text: string): Block[] {
  return text
    .trimEnd()
    .split(/\n\s*\n/)
    .map((b) => b.split('\n'))
    .map((lines) => ({ title: lines[0]!, lines }));
}

/** Lines whose content differs from run to run, written as patterns. */
const VARIABLE: ReadonlyArray<readonly [RegExp, string]> = [
  [/^Connected to etcd at \[.+\]$/, 'Connected to etcd at [<endpoints>]'],
  // --fast shortens the lease demo: its TTL and wait differ from the reference's 5 s and 6 s.
  [/^Created lease with ID: [0-9a-f]+ \(TTL: \d+s\)$/, 'Created lease with ID: <id> (TTL: <n>s)'],
  [/^Waiting \d+ seconds for lease to expire\.\.\.$/, 'Waiting <n> seconds for lease to expire...'],
];
const normalise = (line: string) => VARIABLE.reduce((l, [re, to]) => l.replace(re, to), line);

const runTour = (args: string[], env: Record<string, string | undefined>) => runTs('samples/tour.ts', args, env);

/** Checks every block of `actual` against the block of the reference with the same title. */
function checkAgainstReference(actual: Block[]): string[] {
  const expected = blocks(EXPECTED);
  const titles = expected.map((b) => b.title);
  let last = -1;
  for (const block of actual) {
    const i = titles.indexOf(block.title);
    expect(i, `unexpected block '${block.title}'`).toBeGreaterThanOrEqual(0);
    expect(i, `'${block.title}' out of order`).toBeGreaterThan(last);
    last = i;
    expect(block.lines.map(normalise), block.title).toEqual(expected[i]!.lines.map(normalise));
  }
  return actual.map((b) => b.title);
}

describe('the sample tour', () => {
  it('prints the reference output, section by section (shared etcd, own namespace, --fast)', async () => {
    const namespace = uniquePrefix('tour');
    const res = await runTour(['--fast', '--namespace', namespace], { ETCD_ENDPOINTS: endpoints().join(',') });
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const titles = checkAgainstReference(blocks(res.stdout));
    // Every section of the reference, in its order, from the header to the closing line.
    expect(titles).toEqual(blocks(EXPECTED).map((b) => b.title));
    expect(res.stdout).toContain(
      `Connected to etcd at [${endpoints()
        .map((e) => e.replace('http://', ''))
        .join(' ')}]`,
    );
    const client = await connect(testConfig().withNamespace(namespace));
    expect(await client.count('', { all: true }), 'keys left behind').toBe(0);
    await client.close();
  });

  it('starts and removes a throwaway etcd when no endpoint is given; --only picks demos', async () => {
    const res = await runTour(['--fast', '--only', 'basic'], { ETCD_ENDPOINTS: undefined });
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toMatch(/^\(started a throwaway etcd at http:\/\/127\.0\.0\.1:\d+/);
    const titles = checkAgainstReference(blocks(res.stdout));
    expect(titles).toEqual([
      'etcd Provider Sample Application',
      'Basic Operations Demo',
      'All samples completed successfully!',
    ]);
  });

  it('--help lists the options and demos; an unknown demo is refused', async () => {
    const [help, bad] = await Promise.all([runTour(['--help'], {}), runTour(['--only', 'basic,nope'], {})]);
    expect(help.code).toBe(0);
    for (const word of [
      '--endpoints',
      '--only',
      '--fast',
      'basic',
      'prefix',
      'watch',
      'lease',
      'lock',
      'transaction',
      'encryption',
    ])
      expect(help.stdout).toContain(word);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown demo nope');
  });

  it('key rotation sample: rewrites under the new key, then the old key alone cannot read', async () => {
    const res = await runTs('samples/key-rotation.ts', [], { ETCD_ENDPOINTS: endpoints().join(',') });
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain('re-encrypted under k2: 2 of 2 keys');
    expect(res.stdout).toContain('db-password with k2 only: s3cret');
    expect(res.stdout).toContain('k1 alone fails as it should: DECRYPT_FAILED');
  });

  it('config watch, service discovery and leader election samples print what they demonstrate', async () => {
    const env = { ETCD_ENDPOINTS: endpoints().join(',') };
    const [config, discovery, election] = await Promise.all([
      runTs('samples/config-watch.ts', [], env),
      runTs('samples/service-discovery.ts', [], env),
      runTs('samples/leader-election.ts', [], env),
    ]);
    expect(config.code, config.stderr).toBe(0);
    expect(config.stdout).toBe(
      [
        '/sample/config/app/max-conn = 100',
        '/sample/config/app/timeout = 30',
        'Config changed: /sample/config/app/timeout = 45',
        'Config changed: /sample/config/app/max-conn = (deleted)',
        'timeout is now 45',
        '',
      ].join('\n'),
    );
    expect(discovery.code, discovery.stderr).toBe(0);
    expect(discovery.stdout).toContain('after 3 s: 2 instances');
    expect(discovery.stdout).toContain('after node2 stopped renewing: /sample/services/api-server/node1\n');
    expect(discovery.stdout).toContain('after node1 shut down: 0 instances');
    expect(election.code, election.stderr).toBe(0);
    expect(election.stdout).toBe('leader: node-a\nnode-a resigns\nnode-b is now the leader\nleader: node-b\n');
  });
});
