import type { AlarmKind } from '../../index.js';
import { dispatch, subDetails, subUsage, type Subcommand } from '../sub.js';
import { UsageError, type Command, type Context } from '../types.js';

async function show(
  out: Context['out'],
  alarms: ReadonlyArray<{ memberId: string; alarm: string }>,
  none: string,
): Promise<void> {
  if (out.json) return out.data(alarms);
  if (alarms.length === 0) return out.line(none);
  for (const a of alarms) await out.line(`memberID:${a.memberId}, alarm:${a.alarm}`);
}

const subs: Record<string, Subcommand> = {
  list: {
    usage: '',
    args: [0, 0],
    async run({ client, out, signal }) {
      await show(out, await client.maintenance.alarms({ signal }), 'no alarm raised');
    },
  },
  disarm: {
    usage: '[NOSPACE|CORRUPT]',
    args: [0, 1],
    async run({ client, out, signal }, [kind]) {
      if (kind !== undefined && kind !== 'NOSPACE' && kind !== 'CORRUPT')
        throw new UsageError(`alarm disarm: NOSPACE or CORRUPT, got ${kind}`);
      const cleared = await client.maintenance.disarm(kind as AlarmKind | undefined, { signal });
      await show(out, cleared, 'no alarm to disarm');
    },
  },
};

/** `alarm list|disarm`: the alarms raised in the cluster (NOSPACE, CORRUPT), and clearing them. */
export const alarm: Command = {
  name: 'alarm',
  usage: subUsage(subs),
  details: subDetails('alarm', subs),
  summary: 'list the alarms raised (NOSPACE: database full; CORRUPT: members disagree) or clear them',
  args: [1, 2],
  run: (ctx) => dispatch('alarm', subs, ctx),
};
