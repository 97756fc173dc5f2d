import { HistorySection } from '../components/history.tsx';
import { Layout, type Shell } from '../layout.tsx';
import type { Field, NcipMessageView, RequestDetailView } from '../views/request-detail.ts';

export interface ActionError {
  readonly action: string;
  readonly message: string;
}

function Fields({ fields }: { fields: readonly Field[] }) {
  return (
    <dl class="fields">
      {fields.map((f) => (
        <>
          <dt safe>{f.label}</dt>
          <dd safe>{f.value}</dd>
        </>
      ))}
    </dl>
  );
}

/**
 * The part of the page an action changes, answered alone to htmx. Each button is a form that also works without
 * JavaScript (a plain POST, answered with a redirect); the error of an action is shown in its own form.
 */
export function RequestState({ view, csrf, error, focus }: { view: RequestDetailView; csrf: string; error?: ActionError | undefined; focus?: boolean }) {
  const base = `/ui/requests/${encodeURIComponent(view.id)}/actions/`;
  return (
    <div id="request">
      <p class="status">
        Status:{' '}
        <strong id="request-status" tabindex="-1" {...(focus && !error ? { autofocus: true } : {})} safe>
          {view.status}
        </strong>
      </p>
      {view.statusReason ? (
        <p class="reason" safe>
          {view.statusReason}
        </p>
      ) : (
        ''
      )}
      {view.actions.length ? (
        <section aria-labelledby="actions-heading">
          <h2 id="actions-heading">Actions</h2>
          <div class="actions">
            {view.actions.map((a) => {
              const failed = error?.action === a.action;
              return (
                <form class="action" method="post" action={base + a.action} hx-post={base + a.action} hx-target="#request" hx-swap="outerHTML">
                  <input type="hidden" name="_csrf" value={csrf} />
                  {a.needsReason ? (
                    <>
                      <label for={`reason-${a.action}`} safe>{`Reason (${a.label})`}</label>
                      <input id={`reason-${a.action}`} name="reason" type="text" required maxlength="2000" />
                    </>
                  ) : (
                    ''
                  )}
                  <button type="submit" aria-describedby={failed ? `error-${a.action}` : `about-${a.action}`} safe>
                    {a.label}
                  </button>
                  <span class="muted" id={`about-${a.action}`} safe>
                    {a.description}
                  </span>
                  {failed ? (
                    <p class="error" role="alert" id={`error-${a.action}`} safe>
                      {error.message}
                    </p>
                  ) : (
                    ''
                  )}
                </form>
              );
            })}
          </div>
        </section>
      ) : (
        ''
      )}
      {error && !view.actions.some((a) => a.action === error.action) ? (
        <p class="error" role="alert" safe>
          {error.message}
        </p>
      ) : (
        ''
      )}
      {view.exported.length ? (
        <section aria-labelledby="export-heading">
          <h2 id="export-heading">Lender of last resort</h2>
          <Fields fields={view.exported} />
        </section>
      ) : (
        ''
      )}
      <section aria-labelledby="rota-heading">
        <h2 id="rota-heading">Rota</h2>
        {view.rota.length ? (
          <table>
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">Partner</th>
                <th scope="col">Template</th>
                <th scope="col">Outcome</th>
                <th scope="col">Reason</th>
              </tr>
            </thead>
            <tbody>
              {view.rota.map((entry) => (
                <tr class={entry.current ? 'current' : undefined} aria-current={entry.current ? 'step' : undefined}>
                  <td safe>{String(entry.position)}</td>
                  <td safe>{entry.partner}</td>
                  <td safe>{entry.template}</td>
                  <td safe>{entry.state}</td>
                  <td safe>{entry.reason ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p>No partner is in the rota.</p>
        )}
        {view.skips.length ? (
          <>
            <h3>Left out of the rota</h3>
            <ul>
              {view.skips.map((s) => (
                <li safe>{`${s.kind} ${s.code}: ${s.reason}`}</li>
              ))}
            </ul>
          </>
        ) : (
          ''
        )}
      </section>
      <section aria-labelledby="rules-heading">
        <h2 id="rules-heading">Why this rota</h2>
        {view.rules.length ? (
          <ol class="rules">
            {view.rules.map((r) => (
              <li class={r.matched ? 'matched' : undefined}>
                <strong safe>{r.rule}</strong> <span safe>{`— ${r.matched ? 'matched' : 'not matched'}: ${r.reason}`}</span>
                {r.templates ? <span safe>{` (added ${r.templates})`}</span> : ''}
                {r.conditions.length ? (
                  <ul>
                    {r.conditions.map((c) => (
                      <li safe>{c}</li>
                    ))}
                  </ul>
                ) : (
                  ''
                )}
              </li>
            ))}
          </ol>
        ) : (
          <p>The request was not routed by rules.</p>
        )}
      </section>
      <HistorySection rows={view.history} withPartner={true} />
    </div>
  );
}

/**
 * The NCIP messages about the request, each with our answer, as they went over the wire. What we sent to partners
 * (ISO 18626 messages, ILLiad Web Platform calls) is in the history as partner-call lines, with the answer.
 */
function MessagesSection({ messages }: { messages: readonly NcipMessageView[] }) {
  return (
    <section aria-labelledby="messages-heading" class="messages">
      <h2 id="messages-heading">Messages</h2>
      <p class="muted">What we sent to partners (ISO 18626 messages, ILLiad API calls) and their answers are the partner-call lines of the history.</p>
      {messages.length ? (
        <table>
          <caption class="visually-hidden">NCIP messages from ILLiad about this request, oldest first</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">NCIP message</th>
              <th scope="col">Our answer</th>
              <th scope="col">Took</th>
              <th scope="col">As sent</th>
            </tr>
          </thead>
          <tbody>
            {messages.map((m) => (
              <tr class={m.problem ? 'invalid' : ''}>
                <td safe>{m.at}</td>
                <td safe>{m.service}</td>
                <td safe>{m.outcome}</td>
                <td safe>{`${m.durationMs} ms`}</td>
                <td>
                  <details>
                    <summary safe>{`${m.service} and our answer (XML)`}</summary>
                    <pre class="xml" safe>
                      {m.request}
                    </pre>
                    <pre class="xml" safe>
                      {m.response}
                    </pre>
                  </details>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>No NCIP message about this request yet.</p>
      )}
    </section>
  );
}

export function RequestDetailPage({ shell, view, csrf, error, messages }: { shell: Shell; view: RequestDetailView; csrf: string; error?: ActionError | undefined; messages: readonly NcipMessageView[] }) {
  return (
    <Layout shell={shell}>
      <h1 safe>{view.title}</h1>
      <p class="muted" safe>{`Request ${view.id}`}</p>
      <div class="columns">
        <section aria-labelledby="citation-heading">
          <h2 id="citation-heading">Citation</h2>
          <Fields fields={view.citation} />
        </section>
        <section aria-labelledby="patron-heading">
          <h2 id="patron-heading">Patron</h2>
          <Fields fields={view.patron} />
        </section>
      </div>
      <RequestState view={view} csrf={csrf} error={error} />
      <MessagesSection messages={messages} />
    </Layout>
  );
}
