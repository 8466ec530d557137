#!/usr/bin/env node
// Marks `type` in the bundled declarations every name an entry point exports with `export type`.
// The declaration bundler (tsup's rollup-plugin-dts) writes a class exported as a type as a plain
// `export { Lease }`: users could then `new Lease()` or `instanceof Lease` against a name the
// JavaScript does not export (and an `import { Lease }` kept by verbatimModuleSyntax fails to load).
// Usage: node scripts/dts-type-exports.mjs [outDir]   (default: dist)
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

/** Each entry point's source, and its declaration files (ESM and CommonJS) under the output directory. */
const ENTRIES = {
  index: 'src/index.ts',
  'testing/index': 'src/testing/index.ts',
  'opentelemetry/index': 'src/opentelemetry/index.ts',
};

/** The names `file` exports as types only (`export type { A }` or `export { type A }`). */
export function typeOnlyExports(file) {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest);
  const names = new Set();
  for (const statement of source.statements) {
    if (!ts.isExportDeclaration(statement) || !statement.exportClause || !ts.isNamedExports(statement.exportClause))
      continue;
    for (const spec of statement.exportClause.elements)
      if (statement.isTypeOnly || spec.isTypeOnly) names.add(spec.name.text);
  }
  return names;
}

/** `dts` with `type` before every exported name of `names` that lacks it. */
export function markTypeExports(dts, names) {
  return dts.replace(/^export \{([^}]*)\}/gm, (_, list) => {
    const specs = list.split(',').map((s) => {
      const spec = s.trim();
      const exported = spec.split(/\s+as\s+/).pop();
      return names.has(exported) && !spec.startsWith('type ') ? `type ${spec}` : spec;
    });
    return `export { ${specs.filter(Boolean).join(', ')} }`;
  });
}

const out = process.argv[2] ?? 'dist';
for (const [entry, src] of Object.entries(ENTRIES)) {
  const names = typeOnlyExports(src);
  for (const ext of ['.d.ts', '.d.cts']) {
    const file = join(out, entry + ext);
    writeFileSync(file, markTypeExports(readFileSync(file, 'utf8'), names));
  }
}
