#!/usr/bin/env node
// Takes a headless Chromium screenshot of a page of the built docs site
// (default: the landing page) so its rendering can be checked by eye.
// Usage: node scripts/docs-screenshot.mjs [page.html] [out.png]   (after `npm run docs`)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const page = resolve('docs/api', process.argv[2] ?? 'index.html');
const out = resolve(process.argv[3] ?? 'docs/api/screenshot.png');
if (!existsSync(page)) {
  console.error(`${page} does not exist: run npm run docs first`);
  process.exit(1);
}
const browser = ['chromium', 'chromium-browser', 'google-chrome'].find(
  (b) => spawnSync('sh', ['-c', `command -v ${b}`], { stdio: 'ignore' }).status === 0,
);
if (!browser) {
  console.error('no Chromium found (Debian: apt-get install chromium)');
  process.exit(1);
}
const profile = mkdtempSync(join(tmpdir(), 'etcdkit-shot-'));
const flags = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run'];
flags.push('--disable-background-networking', '--disable-component-update', '--disable-sync');
// The site shows its pages once its script has run: give it virtual time to do so.
flags.push(`--user-data-dir=${profile}`, '--window-size=1280,1000', '--virtual-time-budget=5000');
const res = spawnSync(browser, [...flags, `--screenshot=${out}`, `file://${page}`], {
  stdio: 'ignore',
  timeout: 60_000,
});
rmSync(profile, { recursive: true, force: true });
if (res.status !== 0 || !existsSync(out)) {
  console.error(`${browser} failed (exit ${res.status})`);
  process.exit(1);
}
console.log(`screenshot of ${page} written to ${out}`);
