import { globalOptions } from './connect.js';
import type { Command, OptionSpec } from './types.js';

/** Help lines are at most this wide, to fit an 80-column terminal. */
export const HELP_WIDTH = 80;

/** `text` broken at spaces into lines of at most `width` characters (a longer word stays whole). */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return [...lines, line];
}

/**
 * Rows of a term and its description: the description beside the term,
 * wrapped under itself, or on the next lines when the terms are too wide.
 */
function termLines(rows: readonly (readonly [string, string])[]): string[] {
  const width = Math.max(...rows.map(([t]) => t.length));
  const beside = width <= 28;
  const column = beside ? 2 + width + 2 : 6;
  return rows.flatMap(([term, description]) => {
    const text = wrap(description, HELP_WIDTH - column);
    const pad = ' '.repeat(column);
    if (!beside) return [`  ${term}`, ...text.map((l) => pad + l)];
    return [`  ${term.padEnd(width)}  ${text[0]}`, ...text.slice(1).map((l) => pad + l)];
  });
}

function optionLines(options: Readonly<Record<string, OptionSpec>>): string[] {
  return termLines(
    Object.entries(options).map(([name, o]) => [
      `${o.short ? `-${o.short}, ` : ''}--${name}${o.value ? ` ${o.value}` : ''}`,
      o.description,
    ]),
  );
}

/** The overview `etcdkit --help` prints. */
export function overview(commands: readonly Command[]): string {
  return [
    'etcdkit: look inside an etcd cluster, and maintain it',
    '',
    'Usage: etcdkit <command> [arguments] [options]',
    '',
    'Commands:',
    ...termLines(commands.map((c) => [`${c.name} ${c.usage}`.trim(), c.summary])),
    '',
    'Options of every command:',
    ...optionLines(globalOptions),
    '',
    'Environment: ETCD_ENDPOINTS, ETCD_USERNAME, ETCD_PASSWORD, ETCD_CACERT,',
    '  ETCD_CERT, ETCD_KEY, NO_COLOR; ETCDKIT_ENCRYPTION_KEY (32 bytes, hex or',
    '  base64): encrypt what put writes, show values decrypted.',
    'Kubernetes values (protobuf, JSON, encrypted at rest) are decoded by get,',
    '  list --values, watch and history; --raw prints them as stored.',
    'Run `etcdkit <command> --help` for the options of one command.',
  ].join('\n');
}

/** The help of one command. */
export function commandHelp(command: Command): string {
  const lines = [`Usage: etcdkit ${command.name} ${command.usage}`.trimEnd(), '', ...wrap(command.summary, HELP_WIDTH)];
  if (command.details) lines.push('', ...command.details.map((d) => `  ${d}`));
  if (command.options && Object.keys(command.options).length > 0)
    lines.push('', 'Options:', ...optionLines(command.options));
  lines.push('', 'Options of every command:', ...optionLines(globalOptions));
  return lines.join('\n');
}
