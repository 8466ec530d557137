import type { PermissionTarget, PermissionType } from '../../index.js';
import { dispatch, done, subDetails, subUsage, type Subcommand } from '../sub.js';
import { UsageError, type Command, type Context } from '../types.js';

const target = (ctx: Context, key: string): PermissionTarget => (ctx.flags.prefix === true ? { prefix: key } : { key });

const subs: Record<string, Subcommand> = {
  list: {
    usage: '',
    args: [0, 0],
    async run({ client, out, signal }) {
      const roles = await client.auth.roles({ signal });
      if (out.json) return out.data(roles);
      for (const r of roles) await out.line(r);
    },
  },
  get: {
    usage: '<role>',
    args: [1, 1],
    async run({ client, out, signal }, [name]) {
      const role = await client.auth.role(name!, { signal });
      if (out.json) return out.data(role);
      await out.line(`Role ${role.name}`);
      for (const p of role.permissions) {
        const what =
          p.prefix !== undefined
            ? `prefix ${p.prefix}`
            : p.rangeEnd !== undefined
              ? `[${p.key}, ${p.rangeEnd})`
              : `key ${p.key}`;
        await out.line(`  ${p.type}: ${what}`);
      }
    },
  },
  add: {
    usage: '<role>',
    args: [1, 1],
    run: async ({ client, out, signal }, [name]) => {
      await client.auth.addRole(name!, { signal });
      await done(out, { added: name }, `role ${name} created`);
    },
  },
  delete: {
    usage: '<role>',
    args: [1, 1],
    run: async ({ client, out, signal }, [name]) => {
      await client.auth.deleteRole(name!, { signal });
      await done(out, { deleted: name }, `role ${name} deleted`);
    },
  },
  'grant-permission': {
    usage: '<role> <read|write|readwrite> <key> [--prefix]',
    args: [3, 3],
    run: async (ctx, [name, type, key]) => {
      if (type !== 'read' && type !== 'write' && type !== 'readwrite')
        throw new UsageError(`permission type: read, write or readwrite, got ${type}`);
      await ctx.client.auth.grantPermission(name!, target(ctx, key!), type as PermissionType, { signal: ctx.signal });
      await done(
        ctx.out,
        { role: name, granted: type, ...target(ctx, key!) },
        `role ${name} may now ${type} ${ctx.flags.prefix ? 'under ' : ''}${key}`,
      );
    },
  },
  'revoke-permission': {
    usage: '<role> <key> [--prefix]',
    args: [2, 2],
    run: async (ctx, [name, key]) => {
      await ctx.client.auth.revokePermission(name!, target(ctx, key!), { signal: ctx.signal });
      await done(ctx.out, { role: name, revoked: target(ctx, key!) }, `permission of ${name} on ${key} revoked`);
    },
  },
};

/** `role …`: etcd roles and their permissions. */
export const role: Command = {
  name: 'role',
  usage: subUsage(subs),
  details: subDetails('role', subs),
  summary: 'list, show, add, delete roles; grant or revoke a permission on a key or (--prefix) a prefix',
  args: [1, 4],
  options: {
    prefix: { type: 'boolean', description: 'with grant-permission and revoke-permission: the key is a prefix' },
  },
  run: (ctx) => dispatch('role', subs, ctx),
};
