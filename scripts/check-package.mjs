#!/usr/bin/env node
// Packs the package as npm would publish it (prepack builds dist/), then checks the tarball itself:
// publint for package.json mistakes, attw for the ESM/CJS/types exports as each resolver sees them
// (node10, node16 from CJS, node16 from ESM, bundler).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'etcdkit-pack-'));
const run = (cmd, args) => execFileSync(cmd, args, { stdio: 'inherit' });
try {
  run('npm', ['pack', '--silent', '--pack-destination', dir]);
  const tarball = join(
    dir,
    readdirSync(dir).find((f) => f.endsWith('.tgz')),
  );
  run('npx', ['--no-install', 'publint', 'run', '--strict', tarball]);
  run('npx', ['--no-install', 'attw', '--format', 'table-flipped', tarball]);
} catch (err) {
  process.exitCode = typeof err.status === 'number' ? err.status : 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
