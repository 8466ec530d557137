import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The TypeScript blocks of the README and the guides, and the files they are checked as.
 *
 * A block is a fragment unless marked: it is checked inside an async function, with every export of 'etcdkit'
 * and the names of test/support/doc-context.ts (`client`, `lock`, `log`, …) in scope, so a guide can show three
 * lines without restating the setup; its own `import` lines are kept, moved above the function. Prefer whole
 * programs where the setup is short. JavaScript blocks are checked as TypeScript. An HTML comment on the line
 * before the fence changes how a block is taken (it renders as nothing):
 *
 * - `<!-- docs: complete -->`: a whole program, checked exactly as written (every name imported or declared).
 * - `<!-- docs: run -->`: also run, against a throwaway etcd: a complete block as a program (with ETCD_ENDPOINTS
 *   set, and 'localhost:2379' pointed at that etcd), a fragment with `client` connected to it. A line
 *   `await call(); // 'value'` (or true, false, a number) fails the run when the call returns anything else.
 * - `<!-- docs: skip <reason> -->`: not checked (a dependency the project does not install); use sparingly.
 *
 * Markers combine: `<!-- docs: complete run -->`.
 */

/** A fenced TypeScript or JavaScript block of a Markdown file. */
export interface DocBlock {
  /** The Markdown file, relative to the repository root. */
  readonly file: string;
  /** The line of the opening fence (1-based). */
  readonly line: number;
  /** The block's text, without the fences and the list indentation. */
  readonly code: string;
  readonly complete: boolean;
  readonly run: boolean;
  /** Why the block is not checked, when marked `skip`. */
  readonly skip?: string;
}

const FENCE = /^(\s*)```(ts|typescript|js|javascript)\s*$/;
const MARKER = /^\s*<!--\s*docs:\s*(.*?)\s*-->\s*$/;

/** README.md and every docs/**\/*.md, relative to `root`. */
export async function markdownFiles(root: string): Promise<string[]> {
  const docs = await readdir(join(root, 'docs'), { recursive: true });
  // docs/api/ is typedoc's output (`npm run docs`), not a guide.
  const guides = docs.filter((f) => f.endsWith('.md') && !f.startsWith('api'));
  return ['README.md', ...guides.map((f) => `docs/${f}`).sort()];
}

/** Every TS/JS block of `file` (relative to `root`), with its markers. */
export async function blocksOf(root: string, file: string): Promise<DocBlock[]> {
  const lines = (await readFile(join(root, file), 'utf8')).split('\n');
  const out: DocBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]!);
    if (!open) continue;
    const indent = open[1]!.length;
    const end = lines.findIndex((l, j) => j > i && /^\s*```\s*$/.test(l));
    if (end < 0) throw new Error(`${file}:${i + 1}: unclosed code block`);
    const code = lines
      .slice(i + 1, end)
      .map((l) => l.slice(Math.min(indent, l.length - l.trimStart().length)))
      .join('\n');
    const words = (MARKER.exec(lines[i - 1] ?? '')?.[1] ?? '').split(/\s+/);
    const skip = words[0] === 'skip' ? words.slice(1).join(' ') || 'no reason given' : undefined;
    out.push({
      file,
      line: i + 1,
      code,
      complete: words.includes('complete'),
      run: words.includes('run'),
      ...(skip === undefined ? {} : { skip }),
    });
    i = end;
  }
  return out;
}

/** A TypeScript file standing for a block, and which line of the Markdown each of its lines came from. */
export interface BlockFile {
  readonly text: string;
  /** `mdLine[i]` is the Markdown line of the file's line i + 1 (undefined for lines the check added). */
  readonly mdLine: ReadonlyArray<number | undefined>;
}

const IMPORT_START = /^import\b/;
const IMPORT_END = /(?:from\s+|^import\s+)['"][^'"]+['"];?\s*$/;

