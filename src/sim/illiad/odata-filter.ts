/**
 * The small OData `$filter` subset the Web Platform's list routes are called with (illiad.md §1.1 "OData", §1.2
 * `Transaction/UserRequests/{user}`, §5 (c) 5): `eq`, `ne` (and `gt`, `ge`, `lt`, `le`), `and`, `or`, `not`,
 * `startswith(Field,'x')` (and `endswith`, `contains`), parentheses, string literals with `''` for a quote, numbers,
 * `true`, `false`, `null`.
 *
 * As in ASP.NET Web API OData: keywords and property names are case-sensitive (`TransactionStatus`, not
 * `transactionstatus`), an unknown property or a type mismatch (`TransactionNumber eq '5'`) is an error, and a
 * function call is a boolean on its own or compared with `true`/`false`. String comparison ignores case, because
 * ILLiad runs the query on SQL Server with its default case-insensitive collation (inferred). Nulls follow C#
 * semantics (EF's default): `Field ne 'x'` is true for a null Field, `startswith(null, 'x')` is false.
 */
import type { FieldType } from './binding.ts';

/** A `$filter` that could not be parsed or type-checked; `message` is the detail ASP.NET would give. */
export class ODataFilterError extends Error {
  override readonly name = 'ODataFilterError';
}

type Comparison = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';
type ValueType = FieldType | 'null';
const FUNCTIONS = ['startswith', 'endswith', 'contains'] as const;
type FunctionName = (typeof FUNCTIONS)[number];

type Node =
  | { readonly kind: 'field'; readonly name: string; readonly type: FieldType }
  | { readonly kind: 'literal'; readonly type: ValueType; readonly value: string | number | boolean | null }
  | { readonly kind: 'call'; readonly name: FunctionName; readonly args: readonly [Node, Node] }
  | { readonly kind: 'compare'; readonly op: Comparison; readonly left: Node; readonly right: Node }
  | { readonly kind: 'logical'; readonly op: 'and' | 'or'; readonly left: Node; readonly right: Node }
  | { readonly kind: 'not'; readonly operand: Node };

type Token =
  | { readonly kind: 'word'; readonly text: string; readonly at: number }
  | { readonly kind: 'string'; readonly text: string; readonly at: number }
  | { readonly kind: 'number'; readonly text: string; readonly at: number }
  | { readonly kind: 'punct'; readonly text: '(' | ')' | ','; readonly at: number }
  | { readonly kind: 'end'; readonly text: ''; readonly at: number };

const COMPARISONS: readonly string[] = ['eq', 'ne', 'gt', 'ge', 'lt', 'le'];
const OPERATOR_KIND: Record<Comparison, string> = { eq: 'Equal', ne: 'NotEqual', gt: 'GreaterThan', ge: 'GreaterThanOrEqual', lt: 'LessThan', le: 'LessThanOrEqual' };
const EDM: Record<ValueType, string> = { string: 'Edm.String', int: 'Edm.Int32', decimal: 'Edm.Decimal', bool: 'Edm.Boolean', date: 'Edm.DateTime', null: 'null' };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  // Positions are 1-based in the error text, as ODataLib reports them.
  const syntax = (at: number) => new ODataFilterError(`Syntax error at position ${at + 1} in '${text}'.`);
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(' || c === ')' || c === ',') {
      tokens.push({ kind: 'punct', text: c, at: i });
      i++;
    } else if (c === "'") {
      const start = i;
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) throw new ODataFilterError(`There is an unterminated string literal at position ${start + 1} in '${text}'.`);
        if (text[i] === "'") {
          if (text[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += text[i];
        i++;
      }
      tokens.push({ kind: 'string', text: value, at: start });
    } else if (/[-\d]/.test(c)) {
      const match = /^-?\d+(\.\d+)?/.exec(text.slice(i));
      if (!match) throw syntax(i);
      tokens.push({ kind: 'number', text: match[0], at: i });
      i += match[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i))![0];
      tokens.push({ kind: 'word', text: word, at: i });
      i += word.length;
    } else {
      throw syntax(i);
    }
  }
  tokens.push({ kind: 'end', text: '', at: text.length });
  return tokens;
}

class Parser {
  private position = 0;
  constructor(
    private readonly text: string,
    private readonly tokens: readonly Token[],
    private readonly fields: Readonly<Record<string, FieldType>>,
    private readonly typeName: string,
  ) {}

  parse(): Node {
    const node = this.or();
    if (this.peek().kind !== 'end') throw this.syntax(this.peek());
    if (typeOf(node) !== 'bool') throw new ODataFilterError(`The $filter expression must evaluate to a single boolean value.`);
    return node;
  }

  private peek(): Token {
    return this.tokens[this.position]!;
  }
  private next(): Token {
    return this.tokens[this.position++]!;
  }
  private isWord(text: string): boolean {
    const token = this.peek();
    return token.kind === 'word' && token.text === text;
  }
  private expect(text: '(' | ')' | ','): void {
    const token = this.next();
    if (token.kind !== 'punct' || token.text !== text) throw this.syntax(token);
  }
  private syntax(token: Token): ODataFilterError {
    return new ODataFilterError(`Syntax error at position ${token.at + 1} in '${this.text}'.`);
  }

