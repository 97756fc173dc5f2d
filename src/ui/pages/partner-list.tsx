import { Layout, type Shell } from '../layout.tsx';
import type { PartnerRow } from '../views/partner-list.ts';

export function PartnerListPage({ shell, rows, mayWrite }: { shell: Shell; rows: readonly PartnerRow[]; mayWrite: boolean }) {
  return (
    <Layout shell={shell}>
      <h1>Partners</h1>
      {mayWrite ? (
        <p>
          <a class="button" href="/ui/partners/new">
            New partner
          </a>
        </p>
      ) : (
        ''
      )}
      {rows.length === 0 ? (
        <p>No partner yet.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Code</th>
              <th scope="col">Name</th>
              <th scope="col">Profile type</th>
              <th scope="col">System type</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr>
                <td>
                  <a href={row.href} safe>
                    {row.code}
                  </a>
                </td>
                <td safe>{row.name}</td>
                <td safe>{row.profileType}</td>
                <td safe>{row.systemType}</td>
                <td class={row.active ? '' : 'muted'} safe>
                  {row.status}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Layout>
  );
}
