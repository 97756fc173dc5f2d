/**
 * The dependency rule of design.md: domain imports nothing outside itself; protocols, storage, http, ui, worker
 * and cli do not import each other; only main.ts wires them.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';

const SRC = resolve(import.meta.dirname, '../../src');
const EDGES = ['protocols', 'storage', 'http', 'ui', 'worker', 'cli'];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') || path.endsWith('.tsx') ? [path] : [];
  });
}

function imports(file: string): { specifier: string; target?: string }[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => {
    const specifier = (m[1] ?? m[2])!;
    return { specifier, ...(specifier.startsWith('.') ? { target: relative(SRC, resolve(dirname(file), specifier)) } : {}) };
  });
}

const layer = (path: string) => path.split('/')[0]!;

test('domain imports only domain code and zod', () => {
  for (const file of sources(join(SRC, 'domain'))) {
    for (const { specifier, target } of imports(file)) {
      if (target !== undefined) assert.equal(layer(target), 'domain', `${relative(SRC, file)} imports ${specifier}`);
      else assert.equal(specifier, 'zod', `${relative(SRC, file)} imports the package ${specifier}`);
    }
  }
});

test('app imports domain and app only', () => {
  for (const file of sources(join(SRC, 'app'))) {
    for (const { specifier, target } of imports(file)) {
      if (target !== undefined) assert.ok(['domain', 'app'].includes(layer(target)), `${relative(SRC, file)} imports ${specifier}`);
    }
  }
});

test('the edges do not import each other', () => {
  for (const edge of EDGES) {
    let dir: string;
    try {
      dir = join(SRC, edge);
      statSync(dir);
    } catch {
      continue;
    }
    for (const file of sources(dir)) {
      for (const { specifier, target } of imports(file)) {
        if (target === undefined) continue;
        const other = layer(target);
        assert.ok(other === edge || other === 'domain' || other === 'app', `${relative(SRC, file)} (${edge}) imports ${specifier} (${other})`);
      }
    }
  }
});
