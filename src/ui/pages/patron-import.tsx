import { Layout, type Shell } from '../layout.tsx';
import type { ImportRowView } from '../views/patron-import.ts';
import { PATRON_IMPORT_PATH } from '../views/patron-list.ts';

export interface PatronImportProps {
  readonly shell: Shell;
  readonly csrf: string;
  /** The CSV as last sent (shown again in the box). */
  readonly text: string;
  /** The digest of the previewed text, when there is a preview to import. */
  readonly previewed?: string | undefined;
  /** Problems with the file as a whole (its header, its quoting, its size): shown at the box. */
  readonly fileProblems: readonly string[];
  readonly summary?: string | undefined;
  readonly rows: readonly ImportRowView[];
  /** Rows the import would write (create or update). */
  readonly importable: number;
  readonly done: boolean;
  readonly note?: string | undefined;
  readonly columns: readonly string[];
}

export function PatronImportPage(props: PatronImportProps) {
  const { shell, csrf, text, previewed, fileProblems, summary, rows, importable, done } = props;
  const describedBy = ['csv-help', fileProblems.length ? 'csv-error' : ''].filter(Boolean).join(' ');
  return (
    <Layout shell={shell}>
      <p class="muted">
        <a href="/ui/patrons">Patrons</a>
      </p>
      <h1>Import patrons from CSV</h1>
      {props.note ? (
        <p class="notice" role="status" safe>
          {props.note}
        </p>
      ) : (
        ''
      )}
      {summary ? (
        <p class={done ? 'notice' : ''} role="status" id="import-summary" tabindex="-1" safe>
          {summary}
        </p>
      ) : (
        ''
      )}
      {rows.length ? (
        <table class="import-rows">
          <caption class="visually-hidden">{done ? 'What was done with each row' : 'What each row would do'}</caption>
          <thead>
            <tr>
              <th scope="col">Line</th>
              <th scope="col">Primary id</th>
              <th scope="col">Name</th>
              <th scope="col">{done ? 'Done' : 'Would'}</th>
              <th scope="col">Problems</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr class={row.invalid ? 'invalid' : ''}>
                <td safe>{String(row.line)}</td>
                <td>
                  {row.href ? (
                    <a href={row.href} safe>
                      {row.primaryId}
                    </a>
                  ) : (
                    <span safe>{row.primaryId}</span>
                  )}
                </td>
                <td safe>{row.name}</td>
                <td safe>{row.what}</td>
                <td>
                  {row.problems.length ? (
                    <ul class="row-problems">
                      {row.problems.map((p) => (
                        <li class="error" safe>
                          {p}
                        </li>
                      ))}
                    </ul>
                  ) : (
                    ''
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        ''
      )}
      {done ? (
        <p>
          <a href="/ui/patrons">Back to the patrons</a> · <a href={PATRON_IMPORT_PATH}>Import another file</a>
        </p>
      ) : (
        <form class="card import-form" method="post" action={PATRON_IMPORT_PATH} enctype="multipart/form-data">
          <input type="hidden" name="_csrf" value={csrf} />
          {previewed ? <input type="hidden" name="previewed" value={previewed} /> : ''}
          <div class="field">
            <label for="f-file">A CSV file</label>
            <input id="f-file" name="file" type="file" accept=".csv,text/csv,text/plain" />
          </div>
          <div class={fileProblems.length ? 'field invalid' : 'field'}>
            <label for="f-csv">Or paste the CSV here</label>
            <textarea id="f-csv" name="csv" rows="10" spellcheck="false" aria-describedby={describedBy} aria-invalid={fileProblems.length ? 'true' : undefined} safe>
              {text}
            </textarea>
            {fileProblems.length ? (
              <div class="error" id="csv-error" role="alert">
                <p>The file cannot be read:</p>
                <ul>
                  {fileProblems.map((p) => (
                    <li safe>{p}</li>
                  ))}
                </ul>
              </div>
            ) : (
              ''
            )}
            <p class="help" id="csv-help" safe>
              {`A header row, then a patron a line. Columns: ${props.columns.join(', ')} (primaryId, firstName, lastName and userGroup are required). UTF-8, commas, fields with a comma, quote or line break in double quotes. A file takes the place of the pasted text.`}
            </p>
          </div>
          <div class="submit">
            <button type="submit" name="step" value="preview" class={previewed && importable ? 'secondary' : ''}>
              {previewed ? 'Preview again' : 'Preview'}
            </button>{' '}
            {previewed && importable ? (
              <button type="submit" name="step" value="import">
                {`Import ${importable} ${importable === 1 ? 'row' : 'rows'}`}
              </button>
            ) : (
              ''
            )}
          </div>
        </form>
      )}
    </Layout>
  );
}