/** The names an import statement brings into scope. */
function importedNames(statement: string): string[] {
  const names: string[] = [];
  const braces = /\{([^}]*)\}/.exec(statement)?.[1];
  for (const part of braces?.split(',') ?? []) {
    const name = part
      .trim()
      .replace(/^type\s+/, '')
      .split(/\s+as\s+/)
      .pop();
    if (name) names.push(name);
  }
  const head = /^import\s+(?:type\s+)?(?:\*\s+as\s+)?([A-Za-z_$][\w$]*)/.exec(statement)?.[1];
  if (head && head !== 'type') names.push(head);
  return names;
}

/**
 * The file `block` is checked or run as. `scope` maps a module specifier to the names a fragment gets from it
 * (the exports of 'etcdkit', the context's names): each is imported unless the block imports that name itself.
 * A fragment becomes `async function block()`, followed by `call` (the lines that call it, when it runs).
 */
export function blockFile(
  block: DocBlock,
  scope: ReadonlyMap<string, readonly string[]>,
  call: readonly string[] = ['void block;'],
): BlockFile {
  const lines = block.code.split('\n');
  const mdLine = (i: number) => block.line + 1 + i;
  const header = `// ${block.file}:${block.line}`;
  if (block.complete) {
    return { text: `${header}\n${block.code}\nexport {};\n`, mdLine: [undefined, ...lines.map((_, i) => mdLine(i))] };
  }
  // A fragment: its imports go to the top of the file, the rest into an async function.
  const imports: number[] = [];
  const own = new Set<string>();
  for (let i = 0; i < lines.length; i++) {
    if (!IMPORT_START.test(lines[i]!)) continue;
    const first = i;
    while (i < lines.length - 1 && !IMPORT_END.test(lines[i]!)) i++;
    for (let j = first; j <= i; j++) imports.push(j);
    for (const name of importedNames(lines.slice(first, i + 1).join('\n'))) own.add(name);
  }
  const given = [...scope].map(([from, names]) => {
    const wanted = names.filter((n) => !own.has(n));
    return wanted.length === 0 ? '' : `import { ${wanted.join(', ')} } from '${from}';`;
  });
  const body = lines.map((_, i) => i).filter((i) => !imports.includes(i));
  const text = [
    header,
    ...given,
    ...imports.map((i) => lines[i]!),
    'export {};',
    'async function block(): Promise<void> {',
    ...body.map((i) => lines[i]!),
    '}',
    ...call,
    '',
  ].join('\n');
  const map = [
    undefined,
    ...given.map(() => undefined),
    ...imports.map(mdLine),
    undefined,
    undefined,
    ...body.map(mdLine),
  ];
  return { text, mdLine: map };
}

/** The names `file` exports (its `export { … }` lists and exported declarations), read without compiling. */
export async function exportedNames(file: string, { values = false } = {}): Promise<string[]> {
  const ts = (await import('typescript')).default;
  const source = ts.createSourceFile(file, await readFile(file, 'utf8'), ts.ScriptTarget.Latest);
  const names: string[] = [];
  const exported = (node: import('typescript').Node) =>
    ts.canHaveModifiers(node) && ts.getModifiers(node)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
  for (const node of source.statements) {
    // `export *` would need the other module read too: name the exports instead, as src/index.ts does.
    if (ts.isExportDeclaration(node) && !node.exportClause) throw new Error(`${file}: \`export *\` is not supported`);
    if (ts.isExportDeclaration(node) && node.exportClause && ts.isNamedExports(node.exportClause)) {
      for (const e of node.exportClause.elements)
        if (!values || !(node.isTypeOnly || e.isTypeOnly)) names.push(e.name.text);
    } else if (ts.isVariableStatement(node) && exported(node)) {
      for (const d of node.declarationList.declarations) if (ts.isIdentifier(d.name)) names.push(d.name.text);
    } else if ((ts.isFunctionDeclaration(node) || ts.isClassDeclaration(node)) && node.name && exported(node)) {
      names.push(node.name.text);
    } else if ((ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node)) && exported(node) && !values) {
      names.push(node.name.text);
    }
  }
  return names;
}
