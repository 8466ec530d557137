/**
 * The etcdkit tour: runs the demos of samples/tour/ against ETCD_ENDPOINTS,
 * or against a throwaway etcd when no endpoint is given.
 *
 *   npm run sample                      # every demo
 *   npm run sample -- --only basic      # some demos
 *   npm run sample -- --help
 */
import { parseArgs } from 'node:util';
import { Client, Config, EtcdKitError } from '../src/index.js';
import { startEtcd, type EtcdHandle } from '../src/testing/index.js';
import type { Section, TourContext } from './tour/section.js';
import { sections } from './tour/sections.js';

const HELP = `Usage: npm run sample -- [options]

Runs a tour of etcdkit: each demo prints what it does, step by step.

Options:
  --endpoints URLS    etcd to use, comma-separated (default: $ETCD_ENDPOINTS;
                      when neither is set, a throwaway etcd is started and stopped)
  --only NAMES        run only these demos, comma-separated (default: all)
  --fast              shorten the waits (for CI)
  --namespace PREFIX  keep every key of the tour under PREFIX
  -h, --help          show this help

Demos:
${sections.map((s) => `  ${s.name.padEnd(12)}${s.summary}`).join('\n')}`;

interface Options {
  endpoints: string[] | undefined;
  only: readonly Section[];
  fast: boolean;
  namespace: string;
}

class UsageError extends Error {}

function options(argv: string[]): Options | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        endpoints: { type: 'string' },
        only: { type: 'string' },
        fast: { type: 'boolean', default: false },
        namespace: { type: 'string', default: '' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.help) return 'help';
  const list = (text: string | undefined) =>
    text
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  const names = list(values.only);
  const unknown = names?.filter((n) => !sections.some((s) => s.name === n)) ?? [];
  if (unknown.length > 0) {
    throw new UsageError(`unknown demo ${unknown.join(', ')}; demos: ${sections.map((s) => s.name).join(', ')}`);
  }
  return {
    endpoints: list(values.endpoints) ?? list(process.env.ETCD_ENDPOINTS),
    only: names ? sections.filter((s) => names.includes(s.name)) : sections,
    fast: values.fast,
    namespace: values.namespace,
  };
}

/** Endpoints as a user typed them: `[localhost:2379]`. */
const shown = (endpoints: readonly string[]) => `[${endpoints.map((e) => e.replace(/^http:\/\//, '')).join(' ')}]`;

async function tour(opts: Options, endpoints: string[]): Promise<void> {
  const config = Config.fromEnv()
    .withEndpoints(...endpoints)
    .withNamespace(opts.namespace);
  await using client = await Client.connect(config);
  const ctx: TourContext = { client, config, fast: opts.fast, print: (line = '') => console.log(line) };
  ctx.print('etcd Provider Sample Application');
  ctx.print('===============================');
  ctx.print(`Connected to etcd at ${shown(config.endpoints)}`);
  for (const section of opts.only) {
    ctx.print();
    ctx.print(section.title);
    ctx.print(section.rule ?? '-'.repeat(section.title.length));
    try {
      await section.run(ctx);
    } finally {
      await section.cleanup?.(ctx);
    }
  }
  ctx.print();
  ctx.print('All samples completed successfully!');
}

async function main(argv: string[]): Promise<number> {
  const opts = options(argv);
  if (opts === 'help') {
    console.log(HELP);
    return 0;
  }
  let etcd: EtcdHandle | undefined;
  if (!opts.endpoints) {
    etcd = await startEtcd();
    process.stderr.write(`(started a throwaway etcd at ${etcd.endpoints.join(', ')}; it is removed at the end)\n`);
    process.once('SIGINT', () => void etcd?.stop().finally(() => process.exit(130)));
  }
  try {
    await tour(opts, opts.endpoints ?? etcd!.endpoints);
    return 0;
  } finally {
    await etcd?.stop();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const usage = err instanceof UsageError;
    const code = err instanceof EtcdKitError ? `${err.code}: ` : '';
    process.stderr.write(
      `sample failed: ${code}${err instanceof Error ? err.message : String(err)}${usage ? ' (see --help)' : ''}\n`,
    );
    process.exitCode = usage ? 2 : 1;
  },
);
