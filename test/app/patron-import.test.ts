/**
 * Patrons from CSV (src/app/patron-import.ts, src/domain/csv.ts): RFC 4180 quoting, a BOM, CRLF, every kind of row
 * problem in words, a preview that writes nothing, an import that writes the valid rows and skips the others, and
 * the same file a second time all unchanged.
 */
import assert from 'node:assert/strict';
import { after, beforeEach, describe, test } from 'node:test';
import { MAX_IMPORT_BYTES, PatronImport } from '../../src/app/patron-import.ts';
import { parseCsv } from '../../src/domain/csv.ts';
import { InterlendError } from '../../src/domain/errors.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { EXAMPLE, EXAMPLE_ENV, PATRONS } from '../ui/helpers.ts';

const HEADER = 'primaryId,firstName,lastName,email,userGroup,status,pickupLibrary,expiryDate,identifier:UNIVERSITY_ID';

describe('CSV (RFC 4180)', () => {
  test('quoted fields hold commas, doubled quotes and line breaks; CRLF or LF; a BOM is dropped; blank lines skipped', () => {
    const parsed = parseCsv('\uFEFFa,b,c\r\n"x, y","say ""hi""","two\r\nlines"\r\n\r\nlast,,\n');
    assert.ok(parsed.ok);
    assert.deepEqual(
      parsed.records.map((r) => [r.line, ...r.fields]),
      [
        [1, 'a', 'b', 'c'],
        [2, 'x, y', 'say "hi"', 'two\r\nlines'],
        [5, 'last', '', ''],
      ],
    );
  });

  test('a file without a final line break, and an empty quoted field', () => {
    const parsed = parseCsv('a,b\n"",x');
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.records[1]!.fields, ['', 'x']);
  });

  test('broken quoting is a problem with its line', () => {
    const open = parseCsv('a,b\n1,"never closed\n2,3\n');
    assert.ok(!open.ok);
    assert.equal(open.problem.line, 2);
    assert.match(open.problem.message, /never closed/);
    const stray = parseCsv('a,b\n1,2\nab"c,d\n');
    assert.ok(!stray.ok);
    assert.equal(stray.problem.line, 3);
    assert.match(stray.problem.message, /double quote inside a field/);
    const after = parseCsv('a,b\n"x"y,2\n');
    assert.ok(!after.ok);
    assert.match(after.problem.message, /text after a closing double quote/);
  });
});

