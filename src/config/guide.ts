import { SETTINGS, publicSettings, printSetting, type SettingName } from './settings.js';

// The settings table of docs/configuration.md is made from the table in
// settings.ts (`npm run docs:settings` rewrites it between the markers), and
// guide.test.ts fails when the two disagree. A setting's description is the
// TSDoc comment of its entry (so the API docs of DEFAULTS show it too): these
// functions take the text of settings.ts to read it.

/** The marker lines around the generated table in docs/configuration.md. */
export const TABLE_START = '<!-- settings:start (generated from src/config/settings.ts: npm run docs:settings) -->';
export const TABLE_END = '<!-- settings:end -->';

/** One row of the guide's settings table, as text. */
export interface SettingRow {
  readonly name: string;
  readonly methods: string;
  readonly default: string;
  readonly summary: string;
}

/** A value as TypeScript source, as TSDoc `@default` tags and the guide write it: `5000`, `'x'`, `{ a: 1 }`. */
export function literal(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (Array.isArray(value)) return `[${value.map(literal).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const fields = Object.entries(value).map(([k, v]) => `${k}: ${literal(v)}`);
    return `{ ${fields.join(', ')} }`;
  }
  return String(value);
}

/** The default of a setting as the guide shows it: "none" when unset by default, else as `toJSON` prints it. */
function shownDefault(name: SettingName): string {
  const value: unknown = SETTINGS[name].default;
  if (value === undefined || (Array.isArray(value) && value.length === 0)) return 'none';
  return `\`${literal(printSetting(name, value, { secure: false }))}\``;
}

/** The one-line TSDoc comment of each entry of `SETTINGS` in `source` (the text of settings.ts). */
export function settingSummaries(source: string): Map<string, string> {
  const found = source.matchAll(/\/\*\* (.+?) \*\/\n {2}(\w+): setting\b/g);
  return new Map([...found].map(([, summary = '', name = '']) => [name, summary]));
}

/** The rows the guide's table must hold, in order; `source` is the text of settings.ts. */
export function settingRows(source: string): SettingRow[] {
  const summaries = settingSummaries(source);
  return publicSettings().map((name) => ({
    name: `\`${name}\``,
    methods: SETTINGS[name].methods.map((m) => `{@link Config.${m}}`).join(', '),
    default: shownDefault(name),
    summary: summaries.get(name) ?? '',
  }));
}

/** The guide's table as Markdown, between its markers. */
export function settingsTable(source: string): string {
  const lines = [TABLE_START, '| Setting | Method | Default | What it sets |', '| --- | --- | --- | --- |'];
  for (const r of settingRows(source)) lines.push(`| ${r.name} | ${r.methods} | ${r.default} | ${r.summary} |`);
  return [...lines, TABLE_END].join('\n');
}

/** The rows of the table between the markers of `markdown`; `[]` when the markers are missing. */
export function parseSettingsTable(markdown: string): SettingRow[] {
  const start = markdown.indexOf(TABLE_START);
  const end = markdown.indexOf(TABLE_END, start);
  if (start < 0 || end < 0) return [];
  const rows = markdown
    .slice(start + TABLE_START.length, end)
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .slice(2); // the header and its separator
  return rows.map((line) => {
    // A cell holds no `|` of its own (the summaries are written without one).
    const [name = '', methods = '', dflt = '', summary = ''] = line
      .slice(1, -1)
      .split('|')
      .map((cell) => cell.trim());
    return { name, methods, default: dflt, summary };
  });
}

/** `markdown` with the table between its markers replaced by the one made from the settings. */
export function withSettingsTable(markdown: string, source: string): string {
  const start = markdown.indexOf(TABLE_START);
  const end = markdown.indexOf(TABLE_END, start);
  if (start < 0 || end < 0) throw new Error(`the settings table markers are missing (${TABLE_START})`);
  return markdown.slice(0, start) + settingsTable(source) + markdown.slice(end + TABLE_END.length);
}
