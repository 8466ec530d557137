import { once } from 'node:events';

/** The parts of a writable stream the CLI uses (a TTY, a pipe, or a test buffer). */
export interface OutStream {
  write(chunk: string): boolean;
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
 */
export class Output {
  readonly json: boolean;
  readonly tty: boolean;
  readonly #stream: OutStream;
  readonly #color: boolean;

  constructor(stream: OutStream, options: { json: boolean; color: boolean }) {
    this.#stream = stream;
    this.json = options.json;
    this.tty = stream.isTTY === true;
    this.#color = options.color && this.tty;
  }

  /** Writes raw text; waits when the stream asks to. */
  async write(text: string): Promise<void> {
    if (!this.#stream.write(text)) await once(this.#stream as never, 'drain');
  }

  /** Writes one line. */
  line(text = ''): Promise<void> {
    return this.write(`${text}\n`);
  }

  /** Writes a value as one line of JSON. */
  data(value: unknown): Promise<void> {
    return this.line(JSON.stringify(value));
  }

  /** Writes rows as aligned columns (the last column is not padded). */
  async table(header: readonly string[], rows: readonly (readonly string[])[]): Promise<void> {
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => visible(r[i] ?? '').length)));
    const fmt = (cells: readonly string[]) =>
      cells.map((c, i) => (i === cells.length - 1 ? c : c + ' '.repeat(widths[i]! - visible(c).length))).join('  ');
    await this.line(this.paint('bold', fmt(header)));
    for (const row of rows) await this.line(fmt(row));
  }

  /** Starts a JSON array written item by item, so a long listing never sits in memory. */
  jsonArray(): JsonArrayWriter {
    return new JsonArrayWriter(this);
  }

  /** `text` in a colour when colours are on. */
  paint(style: keyof typeof codes, text: string): string {
    if (!this.#color) return text;
    const [on, off] = codes[style];
    return `\u001b[${on}m${text}\u001b[${off}m`;
  }
}

/** Streams `[item, item, ...]`; valid JSON once {@link JsonArrayWriter.end} is called. */
export class JsonArrayWriter {
  #count = 0;
  constructor(readonly out: Output) {}

  push(item: unknown): Promise<void> {
    const sep = this.#count++ === 0 ? '[\n' : ',\n';
    return this.out.write(sep + JSON.stringify(item));
  }

  end(): Promise<void> {
    return this.out.write(this.#count === 0 ? '[]\n' : '\n]\n');
  }
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: strips terminal colour escapes
const visible = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, '');
