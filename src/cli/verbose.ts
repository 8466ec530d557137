import type { Config, Logger } from '../index.js';
import { escapeControls, safeJson } from './escape.js';
import type { OutStream } from './output.js';

type Level = 'debug' | 'info' | 'warn' | 'error';

/**
 * With `--verbose`, the client's log lines (reconnects, failovers, circuit
 * changes, lease and lock loss, retries) go to stderr, one per line:
 * `etcdkit: warn: <message> (field=value …)`, or JSON with `--json`.
 */
export function withVerbose(config: Config, verbose: boolean, stderr: OutStream, json: boolean): Config {
  return verbose ? config.withLogger(stderrLogger(stderr, json)) : config;
}

/** A logger writing one line per call to `stream`. */
export function stderrLogger(stream: OutStream, json: boolean): Logger {
  const write = (level: Level) => (fields: Record<string, unknown>, message: string) => {
    const shown = Object.entries(fields).filter(([, v]) => v !== undefined);
    if (json) {
      stream.write(`${safeJson({ log: { level, message, ...Object.fromEntries(shown) } })}\n`);
      return;
    }
    const detail = shown.length > 0 ? ` (${shown.map(([k, v]) => `${k}=${String(v)}`).join(' ')})` : '';
    // Messages and fields may quote keys or server text: escaped like all human output.
    stream.write(`${escapeControls(`etcdkit: ${level}: ${message.replace(/^etcdkit: /, '')}${detail}`)}\n`);
  };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}
