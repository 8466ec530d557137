import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

// The API site builds from src/index.ts with every warning an error
// (undocumented exports, broken links, unexported types in the public API).
describe('docs site', () => {
  it('typedoc validates the public API and guides with no warning', async () => {
    const { stdout, stderr } = await run('npx', ['--no-install', 'typedoc', '--emit', 'none'], { timeout: 180_000 });
    const output = `${stdout}\n${stderr}`;
    expect(output).not.toMatch(/\[warning\]|\[error\]/);
  }, 200_000);
});
