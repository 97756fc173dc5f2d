#!/usr/bin/env node
// `npm test`: type-check, then every *.test.ts under test/ with node's test runner (Node 20 finds no .ts files
// by itself and has no globs, so the files are listed here).
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = join(import.meta.dirname, '..');

function findTests(dir) {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : findTests(path);
      return name.endsWith('.test.ts') ? [relative(root, path)] : [];
    });
}

const only = process.argv.slice(2);
const files = only.length ? only : findTests(join(root, 'test'));
if (files.length === 0) {
  console.error('No test files found under test/.');
  process.exit(1);
}

if (!only.length) {
  console.log('Type-checking (tsc --noEmit)…');
  const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', root], { stdio: 'inherit', cwd: root });
  if (tsc.status !== 0) process.exit(tsc.status ?? 1);
}

const run = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=2', ...files],
  { stdio: 'inherit', cwd: root, env: { ...process.env, NODE_NO_WARNINGS: '1' } },
);
process.exit(run.status ?? 1);
