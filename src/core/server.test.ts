import { describe, expect, it } from 'vitest';
import { ServerVersion, SINCE, parseVersion } from './server.js';

describe('ServerVersion', () => {
  it('knows nothing until told', () => {
    const v = new ServerVersion();
    expect(v.text).toBeUndefined();
    expect(v.has(SINCE.authStatus)).toBeUndefined();
  });

  it('compares an exact version by major, minor and patch', () => {
    const v = new ServerVersion();
    v.set('3.4.23');
    expect(v.text).toBe('3.4.23');
    expect(v.has(SINCE.authStatus)).toBe(false);
    v.set('3.5.7');
    expect(v.has(SINCE.authStatus)).toBe(true);
    expect(v.has(SINCE.orderedProgress)).toBe(false);
    v.set('3.5.30');
    expect(v.has(SINCE.orderedProgress)).toBe(true);
    expect(v.has('3.10.0')).toBe(false);
  });

  it('a lower bound answers only what it proves', () => {
    const v = new ServerVersion();
    v.atLeastVersion(SINCE.rootOnlyStatus);
    expect(v.text).toBe('>=3.5.0');
    expect(v.has('3.4.0')).toBe(true);
    expect(v.has(SINCE.authStatus)).toBe(true);
    expect(v.has(SINCE.orderedProgress)).toBeUndefined(); // 3.5.0-3.5.7 lack it
    v.set('3.6.1');
    expect(v.text).toBe('3.6.1');
  });

  it('ignores what is not a version', () => {
    expect(parseVersion('3.5.0-rc.1')).toEqual([3, 5, 0]);
    expect(parseVersion('not a version')).toBeUndefined();
    const v = new ServerVersion();
    v.set(undefined);
    v.set('garbage');
    expect(v.text).toBeUndefined();
  });
});
