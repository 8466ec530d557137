import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { promisify } from 'node:util';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpoints } from './helpers.js';

const run = promisify(execFile);
let out: string;

// The published package: dual ESM + CJS with types, built by tsup.
beforeAll(async () => {
  // Inside the project, so the build's imports resolve to its node_modules.
  await mkdir('.tmp', { recursive: true });
  out = await mkdtemp(join(process.cwd(), '.tmp', 'dist-'));
  await run('npx', ['--no-install', 'tsup', '--out-dir', out], { timeout: 180_000 });
  await run(process.execPath, ['scripts/dts-type-exports.mjs', out]); // as `npm run build` does
}, 200_000);
afterAll(() => rm(out, { recursive: true, force: true }));

/**
 * What each entry point exports as a value: what a user constructs, calls or reads. Everything else
 * (options, results, and the handles the client makes: Lease, Session, Watch, Mutex, ...) is a type.
 */
const VALUES: Record<string, string[]> = {
  index: [
    ...['Client', 'Config', 'DEFAULTS', 'RETRY_DEFAULTS', 'BREAKER_DEFAULTS', 'DEFAULT_SESSION_TTL'],
    ...['compare', 'op', 'decodeKubernetesValue'],
    ...['EtcdKitError', 'ConfigError', 'ValidationError', 'ValueTooLargeError', 'TxnTooLargeError'],
    ...['KeyNotFoundError', 'KeyEncodingError', 'CancelledError', 'ClosedError', 'ConnectionError', 'AuthError'],
    ...['PermissionDeniedError', 'UnavailableError', 'TimeoutError', 'AmbiguousWriteError', 'PartialWriteError'],
    ...['QuotaExceededError', 'CompactedError', 'ResponseTooLargeError', 'LeaseNotFoundError', 'ServerError'],
    ...['FutureRevisionError', 'RequestRefusedError', 'RoleNotFoundError', 'UserNotFoundError', 'DecryptionError'],
    ...['ConflictError', 'CrossPartitionError', 'LockLostError', 'PartitionUnavailableError'],
  ],
  'testing/index': ['startEtcd', 'findEtcdBinary', 'startFaultProxy', 'checkLinearizable', 'checkWatch'],
  'opentelemetry/index': ['openTelemetry', 'INSTRUMENTATION_NAME'],
};

/** The names a bundled declaration file exports: as values, and as types only (`export type`, `type X`). */
function declared(dts: string): { values: string[]; types: string[] } {
  const source = ts.createSourceFile('index.d.ts', dts, ts.ScriptTarget.Latest);
  const out = { values: [] as string[], types: [] as string[] };
  for (const st of source.statements) {
    if (!ts.isExportDeclaration(st) || !st.exportClause || !ts.isNamedExports(st.exportClause)) continue;
    for (const spec of st.exportClause.elements) {
      (st.isTypeOnly || spec.isTypeOnly ? out.types : out.values).push(spec.name.text);
    }
  }
  out.values.sort();
  return out;
}

/** Whether `node`'s TSDoc says `@internal`. */
const isInternal = (node: ts.Node) => ts.getJSDocTags(node).some((t) => t.tagName.text === 'internal');

