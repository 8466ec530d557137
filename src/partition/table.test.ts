import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors/index.js';
import { PartitionTable, type Segment } from './table.js';

const show = (segments: Segment[]) =>
  segments.map((s) => [s.partition, s.start.toString('latin1'), s.end === null ? null : s.end.toString('latin1')]);

describe('PartitionTable', () => {
  const table = new PartitionTable(['/registry/events/', '/registry/', '/a/b/']);

  it('routes by the longest matching prefix, the default owning the rest', () => {
    expect(table.partitionOf('/registry/events/x')).toBe('/registry/events/');
    expect(table.partitionOf('/registry/pods/x')).toBe('/registry/');
    expect(table.partitionOf('/registry/events')).toBe('/registry/');
    expect(table.partitionOf('/a/b/c')).toBe('/a/b/');
    expect(table.partitionOf('/a/c')).toBe('');
    expect(table.partitionOf('')).toBe('');
    expect(() => table.partitionOf(1 as never)).toThrow(ValidationError);
  });

  it('cuts the keyspace into disjoint segments in key order', () => {
    expect(show([...table.segments])).toEqual([
      ['', '', '/a/b/'],
      ['/a/b/', '/a/b/', '/a/b0'],
      ['', '/a/b0', '/registry/'],
      ['/registry/', '/registry/', '/registry/events/'],
      ['/registry/events/', '/registry/events/', '/registry/events0'],
      ['/registry/', '/registry/events0', '/registry0'],
      ['', '/registry0', null],
    ]);
  });

  it('a prefix spanning partitions maps to each one, the outer one minus the inner', () => {
    expect(show(table.spanPrefix('/registry/'))).toEqual([
      ['/registry/', '/registry/', '/registry/events/'],
      ['/registry/events/', '/registry/events/', '/registry/events0'],
      ['/registry/', '/registry/events0', '/registry0'],
    ]);
    expect(table.partitionsUnder('/')).toEqual(['', '/a/b/', '/registry/', '/registry/events/']);
    expect(table.partitionsUnder('')).toEqual(['', '/a/b/', '/registry/', '/registry/events/']);
  });

  it('a prefix inside one partition goes to that partition only', () => {
    expect(show(table.spanPrefix('/registry/events/ns1/'))).toEqual([
      ['/registry/events/', '/registry/events/ns1/', '/registry/events/ns10'],
    ]);
    expect(table.partitionsUnder('/registry/pods/')).toEqual(['/registry/']);
    expect(table.partitionsUnder('/zzz')).toEqual(['']);
  });

  it('clips ranges to segments', () => {
    const r = table.spanRange(Buffer.from('/a/a'), Buffer.from('/a/c'));
    expect(show(r)).toEqual([
      ['', '/a/a', '/a/b/'],
      ['/a/b/', '/a/b/', '/a/b0'],
      ['', '/a/b0', '/a/c'],
    ]);
    expect(table.spanRange(Buffer.from('b'), Buffer.from('a'))).toEqual([]);
  });

  it('handles multi-byte prefixes whose end is not valid UTF-8', () => {
    const t = new PartitionTable(['/é']);
    expect(t.partitionOf('/éa')).toBe('/é');
    expect(t.partitionOf('/f')).toBe('');
    const [a, b, c] = t.segments;
    expect([a!.partition, b!.partition, c!.partition]).toEqual(['', '/é', '']);
    expect(b!.end).toEqual(Buffer.from([0x2f, 0xc3, 0xaa])); // '/é' is 2f c3 a9: not a whole character
    expect(t.partitionOf('/ê')).toBe('');
    expect(t.ownerOf(Buffer.from('/é\u{10FFFF}'))).toBe('/é');
  });

  it('with no partitions, the default owns everything', () => {
    const t = new PartitionTable([]);
    expect(show([...t.segments])).toEqual([['', '', null]]);
    expect(t.partitionsUnder('/x/')).toEqual(['']);
  });
});
