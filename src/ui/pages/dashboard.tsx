import { Layout, type Shell } from '../layout.tsx';
import type { DashboardView } from '../views/dashboard.ts';

export function DashboardPage({ shell, view }: { shell: Shell; view: DashboardView }) {
  return (
    <Layout shell={shell}>
      <h1>Dashboard</h1>
      {view.outages.length ? (
        <section class="alerts outages" aria-labelledby="outages-heading" role="status">
          <h2 id="outages-heading">Partners that cannot be reached now</h2>
          <p>Requests for them are kept and sent again by themselves; nothing needs to be done unless it lasts.</p>
          <ul>
            {view.outages.map((outage) => (
              <li>
                <strong safe>{outage.who}</strong> <span safe>{outage.what}</span>
                <br />
                <small safe>{outage.detail}</small>
              </li>
            ))}
          </ul>
        </section>
      ) : (
        ''
      )}
      {view.partnerAlerts.length ? (
        <section class="alerts" aria-labelledby="alerts-heading">
          <h2 id="alerts-heading">Partners that failed when last used</h2>
          <ul>
            {view.partnerAlerts.map((alert) => (
              <li>
                <strong safe>{alert.partner}</strong>: <span safe>{alert.message}</span> <time safe>{alert.at}</time>
              </li>
            ))}
          </ul>
        </section>
      ) : (
        ''
      )}
      <section aria-labelledby="queues-heading">
        <h2 id="queues-heading">Borrowing queues</h2>
        <ul class="queues">
          {view.queues.map((queue) => (
            <li class={queue.attention ? 'queue attention' : 'queue'}>
              <a href={queue.href}>
                <span class="count" safe>
                  {String(queue.count)}
                </span>
                <span class="label" safe>
                  {queue.label}
                </span>
              </a>
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="lending-heading">
        <h2 id="lending-heading">Lending</h2>
        <p>
          <a href={view.lendingHref} safe>{`Lending requests needing attention (new, conditional, on their way back): ${view.lendingNeedsAttention}`}</a>
        </p>
      </section>
    </Layout>
  );
}