describe('public surface', () => {
  it('exports as values exactly what users construct, call or read, and its declarations say the same', async () => {
    for (const [entry, values] of Object.entries(VALUES)) {
      const runtime = Object.keys(await import(join(out, `${entry}.js`))).sort();
      expect(runtime, entry).toEqual([...values].sort());
      for (const ext of ['.d.ts', '.d.cts']) {
        // A handle class declared as a value would let `new Lease()` and `instanceof Lease` compile, then fail.
        expect(declared(await readFile(join(out, entry + ext), 'utf8')).values, entry + ext).toEqual(runtime);
      }
    }
    const { types } = declared(await readFile(join(out, 'index.d.ts'), 'utf8'));
    const handles = ['Lease', 'Session', 'Watch', 'Mirror', 'PartitionedWatch', 'Mutex', 'RWMutex', 'LockHandle'];
    handles.push('Election', 'TxnBuilder', 'Maintenance', 'ClusterAdmin', 'AuthAdmin');
    expect(types).toEqual(expect.arrayContaining(handles));
    for (const plumbing of ['EventSource', 'EventStream', 'SourceEvent']) expect(types).not.toContain(plumbing);
  });

  it('exports nothing marked @internal, nor a class with an @internal member users can reach', () => {
    const entries = ['src/index.ts', 'src/testing/index.ts', 'src/opentelemetry/index.ts'];
    const program = ts.createProgram(entries, {
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      target: ts.ScriptTarget.ES2022,
      noEmit: true,
    });
    const checker = program.getTypeChecker();
    const internal: string[] = [];
    let exported = 0;
    for (const entry of entries) {
      const module = checker.getSymbolAtLocation(program.getSourceFile(entry)!)!;
      for (const symbol of checker.getExportsOfModule(module)) {
        exported++;
        const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
        for (const decl of target.declarations ?? []) {
          if (isInternal(decl)) internal.push(`${entry}: ${symbol.name}`);
          // A member users can reach on an instance: not the constructor, a static factory or a protected hook.
          if (!ts.isClassDeclaration(decl)) continue;
          for (const member of decl.members) {
            const hidden =
              ts.getCombinedModifierFlags(member) &
              (ts.ModifierFlags.Static | ts.ModifierFlags.NonPublicAccessibilityModifier);
            if (!ts.isConstructorDeclaration(member) && !hidden && isInternal(member))
              internal.push(`${entry}: ${symbol.name}.${member.name?.getText() ?? '?'}`);
          }
        }
      }
    }
    expect(exported).toBeGreaterThan(150);
    expect(internal).toEqual([]);
  }, 60_000);
});

