/**
 * The ILLiad simulator's `$filter` subset (src/sim/illiad/odata-filter.ts; illiad.md §5 (c) 5): the operators,
 * precedence, literals, null handling, and the errors ASP.NET OData gives for what it cannot parse or type-check.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ODataFilterError, parseODataFilter } from '../../src/sim/illiad/odata-filter.ts';
import { TRANSACTION_FIELDS } from '../../src/sim/illiad/transaction.ts';

const rows = [
  { TransactionNumber: 1001, ProcessType: 'Borrowing', TransactionStatus: 'Awaiting Request Processing', ReferenceNumber: '01JABC', Pieces: 1, Rush: 'Regular', LoanTitle: "O'Brien's Book", AcceptNonEnglish: true },
  { TransactionNumber: 1002, ProcessType: 'Borrowing', TransactionStatus: 'Request Finished', ReferenceNumber: '01JDEF', Pieces: 2, Rush: null, LoanTitle: null, AcceptNonEnglish: false },
  { TransactionNumber: 1003, ProcessType: 'Borrowing', TransactionStatus: 'Cancelled by ILL Staff', ReferenceNumber: null, Pieces: null, Rush: 'Rush', LoanTitle: 'Cats', AcceptNonEnglish: false },
  { TransactionNumber: 1004, ProcessType: 'Lending', TransactionStatus: 'Item Shipped', ReferenceNumber: '01JGHI', Pieces: 3, Rush: 'Regular', LoanTitle: 'Dogs', AcceptNonEnglish: true },
];

/** The TransactionNumbers of the rows that pass. */
function select(filter: string): number[] {
  const parsed = parseODataFilter(filter, TRANSACTION_FIELDS);
  return rows.filter((row) => parsed.test(row)).map((row) => row.TransactionNumber);
}

function fails(filter: string, expected: RegExp): void {
  assert.throws(() => parseODataFilter(filter, TRANSACTION_FIELDS), (error: unknown) => {
    assert.ok(error instanceof ODataFilterError, `expected an ODataFilterError for ${filter}`);
    assert.match(error.message, expected);
    return true;
  });
}

describe('OData $filter subset', () => {
  test('eq and ne on strings, ignoring case as SQL Server does', () => {
    assert.deepEqual(select("ReferenceNumber eq '01JABC'"), [1001]);
    assert.deepEqual(select("ReferenceNumber eq '01jabc'"), [1001]);
    assert.deepEqual(select("ProcessType ne 'Borrowing'"), [1004]);
  });

  test('numbers, booleans and null', () => {
    assert.deepEqual(select('TransactionNumber eq 1002'), [1002]);
    assert.deepEqual(select('Pieces gt 1'), [1002, 1004]);
    assert.deepEqual(select('Pieces le 1'), [1001]);
    assert.deepEqual(select('AcceptNonEnglish eq true'), [1001, 1004]);
    assert.deepEqual(select('ReferenceNumber eq null'), [1003]);
    assert.deepEqual(select('ReferenceNumber ne null'), [1001, 1002, 1004]);
    // C# null semantics: a null field is "not equal" to a value.
    assert.deepEqual(select("Rush ne 'Regular'"), [1002, 1003]);
  });

  test("a quote inside a string literal is written ''", () => {
    assert.deepEqual(select("LoanTitle eq 'O''Brien''s Book'"), [1001]);
  });

  test('and binds tighter than or; parentheses override', () => {
    assert.deepEqual(select("TransactionNumber eq 1001 or ProcessType eq 'Lending' and Pieces eq 3"), [1001, 1004]);
    assert.deepEqual(select("(TransactionNumber eq 1001 or ProcessType eq 'Lending') and Pieces eq 1"), [1001]);
    assert.deepEqual(select("((ReferenceNumber eq '01JDEF'))"), [1002]);
  });

  test('startswith, not, and the status filter clients send (illiad.md §1.2)', () => {
    assert.deepEqual(select("startswith(TransactionStatus,'Cancelled')"), [1003]);
    assert.deepEqual(select("startswith(TransactionStatus, 'cancelled') eq true"), [1003]);
    assert.deepEqual(select("not startswith(TransactionStatus,'Cancelled')"), [1001, 1002, 1004]);
    assert.deepEqual(
      select("ProcessType eq 'Borrowing' and TransactionStatus ne 'Request Finished' and not startswith(TransactionStatus,'Cancelled')"),
      [1001],
    );
    // A function on a null field is false, so `not` of it is true.
    assert.deepEqual(select("not startswith(LoanTitle,'C')"), [1001, 1002, 1004]);
    assert.deepEqual(select("endswith(LoanTitle,'gs') or contains(LoanTitle,'brien')"), [1001, 1004]);
  });

  test('syntax errors name the position', () => {
    fails('ReferenceNumber eq', /^Syntax error at position 19 in 'ReferenceNumber eq'\.$/);
    fails("ReferenceNumber eq '01J", /unterminated string literal at position 20/);
    fails("ReferenceNumber eq '01J' ReferenceNumber", /^Syntax error at position 26/);
    fails("(ReferenceNumber eq '01J'", /^Syntax error/);
    fails('ReferenceNumber == 5', /^Syntax error at position 17/);
  });

  test('property names are case-sensitive, and must exist', () => {
    fails("referencenumber eq '01JABC'", /^Could not find a property named 'referencenumber' on type 'Transaction'\.$/);
    fails("Nope eq 'x'", /Could not find a property named 'Nope'/);
    fails("constructor eq 'x'", /Could not find a property named 'constructor'/);
  });

  test('types are checked as OData does', () => {
    fails("TransactionNumber eq '1001'", /incompatible types.*'Edm\.Int32' and 'Edm\.String' for operator kind 'Equal'/);
    fails('TransactionNumber', /must evaluate to a single boolean value/);
    // `not` binds tighter than `eq`: this is (not TransactionStatus) eq 'x'.
    fails("not TransactionStatus eq 'x'", /unary not operator is of type 'Edm\.String'/);
    fails("ReferenceNumber eq '1' and Pieces", /binary and operator is of type 'Edm\.Int32'/);
    fails("substringof('x',LoanTitle)", /^Unknown function 'substringof'\.$/);
    fails("startswith(Pieces,'1')", /No function signature for the function with name 'startswith'/);
  });
});
