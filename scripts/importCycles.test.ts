/**
 * No import cycles, between files or between layer folders (issue "Architecture"). The graph
 * is read with TypeScript's own parser and module resolution from every source file of main/,
 * shared/ and renderer/src/ (tests and fixtures left out: they may reach across layers).
 * File cycles count runtime imports: an `import type` is erased by the compiler and cannot
 * change load order (zustand's slices name the combined store's type, by design). Folder
 * cycles count every import, type-only too, between the layers of README "Layout".
 */
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = process.cwd();
const ROOTS = ['main', 'shared', 'renderer/src'];

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sourceFiles(p));
    else if (/\.tsx?$/.test(name) && !/\.(test|fixture|testUtil)\.tsx?$/.test(name)) out.push(p);
  }
  return out;
}

interface Edge {
  to: string;
  typeOnly: boolean;
}

/** The relative module specifiers a file imports or re-exports, and whether only types. */
function specifiers(file: string): Array<{ spec: string; typeOnly: boolean }> {
  const source = ts.createSourceFile(file, ts.sys.readFile(file) ?? '', ts.ScriptTarget.Latest);
  const out: Array<{ spec: string; typeOnly: boolean }> = [];
  for (const st of source.statements) {
    if (
      (ts.isImportDeclaration(st) || ts.isExportDeclaration(st)) &&
      st.moduleSpecifier &&
      ts.isStringLiteral(st.moduleSpecifier)
    ) {
      const clause = ts.isImportDeclaration(st) ? st.importClause : undefined;
      const named = clause?.namedBindings;
      const allNamedTypes =
        named !== undefined &&
        ts.isNamedImports(named) &&
        clause?.name === undefined &&
        named.elements.length > 0 &&
        named.elements.every((e) => e.isTypeOnly);
      const typeOnly = ts.isImportDeclaration(st)
        ? (clause?.isTypeOnly ?? false) || allNamedTypes
        : st.isTypeOnly;
      out.push({ spec: st.moduleSpecifier.text, typeOnly });
    }
  }
  return out;
}

/** file -> files it imports (paths relative to the repository root). */
function importGraph(): Map<string, Edge[]> {
  const options: ts.CompilerOptions = {
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    module: ts.ModuleKind.ESNext,
    allowImportingTsExtensions: true,
  };
  const files = ROOTS.flatMap((r) => sourceFiles(join(root, r)));
  const graph = new Map<string, Edge[]>();
  for (const file of files) {
    const deps: Edge[] = [];
    for (const { spec, typeOnly } of specifiers(file)) {
      if (!spec.startsWith('.')) continue;
      const r = ts.resolveModuleName(spec, file, options, ts.sys).resolvedModule;
      if (r && !r.isExternalLibraryImport)
        deps.push({ to: relative(root, r.resolvedFileName), typeOnly });
    }
    graph.set(relative(root, file), deps);
  }
  return graph;
}

/** Every cycle's nodes, found by Tarjan's strongly connected components. */
function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (w === v) continue;
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1) out.push(scc.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return out;
}

/** The layer a file belongs to: main/<folder>, shared, or the renderer. */
function layerOf(file: string): string {
  const parts = file.split('/');
  if (parts[0] === 'main') return parts.length > 2 ? `main/${parts[1]}` : 'main';
  return parts[0] ?? file;
}

describe('import graph', () => {
  const graph = importGraph();

  it('reads the whole tree', () => {
    expect(graph.size).toBeGreaterThan(100);
    expect(graph.get('main/host/studio.ts')?.map((e) => e.to)).toContain('main/host/EngineHost.ts');
  });

  it('has no cycle between files', () => {
    const runtime = new Map(
      [...graph].map(([f, deps]) => [f, deps.filter((d) => !d.typeOnly).map((d) => d.to)]),
    );
    expect(cycles(runtime)).toEqual([]);
  });

  it('has no cycle between layer folders', () => {
    const layers = new Map<string, string[]>();
    for (const [file, deps] of graph) {
      const from = layerOf(file);
      const list = layers.get(from) ?? [];
      for (const d of deps) if (layerOf(d.to) !== from) list.push(layerOf(d.to));
      layers.set(from, list);
    }
    expect(cycles(layers)).toEqual([]);
  });
});
