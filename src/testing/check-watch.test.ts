import { describe, expect, it } from 'vitest';
import { type CheckedEvent, checkWatch, type ReceivedWatch, type WatchGuarantee } from './check-watch.js';

const ev = (modRevision: number, key: string, type: 'put' | 'delete' = 'put'): CheckedEvent => ({
  type,
  key,
  modRevision,
});

// Revision 3 is one transaction writing two keys; /other is outside the watched prefix.
const history = [ev(2, '/a/1'), ev(3, '/a/2'), ev(3, '/a/3'), ev(4, '/other'), ev(5, '/a/1', 'delete'), ev(6, '/a/2')];
const all = history.filter((e) => e.key.startsWith('/a/'));

const broken = (received: ReceivedWatch): WatchGuarantee[] => [
  ...new Set(checkWatch(received, history).violations.map((v) => v.guarantee)),
];

describe('checkWatch: known-good deliveries', () => {
  it('accepts every event once, in order, from the start revision', () => {
    const r = checkWatch({ prefix: '/a/', startRevision: 1, deliveries: all }, history);
    expect(r).toEqual({ ok: true, violations: [], checked: { events: 5, expected: 5, progress: 0 } });
  });

  it('accepts a watcher that has not caught up yet, and progress after what it got', () => {
    const deliveries = [ev(2, '/a/1'), ev(3, '/a/2'), ev(3, '/a/3'), { progress: 4 }];
    expect(checkWatch({ prefix: '/a/', startRevision: 2, deliveries }, history).ok).toBe(true);
  });

  it('accepts a single-key watch that started later', () => {
    expect(checkWatch({ key: '/a/2', startRevision: 4, deliveries: [ev(6, '/a/2')] }, history).ok).toBe(true);
  });
});

describe('checkWatch: each guarantee broken on purpose', () => {
  it('ordered: a revision after a later one', () => {
    const deliveries = [ev(2, '/a/1'), ev(5, '/a/1', 'delete'), ev(3, '/a/2'), ev(3, '/a/3'), ev(6, '/a/2')];
    expect(broken({ prefix: '/a/', startRevision: 1, deliveries })).toContain('ordered');
  });

  it('unique: an event twice (a resume from the wrong revision)', () => {
    const deliveries = [
      ev(2, '/a/1'),
      ev(3, '/a/2'),
      ev(3, '/a/3'),
      ev(3, '/a/2'),
      ev(3, '/a/3'),
      ev(5, '/a/1', 'delete'),
    ];
    const r = checkWatch({ prefix: '/a/', startRevision: 1, deliveries }, history);
    expect(r.violations.filter((v) => v.guarantee === 'unique').map((v) => v.index)).toEqual([3, 4]);
  });

  it('atomic: a transaction split, the rest never delivered', () => {
    const deliveries = [ev(2, '/a/1'), ev(3, '/a/2'), ev(5, '/a/1', 'delete'), ev(6, '/a/2')];
    const r = checkWatch({ prefix: '/a/', startRevision: 1, deliveries }, history);
    expect(r.violations).toContainEqual(expect.objectContaining({ guarantee: 'atomic', revision: 3, index: 1 }));
  });

  it('atomic: a transaction split by another revision', () => {
    const deliveries = [ev(2, '/a/1'), ev(3, '/a/2'), ev(5, '/a/1', 'delete'), ev(3, '/a/3'), ev(6, '/a/2')];
    expect(broken({ prefix: '/a/', startRevision: 1, deliveries })).toContain('atomic');
  });

  it('reliable: a delete dropped in the middle', () => {
    const deliveries = [ev(2, '/a/1'), ev(3, '/a/2'), ev(3, '/a/3'), ev(6, '/a/2')];
    const r = checkWatch({ prefix: '/a/', startRevision: 1, deliveries }, history);
    expect(r.violations).toEqual([expect.objectContaining({ guarantee: 'reliable', revision: 5, key: '/a/1' })]);
  });

  it('reliable: an event that never happened', () => {
    expect(broken({ prefix: '/a/', startRevision: 6, deliveries: [ev(6, '/a/2'), ev(7, '/a/9')] })).toEqual([
      'reliable',
    ]);
  });

  it('resumable: a watch from revision 3 that begins later', () => {
    const deliveries = [ev(5, '/a/1', 'delete'), ev(6, '/a/2')];
    expect(broken({ prefix: '/a/', startRevision: 3, deliveries })).toContain('resumable');
  });

  it('bookmarkable: progress at a revision whose event was not delivered yet', () => {
    const deliveries = [
      ev(2, '/a/1'),
      { progress: 5 },
      ev(3, '/a/2'),
      ev(3, '/a/3'),
      ev(5, '/a/1', 'delete'),
      ev(6, '/a/2'),
    ];
    const r = checkWatch({ prefix: '/a/', startRevision: 1, deliveries }, history);
    expect(r.violations.every((v) => v.guarantee === 'bookmarkable')).toBe(true);
    expect(r.violations[0]).toMatchObject({ index: 1, revision: 5 });
  });

  it('checks only the guarantees asked for', () => {
    // Leaders seen by an observer: one skipped (not reliable), none twice, in order.
    const deliveries = [ev(2, '/a/1'), ev(6, '/a/2')];
    const all = checkWatch({ prefix: '/a/', startRevision: 1, deliveries }, history);
    expect(all.violations.map((v) => v.guarantee)).toContain('reliable');
    const some = checkWatch({ prefix: '/a/', startRevision: 1, deliveries }, history, {
      guarantees: ['ordered', 'unique'],
    });
    expect(some.ok).toBe(true);
    const twice = checkWatch({ prefix: '/a/', deliveries: [ev(6, '/a/2'), ev(6, '/a/2')] }, history, {
      guarantees: ['ordered', 'unique'],
    });
    expect(twice.violations.map((v) => v.guarantee)).toEqual(['unique']);
  });

  it('refuses a watcher described by neither a key nor a prefix', () => {
    expect(() => checkWatch({ deliveries: [] }, history)).toThrow(/key/);
  });
});
