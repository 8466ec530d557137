import { describe, expect, it } from 'vitest';
import { ChurnTable } from './churn-stats.js';
import { customKey, typeMatches } from './commands/custom.js';
import { changeLine, diffValues, flatten, lineChanges } from './diff.js';
import { durationMs } from './format.js';
import { UsageError } from './types.js';
import { fieldsObject, treeLines } from './values.js';

const json = (v: unknown) => Buffer.from(JSON.stringify(v));

describe('custom resource keys', () => {
  it('takes group, plural, namespace and name from keys whose group has a dot', () => {
    expect(customKey('/registry/demo.mycompany.com/configmapapps/default/my-app')).toEqual({
      group: 'demo.mycompany.com',
      plural: 'configmapapps',
      namespace: 'default',
      name: 'my-app',
    });
    expect(customKey('/registry/demo.mycompany.com/clusterthings/one')).toMatchObject({
      namespace: undefined,
      name: 'one',
    });
    expect(customKey('/registry/pods/default/web')).toBeUndefined();
    expect(customKey('/registry/demo.mycompany.com/configmapapps')).toBeUndefined();
    expect(customKey('/other/demo.mycompany.com/x/y')).toBeUndefined();
    const k = customKey('/registry/demo.mycompany.com/configmapapps/default/my-app')!;
    expect([
      typeMatches(k, 'configmapapps'),
      typeMatches(k, 'configmapapps.demo.mycompany.com'),
      typeMatches(k, 'simpleapps'),
    ]).toEqual([true, true, false]);
  });
});

describe('diff', () => {
  it('flattens trees to paths, quoting keys that are not names', () => {
    expect([...flatten({ spec: { replicas: 3, ports: [80, 443] }, labels: { 'a.b/c': 'x' }, empty: {} })]).toEqual([
      ['spec.replicas', 3],
      ['spec.ports[0]', 80],
      ['spec.ports[1]', 443],
      ['labels["a.b/c"]', 'x'],
      ['empty', {}],
    ]);
  });

  it('compares JSON field by field; the same bytes give no change', () => {
    const a = json({ spec: { replicas: 3, image: 'x' } });
    expect(diffValues(a, a)).toEqual([]);
    expect(diffValues(a, json({ spec: { replicas: 5 }, status: 'ok' }))).toEqual([
      { path: 'spec.replicas', before: 3, after: 5 },
      { path: 'spec.image', before: 'x' },
      { path: 'status', after: 'ok' },
    ]);
    // Same fields written in another order: no field changed.
    expect(diffValues(json({ a: 1, b: 2 }), json({ b: 2, a: 1 }))).toEqual([]);
  });

  it('compares text line by line, and anything else as a whole', () => {
    expect(lineChanges(['a', 'b', 'c'], ['a', 'c', 'd'])).toEqual([
      { path: 'line 2', before: 'b' },
      { path: 'line 3', after: 'd' },
    ]);
    expect(diffValues(Buffer.from([0, 1]), Buffer.from('text'))).toEqual([
      { path: '(value)', before: '2 bytes (binary)', after: '4 bytes (text)' },
    ]);
  });

  it('prints changes as one line each', () => {
    expect(changeLine({ path: 'spec.replicas', before: 3, after: 5 })).toBe('  spec.replicas: 3 → 5');
    expect(changeLine({ path: 'status', after: 'ok' })).toBe('+ status: "ok"');
    expect(changeLine({ path: 'x', before: null })).toBe('- x: null');
  });
});

describe('churn', () => {
  it('counts writes per key and the fields that go back to an earlier value', () => {
    const table = new ChurnTable();
    table.of('/once').write(10, json({ spec: { replicas: 1 } }));
    const fought = table.of('/fought');
    fought.start(json({ spec: { replicas: 3 }, gen: 1 }));
    for (const [i, replicas] of [5, 3, 5, 3].entries()) fought.write(11 + i, json({ spec: { replicas }, gen: 2 + i }));
    fought.write(15, undefined);
    expect(table.ranked().map((k) => [k.key, k.writes, k.puts, k.deletes])).toEqual([
      ['/fought', 5, 4, 1],
      ['/once', 1, 1, 0],
    ]);
    expect(fought.flipping()).toEqual([{ path: 'spec.replicas', changes: 5, flips: 3, values: [3, 5, undefined] }]);
    expect([fought.firstRevision, fought.lastRevision]).toEqual([11, 15]);
  });
});

describe('rendering', () => {
  it('groups repeated protobuf fields into lists and prints trees as indented lines', () => {
    const tree = fieldsObject([
      { field: 1, wireType: 'bytes', length: 1, text: 'a' },
      { field: 2, wireType: 'varint', value: 3 },
      { field: 1, wireType: 'bytes', length: 1, text: 'b' },
      { field: 3, wireType: 'bytes', length: 2, base64: 'AAE=' },
    ]);
    expect(tree).toEqual({ 1: ['a', 'b'], 2: 3, 3: '<2 bytes: AAE=>' });
    expect(treeLines({ kind: 'Pod', 2: { 1: 'x y' }, labels: { 'a b': '' }, list: [1, { k: 'v' }] })).toEqual([
      'kind: Pod',
      'labels:',
      '  "a b": ""',
      'list:',
      '  - 1',
      '  -',
      '    k: v',
      '2:',
      '  1: x y',
    ]);
  });

  it('parses durations', () => {
    expect([
      durationMs('--for', '90s'),
      durationMs('--for', '2m'),
      durationMs('--for', '500ms'),
      durationMs('--for', '5'),
    ]).toEqual([90_000, 120_000, 500, 5000]);
    expect(durationMs('--for', undefined)).toBeUndefined();
    expect(() => durationMs('--for', '0s')).toThrow(UsageError);
    expect(() => durationMs('--for', 'soon')).toThrow(UsageError);
  });
});
