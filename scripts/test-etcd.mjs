#!/usr/bin/env node
// Runs the vitest suite against another etcd: `npm run test:etcd -- 3.5 [vitest args…]`.
// The etcd binary comes from Debian's etcd-server package of the suite that ships that version,
// fetched once with `apt-get download` through a private sources list (nothing on the system
// changes) and unpacked into node_modules/.cache/etcd-<version>; the tests get it as ETCD_BIN.
// When the etcd on this machine already is that version, it is used as is.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';

// The Debian suite whose etcd-server package has each etcd version. Adding a version to the
// matrix is one line here, once a suite ships it (etcd 3.6 and 3.7 are not packaged yet).
const SUITES = {
  3.4: 'bookworm', // 3.4.23
  3.5: 'sid', // 3.5.30
};

const KEYRING = '/usr/share/keyrings/debian-archive-keyring.gpg';
const say = (msg) => process.stderr.write(`[etcdkit] ${msg}\n`);
const fail = (msg) => {
  say(msg);
  process.exit(2);
};

const [version, ...vitestArgs] = process.argv.slice(2);
if (!version || !Object.hasOwn(SUITES, version)) {
  fail(`usage: npm run test:etcd -- <${Object.keys(SUITES).join('|')}> [vitest args…]   e.g. npm run test:etcd -- 3.5`);
}

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const cache = join(root, 'node_modules', '.cache', `etcd-${version}`);

/** The version an etcd binary reports, e.g. '3.5.30'; undefined when it does not run. */
function versionOf(bin) {
  const run = spawnSync(bin, ['--version'], { encoding: 'utf8' });
  return /etcd Version: (\S+)/.exec(run.stdout ?? '')?.[1];
}

/** The etcd on this machine ($ETCD_BIN, the PATH, /usr/bin), when it is the wanted version. */
function systemEtcd() {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/bin', '/usr/local/bin'];
  const candidates = [process.env.ETCD_BIN, ...dirs.map((d) => join(d, 'etcd'))].filter(Boolean);
  return candidates.find((bin) => existsSync(bin) && versionOf(bin)?.startsWith(`${version}.`));
}

/** The Debian mirror this machine uses (deb822 or one-line sources), else deb.debian.org. */
function debianMirror() {
  const deb822 = '/etc/apt/sources.list.d/debian.sources';
  const text = [deb822, '/etc/apt/sources.list'].map((f) => (existsSync(f) ? readFileSync(f, 'utf8') : '')).join('\n');
  const uris = [...text.matchAll(/^(?:URIs:|deb(?:\s+\[[^\]]*\])?)\s+(\S+)/gm)].map((m) => m[1]);
  return uris.find((u) => /\/debian\/?$/.test(u)) ?? 'http://deb.debian.org/debian';
}

/** apt-get download of etcd-server and etcd-client from `suite`, unpacked into the cache. */
function fetchEtcd(suite) {
  if (spawnSync('sh', ['-c', 'command -v apt-get && command -v dpkg-deb'], { stdio: 'ignore' }).status !== 0) {
    fail('test:etcd fetches Debian packages: it needs apt-get and dpkg-deb (a Debian or Ubuntu machine)');
  }
  const work = join(root, 'node_modules', '.cache', `apt-${suite}`);
  const debs = join(work, 'debs');
  for (const dir of [join(work, 'lists', 'partial'), join(work, 'cache', 'archives', 'partial'), debs]) {
    mkdirSync(dir, { recursive: true });
  }
  const list = join(work, 'sources.list');
  writeFileSync(list, `deb [signed-by=${KEYRING}] ${debianMirror()} ${suite} main\n`);
  const apt = [
    ...['-o', `Dir::Etc::SourceList=${list}`, '-o', 'Dir::Etc::SourceParts=/dev/null'],
    ...['-o', `Dir::State::Lists=${join(work, 'lists')}`, '-o', `Dir::Cache=${join(work, 'cache')}`],
    // The private directories belong to whoever runs this; apt's sandbox user could not write them.
    ...['-o', 'APT::Sandbox::User=root', '-qq'],
  ];
  say(`fetching etcd ${version} (Debian ${suite}'s etcd-server, etcd-client) into ${cache}`);
  execFileSync('apt-get', [...apt, 'update'], { stdio: 'inherit' });
  for (const f of readdirSync(debs)) rmSync(join(debs, f));
  execFileSync('apt-get', [...apt, 'download', 'etcd-server', 'etcd-client'], { cwd: debs, stdio: 'inherit' });
  mkdirSync(cache, { recursive: true });
  for (const f of readdirSync(debs).filter((n) => n.endsWith('.deb'))) {
    execFileSync('dpkg-deb', ['-x', join(debs, f), cache], { stdio: 'inherit' });
  }
}

let bin = systemEtcd();
if (!bin) {
  bin = join(cache, 'usr', 'bin', 'etcd');
  if (!existsSync(bin)) fetchEtcd(SUITES[version]);
}
const found = versionOf(bin);
if (!found?.startsWith(`${version}.`)) {
  fail(`${bin} is etcd ${found ?? '(does not run)'}, not ${version}: remove ${cache} and run again`);
}
say(`testing on etcd ${found} (${bin})`);
const env = { ...process.env, ETCD_BIN: bin };
if (env.ETCD_ENDPOINTS) say('ignoring ETCD_ENDPOINTS: the matrix runs its own etcd');
delete env.ETCD_ENDPOINTS;
const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
process.exit(
  spawnSync(process.execPath, [vitest, 'run', ...vitestArgs], { cwd: root, env, stdio: 'inherit' }).status ?? 1,
);
