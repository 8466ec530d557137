import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/index.js';
import { Config } from './config.js';
import { DEFAULTS } from './defaults.js';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('Config', () => {
  it('starts from the documented defaults', () => {
    const c = Config.defaults();
    expect(c.endpoints).toEqual(['http://localhost:2379']);
    expect([c.timeoutMs, c.dialTimeoutMs, c.maxTxnOps, c.maxRequestBytes]).toEqual([5000, 5000, 128, 1572864]);
    expect(c.namespace).toBe('');
    expect(c.auth).toBeUndefined();
    expect(c.secure).toBe(false);
    expect(DEFAULTS.maxRequestBytes).toBe(1.5 * 1024 * 1024);
  });

  it('is immutable: with… returns a new frozen Config and leaves the old one alone', () => {
    const a = Config.defaults();
    const b = a.withTimeout(100).withNamespace('/ns/');
    expect(a.timeoutMs).toBe(5000);
    expect(b.timeoutMs).toBe(100);
    expect(b.namespace).toBe('/ns/');
    expect(Object.isFrozen(b)).toBe(true);
    expect(Reflect.set(b, 'timeoutMs', 1)).toBe(false); // frozen
  });

  it('normalizes endpoints and refuses bad ones naming the field and value', () => {
    const c = Config.defaults().withEndpoints('a:1', 'http://b:2', 'a:1');
    expect(c.endpoints).toEqual(['http://a:1', 'http://b:2']);
    expect(c.secure).toBe(false);
    expect(configError(() => Config.defaults().withEndpoints()).field).toBe('endpoints');
    const bad = configError(() => Config.defaults().withEndpoints('no-port'));
    expect(bad.message).toContain('"no-port"');
    expect(configError(() => Config.defaults().withEndpoints('ftp://x:1')).field).toBe('endpoints');
    expect(configError(() => Config.defaults().withEndpoints('')).field).toBe('endpoints');
  });

  it.each([
    ['withTimeout', 'timeout', -1],
    ['withTimeout', 'timeout', 1.5],
    ['withDialTimeout', 'dialTimeout', 0],
    ['withMaxTxnOps', 'maxTxnOps', Number.NaN],
    ['withMaxRequestBytes', 'maxRequestBytes', '10'],
  ] as const)('%s refuses %s = %s', (method, field, value) => {
    const err = configError(() => (Config.defaults()[method] as (v: unknown) => Config)(value));
    expect(err.field).toBe(field);
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.message).toContain(String(value === '10' ? '"10"' : value));
  });

  it('keeps the password out of logs', () => {
    const c = Config.defaults().withAuth('alice', 's3cret');
    expect(c.auth).toEqual({ username: 'alice', password: 's3cret' });
    expect(JSON.stringify(c)).not.toContain('s3cret');
    expect(inspect(c)).not.toContain('s3cret');
    expect(configError(() => Config.defaults().withAuth('', 'x')).field).toBe('auth.username');
  });

  it('reads TLS material from PEM text, bytes or files, and checks it now', () => {
    const dir = mkdtempSync(join(tmpdir(), 'etcdkit-cfg-'));
    writeFileSync(join(dir, 'ca.pem'), PEM);
    const fromFile = Config.defaults().withTLS({ ca: join(dir, 'ca.pem') });
    expect(fromFile.tls?.ca?.toString()).toBe(PEM);
    expect(Config.defaults().withTLS({ ca: PEM }).tls?.ca?.toString()).toBe(PEM);
    expect(Config.defaults().withTLS({ ca: Buffer.from(PEM) }).secure).toBe(true);
    expect(configError(() => Config.defaults().withTLS({ ca: join(dir, 'missing.pem') })).field).toBe('tls.ca');
    expect(configError(() => Config.defaults().withTLS({ cert: PEM })).field).toBe('tls.key');
  });

  it('reports https:// endpoints when TLS is on, and refuses an http:// one with TLS', () => {
    const https = Config.defaults().withEndpoints('a:1', 'https://c:3', 'a:1');
    expect(https.endpoints).toEqual(['https://a:1', 'https://c:3']);
    expect(https.secure).toBe(true);
    const tls = Config.defaults().withTLS({ ca: PEM });
    expect(tls.endpoints).toEqual(['https://localhost:2379']);
    expect(tls.withEndpoints('10.0.0.1:2379').toJSON().endpoints).toEqual(['https://10.0.0.1:2379']);
    expect(Config.defaults().withEndpoints('a:1').withTLS({ ca: PEM }).endpoints).toEqual(['https://a:1']);
    const plain = configError(() => tls.withEndpoints('http://a:1'));
    expect(plain.field).toBe('endpoints');
    expect(plain.message).toContain('"http://a:1" but TLS is configured');
    expect(configError(() => Config.defaults().withEndpoints('http://a:1').withTLS({ ca: PEM })).field).toBe(
      'endpoints',
    );
    expect(configError(() => Config.defaults().withEndpoints('http://b:2', 'https://c:3')).message).toContain(
      'mixes "http://b:2" and "https://c:3"',
    );
    expect(Config.fromEnv({ ETCD_ENDPOINTS: 'x:1', ETCD_CACERT: PEM }).endpoints).toEqual(['https://x:1']);
  });

  it('fromEnv reads ETCD_* variables and ignores empty ones', () => {
    const c = Config.fromEnv({ ETCD_ENDPOINTS: 'x:1, y:2', ETCD_USERNAME: 'u', ETCD_PASSWORD: 'p', ETCD_CACERT: PEM });
    expect(c.endpoints).toEqual(['https://x:1', 'https://y:2']);
    expect(c.auth).toEqual({ username: 'u', password: 'p' });
    expect(c.tls?.ca?.toString()).toBe(PEM);
    expect(Config.fromEnv({ ETCD_ENDPOINTS: '' }).endpoints).toEqual(['http://localhost:2379']);
    expect(configError(() => Config.fromEnv({ ETCD_ENDPOINTS: 'bad' })).field).toBe('endpoints');
  });

  it('requires a leader on streams by default; withRequireLeader takes a boolean only', () => {
    expect(Config.defaults().requireLeader).toBe(true);
    expect(Config.defaults().withRequireLeader(false).requireLeader).toBe(false);
    expect(Config.defaults().withRequireLeader(false).toJSON().requireLeader).toBe(false);
    expect(configError(() => Config.defaults().withRequireLeader('no' as never)).field).toBe('requireLeader');
  });

  it('fromEnv refuses an env that is not an object with a ConfigError, not a TypeError', () => {
    for (const env of [null, 42, 'ETCD_ENDPOINTS=a:1']) {
      const err = configError(() => Config.fromEnv(env as never));
      expect(err.field).toBe('env');
    }
  });
});
