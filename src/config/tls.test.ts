import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCerts } from '../testing/certs.js';
import { ConfigError } from '../errors/index.js';
import { Config } from './config.js';

const dir = mkdtempSync(join(tmpdir(), 'etcdkit-tls-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const pemKey = () =>
  generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;

function refusal(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

/** Every way the error could carry the secret: message, stack, cause, JSON. */
function everything(err: ConfigError): string {
  const cause = err.cause as Error | undefined;
  return [err.message, err.stack, JSON.stringify(err), cause?.message, cause?.stack].join('\n');
}

/** True when any 16-character piece of `secret` (beyond its PEM armour) appears in `text`. */
function leaks(text: string, secret: string): boolean {
  const body = secret.replace(/-----[A-Z ]+-----/g, '').replace(/\s/g, '');
  for (let i = 0; i + 16 <= body.length; i += 8) if (text.includes(body.slice(i, i + 16))) return true;
  return false;
}

// Two certificates with their keys (the test CA's client and server pairs), as PEM text.
let cert = '';
let other = { cert: '', key: '' };
beforeAll(async () => {
  const files = await generateCerts(dir);
  const read = (file: string) => readFileSync(file, 'utf8');
  cert = read(files.clientCert);
  other = { cert: read(files.serverCert), key: read(files.serverKey) };
});

describe('TLS material in error messages', () => {
  it.each([
    ['base64 of a PEM key', () => Buffer.from(pemKey()).toString('base64')],
    ['a PEM key without its armour', () => pemKey().replace(/-----[A-Z ]+-----/g, '')],
    ['a short base64 secret', () => Buffer.from(pemKey()).toString('base64').slice(0, 60)],
  ])('never shows the private key given as %s (withTLS, ETCD_KEY)', (_, make) => {
    const key = make();
    for (const err of [
      refusal(() => Config.defaults().withTLS({ cert, key })),
      refusal(() => Config.fromEnv({ ETCD_CERT: cert, ETCD_KEY: key })),
    ]) {
      expect(err.field).toBe('tls.key');
      expect(err.message).toMatch(/must be PEM text .*, PEM bytes .* or the path of a readable file/);
      expect(err.message).toContain(`a string of ${key.length} characters`);
      expect(leaks(everything(err), key)).toBe(false);
      expect(err.message.length).toBeLessThan(300);
    }
  });

  it('says that base64 of a PEM text must be decoded', () => {
    const key = Buffer.from(pemKey()).toString('base64');
    expect(refusal(() => Config.defaults().withTLS({ cert, key })).message).toContain('base64 of a PEM text');
  });

  it('names a missing file when the value plausibly is a path, without repeating Node’s message', () => {
    const err = refusal(() => Config.defaults().withTLS({ cert, key: join(dir, 'missing-key.pem') }));
    expect(err.message).toContain(`cannot read file "${join(dir, 'missing-key.pem')}" (no such file)`);
    expect(err.message).not.toContain('ENOENT');
    const ca = refusal(() => Config.defaults().withTLS({ ca: 'x'.repeat(3000) }));
    expect(ca.field).toBe('tls.ca');
    expect(ca.message.length).toBeLessThan(300);
  });

  it('refuses a key that is not the certificate’s, naming both fields', () => {
    const err = refusal(() => Config.defaults().withTLS({ cert, key: other.key }));
    expect(err.field).toBe('tls.key');
    expect(err.message).toContain("does not match 'tls.cert'");
    expect(leaks(everything(err), other.key)).toBe(false);
    expect(Config.defaults().withTLS({ cert: other.cert, key: other.key }).tls?.key).toBeDefined();
  });

  it('refuses a certificate or key OpenSSL cannot read, naming the field', () => {
    const bad = '-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n';
    expect(refusal(() => Config.defaults().withTLS({ cert: bad, key: pemKey() })).field).toBe('tls.cert');
    const badKey = '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n';
    expect(refusal(() => Config.defaults().withTLS({ cert, key: badKey })).field).toBe('tls.key');
  });
});