describe('PatronImport', () => {
  let app: TestApp;
  let importer: PatronImport;
  const patronCount = async () => (await app.config.list('patrons', { limit: 500, offset: 0, filters: {} })).total;

  beforeEach(async () => {
    await app?.close();
    app = await createTestApp('sqlite', EXAMPLE_ENV);
    await app.transfer.importYaml(EXAMPLE);
    await app.transfer.importYaml(PATRONS);
    importer = new PatronImport({ config: app.config, storage: app.storage });
  });
  after(async () => app?.close());

  const FILE = [
    HEADER,
    // 2: new, with a quoted name holding a comma and a quote
    '200000001,"Ann, ""Jr""",Archer,aarcher@example.edu,FACULTY,ACTIVE,MAIN,2030-06-30,U-1',
    // 3: an existing demo patron whose e-mail changes
    '100200301,Maria,Garcia,maria.garcia@example.edu,GRADUATE,,SCIENCE,,',
    // 4: an existing demo patron as stored (the demo file gives no university id for her)
    '100200302,Sam,Okafor,sokafor@example.edu,UNDERGRADUATE,,,,',
    // 5: schema problems: no last name, a bad e-mail, a bad date, a bad status
    '200000002,Bob,,not-an-email,FACULTY,SLEEPING,,2030-13-01,',
    // 6: an unknown pickup library
    '200000003,Cy,Cole,ccole@example.edu,FACULTY,,NOWHERE,,',
    // 7 and 8: the same primary id twice
    '200000004,Di,Dunn,ddunn@example.edu,FACULTY,,,,',
    '200000004,Di,Dunn-Again,ddunn2@example.edu,FACULTY,,,,',
    // 9: an e-mail of another patron, and a university id of another patron
    '200000005,Ed,Eve,cwlee@example.edu,FACULTY,,,,100200300',
    // 10: too few fields
    '200000006,Fay,Fox',
  ].join('\r\n');

  test('the preview says what each row would do, with every problem by column, and writes nothing', async () => {
    const before = await patronCount();
    const report = await importer.preview(FILE);
    assert.equal(report.dryRun, true);
    assert.equal(report.applied, null);
    const row = (line: number) => report.rows.find((r) => r.line === line)!;
    const problems = (line: number) => row(line).problems.map((p) => `${p.path}: ${p.message}`);
    assert.equal(row(2).action, 'create');
    assert.equal(row(2).name, 'Ann, "Jr" Archer');
    assert.equal(row(3).action, 'update');
    assert.deepEqual(row(3).changes, ['email']);
    assert.equal(row(4).action, 'unchanged');
    assert.equal(row(5).action, 'invalid');
    assert.deepEqual(problems(5).sort(), ['email: is not an e-mail address', 'expiryDate: is not a real date', 'lastName: must not be empty', 'status: "SLEEPING" is not a status: use ACTIVE or INACTIVE'].sort());
    assert.deepEqual(problems(6), ['pickupLibrary: names library NOWHERE, which does not exist']);
    assert.deepEqual(problems(7), ['primaryId: 200000004 is also on line 8 of the file']);
    assert.deepEqual(problems(8), ['primaryId: 200000004 is also on line 7 of the file']);
    assert.deepEqual(problems(9), ['email: cwlee@example.edu already belongs to patron 100200300', 'identifier:UNIVERSITY_ID: 100200300 already belongs to patron 100200300']);
    assert.ok(problems(10).includes(': has 3 fields; the header has 9'), problems(10).join('\n'));
    assert.deepEqual(report.counts, { create: 1, update: 1, unchanged: 1, invalid: 6 });
    assert.equal(await patronCount(), before);
    assert.equal((await app.config.get('patrons', '100200301')).doc.email, 'mgarcia@example.edu');
  });

  test('an e-mail given by two rows: both refused', async () => {
    const report = await importer.preview([HEADER, 'p1,A,A,same@example.edu,FACULTY,,,,', 'p2,B,B,SAME@example.edu,FACULTY,,,,'].join('\n'));
    assert.deepEqual(
      report.rows.map((r) => r.problems.map((p) => `${p.path}: ${p.message}`)),
      [['email: same@example.edu is also on line 3 of the file'], ['email: SAME@example.edu is also on line 2 of the file']],
    );
  });

  test('the import writes the valid rows, skips the others, and the same file again is all unchanged', async () => {
    const before = await patronCount();
    const report = await importer.apply(FILE);
    assert.equal(report.dryRun, false);
    assert.deepEqual(report.applied, { created: 1, updated: 1, unchanged: 1, skipped: 6, failed: 0 });
    assert.equal(await patronCount(), before + 1);
    const ann = (await app.config.get('patrons', '200000001')).doc;
    assert.equal(ann.firstName, 'Ann, "Jr"');
    assert.equal(ann.pickupLibrary, 'MAIN');
    assert.equal(ann.expiryDate, '2030-06-30');
    assert.deepEqual(ann.identifiers, [{ type: 'UNIVERSITY_ID', value: 'U-1' }]);
    const maria = (await app.config.get('patrons', '100200301')).doc;
    assert.equal(maria.email, 'maria.garcia@example.edu');
    // Columns the file does not have are kept: Maria's barcode.
    assert.deepEqual(maria.identifiers, [{ type: 'BARCODE', value: '21234000000025' }]);
    for (const skipped of ['200000002', '200000003', '200000004', '200000005', '200000006']) {
      await assert.rejects(app.config.get('patrons', skipped), /not found|does not exist/i);
    }

    const again = await importer.apply(FILE);
    assert.deepEqual(again.applied, { created: 0, updated: 0, unchanged: 3, skipped: 6, failed: 0 });
    const valid = [HEADER, ...FILE.split('\r\n').slice(1, 4)].join('\n');
    const preview = await importer.preview(valid);
    assert.deepEqual(preview.counts, { create: 0, update: 0, unchanged: 3, invalid: 0 });
  });

  test('a BOM and LF line ends import the same; status and blocks of an existing patron are kept', async () => {
    const report = await importer.apply(`\uFEFFprimaryId,firstName,lastName,userGroup\n100200303,Priya,Natarajan,GRADUATE\n`);
    assert.deepEqual(report.applied, { created: 0, updated: 1, unchanged: 0, skipped: 0, failed: 0 });
    const priya = (await app.config.get('patrons', '100200303')).doc;
    assert.equal(priya.userGroup, 'GRADUATE');
    assert.equal(priya.email, 'pnatarajan@example.edu');
    assert.equal(priya.blocks.length, 1);
  });

  test('problems with the file as a whole: header, quoting, emptiness, size', async () => {
    const refused = async (csv: string, code: string, message: RegExp) => {
      const error = await importer.preview(csv).then(
        () => assert.fail('refused'),
        (e: unknown) => e,
      );
      assert.ok(error instanceof InterlendError);
      assert.equal(error.code, code);
      assert.match([error.message, ...error.problems.map((p) => `${p.path}: ${p.message}`)].join('\n'), message);
    };
    await refused('primaryId,firstName,lastName\n1,a,b\n', 'ILL_ERR_VALIDATION', /the column userGroup is missing/);
    await refused('primaryId,firstName,lastName,userGroup,shoeSize\n', 'ILL_ERR_VALIDATION', /"shoeSize" is not a column of the patron file/);
    await refused('primaryId,firstName,lastName,userGroup,identifier:SHOE\n', 'ILL_ERR_VALIDATION', /"identifier:SHOE" names no identifier type/);
    await refused('primaryId,firstName,lastName,userGroup,email,email\n', 'ILL_ERR_VALIDATION', /"email" appears twice/);
    await refused('primaryId,firstName,lastName,userGroup\n1,"a,b,c\n', 'ILL_ERR_VALIDATION', /line 2: a field opened with a double quote is never closed/);
    await refused('', 'ILL_ERR_VALIDATION', /the file is empty/);
    await refused('primaryId,firstName,lastName,userGroup\n', 'ILL_ERR_VALIDATION', /no patron/);
    await refused(`primaryId,firstName,lastName,userGroup\n${'x'.repeat(MAX_IMPORT_BYTES)}\n`, 'ILL_ERR_PAYLOAD_TOO_LARGE', /at most 1048576 \(1 MiB\).*split it/);
  });
});
