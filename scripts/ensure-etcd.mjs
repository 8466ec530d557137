#!/usr/bin/env node
// Makes sure the tests and the sample can run an etcd: ETCD_ENDPOINTS, an etcd
// binary, or (failing both) Debian's etcd-server package installed with apt.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

const say = (msg) => process.stderr.write(`[etcdkit] ${msg}\n`);

function hasEtcd() {
  if (process.env.ETCD_BIN) return existsSync(process.env.ETCD_BIN);
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/bin', '/usr/local/bin'];
  return dirs.some((d) => existsSync(join(d, 'etcd')));
}

function canRun(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

function aptInstall() {
  const root = process.getuid?.() === 0;
  const sudo = !root && canRun('sudo') && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0;
  if (!canRun('apt-get') || (!root && !sudo)) return false;
  const prefix = root ? [] : ['sudo', '-n'];
  const run = (args) => {
    const [cmd, ...rest] = [...prefix, ...args];
    execFileSync(cmd, rest, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  };
  say('no etcd found: installing Debian packages etcd-server and etcd-client with apt');
  try {
    run(['apt-get', 'update', '-qq']);
    run(['apt-get', 'install', '-y', '-qq', 'etcd-server', 'etcd-client']);
    return hasEtcd();
  } catch (err) {
    say(`apt-get failed: ${err.message}`);
    return false;
  }
}

if (process.env.ETCD_ENDPOINTS) {
  say(`using ETCD_ENDPOINTS=${process.env.ETCD_ENDPOINTS}`);
} else if (!hasEtcd() && !aptInstall()) {
  say('cannot find or install etcd. Install it and run again, e.g.:');
  say('  sudo apt-get install etcd-server etcd-client      (Debian/Ubuntu)');
  say('or set ETCD_BIN=/path/to/etcd, or ETCD_ENDPOINTS=host:2379 for an existing etcd.');
  process.exit(1);
}
