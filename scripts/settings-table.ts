// Rewrites the settings table of docs/configuration.md from the table in src/config/settings.ts
// (`npm run docs:settings`). src/config/guide.test.ts fails when the two disagree.
import { readFileSync, writeFileSync } from 'node:fs';
import { withSettingsTable } from '../src/config/guide.js';

const path = new URL('../docs/configuration.md', import.meta.url);
const source = readFileSync(new URL('../src/config/settings.ts', import.meta.url), 'utf8');
const before = readFileSync(path, 'utf8');
const after = withSettingsTable(before, source);
writeFileSync(path, after);
console.log(before === after ? 'docs/configuration.md: table already up to date' : 'docs/configuration.md: table rewritten');
