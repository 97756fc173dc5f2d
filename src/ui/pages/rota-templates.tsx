import { StaleNotice, VersionField } from '../components/stale.tsx';
import { Layout, type Shell } from '../layout.tsx';
import type { StaleView } from '../views/stale.ts';
import {
  type FieldErrors,
  type MembersView,
  type Option,
  STATUS_OPTIONS,
  type TemplateFormValues,
  type TemplateRow,
  templateHref,
  TYPE_OPTIONS,
} from '../views/rota-templates.ts';

function FormProblems({ errors, what }: { errors: FieldErrors; what: string }) {
  if (!errors.form.length && !Object.keys(errors.fields).length) return '';
  return (
    <div class="error" role="alert">
      <p safe>{`The ${what} was not saved: see the marked fields.`}</p>
      {errors.form.length ? (
        <ul>
          {errors.form.map((p) => (
            <li safe>{p}</li>
          ))}
        </ul>
      ) : (
        ''
      )}
    </div>
  );
}

/** A labelled input or select with its error next to it (aria-describedby), keeping what was typed. */
export function FormField({ id, name, label, value, error, options, required }: { id: string; name: string; label: string; value: string; error?: string | undefined; options?: readonly Option[]; required?: boolean }) {
  const described = error ? `${id}-error` : undefined;
  return (
    <div class={error ? 'field invalid' : 'field'}>
      <label for={id} safe>
        {label + (required ? ' (required)' : '')}
      </label>
      {options ? (
        <select id={id} name={name} aria-describedby={described} aria-invalid={error ? 'true' : undefined}>
          {options.map((o) => (
            <option value={o.value} selected={o.value === value} safe>
              {o.label}
            </option>
          ))}
        </select>
      ) : (
        <input id={id} name={name} type="text" value={value} required={required} aria-describedby={described} aria-invalid={error ? 'true' : undefined} />
      )}
      {error ? (
        <p class="error" id={described} safe>
          {error}
        </p>
      ) : (
        ''
      )}
    </div>
  );
}

export function RotaTemplateListPage({
  shell,
  rows,
  canWrite,
  form,
  errors,
  csrf,
  done,
}: {
  shell: Shell;
  rows: readonly TemplateRow[];
  canWrite: boolean;
  form: TemplateFormValues;
  errors: FieldErrors;
  csrf: string;
  /** What the last change did ("Rota template X was deleted."). */
  done?: string | undefined;
}) {
  return (
    <Layout shell={shell}>
      <h1>Rota templates</h1>
      <p class="muted">A rota template is a named list of partners; rota assignment rules pick templates for each new request.</p>
      {done ? (
        <p class="notice" role="status" safe>
          {done}
        </p>
      ) : (
        ''
      )}
      {rows.length ? (
        <table>
          <caption class="visually-hidden">Rota templates</caption>
          <thead>
            <tr>
              <th scope="col">Code</th>
              <th scope="col">Name</th>
              <th scope="col">Type</th>
              <th scope="col">Status</th>
              <th scope="col">Members, in order</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr>
                <td>
                  <a href={r.href} safe>
                    {r.code}
                  </a>
                </td>
                <td safe>{r.name}</td>
                <td safe>{r.type}</td>
                <td safe>{r.status}</td>
                <td safe>{r.members}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>There is no rota template yet.</p>
      )}
      {canWrite ? (
        <section aria-labelledby="new-template-heading">
          <h2 id="new-template-heading">New rota template</h2>
          <FormProblems errors={errors} what="rota template" />
          <form class="card grid" method="post" action="/ui/rota-templates">
            <input type="hidden" name="_csrf" value={csrf} />
            <FormField id="t-code" name="code" label="Code" value={form.code} error={errors.fields.code} required />
            <FormField id="t-name" name="name" label="Name" value={form.name} error={errors.fields.name} required />
            <FormField id="t-type" name="type" label="Type" value={form.type} error={errors.fields.type} options={TYPE_OPTIONS} />
            <FormField id="t-status" name="status" label="Status" value={form.status} error={errors.fields.status} options={STATUS_OPTIONS} />
            <div class="submit">
              <button type="submit">Create the rota template</button>
            </div>
          </form>
        </section>
      ) : (
        ''
      )}
    </Layout>
  );
}

