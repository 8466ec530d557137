import { execFile } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEtcd, type EtcdHandle } from '../src/testing/index.js';
import { runTs } from './process.js';

// The snippets a new user pastes first: README's tour and testing snippet,
// key-value.md's "Reading the past" and getting-started.md's first program.
// Each is type-checked under the project's strict settings and run against a
// throwaway etcd, with only 'etcdkit' pointed at this checkout's sources.

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIR = join(ROOT, '.tmp', `snippets-${randomBytes(4).toString('hex')}`);

/** The first fenced block in `lang` after the line `heading` of `file`. */
async function snippet(file: string, heading: string, lang = 'ts'): Promise<string> {
  const text = await readFile(join(ROOT, file), 'utf8');
  const at = text.indexOf(`\n${heading}\n`);
  if (at < 0) throw new Error(`${file}: no heading ${JSON.stringify(heading)}`);
  const block = new RegExp(`\`\`\`${lang}\\n([\\s\\S]*?)\\n\`\`\``).exec(text.slice(at));
  if (!block) throw new Error(`${file}: no ${lang} block after ${JSON.stringify(heading)}`);
  return block[1]!;
}

/** The snippet with the package's import specifiers pointed at the sources. */
const fromSources = (code: string) =>
  code
    .replaceAll("from 'etcdkit/testing'", `from '${join(ROOT, 'src/testing/index.js')}'`)
    .replaceAll("from 'etcdkit'", `from '${join(ROOT, 'src/index.js')}'`);

/** A snippet that uses a `client` it does not create, given one (of ETCD_ENDPOINTS). */
const withClient = (code: string) =>
  `import { Client, Config } from 'etcdkit';\n` +
  `const client = await Client.connect(Config.fromEnv().withNamespace('/docs-${randomBytes(4).toString('hex')}/'));\n` +
  `${code}\nawait client.close();\n`;

// `await call(); // true` (or a number or 'text'): the comment says what the call returns.
const CLAIM = /^(\s*)(?:const (\w+) = )?(await [^;]+);\s*\/\/\s*(true|false|-?\d+|'[^']*')(?=$|[\s,;.])/;

/** The snippet with every result its comments claim checked when it runs. */
function checkingClaims(code: string): string {
  const lines = code.split('\n').map((line, i) => {
    const m = CLAIM.exec(line);
    if (!m) return line;
    const [, indent, name, call, claimed] = m;
    const v = name ?? `claimed${i}`;
    return `${indent}const ${v} = ${call}; claim(${v}, ${claimed}, ${JSON.stringify(line.trim())});`;
  });
  const claim =
    'function claim(got: unknown, want: unknown, line: string) {\n' +
    "  if (JSON.stringify(got) !== JSON.stringify(want)) throw new Error([line, 'returned ' + JSON.stringify(got)].join('\\n  '));\n" +
    '}\n';
  return `${lines.join('\n')}\n${claim}`;
}

interface Snippet {
  readonly name: string;
  readonly code: string;
}

let snippets: Snippet[];
let etcd: EtcdHandle;

beforeAll(async () => {
  snippets = [
    { name: 'readme-tour', code: await snippet('README.md', '## A tour of the API') },
    {
      name: 'readme-testing',
      code: await snippet('README.md', '### A throwaway etcd for your tests: `etcdkit/testing`'),
    },
    { name: 'kv-past', code: withClient(await snippet('docs/key-value.md', '### Reading the past')) },
    { name: 'getting-started', code: await snippet('docs/getting-started.md', '## 3. Connect, write, read') },
  ];
  await mkdir(DIR, { recursive: true });
  for (const s of snippets) await writeFile(join(DIR, `${s.name}.ts`), fromSources(s.code));
  etcd = await startEtcd();
}, 120_000);

afterAll(async () => {
  await etcd?.stop();
  await rm(DIR, { recursive: true, force: true });
});

describe('documentation snippets', () => {
  it('type-check under strict', async () => {
    const tsconfig = { extends: '../../tsconfig.json', include: ['*.ts'] };
    await writeFile(join(DIR, 'tsconfig.json'), JSON.stringify(tsconfig));
    const checked = await run('npx', ['tsc', '-p', join(DIR, 'tsconfig.json')], { timeout: 240_000 }).catch(
      (err: { stdout?: string }) => ({ stdout: err.stdout ?? String(err) }),
    );
    expect(checked.stdout).toBe('');
  }, 260_000);

  for (const name of ['readme-tour', 'kv-past', 'getting-started']) {
    it(`${name} runs top to bottom against etcd`, async () => {
      const code = snippets.find((s) => s.name === name)!.code;
      // getting-started connects to localhost:2379 as written: pointed at the throwaway etcd.
      const file = join(DIR, `${name}.ts`);
      const runnable =
        name === 'getting-started' ? code.replace("'localhost:2379'", JSON.stringify(etcd.endpoints[0])) : code;
      await writeFile(file, fromSources(checkingClaims(runnable)));
      const result = await runTs(file, [], { ETCD_ENDPOINTS: etcd.endpoints.join(',') });
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
    }, 120_000);
  }

  it('readme-testing runs: a 3-member cluster loses its leader, gets it back, and a learner joins', async () => {
    const result = await runTs(join(DIR, 'readme-testing.ts'), []);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  }, 180_000);

  // A class with [Symbol.asyncDispose], as Client, Watch and Lease have, used with `await using`.
  const DISPOSING = `class Handle {
  closed = false;
  async [Symbol.asyncDispose]() { this.closed = true; }
}
let seen: Handle | undefined;
{
  await using handle = new Handle();
  seen = handle;
}
console.log(seen.closed ? 'closed' : 'open');
export {};
`;

  /** Compiles DISPOSING with `options` and runs it on this Node. */
  async function compileAndRun(name: string, options: { target: string; lib?: string[] }) {
    const dir = join(DIR, name);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'package.json'), '{"type":"module"}');
    await writeFile(join(dir, 'main.ts'), DISPOSING);
    const tsconfig = {
      compilerOptions: { ...options, module: 'nodenext', strict: true, types: ['node'], skipLibCheck: true },
      files: ['main.ts'],
    };
    await writeFile(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig));
    await run('npx', ['tsc', '-p', join(dir, 'tsconfig.json')], { timeout: 120_000 });
    return run(process.execPath, [join(dir, 'main.js')]).catch((err: { stderr?: string }) => ({
      stdout: '',
      stderr: err.stderr ?? String(err),
    }));
  }

  it("getting-started's settings for Node 20 compile `await using` into code this Node runs", async () => {
    const settings = JSON.parse(await snippet('docs/getting-started.md', '### Node 20 and `await using`', 'json')) as {
      compilerOptions: { target: string; lib: string[] };
    };
    expect(settings.compilerOptions.target.toLowerCase()).not.toBe('esnext');
    const ran = await compileAndRun('node20-settings', settings.compilerOptions);
    expect(ran.stdout.trim()).toBe('closed');
    if (process.versions.node.startsWith('20.')) {
      // What `tsc --init` gives (target esnext) is what Node 20 cannot parse.
      const raw = await compileAndRun('esnext', { target: 'esnext' });
      expect(raw.stderr).toMatch(/SyntaxError/);
    }
  }, 240_000);
});
