import { Pager } from '../components/pager.tsx';
import { Layout, type Shell } from '../layout.tsx';
import { type RequestFilters, type RequestRow, STATUS_OPTIONS } from '../views/request-list.ts';

export interface RequestListProps {
  readonly shell: Shell;
  readonly filters: RequestFilters;
  readonly rows: readonly RequestRow[];
  readonly total: number;
  /** "Showing 1–50 of 120", or what the search found. */
  readonly summary: string;
  /** The partner codes for the partner filter. */
  readonly partners: readonly string[];
  readonly previous?: string | undefined;
  readonly next?: string | undefined;
}

export function RequestListPage({ shell, filters, rows, summary, partners, previous, next }: RequestListProps) {
  return (
    <Layout shell={shell}>
      <h1>Borrowing requests</h1>
      <form class="filters" method="get" action="/ui/requests" role="search" aria-label="Filter requests">
        <div>
          <label for="q">Search</label>
          <input id="q" name="q" type="search" value={filters.q ?? ''} aria-describedby="q-help" />
          <small id="q-help" class="help">
            Title or author words, OCLC number, ISBN, request id or ILLiad TN
          </small>
        </div>
        <div>
          <label for="status">Status</label>
          <select id="status" name="status">
            <option value="">Any status</option>
            {STATUS_OPTIONS.map((option) => (
              <option value={option.value} selected={filters.status === option.value} safe>
                {option.label}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="patron">Patron (primary id)</label>
          <input id="patron" name="patron" type="text" value={filters.patron ?? ''} />
        </div>
        <div>
          <label for="partner">Partner now</label>
          <select id="partner" name="partner">
            <option value="">Any partner</option>
            {partners.map((code) => (
              <option value={code} selected={filters.partner === code} safe>
                {code}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="createdFrom">Created from</label>
          <input id="createdFrom" name="createdFrom" type="date" value={filters.createdFrom ?? ''} />
        </div>
        <div>
          <label for="createdTo">Created to</label>
          <input id="createdTo" name="createdTo" type="date" value={filters.createdTo ?? ''} />
        </div>
        {filters.staleDays ? <input type="hidden" name="staleDays" value={String(filters.staleDays)} /> : ''}
        <button type="submit">Filter</button>
      </form>
      <p class="summary" aria-live="polite" safe>
        {summary}
      </p>
      {rows.length ? (
        <table>
          <caption class="visually-hidden">Borrowing requests</caption>
          <thead>
            <tr>
              <th scope="col">Title</th>
              <th scope="col">Patron</th>
              <th scope="col">Status</th>
              <th scope="col">Partner</th>
              <th scope="col">Changed</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr>
                <td>
                  <a href={row.href} safe>
                    {row.title}
                  </a>
                  {row.author ? (
                    <div class="muted" safe>
                      {row.author}
                    </div>
                  ) : (
                    ''
                  )}
                </td>
                <td safe>{row.patron}</td>
                <td safe>{row.status}</td>
                <td safe>{row.partner ?? '—'}</td>
                <td>
                  <time safe>{row.updatedAt}</time>
                </td>
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
