import { readFileSync } from 'node:fs';
import { Etcd3 } from 'etcd3';
import { omitIpServerName } from '../transport/index.js';
import type { EtcdTLSFiles } from './types.js';

/** Creates the `root` user and role and turns authentication on. */
export async function enableAuth(
  endpoints: string[],
  tls: EtcdTLSFiles | undefined,
  rootPassword: string,
): Promise<void> {
  const etcd = new Etcd3({
    hosts: endpoints,
    ...(tls
      ? {
          credentials: {
            rootCertificate: readFileSync(tls.ca),
            certChain: readFileSync(tls.cert),
            privateKey: readFileSync(tls.key),
          },
        }
      : {}),
  });
  if (tls) omitIpServerName(etcd);
  try {
    await etcd.role('root').create();
    await etcd.user('root').create(rootPassword);
    await etcd.user('root').addRole('root');
    await etcd.auth.authEnable();
  } finally {
    etcd.close();
  }
}
