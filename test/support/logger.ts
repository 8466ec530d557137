import type { Logger } from '../../src/index.js';

/** One call to a {@link RecordingLogger}. */
export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  fields: Record<string, unknown>;
  message: string;
}

/** A pino-shaped logger that keeps what it was given. */
export class RecordingLogger implements Logger {
  readonly lines: LogLine[] = [];
  debug(fields: Record<string, unknown>, message: string): void {
    this.lines.push({ level: 'debug', fields, message });
  }
  info(fields: Record<string, unknown>, message: string): void {
    this.lines.push({ level: 'info', fields, message });
  }
  warn(fields: Record<string, unknown>, message: string): void {
    this.lines.push({ level: 'warn', fields, message });
  }
  error(fields: Record<string, unknown>, message: string): void {
    this.lines.push({ level: 'error', fields, message });
  }
  /** Resolves once a line matches (polling; bounded by the test's timeout). */
  async waitFor(match: (line: LogLine) => boolean): Promise<LogLine> {
    for (;;) {
      const line = this.lines.find(match);
      if (line) return line;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}