  private or(): Node {
    let left = this.and();
    while (this.isWord('or')) {
      this.next();
      left = logical('or', left, this.and());
    }
    return left;
  }
  private and(): Node {
    let left = this.comparison();
    while (this.isWord('and')) {
      this.next();
      left = logical('and', left, this.comparison());
    }
    return left;
  }
  /** `not` binds tighter than `eq` in OData: `not Status eq 'x'` is `(not Status) eq 'x'`, a type error. */
  private unary(): Node {
    if (this.isWord('not')) {
      this.next();
      const operand = this.unary();
      if (typeOf(operand) !== 'bool') throw new ODataFilterError(`The operand for the unary not operator is of type '${EDM[typeOf(operand)]}', but must be 'Edm.Boolean'.`);
      return { kind: 'not', operand };
    }
    return this.primary();
  }
  private comparison(): Node {
    const left = this.unary();
    const token = this.peek();
    if (token.kind !== 'word' || !COMPARISONS.includes(token.text)) return left;
    this.next();
    const op = token.text as Comparison;
    const right = this.unary();
    const [a, b] = [typeOf(left), typeOf(right)];
    const numeric = (t: ValueType) => t === 'int' || t === 'decimal';
    const compatible = a === 'null' || b === 'null' ? op === 'eq' || op === 'ne' : a === b || (numeric(a) && numeric(b));
    if (!compatible || ((a === 'bool' || b === 'bool' || a === 'date' || b === 'date') && op !== 'eq' && op !== 'ne')) {
      throw new ODataFilterError(`A binary operator with incompatible types was detected. Found operand types '${EDM[a]}' and '${EDM[b]}' for operator kind '${OPERATOR_KIND[op]}'.`);
    }
    return { kind: 'compare', op, left, right };
  }
  private primary(): Node {
    const token = this.next();
    if (token.kind === 'punct' && token.text === '(') {
      const inner = this.or();
      this.expect(')');
      return inner;
    }
    if (token.kind === 'string') return { kind: 'literal', type: 'string', value: token.text };
    if (token.kind === 'number') return { kind: 'literal', type: token.text.includes('.') ? 'decimal' : 'int', value: Number(token.text) };
    if (token.kind !== 'word') throw this.syntax(token);
    if (token.text === 'true' || token.text === 'false') return { kind: 'literal', type: 'bool', value: token.text === 'true' };
    if (token.text === 'null') return { kind: 'literal', type: 'null', value: null };
    const next = this.peek();
    if (next.kind === 'punct' && next.text === '(') return this.call(token);
    if (!Object.hasOwn(this.fields, token.text)) throw new ODataFilterError(`Could not find a property named '${token.text}' on type '${this.typeName}'.`);
    return { kind: 'field', name: token.text, type: this.fields[token.text]! };
  }
  private call(name: Token): Node {
    if (!(FUNCTIONS as readonly string[]).includes(name.text)) throw new ODataFilterError(`Unknown function '${name.text}'.`);
    this.expect('(');
    const first = this.or();
    this.expect(',');
    const second = this.or();
    this.expect(')');
    for (const arg of [first, second]) {
      if (typeOf(arg) !== 'string' && typeOf(arg) !== 'null') {
        throw new ODataFilterError(`No function signature for the function with name '${name.text}' matches the specified arguments.`);
      }
    }
    return { kind: 'call', name: name.text as FunctionName, args: [first, second] };
  }
}

function logical(op: 'and' | 'or', left: Node, right: Node): Node {
  for (const side of [left, right]) {
    if (typeOf(side) !== 'bool') throw new ODataFilterError(`The operand for the binary ${op} operator is of type '${EDM[typeOf(side)]}', but must be 'Edm.Boolean'.`);
  }
  return { kind: 'logical', op, left, right };
}

function typeOf(node: Node): ValueType {
  if (node.kind === 'field' || node.kind === 'literal') return node.type;
  return 'bool';
}

type Value = string | number | boolean | null;

function evaluate(node: Node, record: Readonly<Record<string, unknown>>): Value {
  switch (node.kind) {
    case 'field': {
      const value = record[node.name];
      return value === undefined ? null : (value as Value);
    }
    case 'literal':
      return node.value;
    case 'not':
      return !evaluate(node.operand, record);
    case 'logical':
      return node.op === 'and'
        ? Boolean(evaluate(node.left, record)) && Boolean(evaluate(node.right, record))
        : Boolean(evaluate(node.left, record)) || Boolean(evaluate(node.right, record));
    case 'call': {
      const [text, part] = node.args.map((arg) => evaluate(arg, record));
      if (typeof text !== 'string' || typeof part !== 'string') return false;
      const [haystack, needle] = [text.toLowerCase(), part.toLowerCase()];
      if (node.name === 'startswith') return haystack.startsWith(needle);
      if (node.name === 'endswith') return haystack.endsWith(needle);
      return haystack.includes(needle);
    }
    case 'compare':
      return compare(node.op, evaluate(node.left, record), evaluate(node.right, record));
  }
}

function compare(op: Comparison, left: Value, right: Value): boolean {
  if (left === null || right === null) {
    const same = left === right;
    return op === 'eq' ? same : op === 'ne' ? !same : false;
  }
  const [a, b] = typeof left === 'string' && typeof right === 'string' ? [left.toLowerCase(), right.toLowerCase()] : [left, right];
  switch (op) {
    case 'eq':
      return a === b;
    case 'ne':
      return a !== b;
    case 'gt':
      return a > b;
    case 'ge':
      return a >= b;
    case 'lt':
      return a < b;
    case 'le':
      return a <= b;
  }
}

export interface ODataFilter {
  /** Whether a record (a Transaction) passes the filter. */
  test(record: Readonly<Record<string, unknown>>): boolean;
}

/** Parses and type-checks a `$filter` against the fields of the listed type; throws ODataFilterError. */
export function parseODataFilter(text: string, fields: Readonly<Record<string, FieldType>>, typeName = 'Transaction'): ODataFilter {
  const tree = new Parser(text, tokenize(text), fields, typeName).parse();
  return { test: (record) => Boolean(evaluate(tree, record)) };
}
