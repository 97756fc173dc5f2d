import { HistorySection } from '../components/history.tsx';
import { Layout, type Shell } from '../layout.tsx';
import type { ActionInput, Field, LendingActionButton, LendingDetailView } from '../views/lending-detail.ts';

export interface LendingActionError {
  readonly action: string;
  readonly message: string;
  /** What was typed into the refused action's form, given back to it. */
  readonly values: Readonly<Record<string, string>>;
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

function Input({ input, action, value }: { input: ActionInput; action: string; value: string | undefined }) {
  const id = `${input.name}-${action}`;
  const help = 'help' in input && input.help ? `${id}-help` : undefined;
  return (
    <>
      <label for={id} safe>
        {input.label}
      </label>
      {input.kind === 'select' ? (
        <select id={id} name={input.name}>
          {input.options.map((o) => (
            <option value={o.value} selected={(value ?? input.selected) === o.value} safe>
              {o.label}
            </option>
          ))}
        </select>
      ) : input.kind === 'textarea' ? (
        <textarea id={id} name={input.name} rows="3" required={input.required} maxlength={String(input.maxLength)} aria-describedby={help} safe>
          {value ?? ''}
        </textarea>
      ) : input.kind === 'date' ? (
        <input id={id} name={input.name} type="date" value={value ?? ''} aria-describedby={help} />
      ) : (
        <input id={id} name={input.name} type="text" required={input.required} maxlength={String(input.maxLength)} value={value ?? ''} aria-describedby={help} />
      )}
      {help ? (
        <small class="muted" id={help} safe>
          {'help' in input ? (input.help ?? '') : ''}
        </small>
      ) : (
        ''
      )}
    </>
  );
}

function ActionForm({ id, button, csrf, error }: { id: string; button: LendingActionButton; csrf: string; error: LendingActionError | undefined }) {
  const url = `/ui/lending/${encodeURIComponent(id)}/actions/${button.action}`;
  const failed = error?.action === button.action ? error : undefined;
  return (
    <form class="action" method="post" action={url} hx-post={url} hx-target="#lending-request" hx-swap="outerHTML">
      <input type="hidden" name="_csrf" value={csrf} />
      {button.inputs.map((input) => (
        <Input input={input} action={button.action} value={failed?.values[input.name]} />
      ))}
      <button type="submit" aria-describedby={failed ? `error-${button.action}` : `about-${button.action}`} safe>
        {button.label}
      </button>
      <span class="muted" id={`about-${button.action}`} safe>
        {button.description}
      </span>
      {failed ? (
        <p class="error" role="alert" id={`error-${button.action}`} safe>
          {failed.message}
        </p>
      ) : (
        ''
      )}
    </form>
  );
}

/**
 * The part of the page an action changes, answered alone to htmx. Each button is a form that also works without
 * JavaScript (a plain POST, answered with a redirect); a refusal is shown in the form of its action.
 */
export function LendingState({ view, csrf, error, focus }: { view: LendingDetailView; csrf: string; error?: LendingActionError | undefined; focus?: boolean }) {
  return (
    <div id="lending-request">
      <p class="status">
        Status:{' '}
        <strong id="lending-status" tabindex="-1" {...(focus && !error ? { autofocus: true } : {})} safe>
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
            {view.actions.map((button) => (
              <ActionForm id={view.id} button={button} csrf={csrf} error={error} />
            ))}
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
      <section aria-labelledby="loan-heading">
        <h2 id="loan-heading">Loan</h2>
        <Fields fields={view.loan} />
      </section>
      <section aria-labelledby="outbox-heading">
        <h2 id="outbox-heading">Waiting to be sent to the borrower</h2>
        {view.outbox.length ? (
          <ol class="outbox">
            {view.outbox.map((line) => (
              <li safe>{line}</li>
            ))}
          </ol>
        ) : (
          <p>Nothing: the borrower has been told everything.</p>
        )}
      </section>
      <HistorySection rows={view.history} withPartner={false} />
    </div>
  );
}

export function LendingDetailPage({ shell, view, csrf, error }: { shell: Shell; view: LendingDetailView; csrf: string; error?: LendingActionError | undefined }) {
  return (
    <Layout shell={shell}>
      <h1 safe>{view.title}</h1>
      <p class="muted" safe>{`Lending request ${view.id}`}</p>
      <div class="columns">
        <section aria-labelledby="citation-heading">
          <h2 id="citation-heading">Citation</h2>
          <Fields fields={view.citation} />
        </section>
        <section aria-labelledby="requester-heading">
          <h2 id="requester-heading">Requester</h2>
          <Fields fields={view.requester} />
        </section>
      </div>
      <LendingState view={view} csrf={csrf} error={error} />
    </Layout>
  );
}
