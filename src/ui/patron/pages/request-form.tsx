import type { DuplicateSummary } from '../../../app/patron-requests.ts';
import type { IgnoredKey } from '../../../domain/bib/openurl.ts';
import { PatronLayout, type PatronShell } from '../layout.tsx';
import type { PatronFormField } from '../views/request-form.ts';

export interface PatronRequestFormProps {
  readonly shell: PatronShell;
  readonly csrf: string;
  readonly citation: readonly PatronFormField[];
  readonly request: readonly PatronFormField[];
  /** Problems not about one field (the account, the request as a whole). */
  readonly problems: readonly string[];
  readonly refused: boolean;
  /** Open requests of the patron's for the same item: shown, and the button then places it anyway. */
  readonly duplicates: readonly DuplicateSummary[];
  /** What the link carried that could not be used. */
  readonly ignored: readonly IgnoredKey[];
  /** The item came from a discovery system's link. */
  readonly fromLink: boolean;
}

function Field({ field }: { field: PatronFormField }) {
  const id = `f-${field.name}`;
  const describedBy = [field.help ? `${id}-help` : '', field.error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  const invalid = field.error ? 'true' : undefined;
  const wide = field.kind === 'textarea' || field.name === 'title' || field.name === 'articleTitle';
  return (
    <div class={`field${wide ? ' wide' : ''}${field.error ? ' invalid' : ''}`}>
      <label for={id} safe>
        {field.label}
      </label>
      {field.kind === 'select' ? (
        <select id={id} name={field.name} required={field.required} aria-describedby={describedBy} aria-invalid={invalid}>
          {(field.options ?? []).map((o) => (
            <option value={o.value} selected={o.value === field.value} safe>
              {o.label}
            </option>
          ))}
        </select>
      ) : field.kind === 'textarea' ? (
        <textarea id={id} name={field.name} rows="3" maxlength="1800" aria-describedby={describedBy} aria-invalid={invalid} safe>
          {field.value}
        </textarea>
      ) : (
        <input
          id={id}
          name={field.name}
          type={field.kind === 'date' ? 'date' : 'text'}
          value={field.value}
          required={field.required}
          inputmode={field.inputmode}
          aria-describedby={describedBy}
          aria-invalid={invalid}
        />
      )}
      {field.help ? (
        <p class="help" id={`${id}-help`} safe>
          {field.help}
        </p>
      ) : (
        ''
      )}
      {field.error ? (
        <p class="error" id={`${id}-error`} safe>
          {field.error}
        </p>
      ) : (
        ''
      )}
    </div>
  );
}

/** The patron request page: the citation (filled from the link, editable), where and when, a note. */
export function PatronRequestFormPage(props: PatronRequestFormProps) {
  const { shell, csrf, citation, request, problems, refused, duplicates, ignored, fromLink } = props;
  return (
    <PatronLayout shell={shell}>
      <h1>Request from another library</h1>
      {fromLink ? <p>The details below came with the link. Check them, correct anything that is wrong, and say where you will pick it up.</p> : <p>Describe what you need as well as you can.</p>}
      {refused ? (
        <div class="refusal" role="alert">
          <p>Not placed: see the problems below.</p>
          {problems.length ? (
            <ul>
              {problems.map((p) => (
                <li safe>{p}</li>
              ))}
            </ul>
          ) : (
            ''
          )}
        </div>
      ) : (
        ''
      )}
      {duplicates.length ? (
        <div class="warning" role="alert" id="duplicates">
          <p>
            <strong>You already have an open request for this.</strong>
          </p>
          <ul>
            {duplicates.map((d) => (
              <li>
                <a href={`/patron/requests/${encodeURIComponent(d.id)}`} safe>
                  {d.title}
                </a>
                <span safe>{`: requested ${d.requestedOn}, ${d.status} (${d.because})`}</span>
              </li>
            ))}
          </ul>
          <p>You can still place another request, for example if you need a second copy.</p>
        </div>
      ) : (
        ''
      )}
      <form method="post" action="/patron/request" novalidate>
        <input type="hidden" name="_csrf" value={csrf} />
        {duplicates.length ? <input type="hidden" name="confirmDuplicate" value="yes" /> : ''}
        <fieldset>
          <legend>What you are asking for</legend>
          <div class="fields">
            {citation.map((field) => (
              <Field field={field} />
            ))}
          </div>
        </fieldset>
        <fieldset>
          <legend>Where and when</legend>
          <div class="fields">
            {request.map((field) => (
              <Field field={field} />
            ))}
          </div>
        </fieldset>
        <button type="submit">{duplicates.length ? 'Place the request anyway' : 'Place the request'}</button>
      </form>
      {ignored.length ? (
        <details class="muted">
          <summary>{`Parts of the link that were not used (${ignored.length})`}</summary>
          <ul>
            {ignored.map((i) => (
              <li safe>{i.key ? `${i.key}: ${i.reason}` : i.reason}</li>
            ))}
          </ul>
        </details>
      ) : (
        ''
      )}
    </PatronLayout>
  );
}

/** Requests are not taken from this patron for this item: the reason, in a sentence. */
export function PatronRequestRefusedPage({ shell, reason }: { shell: PatronShell; reason: string }) {
  return (
    <PatronLayout shell={shell}>
      <h1>Request from another library</h1>
      <p class="refusal" role="alert" id="refusal" safe>
        {reason}
      </p>
      <p>
        <a href="/patron/requests">Your requests</a>
      </p>
    </PatronLayout>
  );
}