const focusOf = (view: MembersView, control: string) => (view.focus === control ? { autofocus: true } : {});

function MemberButton({ view, op, code, label, csrf }: { view: MembersView; op: 'up' | 'down' | 'remove'; code: string; label: string; csrf: string }) {
  const action = `${templateHref(view.code)}/members`;
  return (
    <form class="inline" method="post" action={action} hx-post={action} hx-target="#members" hx-swap="outerHTML">
      <input type="hidden" name="_csrf" value={csrf} />
      <VersionField version={view.version} />
      <input type="hidden" name="op" value={op} />
      <input type="hidden" name="partner" value={code} />
      <button type="submit" class="small" {...focusOf(view, `${op}:${code}`)}>
        <span safe>{label}</span>
        <span class="visually-hidden" safe>{` (${code})`}</span>
      </button>
    </form>
  );
}

/** What a member change did, for screen readers: swapped into the page's live region (it stays, so it is read). */
export function MembersStatus({ message, oob }: { message: string; oob?: boolean }) {
  return (
    <p id="members-status" class="live" role="status" hx-swap-oob={oob ? 'innerHTML' : undefined} safe>
      {message}
    </p>
  );
}

/** The members in order and their buttons: the part of the page a member change replaces (htmx). */
export function MembersSection({ view, csrf }: { view: MembersView; csrf: string }) {
  const action = `${templateHref(view.code)}/members`;
  return (
    <section id="members" aria-labelledby="members-heading">
      <h2 id="members-heading" tabindex="-1" {...(view.focus === 'heading' || (view.focus === 'add' && !view.candidates.length) ? { autofocus: true } : {})}>
        Template members
      </h2>
      {view.stale ? <StaleNotice view={view.stale} /> : ''}
      {view.error ? (
        <p class="error" role="alert" safe>
          {view.error}
        </p>
      ) : (
        ''
      )}
      {view.members.length ? (
        <table>
          <caption class="visually-hidden">Members, in the order they are asked</caption>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Partner</th>
              <th scope="col">Name</th>
              <th scope="col">Partner status</th>
              {view.canWrite ? <th scope="col">Change</th> : ''}
            </tr>
          </thead>
          <tbody>
            {view.members.map((m) => (
              <tr>
                <td safe>{String(m.position)}</td>
                <td safe>{m.code}</td>
                <td safe>{m.name}</td>
                <td safe>{m.status}</td>
                {view.canWrite ? (
                  <td class="buttons">
                    {m.first ? '' : <MemberButton view={view} op="up" code={m.code} label="Move up" csrf={csrf} />}
                    {m.last ? '' : <MemberButton view={view} op="down" code={m.code} label="Move down" csrf={csrf} />}
                    <MemberButton view={view} op="remove" code={m.code} label="Remove" csrf={csrf} />
                  </td>
                ) : (
                  ''
                )}
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>The template has no member.</p>
      )}
      {view.canWrite ? (
        view.candidates.length ? (
          <form class="filters" method="post" action={action} hx-post={action} hx-target="#members" hx-swap="outerHTML">
            <input type="hidden" name="_csrf" value={csrf} />
            <VersionField version={view.version} />
            <input type="hidden" name="op" value="add" />
            <div>
              <label for="add-partner">Partner to add (at the end)</label>
              <select id="add-partner" name="partner" {...focusOf(view, 'add')}>
                {view.candidates.map((o) => (
                  <option value={o.value} safe>
                    {o.label}
                  </option>
                ))}
              </select>
            </div>
            <button type="submit">Add to the template</button>
          </form>
        ) : (
          <p class="muted">Every partner is a member already.</p>
        )
      ) : (
        ''
      )}
    </section>
  );
}

/**
 * The template's version in the general-information form and the Delete form. A member change (htmx) moves it on:
 * the answer replaces both out of band, so the page's own change does not make its other forms stale.
 */
export function TemplateVersions({ version, oob }: { version: string; oob?: boolean }) {
  const swap = oob ? { 'hx-swap-oob': 'true' } : {};
  return (
    <>
      <input type="hidden" name="_version" value={version} id="template-version" {...swap} />
      <input type="hidden" name="_version" value={version} id="template-delete-version" {...swap} />
    </>
  );
}

function DeleteTemplate({ code, version, refusal, csrf }: { code: string; version: string; refusal: string | undefined; csrf: string }) {
  return (
    <section aria-labelledby="delete-heading">
      <h2 id="delete-heading" tabindex="-1" {...(refusal ? { autofocus: true } : {})}>
        Delete this rota template
      </h2>
      {refusal ? (
        <p class="error" role="alert" id="delete-refusal" safe>
          {refusal}
        </p>
      ) : (
        <p class="muted">A template a rule still uses cannot be deleted: change those rules first.</p>
      )}
      <form method="post" action={`${templateHref(code)}/delete`}>
        <input type="hidden" name="_csrf" value={csrf} />
        <input type="hidden" name="_version" value={version} id="template-delete-version" />
        <button type="submit" class="secondary" aria-describedby={refusal ? 'delete-refusal' : undefined} safe>
          {`Delete rota template ${code}`}
        </button>
      </form>
    </section>
  );
}

export function RotaTemplatePage({
  shell,
  form,
  errors,
  members,
  canWrite,
  saved,
  csrf,
  version,
  stale,
  deleteRefusal,
}: {
  shell: Shell;
  form: TemplateFormValues;
  errors: FieldErrors;
  members: MembersView;
  canWrite: boolean;
  saved: boolean;
  csrf: string;
  /** The version the general-information form (and the Delete form) was drawn from. */
  version: string;
  /** Someone else saved the template first: nothing was saved. */
  stale?: StaleView | undefined;
  /** Why the delete was refused (the rules that still use it). */
  deleteRefusal?: string | undefined;
}) {
  const type = TYPE_OPTIONS.find((o) => o.value === form.type)?.label ?? form.type;
  const status = STATUS_OPTIONS.find((o) => o.value === form.status)?.label ?? form.status;
  return (
    <Layout shell={shell}>
      <p>
        <a href="/ui/rota-templates">All rota templates</a>
      </p>
      <h1 safe>{`Rota template ${form.code}`}</h1>
      {saved ? (
        <p class="saved" role="status">
          Saved.
        </p>
      ) : (
        ''
      )}
      <section aria-labelledby="general-heading">
        <h2 id="general-heading">General information</h2>
        {canWrite ? (
          <>
            <FormProblems errors={errors} what="rota template" />
            <form class="card grid rota-form" method="post" action={templateHref(form.code)}>
              {stale ? <StaleNotice view={stale} /> : ''}
              <input type="hidden" name="_csrf" value={csrf} />
              <input type="hidden" name="_version" value={version} id="template-version" />
              <div class="field">
                <span class="label">Code</span>
                <span safe>{form.code}</span>
                <span class="muted">The code cannot change: rules name it.</span>
              </div>
              <FormField id="t-name" name="name" label="Name" value={form.name} error={errors.fields.name} required />
              <FormField id="t-type" name="type" label="Type" value={form.type} error={errors.fields.type} options={TYPE_OPTIONS} />
              <FormField id="t-status" name="status" label="Status" value={form.status} error={errors.fields.status} options={STATUS_OPTIONS} />
              <div class="submit">
                <button type="submit">Save</button>
              </div>
            </form>
          </>
        ) : (
          <dl class="fields">
            <dt>Code</dt>
            <dd safe>{form.code}</dd>
            <dt>Name</dt>
            <dd safe>{form.name}</dd>
            <dt>Type</dt>
            <dd safe>{type}</dd>
            <dt>Status</dt>
            <dd safe>{status}</dd>
          </dl>
        )}
      </section>
      <MembersStatus message={members.message ?? ''} />
      <MembersSection view={members} csrf={csrf} />
      {canWrite ? <DeleteTemplate code={form.code} version={version} refusal={deleteRefusal} csrf={csrf} /> : ''}
    </Layout>
  );
}
