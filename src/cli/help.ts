import { globalOptions } from './connect.js';
import type { Command, OptionSpec } from './types.js';

function optionLines(options: Readonly<Record<string, OptionSpec>>): string[] {
  const rows = Object.entries(options).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : ''}--${name}${o.value ? ` ${o.value}` : ''}`;
    return [flag, o.description] as const;
  });
  const width = Math.max(...rows.map(([f]) => f.length));
  return rows.map(([f, d]) => `  ${f.padEnd(width)}  ${d}`);
}

/** The overview `etcdkit --help` prints. */
export function overview(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => `${c.name} ${c.usage}`.trim().length));
  return [
    'etcdkit: look inside an etcd cluster, and maintain it',
    '',
    'Usage: etcdkit <command> [arguments] [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${`${c.name} ${c.usage}`.trim().padEnd(width)}  ${c.summary}`),
    '',
    'Options of every command:',
    ...optionLines(globalOptions),
    '',
    'Environment: ETCD_ENDPOINTS, ETCD_USERNAME, ETCD_PASSWORD, ETCD_CACERT, ETCD_CERT, ETCD_KEY, NO_COLOR;',
    '  ETCDKIT_ENCRYPTION_KEY (32 bytes, hex or base64): encrypt what put writes, show values decrypted.',
    'Kubernetes values (protobuf, JSON, encrypted at rest) are decoded by get, list --values, watch and history;',
    '  --raw prints them as stored.',
    'Run `etcdkit <command> --help` for the options of one command.',
  ].join('\n');
}

/** The help of one command. */
export function commandHelp(command: Command): string {
  const lines = [`Usage: etcdkit ${command.name} ${command.usage}`.trimEnd(), '', command.summary];
  if (command.details) lines.push('', ...command.details.map((d) => `  ${d}`));
  if (command.options && Object.keys(command.options).length > 0)
    lines.push('', 'Options:', ...optionLines(command.options));
  lines.push('', 'Options of every command:', ...optionLines(globalOptions));
  return lines.join('\n');
}
