#!/usr/bin/env node
// Counts what each entry point exports, as values and as types only (the size of the public surface).
// Usage: node scripts/count-exports.mjs [--list]
import ts from 'typescript';

const ENTRIES = ['src/index.ts', 'src/testing/index.ts', 'src/opentelemetry/index.ts'];
const program = ts.createProgram(ENTRIES, {
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  target: ts.ScriptTarget.ES2022,
  noEmit: true,
});
const checker = program.getTypeChecker();
for (const entry of ENTRIES) {
  const values = [];
  const types = [];
  for (const symbol of checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(entry)))) {
    const alias = (symbol.flags & ts.SymbolFlags.Alias) !== 0;
    const target = alias ? checker.getAliasedSymbol(symbol) : symbol;
    const typeOnly = alias && (symbol.declarations ?? []).some((d) => ts.isTypeOnlyImportOrExportDeclaration(d));
    (!typeOnly && (target.flags & ts.SymbolFlags.Value) !== 0 ? values : types).push(symbol.name);
  }
  console.log(
    `${entry}: ${values.length + types.length} exports (${values.length} values, ${types.length} types only)`,
  );
  if (process.argv.includes('--list')) console.log(`  values: ${values.sort().join(' ')}`);
}
