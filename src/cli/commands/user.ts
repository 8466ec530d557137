import { dispatch, done, subDetails, subUsage, type Subcommand } from '../sub.js';
import { UsageError, type Command, type Context } from '../types.js';

function password(ctx: Context): string {
  const p = typeof ctx.flags['new-password'] === 'string' ? ctx.flags['new-password'] : ctx.env.ETCDKIT_USER_PASSWORD;
  if (!p) throw new UsageError('a password is needed: --new-password P, or ETCDKIT_USER_PASSWORD');
  return p;
}

const subs: Record<string, Subcommand> = {
  list: {
    usage: '',
    args: [0, 0],
    async run({ client, out, signal }) {
      const users = await client.auth.users({ signal });
      if (out.json) return out.data(users);
      for (const u of users) await out.line(u);
    },
  },
  get: {
    usage: '<name>',
    args: [1, 1],
    async run({ client, out, signal }, [name]) {
      const user = await client.auth.user(name!, { signal });
      await done(out, user, `User: ${user.name}\nRoles: ${user.roles.join(' ')}`);
    },
  },
  add: {
    usage: '<name> [--new-password P]',
    args: [1, 1],
    run: async (ctx, [name]) => {
      await ctx.client.auth.addUser(name!, password(ctx), { signal: ctx.signal });
      await done(ctx.out, { added: name }, `user ${name} created`);
    },
  },
  delete: {
    usage: '<name>',
    args: [1, 1],
    run: async ({ client, out, signal }, [name]) => {
      await client.auth.deleteUser(name!, { signal });
      await done(out, { deleted: name }, `user ${name} deleted`);
    },
  },
  passwd: {
    usage: '<name> [--new-password P]',
    args: [1, 1],
    run: async (ctx, [name]) => {
      await ctx.client.auth.changePassword(name!, password(ctx), { signal: ctx.signal });
      await done(ctx.out, { changed: name }, `password of ${name} changed`);
    },
  },
  'grant-role': {
    usage: '<name> <role>',
    args: [2, 2],
    run: async ({ client, out, signal }, [name, role]) => {
      await client.auth.grantRole(name!, role!, { signal });
      await done(out, { user: name, granted: role }, `role ${role} granted to ${name}`);
    },
  },
  'revoke-role': {
    usage: '<name> <role>',
    args: [2, 2],
    run: async ({ client, out, signal }, [name, role]) => {
      await client.auth.revokeRole(name!, role!, { signal });
      await done(out, { user: name, revoked: role }, `role ${role} revoked from ${name}`);
    },
  },
};

/** `user …`: etcd users. */
export const user: Command = {
  name: 'user',
  usage: subUsage(subs),
  details: subDetails('user', subs),
  summary: 'list, show, add, delete users, change a password, grant or revoke a role',
  args: [1, 3],
  options: {
    'new-password': {
      type: 'string',
      value: 'P',
      description: 'with add and passwd (or set ETCDKIT_USER_PASSWORD, kept out of shell history)',
    },
  },
  run: (ctx) => dispatch('user', subs, ctx),
};
