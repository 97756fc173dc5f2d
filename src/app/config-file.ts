/**
 * The configuration file: YAML (JSON is YAML too) in, canonical YAML out. Problems found in a file are given
 * the line of the field they concern, so a librarian can go straight to it.
 */
import { isMap, isNode, isScalar, isSeq, LineCounter, parseDocument, stringify, type Document } from 'yaml';
import { type Problem, problemError } from '../domain/errors.ts';

export interface ParsedConfigFile {
  readonly data: unknown;
  /** Adds the line number of each problem's path (or of its nearest existing parent). */
  locate(problems: readonly Problem[]): Problem[];
}

/** Reads `a.b[0].c` back into keys and indexes. */
export function parsePath(path: string): (string | number)[] {
  const keys: (string | number)[] = [];
  for (const match of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) keys.push(match[2] !== undefined ? Number(match[2]) : match[1]!);
  return keys;
}

/** Where the field starts: the line of its key in a mapping, of its item in a list. */
function fieldStart(document: Document, path: (string | number)[]): number | undefined {
  const parent = path.length === 1 ? document.contents : document.getIn(path.slice(0, -1), true);
  const last = path.at(-1);
  if (isMap(parent)) {
    const pair = parent.items.find((item) => (isScalar(item.key) ? item.key.value : item.key) === last);
    if (pair && isNode(pair.key) && pair.key.range) return pair.key.range[0];
  }
  if (isSeq(parent) && typeof last === 'number') {
    const item = parent.items[last];
    if (isNode(item) && item.range) return item.range[0];
  }
  return undefined;
}

function lineOf(document: Document, counter: LineCounter, path: (string | number)[]): number | undefined {
  for (let length = path.length; length > 0; length--) {
    const offset = fieldStart(document, path.slice(0, length));
    if (offset !== undefined) return counter.linePos(offset).line;
  }
  const contents = document.contents;
  return isNode(contents) && contents.range ? counter.linePos(contents.range[0]).line : undefined;
}

export function parseConfigFile(text: string): ParsedConfigFile {
  const counter = new LineCounter();
  // The yaml package resolves no tags to code and caps alias expansion, so a file cannot run anything or blow up.
  const document = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  if (document.errors.length) {
    throw problemError(
      'ILL_ERR_CONFIG_FILE',
      document.errors.map((error) => ({
        path: '',
        line: counter.linePos(error.pos[0]).line,
        message: `the file is not valid YAML: ${error.message.split('\n')[0]}`,
      })),
    );
  }
  let data: unknown;
  try {
    data = document.toJS({ maxAliasCount: 100 });
  } catch (error) {
    throw problemError('ILL_ERR_CONFIG_FILE', [{ path: '', message: `the file cannot be read: ${(error as Error).message}` }]);
  }
  return {
    data,
    locate: (problems) =>
      problems.map((problem) => {
        const line = lineOf(document, counter, parsePath(problem.path));
        return line === undefined ? problem : { ...problem, line };
      }),
  };
}

export const CONFIG_FILE_HEADER = [
  '# Interlend configuration (configuration as code).',
  '# Apply it with `interlend config import FILE` or POST /api/v1/config; it is checked as a whole before anything is written.',
  '# Secrets show as ${ENV_VAR} or { set: true } (keep the stored one); addresses may use ${ENV_VAR} too.',
].join('\n');

export function formatConfigFile(content: unknown): string {
  return `${CONFIG_FILE_HEADER}\n${stringify(content, { lineWidth: 0, minContentWidth: 0, aliasDuplicateObjects: false })}`;
}
