import { Pager } from '../components/pager.tsx';
import { Layout, type Shell } from '../layout.tsx';
import { PATRON_IMPORT_PATH, PATRONS_PATH, type PatronListQuery, type PatronRow } from '../views/patron-list.ts';

export interface PatronListProps {
  readonly shell: Shell;
  readonly query: PatronListQuery;
  readonly rows: readonly PatronRow[];
  readonly summary: string;
  readonly previous?: string | undefined;
  readonly next?: string | undefined;
  readonly mayWrite: boolean;
}

export function PatronListPage({ shell, query, rows, summary, previous, next, mayWrite }: PatronListProps) {
  return (
    <Layout shell={shell}>
      <h1>Patrons</h1>
      {mayWrite ? (
        <p>
          <a class="button" href={PATRON_IMPORT_PATH}>
            Import patrons from CSV
          </a>
        </p>
      ) : (
        ''
      )}
      <form class="filters" method="get" action={PATRONS_PATH} role="search" aria-label="Find patrons">
        <div>
          <label for="q">Primary id, name, e-mail or identifier</label>
          <input id="q" name="q" type="search" value={query.q} />
        </div>
        <div>
          <label for="status">Status</label>
          <select id="status" name="status">
            <option value="">Any status</option>
            <option value="ACTIVE" selected={query.status === 'ACTIVE'}>
              Active
            </option>
            <option value="INACTIVE" selected={query.status === 'INACTIVE'}>
              Inactive
            </option>
          </select>
        </div>
        <button type="submit">Search</button>
      </form>
      <p class="muted" role="status" safe>
        {summary}
      </p>
      {rows.length ? (
        <table>
          <thead>
            <tr>
              <th scope="col">Primary id</th>
              <th scope="col">Name</th>
              <th scope="col">E-mail</th>
              <th scope="col">User group</th>
              <th scope="col">Status</th>
              <th scope="col">Blocks</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr>
                <td>
                  <a href={row.href} safe>
                    {row.primaryId}
                  </a>
                </td>
                <td safe>{row.name}</td>
                <td safe>{row.email}</td>
                <td safe>{row.userGroup}</td>
                <td class={row.active ? '' : 'muted'} safe>
                  {row.status}
                </td>
                <td safe>{row.blocks}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        ''
      )}
      <Pager previous={previous} next={next} />
    </Layout>
  );
}
