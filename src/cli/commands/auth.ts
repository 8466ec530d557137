import { dispatch, subDetails, subUsage, type Subcommand } from '../sub.js';
import type { Command } from '../types.js';

const subs: Record<string, Subcommand> = {
  status: {
    usage: '',
    args: [0, 0],
    async run({ client, out, signal }) {
      const s = await client.auth.status({ signal });
      if (out.json) return out.data(s);
      await out.line(
        `Authentication Status: ${s.enabled}${s.authRevision === undefined ? '' : `\nAuthRevision: ${s.authRevision}`}`,
      );
    },
  },
  enable: {
    usage: '',
    args: [0, 0],
    async run({ client, out, signal }) {
      await client.auth.enable({ signal });
      if (out.json) return out.data({ enabled: true });
      await out.line('authentication enabled');
    },
  },
  disable: {
    usage: '',
    args: [0, 0],
    async run({ client, out, signal }) {
      await client.auth.disable({ signal });
      if (out.json) return out.data({ enabled: false });
      await out.line('authentication disabled');
    },
  },
};

/** `auth status|enable|disable`: etcd's authentication switch. */
export const auth: Command = {
  name: 'auth',
  usage: subUsage(subs),
  details: subDetails('auth', subs),
  summary: 'whether authentication is on; turn it on (a root user with the root role must exist) or off',
  args: [1, 1],
  run: (ctx) => dispatch('auth', subs, ctx),
};