describe('package build', () => {
  it('loads as ESM and as CommonJS, with the same public names', async () => {
    const esm = await import(join(out, 'index.js'));
    const { stdout } = await run(process.execPath, [
      '-e',
      `console.log(JSON.stringify(Object.keys(require(${JSON.stringify(join(out, 'index.cjs'))})).sort()))`,
    ]);
    expect(JSON.parse(stdout)).toEqual(Object.keys(esm).sort());
    expect(typeof esm.Client.connect).toBe('function');
    expect(typeof esm.Config.defaults).toBe('function');
    const testing = await import(join(out, 'testing', 'index.js'));
    expect(typeof testing.startEtcd).toBe('function');
  });

  it('ships etcdkit/opentelemetry as its own entry, and only it loads @opentelemetry/api', async () => {
    const otel = await import(join(out, 'opentelemetry', 'index.js'));
    expect(typeof otel.openTelemetry).toBe('function');
    const cjs = join(out, 'opentelemetry', 'index.cjs');
    const { stdout } = await run(process.execPath, [
      '-e',
      `console.log(typeof require(${JSON.stringify(cjs)}).openTelemetry)`,
    ]);
    expect(stdout.trim()).toBe('function');
    const { readdir } = await import('node:fs/promises');
    const files = (await readdir(out, { recursive: true })).filter(
      (f) => /\.(c?js)$/.test(f) && !f.startsWith('opentelemetry'),
    );
    for (const file of files) expect(await readFile(join(out, file), 'utf8'), file).not.toContain('@opentelemetry/api');
  });

  it('keeps every exported class its own name, in the ESM and the CommonJS build', async () => {
    // Lists [export, fn.name] for every exported class (and the constructor name of a thrown error).
    const names = (file: string, load: string) =>
      run(process.execPath, [
        '--input-type=module',
        '-e',
        `import { createRequire } from 'node:module';
         const m = ${load}(${JSON.stringify(file)});
         const out = Object.entries(await m).filter(([k, v]) => typeof v === 'function' && /^[A-Z]/.test(k))
           .map(([k, v]) => [k, v.name]);
         if (m.KeyNotFoundError) out.push(['KeyNotFoundError', new m.KeyNotFoundError('/k').constructor.name]);
         console.log(JSON.stringify(out));`,
      ]).then(({ stdout }) => JSON.parse(stdout) as [string, string][]);
    for (const entry of ['index', join('testing', 'index'), join('opentelemetry', 'index')]) {
      const esm = await names(join(out, `${entry}.js`), 'await import');
      const cjs = await names(join(out, `${entry}.cjs`), 'createRequire(import.meta.url)');
      for (const [exported, name] of [...esm, ...cjs]) expect(name, entry).toBe(exported);
      if (entry === 'index') expect(esm.length).toBeGreaterThan(30);
    }
  });

  it('ships no source maps and no CommonJS copy of the CLI', async () => {
    const { readdir } = await import('node:fs/promises');
    const files = await readdir(out, { recursive: true });
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
    expect(files).toContain(join('cli', 'main.js'));
    expect(files).not.toContain(join('cli', 'main.cjs'));
  });

  it('names its repository, and ships every file its README and guides link to', async () => {
    const pkg = JSON.parse(await readFile('package.json', 'utf8'));
    expect(pkg.repository.url).toMatch(/^git\+https:\/\/github\.com\//);
    expect(pkg.homepage).toMatch(/^https:\/\//);
    expect(pkg.bugs.url).toMatch(/^https:\/\//);
    const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { timeout: 60_000 });
    const shipped = new Set<string>(JSON.parse(stdout)[0].files.map((f: { path: string }) => f.path));
    const pages = [...shipped].filter((f) => f.endsWith('.md'));
    expect(pages).toContain('docs/getting-started.md');
    for (const page of pages) {
      const text = await readFile(page, 'utf8');
      for (const [, target] of text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
        if (target === undefined || /^[a-z]+:/.test(target)) continue;
        expect(shipped.has(posix.join(posix.dirname(page), target)), `${page} -> ${target}`).toBe(true);
      }
    }
  });

  it("declares its types without etcd3's or gRPC's", async () => {
    for (const file of ['index.d.ts', 'index.d.cts', join('testing', 'index.d.ts')]) {
      const dts = await readFile(join(out, file), 'utf8');
      expect(dts).not.toMatch(/from ['"](etcd3|@grpc\/grpc-js)['"]/);
    }
  });
});

// The recipes of docs/bundling.md, with esbuild (which tsup brings), run against real etcd.
describe('bundled with esbuild', () => {
  // No top-level await: esbuild's CommonJS output cannot hold one.
  const program = `
    import { Client, Config, KeyNotFoundError } from 'etcdkit';
    const key = '/test/bundle-' + process.pid;
    (async () => {
      const client = await Client.connect(Config.defaults().withEndpoints(process.argv[2]));
      await client.put(key, 'bundled');
      console.log(await client.getString(key), new KeyNotFoundError(key).name);
      await client.delete(key);
      await client.close();
    })();
  `;
  const esbuild = async (dir: string, args: string[]) => {
    await writeFile(join(dir, 'app.mjs'), program);
    // The alias stands for the installed package: this build of it.
    const alias = `--alias:etcdkit=${join(out, 'index.js')}`;
    await run('npx', ['--no-install', 'esbuild', join(dir, 'app.mjs'), '--bundle', '--platform=node', alias, ...args], {
      timeout: 60_000,
    });
  };
  const runs = async (file: string) => {
    const { stdout } = await run(process.execPath, [file, endpoints()[0]!], { cwd: tmpdir(), timeout: 60_000 });
    expect(stdout.trim()).toBe('bundled KeyNotFoundError');
  };

  it('with etcd3 and @grpc/grpc-js external (ESM and CommonJS output), beside node_modules', async () => {
    const dir = await mkdtemp(join(process.cwd(), '.tmp', 'bundle-'));
    try {
      const external = ['--external:etcd3', '--external:@grpc/grpc-js'];
      await esbuild(dir, [...external, '--format=esm', `--outfile=${join(dir, 'app.bundle.mjs')}`]);
      await runs(join(dir, 'app.bundle.mjs'));
      await esbuild(dir, [...external, '--format=cjs', '--target=node20', `--outfile=${join(dir, 'app.bundle.cjs')}`]);
      await runs(join(dir, 'app.bundle.cjs'));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('as one self-contained ESM file, with etcd3’s .proto files copied beside it, far from node_modules', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'etcdkit-bundle-'));
    try {
      const banner =
        "import { createRequire } from 'node:module'; import { fileURLToPath } from 'node:url'; " +
        "import { dirname } from 'node:path'; const require = createRequire(import.meta.url); " +
        'const __filename = fileURLToPath(import.meta.url); const __dirname = dirname(__filename);';
      await mkdir(join(dir, 'dist'));
      // Without the banner, the CommonJS modules inside (etcd3, grpc-js) cannot require Node's built-ins.
      await esbuild(dir, ['--format=esm', `--outfile=${join(dir, 'plain.mjs')}`]);
      await expect(runs(join(dir, 'plain.mjs'))).rejects.toThrow(/Dynamic require of "\w+" is not supported/);
      await esbuild(dir, ['--format=esm', `--banner:js=${banner}`, `--outfile=${join(dir, 'dist', 'app.mjs')}`]);
      await cp(join('node_modules', 'etcd3', 'proto'), join(dir, 'proto'), { recursive: true });
      await runs(join(dir, 'dist', 'app.mjs'));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
