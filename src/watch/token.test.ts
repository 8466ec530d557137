import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors/index.js';
import { decodeToken, encodeToken } from './token.js';

describe('resume tokens', () => {
  it('round-trip a revision vector as an opaque base64url string', () => {
    const cursors = new Map([
      ['', { revision: 12, skip: 0 }],
      ['/registry/events/', { revision: 900719925474099, skip: 2 }],
    ]);
    const token = encodeToken({ prefix: '/registry/', cursors });
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeToken(token)).toEqual({ prefix: '/registry/', cursors });
  });

  it.each([
    ['not a string', 42],
    ['not base64url', 'a+b/c='],
    ['not JSON', Buffer.from('{').toString('base64url')],
    ['wrong version', Buffer.from(JSON.stringify({ v: 2, prefix: '', revs: {} })).toString('base64url')],
    ['no prefix', Buffer.from(JSON.stringify({ v: 1, revs: {} })).toString('base64url')],
    ['revs not an object', Buffer.from(JSON.stringify({ v: 1, prefix: '', revs: [] })).toString('base64url')],
    ['revision 0', Buffer.from(JSON.stringify({ v: 1, prefix: '', revs: { '': [0, 0] } })).toString('base64url')],
    ['negative skip', Buffer.from(JSON.stringify({ v: 1, prefix: '', revs: { '': [5, -1] } })).toString('base64url')],
    ['fractional', Buffer.from(JSON.stringify({ v: 1, prefix: '', revs: { '': [5.5, 0] } })).toString('base64url')],
    ['null body', Buffer.from('null').toString('base64url')],
  ])('refuses a token that is %s', (_why, token) => {
    expect(() => decodeToken(token as string)).toThrow(ValidationError);
  });
});
