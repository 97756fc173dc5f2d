/**
 * `POST /api/v1/patrons/import?dryRun=true|false`: patrons from a CSV body (text/csv). A dry run (the default) says
 * what each row would do and writes nothing; `dryRun=false` imports the rows without problems. The format is in
 * docs/configuration.md; the work is PatronImport's (src/app/patron-import.ts).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { MAX_IMPORT_BYTES, type PatronImport } from '../../app/patron-import.ts';
import { problemError } from '../../domain/errors.ts';

const CSV_TYPES = ['text/csv', 'application/csv', 'text/plain'];
const importQuery = z.object({ dryRun: z.enum(['true', 'false']).optional().describe('true (the default): only say what would happen') });

export function patronImportRoutes(app: FastifyInstance, deps: { patronImport: PatronImport }): void {
  app.register(async (scope) => {
    // Twice the import's limit, so that a file somewhat too large gets the use case's sentence rather than a bare 413.
    const bodyLimit = 2 * MAX_IMPORT_BYTES;
    scope.addContentTypeParser(CSV_TYPES, { parseAs: 'string', bodyLimit }, (_request, body, done) => done(null, { csv: body }));
    scope.post(
      '/api/v1/patrons/import',
      {
        bodyLimit,
        config: { permission: 'write-patrons' },
        schema: { tags: ['patrons'], summary: 'Import patrons from CSV (text/csv): a preview by default, dryRun=false to write the valid rows', querystring: importQuery },
      },
      async (request) => {
        const dryRun = (request.query as { dryRun?: string }).dryRun;
        if (dryRun !== undefined && dryRun !== 'true' && dryRun !== 'false') throw problemError('ILL_ERR_BAD_REQUEST', [{ path: 'dryRun', message: 'must be true or false' }]);
        const body = request.body as { csv?: unknown } | undefined;
        if (!body || typeof body !== 'object' || typeof body.csv !== 'string') {
          throw problemError('ILL_ERR_BAD_REQUEST', [{ path: '', message: 'send the CSV file as the body, with Content-Type: text/csv' }]);
        }
        // The API takes a pin column: its answer never shows a cell back (the staff page does, so it refuses PINs).
        return dryRun === 'false' ? deps.patronImport.apply(body.csv, { acceptPins: true }) : deps.patronImport.preview(body.csv, { acceptPins: true });
      },
    );
  });
}
