import type { Command } from './types.js';
import { churn } from './commands/churn.js';
import { compact } from './commands/compact.js';
import { count } from './commands/count.js';
import { custom } from './commands/custom.js';
import { del } from './commands/del.js';
import { get } from './commands/get.js';
import { history } from './commands/history.js';
import { list } from './commands/list.js';
import { lock } from './commands/lock.js';
import { members } from './commands/members.js';
import { put } from './commands/put.js';
import { search } from './commands/search.js';
import { size } from './commands/size.js';
import { snapshot } from './commands/snapshot.js';
import { status } from './commands/status.js';
import { watch } from './commands/watch.js';
import { alarm } from './commands/alarm.js';
import { auth } from './commands/auth.js';
import { check } from './commands/check.js';
import { defrag } from './commands/defrag.js';
import { lease } from './commands/lease.js';
import { member } from './commands/member.js';
import { moveLeader } from './commands/move-leader.js';
import { role } from './commands/role.js';
import { user } from './commands/user.js';

/** Every command, in the order help lists them. A command is one file in `commands/`. */
export const commands: readonly Command[] = [
  status,
  members,
  size,
  list,
  count,
  get,
  search,
  watch,
  history,
  custom,
  churn,
  put,
  del,
  compact,
  snapshot,
  lock,
  lease,
  alarm,
  defrag,
  check,
  member,
  moveLeader,
  auth,
  user,
  role,
];

/** The command called `name`, if any. */
export function findCommand(name: string): Command | undefined {
  return commands.find((c) => c.name === name);
}
