import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Config } from './config.js';
import { DEFAULTS } from './defaults.js';
import { literal, parseSettingsTable, settingRows, settingsTable } from './guide.js';
import { READ_BATCHING_DEFAULTS, WRITE_BATCHING_DEFAULTS } from './reads.js';
import { BREAKER, RETRY } from './resilience.js';
import { SETTINGS, publicSettings } from './settings.js';

const guide = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');
const source = readFileSync(new URL('./config.ts', import.meta.url), 'utf8');
const settingsSource = readFileSync(new URL('./settings.ts', import.meta.url), 'utf8');
const FIX = 'run `npm run docs:settings` to rewrite the table from src/config/settings.ts';

describe("the configuration guide's settings table", () => {
  const documented = parseSettingsTable(guide);
  const expected = settingRows(settingsSource);

  it('lists every setting, by the name toJSON uses, in order', () => {
    expect(
      documented.map((r) => r.name),
      FIX,
    ).toEqual(expected.map((r) => r.name));
  });

  it("gives each setting's default as the code has it", () => {
    const defaults = (rows: typeof expected) => rows.map((r) => `${r.name} = ${r.default}`);
    expect(defaults(documented), FIX).toEqual(defaults(expected));
  });

  it("names each setting's methods and says what it sets, as the table in settings.ts does", () => {
    expect(documented, FIX).toEqual(expected);
  });

  it('has a one-line description for every setting (the TSDoc comment of its entry)', () => {
    for (const row of expected) expect(row.summary, row.name).toMatch(/^[A-Z`].{10,}\.$/);
  });

  it('is parsed back to the rows it is made of (so a wrong guide cannot pass by misparsing)', () => {
    expect(parseSettingsTable(`intro\n${settingsTable(settingsSource)}\nmore`)).toEqual(expected);
    const edited = settingsTable(settingsSource).replace('| `5000` |', '| `3000` |');
    expect(parseSettingsTable(edited)).not.toEqual(expected);
  });
});

describe('DEFAULTS, defaults() and toJSON come from the settings table', () => {
  it('DEFAULTS holds every setting with a default value, as toJSON prints it', () => {
    const json = Config.defaults().toJSON();
    const withDefault = publicSettings().filter((name) => {
      const d: unknown = SETTINGS[name].default;
      return d !== undefined && !(Array.isArray(d) && d.length === 0);
    });
    expect(Object.keys(DEFAULTS)).toEqual(withDefault);
    for (const name of withDefault) expect(json[name], name).toEqual(DEFAULTS[name as keyof typeof DEFAULTS]);
  });

  it('toJSON prints the public settings only, in the guide’s order', () => {
    const names = Object.keys(Config.defaults().withAutoSync(1000).withAuth('u', 'p').toJSON());
    expect(names).toEqual(publicSettings().filter((n) => !['tls', 'encryption', 'compression'].includes(n)));
    expect(names).not.toContain('telemetryPartition');
  });

  it("every @default in Config's TSDoc matches the table", () => {
    let checked = 0;
    for (const name of publicSettings()) {
      for (const method of SETTINGS[name].methods) {
        const at = source.indexOf(`\n  ${method}(`);
        expect(at, method).toBeGreaterThan(0);
        const doc = source.slice(source.lastIndexOf('/**', at), at);
        const tag = /@default (.+?)(?:\s*\*\/|\n)/.exec(doc)?.[1]?.trim();
        if (tag === undefined) continue;
        expect(`${method}: ${tag}`).toBe(`${method}: ${literal(SETTINGS[name].default)}`);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(5);
  });
});

describe('the @default of each option field matches the default it is filled with', () => {
  const fields: Array<[file: string, type: string, defaults: object]> = [
    ['resilience.ts', 'RetryOptions', RETRY],
    ['resilience.ts', 'CircuitBreakerOptions', BREAKER],
    ['reads.ts', 'ReadBatchingOptions', READ_BATCHING_DEFAULTS],
    ['reads.ts', 'WriteBatchingOptions', WRITE_BATCHING_DEFAULTS],
  ];
  it.each(fields)('%s: %s', (file, type, defaults) => {
    const text = readFileSync(new URL(`./${file}`, import.meta.url), 'utf8');
    const body = text.slice(text.indexOf(`export interface ${type} {`));
    const block = body.slice(0, body.indexOf('\n}'));
    const tags = [...block.matchAll(/@default (\S+)[\s\S]*?readonly (\w+)\??:/g)].map(([, v, f]) => `${f} = ${v}`);
    expect(tags).toEqual(Object.entries(defaults).map(([f, v]) => `${f} = ${literal(v)}`));
  });
});

describe("the resilience guide's defaults table", () => {
  it('gives the retry and circuit breaker defaults the code has', () => {
    const text = readFileSync(new URL('../../docs/resilience.md', import.meta.url), 'utf8');
    const rows = [...text.matchAll(/^\| `((?:retry|circuitBreaker)\.\w+)` \| (\d+)(?: ms)? \|/gm)];
    const documented = rows.map(([, field, value]) => `${field} = ${value}`);
    const code = Object.entries({ retry: RETRY, circuitBreaker: BREAKER }).flatMap(([setting, fields]) =>
      Object.entries(fields).map(([field, value]) => `${setting}.${field} = ${value}`),
    );
    expect(documented).toEqual(code);
  });
});
