import { readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';

/**
 * The cloud's module rules (cloud/README.md), checked over source text so a
 * test can run them on the real tree and on a planted violation alike.
 * Paths are relative to cloud/src, with forward slashes.
 */
export interface Violation {
  rule: 'sql-outside-repository' | 'foreign-repository' | 'module-internals' | 'folder-cycle';
  file: string;
  detail: string;
}

/** Shared code any module may import; it imports no module in turn. */
const SHARED = new Set(['db', 'plugins', 'broker', 'redis', 'config.ts', 'errors.ts']);
/** The composition root: builds the services and plugins, so it reaches into module folders by their index only. */
const ROOT_FILES = new Set(['server.ts', 'app.ts', 'index.ts', 'main.ts']);

const SQL = /\b(SELECT\s+[\w*"(]|INSERT\s+INTO\b|UPDATE\s+\w+\s+SET\b|DELETE\s+FROM\b)|\.query(<[^>]*>)?\(/;

/** Every .ts file under dir, keyed by its path relative to dir. */
export function readSources(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (rel: string) => {
    for (const e of readdirSync(join(dir, rel), { withFileTypes: true })) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts')) out.set(p, readFileSync(join(dir, p), 'utf8'));
    }
  };
  walk('');
  return out;
}

/**
 * The module a file belongs to: a top-level folder, or a child folder that has
 * its own index.ts (alerts/notify). Folders without an index.ts belong to the
 * nearest module above them; a file at the top level is its own node.
 */
export function moduleOf(file: string, files: ReadonlyMap<string, string>): string {
  const parts = file.split('/');
  if (parts.length === 1) return file;
  let mod = parts[0]!;
  for (let i = 1; i < parts.length - 1; i++) {
    const dir = parts.slice(0, i + 1).join('/');
    if (files.has(`${dir}/index.ts`)) mod = dir;
    else break;
  }
  return mod;
}

/** Relative imports (static, type-only, re-exports and dynamic), resolved to paths in `files`. */
export function importsOf(file: string, text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)(['"])(\.{1,2}\/[^'"]+)\1/g)) {
    out.push(posix.normalize(posix.join(posix.dirname(file), m[2]!.replace(/\.js$/, '.ts'))));
  }
  return out;
}

const stripComments = (text: string) => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');

export function checkArchitecture(files: ReadonlyMap<string, string>): Violation[] {
  const out: Violation[] = [];
  const edges = new Map<string, Map<string, string>>(); // module -> imported module -> first file that does it
  for (const [file, text] of files) {
    const mod = moduleOf(file, files);
    const top = file.split('/')[0]!;
    if (!file.endsWith('.repository.ts') && top !== 'db') {
      const code = stripComments(text);
      const hit = code.match(SQL);
      if (hit) out.push({ rule: 'sql-outside-repository', file, detail: `"${hit[0].trim()}": SQL belongs in a *.repository.ts` });
    }
    for (const target of importsOf(file, text)) {
      if (!files.has(target)) continue;
      const other = moduleOf(target, files);
      if (other === mod) continue;
      const otherTop = target.split('/')[0]!;
      if (!edges.has(mod)) edges.set(mod, new Map());
      if (!edges.get(mod)!.has(other)) edges.get(mod)!.set(other, file);
      if (SHARED.has(otherTop)) continue;
      if (target.endsWith('.repository.ts')) {
        out.push({ rule: 'foreign-repository', file, detail: `imports ${target}: use ${other}'s service or its index.ts` });
      } else if (target !== `${other}/index.ts` && !ROOT_FILES.has(target)) {
        out.push({ rule: 'module-internals', file, detail: `imports ${target}: import ${other}/index.ts instead` });
      }
    }
  }
  out.push(...cycles(edges));
  return out.sort((a, b) => a.file.localeCompare(b.file) || a.rule.localeCompare(b.rule));
}

/**
 * Modules that import each other, directly or round a loop: each strongly
 * connected group of the module graph (Tarjan), reported once with the
 * imports that close it.
 */
function cycles(edges: Map<string, Map<string, string>>): Violation[] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const groups: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    for (const w of edges.get(v)?.keys() ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (stack.includes(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        group.push(w);
      } while (w !== v);
      if (group.length > 1) groups.push(group.sort());
    }
  };
  for (const v of edges.keys()) if (!index.has(v)) visit(v);
  return groups.map((g) => {
    const inside = g.flatMap((from) =>
      [...(edges.get(from) ?? [])].filter(([to]) => g.includes(to)).map(([to, via]) => `${from} -> ${to} (${via})`),
    );
    return {
      rule: 'folder-cycle' as const,
      file: inside[0]!.replace(/^.*\((.*)\)$/, '$1'),
      detail: `${g.join(', ')} import each other: ${inside.join('; ')}`,
    };
  });
}
