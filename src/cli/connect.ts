import { Config } from '../index.js';
import { wholeNumber } from './format.js';
import type { Env, OptionSpec } from './types.js';

/** Options every command accepts. */
export const globalOptions: Readonly<Record<string, OptionSpec>> = {
  endpoints: {
    type: 'string',
    value: 'URLS',
    description: 'comma-separated endpoints (default: $ETCD_ENDPOINTS, else localhost:2379)',
  },
  user: { type: 'string', value: 'NAME', description: 'etcd user (default: $ETCD_USERNAME)' },
  password: { type: 'string', value: 'PASSWORD', description: 'password of --user (default: $ETCD_PASSWORD)' },
  cacert: { type: 'string', value: 'FILE', description: 'CA certificate to verify the server (default: $ETCD_CACERT)' },
  cert: { type: 'string', value: 'FILE', description: 'client certificate for mutual TLS (default: $ETCD_CERT)' },
  key: { type: 'string', value: 'FILE', description: 'client private key for mutual TLS (default: $ETCD_KEY)' },
  namespace: {
    type: 'string',
    value: 'PREFIX',
    description: 'work inside this key prefix (keys are shown without it)',
  },
  timeout: { type: 'string', value: 'MS', description: 'per-request timeout in milliseconds (default: 5000)' },
  json: { type: 'boolean', description: 'machine-readable JSON output' },
  verbose: {
    type: 'boolean',
    description: 'log reconnects, failovers, circuit changes, lease and lock loss to stderr',
  },
  help: { type: 'boolean', short: 'h', description: 'show help' },
};

type Flags = Readonly<Record<string, string | boolean | undefined>>;

const str = (v: string | boolean | undefined) => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * The client configuration: the environment (see {@link Config.fromEnv}),
 * then the command-line flags on top, then the encryption key.
 */
export function configFrom(flags: Flags, env: Env): Config {
  let config = Config.fromEnv(env);
  const endpoints = str(flags.endpoints);
  if (endpoints)
    config = config.withEndpoints(
      ...endpoints
        .split(',')
        .map((e) => e.trim())
        .filter(Boolean),
    );
  const user = str(flags.user);
  if (user) config = config.withAuth(user, str(flags.password) ?? env.ETCD_PASSWORD ?? '');
  const [ca, cert, key] = [str(flags.cacert), str(flags.cert), str(flags.key)];
  if (ca || cert || key) {
    config = config.withTLS({ ca: ca ?? env.ETCD_CACERT, cert: cert ?? env.ETCD_CERT, key: key ?? env.ETCD_KEY });
  }
  const namespace = str(flags.namespace);
  if (namespace) config = config.withNamespace(namespace);
  // Plain decimal digits only: Number() would take '0x10' as 16 and 'abc' as NaN.
  const timeout = wholeNumber('--timeout', flags.timeout);
  if (timeout !== undefined) config = config.withTimeout(timeout);
  return withEncryptionFromEnv(config, env);
}

/**
 * ---- encryption: the one place the CLI gives the Config its key ----
 * `ETCDKIT_ENCRYPTION_KEY` (32 bytes as 64 hex digits or base64) makes every
 * command encrypt what it writes and show decrypted values. Values stored
 * without encryption are shown as they are: an explorer meets mixed data.
 */
function withEncryptionFromEnv(config: Config, env: Env): Config {
  const key = env.ETCDKIT_ENCRYPTION_KEY?.trim();
  return key ? config.withEncryption(key, { allowPlaintext: true }) : config;
}
