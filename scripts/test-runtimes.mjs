#!/usr/bin/env node
// The runtime conformance suite: `npm run test:runtimes [-- node bun deno]`.
// Packs etcdkit (`npm pack`, which builds it), installs the tarball into a scratch project in a temp dir as a user
// would, and runs test/runtimes/conformance.mjs there under each runtime. Prints one line per check per runtime,
// the time each runtime took, and "N passed, N failed"; exits non-zero on any failure.
//
// Bun and Deno come from the npm registry (packages `bun` and `deno`, pinned below), installed once into
// node_modules/.cache/runtimes rather than as devDependencies: they weigh ~100 MB each and only this suite needs
// them, so `npm ci` stays fast for everyone else.
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

const PINNED = { bun: '1.4.5', deno: '2.9.6' };
const RUNTIME_TIMEOUT_MS = 10 * 60_000;

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const cache = join(root, 'node_modules', '.cache', 'runtimes');
const wanted = process.argv.slice(2);
const runtimes = wanted.length > 0 ? wanted : ['node', 'bun', 'deno'];
for (const name of runtimes) {
  if (!['node', 'bun', 'deno'].includes(name)) {
    console.error(`usage: npm run test:runtimes [-- node bun deno]   (unknown runtime: ${name})`);
    process.exit(2);
  }
}

const quiet = { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' };
const log = (line) => console.error(`[etcdkit] ${line}`);

/** Installs the pinned Bun and Deno into the cache (once). Bun's postinstall puts its binary in place. */
function fetchRuntimes() {
  const manifest = JSON.stringify({
    private: true,
    dependencies: PINNED,
    // Bun's bin is a stub until its postinstall copies the native binary over it; Deno's launcher finds its
    // binary without its postinstall (which only saves a process hop).
    allowScripts: { [`bun@${PINNED.bun}`]: true, deno: false },
  });
  const manifestPath = join(cache, 'package.json');
  const bins = ['bun', 'deno'].map((name) => join(cache, 'node_modules', '.bin', name));
  if (existsSync(manifestPath) && readFileSync(manifestPath, 'utf8') === manifest && bins.every(existsSync)) return;
  log(`fetching bun@${PINNED.bun} and deno@${PINNED.deno} into ${cache}`);
  mkdirSync(cache, { recursive: true });
  writeFileSync(manifestPath, manifest);
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock'], { ...quiet, cwd: cache });
}

function build() {
  // tsup's output is shown only if it fails.
  try {
    execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'pipe' });
  } catch (err) {
    process.stderr.write(`${err.stdout ?? ''}${err.stderr ?? ''}`);
    throw err;
  }
}

/** Packs the built etcdkit and installs the tarball into `dir`, a fresh scratch project. */
function installInto(dir) {
  log(`packing etcdkit and installing it into ${dir}`);
  // Without prepack (the build ran above), so stdout is only npm's JSON.
  const pack = ['pack', '--json', '--ignore-scripts', '--pack-destination', dir];
  const [packed] = JSON.parse(execFileSync('npm', pack, { ...quiet, cwd: root }));
  const manifest = {
    name: 'etcdkit-conformance',
    private: true,
    type: 'module',
    // protobufjs' postinstall only prints a version-scheme hint; nothing the runtime needs.
    allowScripts: { protobufjs: false },
  };
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', join(dir, packed.filename)], { ...quiet, cwd: dir });
  copyFileSync(join(root, 'test', 'runtimes', 'conformance.mjs'), join(dir, 'conformance.mjs'));
}

function command(runtime) {
  if (runtime === 'node') return [process.execPath, ['conformance.mjs']];
  const bin = join(cache, 'node_modules', '.bin', runtime);
  return runtime === 'bun' ? [bin, ['conformance.mjs']] : [bin, ['run', '-A', 'conformance.mjs']];
}

function version(runtime) {
  const [bin] = command(runtime);
  const out = execFileSync(bin, ['--version'], quiet).trim();
  return out.split('\n')[0];
}

/** One result line: runtime, check, ok/FAIL, time, and why it failed. */
function report(results, runtime, name, ok, ms, detail = '') {
  results.set(name, ok);
  const time = ms === undefined ? '' : `${ms.padStart(6)} ms`;
  console.log(
    `${runtime.padEnd(5)} ${name.padEnd(13)} ${ok ? 'ok  ' : 'FAIL'} ${time.padEnd(9)}${detail && `  ${detail}`}`,
  );
}

function spawnOn(runtime, dir) {
  const [bin, args] = command(runtime);
  const env = { ...process.env, NO_COLOR: '1' };
  // The suite restarts its own etcd, so it never uses one given from outside.
  delete env.ETCD_ENDPOINTS;
  delete env.ETCDKIT_HARNESS;
  const child = spawn(bin, args, { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const timer = setTimeout(() => child.kill('SIGKILL'), RUNTIME_TIMEOUT_MS);
  const exit = new Promise((done) => child.once('close', (c, signal) => done(c ?? signal))).finally(() =>
    clearTimeout(timer),
  );
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  return { lines: createInterface({ input: child.stdout }), exit, stderr: () => stderr.trim().split('\n').slice(-5) };
}

/** Runs the conformance program under one runtime; prints and returns its results. */
async function runOn(runtime, dir) {
  const started = performance.now();
  const child = spawnOn(runtime, dir);
  let plan = [];
  const results = new Map();
  for await (const line of child.lines) {
    const [kind, name, ms, ...reason] = line.split(' ');
    if (kind === 'plan') plan = line.split(' ').slice(1);
    if (kind === 'ok' || kind === 'fail') report(results, runtime, name, kind === 'ok', ms, reason.join(' '));
  }
  const code = await child.exit;
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const missing = plan.length === 0 ? ['start'] : plan.filter((n) => !results.has(n));
  for (const name of missing) report(results, runtime, name, false, undefined, `did not run (exit ${code})`);
  if (code !== 0) console.log(`${runtime.padEnd(5)} exit ${code}: ${child.stderr().join(' | ')}`);
  return { results, seconds };
}

if (runtimes.some((r) => r !== 'node')) fetchRuntimes();
build();
const dir = mkdtempSync(join(tmpdir(), 'etcdkit-runtimes-'));
let passed = 0;
let failed = 0;
const times = [];
try {
  installInto(dir);
  for (const runtime of runtimes) {
    log(`${runtime}: ${version(runtime)}`);
    const { results, seconds } = await runOn(runtime, dir);
    for (const ok of results.values()) ok ? passed++ : failed++;
    times.push(`${runtime} ${seconds} s`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(`time per runtime: ${times.join(', ')}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
