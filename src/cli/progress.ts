import { formatBytes } from './format.js';
import type { Output } from './output.js';

/**
 * A one-line progress bar redrawn in place on a terminal, at most ten times
 * a second. Does nothing when the stream is not a terminal or output is JSON.
 */
export class ProgressBar {
  readonly #out: Output;
  readonly #enabled: boolean;
  #last = 0;
  #drawn = false;

  constructor(
    out: Output,
    readonly label: string,
  ) {
    this.#out = out;
    this.#enabled = out.tty && !out.json;
  }

  update(done: number, total: number, force = false): void {
    if (!this.#enabled) return;
    const now = Date.now();
    if (!force && now - this.#last < 100) return;
    this.#last = now;
    const ratio = total > 0 ? Math.min(1, done / total) : 0;
    const width = 30;
    const filled = Math.round(ratio * width);
    const bar = '#'.repeat(filled) + '.'.repeat(width - filled);
    const pct = `${Math.floor(ratio * 100)}%`.padStart(4);
    void this.#out.redraw(`${this.label} [${bar}] ${pct} ${formatBytes(done)} / ${formatBytes(total)}`);
    this.#drawn = true;
  }

  /** Erases the bar so the next line starts clean. */
  clear(): void {
    if (this.#drawn) void this.#out.redraw('');
    this.#drawn = false;
  }
}
