import { Layout, type Shell } from '../layout.tsx';
import type { DoctorView } from '../views/doctor.ts';

export function DoctorPage({ shell, view }: { shell: Shell; view: DoctorView }) {
  return (
    <Layout shell={shell}>
      <h1>Doctor</h1>
      <p safe>{view.summary}</p>
      <p>
        {view.live ? <a href="/ui/doctor">Check the configuration only</a> : <a href="/ui/doctor?live=1">Also ask ILLiad (the key and its version)</a>}
      </p>
      <table>
        <thead>
          <tr>
            <th scope="col">Result</th>
            <th scope="col">Check</th>
            <th scope="col">What to do</th>
            <th scope="col">Guide step</th>
          </tr>
        </thead>
        <tbody>
          {view.checks.map((c) => (
            <tr class={`check ${c.status}`}>
              <td>
                <span class={`badge ${c.status}`} safe>
                  {c.statusLabel}
                </span>
              </td>
              <td safe>{c.title}</td>
              <td safe>{c.message}</td>
              <td safe>{c.guideStep}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Layout>
  );
}
