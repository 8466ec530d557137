import { describe, expect, it } from 'vitest';
import { bytesToText, escapeControls, safeJson } from './escape.js';
import { stderrLogger } from './verbose.js';

describe('escaping for the terminal', () => {
  it('escapes C0, DEL, C1, bidi and invisible format characters; keeps text, emoji and ZWJ sequences', () => {
    expect(escapeControls('a\u001b]0;t\u0007\r\n\t\u007f\u009b\u202e\u2066\u200b\ufeff\u2028b')).toBe(
      'a\\x1b]0;t\\x07\\x0d\\x0a\\x09\\x7f\\u009b\\u202e\\u2066\\u200b\\ufeff\\u2028b',
    );
    expect(escapeControls('crème 日本 👨‍👩‍👧 \\x41')).toBe('crème 日本 👨‍👩‍👧 \\x41');
    expect(escapeControls(escapeControls('\u001b\u009b'))).toBe(escapeControls('\u001b\u009b'));
  });

  it('JSON keeps its value and escapes what JSON.stringify leaves raw', () => {
    const value = { k: 'a\u001b\u007f\u009b\u202eb' };
    const text = safeJson(value);
    expect(text).toBe('{"k":"a\\u001b\\u007f\\u009b\\u202eb"}');
    expect(JSON.parse(text)).toEqual(value);
  });

  it('bytes that are not UTF-8 become \\xHH, valid sequences stay text', () => {
    expect(bytesToText(Buffer.from([0x2f, 0xfe, 0xe2, 0x82, 0xac, 0xe2, 0x82]))).toBe('/\\xfe€\\xe2\\x82');
  });

  it('--verbose log lines are escaped too', () => {
    let written = '';
    const logger = stderrLogger({ write: (s) => ((written += s), true), once: () => undefined }, false);
    logger.warn({ key: '/k\u001b[2J' }, 'lost \u009b');
    expect(written).toBe('etcdkit: warn: lost \\u009b (key=/k\\x1b[2J)\n');
  });
});
