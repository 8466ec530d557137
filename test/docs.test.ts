import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

// The API site builds from src/index.ts with every warning an error
// (undocumented exports, broken links, unexported types in the public API).
// It runs the README's own command, `npm run docs`, rendering for real:
// `--emit none` skips highlighting, so a code block in a language typedoc
// cannot highlight passed here yet failed the README's command. The output
// goes to a temporary directory so the working tree stays clean.
describe('docs site', () => {
  it('`npm run docs` builds the site with no warning', async () => {
    const out = await mkdtemp(join(tmpdir(), 'etcdkit-docs-'));
    try {
      const { stdout, stderr } = await run('npm', ['run', 'docs', '--', '--out', out], { timeout: 240_000 });
      const output = `${stdout}\n${stderr}`;
      expect(output).not.toMatch(/\[warning\]|\[error\]/);
      expect(await readdir(out)).toContain('index.html');
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  }, 260_000);
});
