import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEtcd, type EtcdHandle } from '../src/testing/index.js';
import {
  type BlockFile,
  blockFile,
  blocksOf,
  type DocBlock,
  exportedNames,
  markdownFiles,
} from './support/doc-blocks.js';
import { runTs } from './process.js';

// Every TypeScript block of the README and the guides is type-checked against this checkout's sources, all in
// one compiler run, and the blocks marked `run` run against a throwaway etcd. The conventions (fragments, the
// names they may use, the markers) are in test/support/doc-blocks.ts.

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIR = join(ROOT, '.tmp', `doc-blocks-${randomBytes(4).toString('hex')}`);
const SRC = join(ROOT, 'src/index.ts');
const CONTEXT = join(ROOT, 'test/support/doc-context.ts');

const files = await markdownFiles(ROOT);
const blocks = (await Promise.all(files.map((f) => blocksOf(ROOT, f)))).flat();
const name = (b: DocBlock) => `${b.file}:${b.line}`;

/** The package's import specifiers pointed at the sources, for a block that runs. */
const fromSources = (code: string) =>
  code
    .replaceAll("from 'etcdkit/testing'", `from '${join(ROOT, 'src/testing/index.js')}'`)
    .replaceAll("from 'etcdkit'", `from '${join(ROOT, 'src/index.js')}'`);

// `await call(); // true` (or a number or 'text'): the comment says what the call returns.
const CLAIM = /^(\s*)(?:const (\w+) = )?(await [^;]+);\s*\/\/\s*(true|false|-?\d+|'[^']*')(?=$|[\s,;.:])/;

/** The code with every result its comments claim checked when it runs. */
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

/** The compiler's messages, each pointed at the Markdown line it is about. */
function onMarkdown(output: string, generated: ReadonlyMap<string, { block: DocBlock; file: BlockFile }>): string {
  return output.replace(/^(?:.*[\\/])?([\w.-]+\.ts)\((\d+),(\d+)\)/gm, (whole, file: string, line: string) => {
    const g = generated.get(file);
    if (!g) return whole;
    const md = g.file.mdLine[Number(line) - 1];
    return md === undefined ? `${name(g.block)} (added line ${line})` : `${g.block.file}:${md}`;
  });
}

let etcd: EtcdHandle;

beforeAll(async () => {
  await mkdir(DIR, { recursive: true });
  etcd = await startEtcd();
}, 120_000);

afterAll(async () => {
  await etcd?.stop();
  await rm(DIR, { recursive: true, force: true });
});

describe('documentation code blocks', () => {
  it('are found in the README and the guides, with the first programs marked to run', () => {
    const runs = blocks.filter((b) => b.run).map((b) => b.file);
    expect(runs).toContain('README.md');
    expect(runs).toContain('docs/getting-started.md');
    expect(blocks.length).toBeGreaterThan(50);
  });

  it('all type-check against the sources, in one compiler run', async () => {
    const scope = new Map([
      ['etcdkit', await exportedNames(SRC)],
      [CONTEXT.replace(/\.ts$/, '.js'), await exportedNames(CONTEXT)],
    ]);
    const generated = new Map<string, { block: DocBlock; file: BlockFile }>();
    for (const block of blocks.filter((b) => b.skip === undefined)) {
      const file = blockFile(block, scope);
      const fileName = `${block.file.replace(/[/.]/g, '-')}-${block.line}.ts`;
      generated.set(fileName, { block, file });
      await writeFile(join(DIR, fileName), file.text);
    }
    // Fragments import type and value names alike, so imports need not say which is which here.
    const src = (p: string) => [join('..', '..', p)];
    const tsconfig = {
      extends: '../../tsconfig.json',
      compilerOptions: {
        verbatimModuleSyntax: false,
        paths: {
          etcdkit: src('src/index.ts'),
          'etcdkit/testing': src('src/testing/index.ts'),
          'etcdkit/opentelemetry': src('src/opentelemetry/index.ts'),
        },
      },
      include: ['*.ts'],
    };
    await writeFile(join(DIR, 'tsconfig.json'), JSON.stringify(tsconfig));
    const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
    const checked = await run(process.execPath, [tsc, '-p', join(DIR, 'tsconfig.json')], { timeout: 240_000 }).catch(
      (err: { stdout?: string }) => ({ stdout: err.stdout ?? String(err) }),
    );
    expect(onMarkdown(checked.stdout, generated)).toBe('');
  }, 260_000);

  it('README links to every guide', async () => {
    const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
    const unlinked = files.filter((f) => f.startsWith('docs/') && !readme.includes(`](${f})`));
    expect(unlinked).toEqual([]);
  });

  it("README's contributor commands are what CI runs: the install and every test command, in order", async () => {
    const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
    const contributing = readme.slice(readme.indexOf('\n## Contributing\n'));
    const shown = /```sh\n([\s\S]*?)\n```/.exec(contributing)?.[1] ?? '';
    const commands = shown
      .split('\n')
      .flatMap((line) => line.replace(/#.*/, '').split('&&'))
      .map((c) => c.trim())
      .filter(Boolean);
    const ci = (await readFile(join(ROOT, '.ci/run'), 'utf8'))
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !/^(#|set |cd )/.test(line));
    // CI installs quietly; the sample is for a person to read, not a test.
    expect(ci.map((c) => c.replace(' --no-audit --no-fund', ''))).toEqual(
      commands.filter((c) => c !== 'npm run sample'),
    );
  });

  for (const block of blocks.filter((b) => b.run)) {
    it(`${name(block)} runs top to bottom against etcd`, async () => {
      const target = etcd.endpoints[0]!;
      const code = checkingClaims(block.code.replaceAll("'localhost:2379'", JSON.stringify(target)));
      const namespace = `/docs-${randomBytes(4).toString('hex')}/`;
      // A fragment is given a client of that etcd, under a namespace of its own, and nothing else.
      const program = block.complete
        ? fromSources(code)
        : blockFile(
            { ...block, code: fromSources(code) },
            new Map([[SRC, await exportedNames(SRC, { values: true })]]),
            [
              `const client = await Client.connect(Config.fromEnv().withNamespace('${namespace}'));`,
              'try { await block(); } finally { await client.close(); }',
            ],
          ).text;
      const file = join(DIR, `run-${basename(block.file, '.md')}-${block.line}.ts`);
      await writeFile(file, program);
      const result = await runTs(file, [], { ETCD_ENDPOINTS: etcd.endpoints.join(',') });
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
    }, 180_000);
  }
});

/** The first fenced block in `lang` after the line `heading` of `file`. */
async function snippet(file: string, heading: string, lang: string): Promise<string> {
  const text = await readFile(join(ROOT, file), 'utf8');
  const at = text.indexOf(`\n${heading}\n`);
  if (at < 0) throw new Error(`${file}: no heading ${JSON.stringify(heading)}`);
  const block = new RegExp(`\`\`\`${lang}\\n([\\s\\S]*?)\\n\`\`\``).exec(text.slice(at));
  if (!block) throw new Error(`${file}: no ${lang} block after ${JSON.stringify(heading)}`);
  return block[1]!;
}

describe('getting-started settings', () => {
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
