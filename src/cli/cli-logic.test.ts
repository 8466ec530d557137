import { describe, expect, it } from 'vitest';
import { commandWord, parseLine } from './args.js';
import { groupOf } from './commands/count.js';
import { globToRegExp, matcher } from './commands/search.js';
import { showValue } from './format.js';
import { UsageError } from './types.js';

describe('command line', () => {
  it('finds the command word after global options and their values', () => {
    expect(commandWord(['--endpoints', 'h:1', '--json', 'get', 'k'])).toEqual({ word: 'get', index: 3 });
    expect(commandWord(['--endpoints=h:1', 'list'])).toEqual({ word: 'list', index: 1 });
    expect(commandWord(['--json'])).toEqual({ word: undefined, index: -1 });
  });

  it('splits arguments, options and what follows --', () => {
    const line = parseLine(['lock', 'name', '--json', '--', 'echo', '--hi'], {});
    expect(line).toMatchObject({
      command: 'lock',
      args: ['name', 'echo', '--hi'],
      rest: ['echo', '--hi'],
      flags: { json: true },
    });
  });

  it('refuses unknown options as a usage error', () => {
    expect(() => parseLine(['get', 'k', '--nope'])).toThrow(UsageError);
  });
});

describe('count --by', () => {
  it('groups by path segments after the prefix', () => {
    expect(groupOf('/registry/pods/default/web', '/registry/', 1)).toBe('/registry/pods');
    expect(groupOf('/registry/pods/default/web', '/registry/', 2)).toBe('/registry/pods/default');
    expect(groupOf('/registry/pods/default/web', '/registry', 1)).toBe('/registry/pods');
    expect(groupOf('/registry/pods/default/web', '', 1)).toBe('/registry');
    expect(groupOf('/registry/x', '/registry/', 3)).toBe('/registry/x');
  });
});

describe('search patterns', () => {
  it('matches a substring unless the pattern has glob characters', () => {
    expect(matcher('pods')('/registry/pods/a')).toBe(true);
    expect(matcher('a.b')('/axb')).toBe(false);
    expect(matcher('/registry/*/a')('/registry/pods/a')).toBe(true);
    expect(matcher('/registry/*/a')('/x/registry/pods/a')).toBe(false);
  });

  it('translates globs: *, ?, [set], [!set], and escapes the rest', () => {
    expect(globToRegExp('/a?c').test('/abc')).toBe(true);
    expect(globToRegExp('/[ab]x').test('/bx')).toBe(true);
    expect(globToRegExp('/[!ab]x').test('/bx')).toBe(false);
    expect(globToRegExp('/a.(b)+*').test('/a.(b)+zz')).toBe(true);
    expect(globToRegExp('/a.b').test('/axb')).toBe(false);
  });
});

describe('values', () => {
  it('shows printable UTF-8 as text and anything else as base64', () => {
    expect(showValue(Buffer.from('héllo\n'))).toEqual({ encoding: 'utf8', value: 'héllo\n' });
    expect(showValue(Buffer.from([0x6b, 0x38, 0x73, 0]))).toEqual({ encoding: 'base64', value: 'azhzAA==' });
    expect(showValue(Buffer.from([0xff, 0xfe]))).toEqual({ encoding: 'base64', value: '//4=' });
  });
});
