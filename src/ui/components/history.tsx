/** A request's history as a table, for borrowing and lending request pages alike (who, when, what, why). */

export interface HistoryRow {
  readonly at: string;
  readonly actor: string;
  readonly action: string;
  /** `From → To`, in the status labels. */
  readonly change: string;
  /** The rota entry's partner (borrowing requests only). */
  readonly partner?: string | null;
  readonly reason: string | null;
}

export function HistorySection({ rows, withPartner }: { rows: readonly HistoryRow[]; withPartner: boolean }) {
  return (
    <section aria-labelledby="history-heading">
      <h2 id="history-heading">History</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Who</th>
            <th scope="col">Action</th>
            <th scope="col">Status</th>
            {withPartner ? <th scope="col">Partner</th> : ''}
            <th scope="col">Reason</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((h) => (
            <tr>
              <td>
                <time safe>{h.at}</time>
              </td>
              <td safe>{h.actor}</td>
              <td safe>{h.action}</td>
              <td safe>{h.change}</td>
              {withPartner ? <td safe>{h.partner ?? ''}</td> : ''}
              <td safe>{h.reason ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
