import { Pager } from '../components/pager.tsx';
import { Layout, type Shell } from '../layout.tsx';
import { type LendingFilters, type LendingRow, LENDING_PATH, type StatusOption, statusValue } from '../views/lending-list.ts';

export interface LendingListProps {
  readonly shell: Shell;
  readonly filters: LendingFilters;
  readonly statusOptions: readonly StatusOption[];
  /** The requesting partners for the requester filter (codes). */
  readonly requesters: readonly string[];
  readonly rows: readonly LendingRow[];
  /** "Showing 1–50 of 120." */
  readonly summary: string;
  readonly previous?: string | undefined;
  readonly next?: string | undefined;
}

export function LendingListPage({ shell, filters, statusOptions, requesters, rows, summary, previous, next }: LendingListProps) {
  const status = statusValue(filters.statuses);
  return (
    <Layout shell={shell}>
      <h1>Lending requests</h1>
      <p class="muted">Other libraries' requests to borrow from us (ISO 18626), most recently changed first.</p>
      <form class="filters" method="get" action={LENDING_PATH} role="search" aria-label="Filter lending requests">
        <div>
          <label for="status">Status</label>
          <select id="status" name="status">
            <option value="">Any status</option>
            {statusOptions.map((option) => (
              <option value={option.value} selected={status === option.value} safe>
                {option.label}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="requester">Requester</label>
          <select id="requester" name="requester">
            <option value="">Any requester</option>
            {requesters.map((code) => (
              <option value={code} selected={filters.requester === code} safe>
                {code}
              </option>
            ))}
          </select>
        </div>
        <button type="submit">Filter</button>
      </form>
      <p class="summary" aria-live="polite" safe>
        {summary}
      </p>
      {rows.length ? (
        <table>
          <caption class="visually-hidden">Lending requests</caption>
          <thead>
            <tr>
              <th scope="col">Title</th>
              <th scope="col">Requester</th>
              <th scope="col">Their request id</th>
              <th scope="col">Service type</th>
              <th scope="col">Status</th>
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
                <td safe>{row.requester}</td>
                <td safe>{row.requesterRequestId}</td>
                <td safe>{row.serviceType}</td>
                <td safe>{row.status}</td>
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
