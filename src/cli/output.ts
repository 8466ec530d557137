import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { escapeControls, safeJson } from './escape.js';

/** The parts of a writable stream the CLI uses (a TTY, a pipe, or a test buffer). */
export interface OutStream {
  write(chunk: string | Uint8Array): boolean;
  once(event: 'drain', listener: () => void): unknown;
  isTTY?: boolean;
}

const codes = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  cyan: [36, 39],
} as const;

/**
 * Writes lines or JSON to one stream, honouring backpressure. Colours only
 * when the stream is a terminal (and `NO_COLOR` is unset), so piped output
 * stays plain.
 *
 * Every line goes through {@link escapeControls} and every JSON document
 * through {@link safeJson}: no command can print a control character it
 * read from etcd. Colours are marks only this object can make (a random
 * token per run), turned into escape sequences after the text is escaped, so
 * data cannot forge them.
 */
export class Output {
  readonly json: boolean;
  readonly tty: boolean;
  readonly #stream: OutStream;
  readonly #color: boolean;
  readonly #mark = `\uE000${randomBytes(8).toString('hex')}`;
  readonly #marks: RegExp;

  constructor(stream: OutStream, options: { json: boolean; color: boolean }) {
    this.#stream = stream;
    this.json = options.json;
    this.tty = stream.isTTY === true;
    this.#color = options.color && this.tty;
    this.#marks = new RegExp(`${this.#mark}(\\d+)m`, 'g');
  }

  async #emit(chunk: string | Uint8Array): Promise<void> {
    if (!this.#stream.write(chunk)) await once(this.#stream as never, 'drain');
  }

  /** `text` escaped for a terminal, with this object's colour marks made real. */
  #safe(text: string): string {
    const escaped = escapeControls(text);
    return this.#color ? escaped.replace(this.#marks, '\u001b[$1m') : escaped;
  }

  /** Writes one line; any control character in `text` (newlines included) is escaped. */
  line(text = ''): Promise<void> {
    return this.#emit(`${this.#safe(text)}\n`);
  }

  /** Writes each line of a multi-line text this program wrote itself (help), escaped line by line. */
  async lines(text: string): Promise<void> {
    for (const l of text.split('\n')) await this.line(l);
  }

  /** Writes a value as one line of JSON. Serialised before writing, so a failure writes nothing. */
  data(value: unknown): Promise<void> {
    return this.#emit(`${safeJson(value)}\n`);
  }

  /**
   * Writes bytes another program produced, untouched (what `lock -- cmd`
   * promises); waits when the stream asks to.
   */
  passThrough(chunk: Uint8Array): Promise<void> {
    return this.#emit(chunk);
  }

  /** Draws `text` over the current terminal line (a progress bar); `''` erases it. */
  redraw(text: string): Promise<void> {
    return this.#emit(`\r${this.#safe(text)}\u001b[K`);
  }

  /** Writes rows as aligned columns (the last column is not padded); `right` lists right-aligned columns. */
  async table(
    header: readonly string[],
    rows: readonly (readonly string[])[],
    right: readonly number[] = [],
  ): Promise<void> {
    const safeRows = rows.map((r) => r.map(escapeControls));
    const width = (c: string) => c.replace(this.#marks, '').length;
    const widths = header.map((h, i) => Math.max(h.length, ...safeRows.map((r) => width(r[i] ?? ''))));
    const fmt = (cells: readonly string[]) =>
      cells
        .map((c, i) => {
          const pad = ' '.repeat(widths[i]! - width(c));
          if (right.includes(i)) return pad + c;
          return i === cells.length - 1 ? c : c + pad;
        })
        .join('  ');
    await this.line(this.paint('bold', fmt(header)));
    for (const row of safeRows) await this.line(fmt(row));
  }

  /**
   * Starts a JSON array written item by item, so a long listing never sits
   * in memory. Each item is serialised before any of it is written; `end()`
   * (call it in a `finally`) closes the array even after an error, so the
   * output stays valid JSON.
   */
  jsonArray(): JsonArrayWriter {
    let count = 0;
    let ended = false;
    return {
      push: (item) => {
        const text = safeJson(item);
        return this.#emit((count++ === 0 ? '[\n' : ',\n') + text);
      },
      end: () => {
        if (ended) return Promise.resolve();
        ended = true;
        return this.#emit(count === 0 ? '[]\n' : '\n]\n');
      },
    };
  }

  /** `text` in a colour when colours are on. */
  paint(style: keyof typeof codes, text: string): string {
    if (!this.#color) return text;
    const [on, off] = codes[style];
    return `${this.#mark}${on}m${text}${this.#mark}${off}m`;
  }
}

/** Streams `[item, item, ...]`; valid JSON once `end()` is called. */
export interface JsonArrayWriter {
  push(item: unknown): Promise<void>;
  /** Closes the array; idempotent. */
  end(): Promise<void>;
}
