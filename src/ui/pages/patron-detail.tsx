import { StaleNotice, VersionField } from '../components/stale.tsx';
import { Layout, type Shell } from '../layout.tsx';
import type { PatronField } from '../views/patron-form.ts';
import type { IdentityView } from '../views/patron-identity.ts';
import type { StaleView } from '../views/stale.ts';

export interface PatronDetailProps {
  readonly shell: Shell;
  readonly heading: string;
  readonly primaryId: string;
  readonly action: string;
  /** The patron as stored, label and value, in the schema's order. */
  readonly facts: readonly { label: string; value: string }[];
  readonly identifiers: readonly { label: string; value: string }[];
  readonly blocks: readonly { code: string; note: string }[];
  readonly editable: boolean;
  readonly fields: readonly PatronField[];
  readonly problems: readonly string[];
  readonly csrf: string;
  readonly saved: boolean;
  readonly refused: boolean;
  /** Partners exporting to ILLiad Using API, for the identity dry run. */
  readonly identityPartners: readonly { code: string; name: string }[];
  readonly identity?: IdentityView | { error: string } | undefined;
  /** The version the edit form was drawn from (sent back with it). */
  readonly version: string | undefined;
  /** Someone else saved the patron first: nothing was saved, what was typed is kept. */
  readonly stale?: StaleView | undefined;
  /** The patron pages' PIN: whether one is set (never the PIN); absent when patrons do not sign in with PINs here. */
  readonly pin?: { readonly set: boolean; readonly since: string | null; readonly error?: string | undefined; readonly done?: 'set' | 'removed' | undefined } | undefined;
}

/** The PIN for the patron pages: whether one is set, and a write-only field to set or replace it. */
function PinSection({ pin, action, csrf, editable }: { pin: NonNullable<PatronDetailProps['pin']>; action: string; csrf: string; editable: boolean }) {
  const describedBy = ['pin-help', pin.error ? 'pin-error' : ''].filter(Boolean).join(' ');
  return (
    <section aria-labelledby="pin-heading">
      <h2 id="pin-heading">PIN for the patron pages</h2>
      {pin.done ? (
        <p class="notice" role="status">
          {pin.done === 'set' ? 'The PIN was set.' : 'The PIN was removed.'}
        </p>
      ) : (
        ''
      )}
      <p safe>{pin.set ? `A PIN is set${pin.since ? ` (since ${pin.since.slice(0, 10)})` : ''}. It is never shown.` : 'No PIN: the patron cannot sign in to the patron pages with a PIN.'}</p>
      {editable ? (
        <>
          <form class="card" method="post" action={`${action}/pin`}>
            <input type="hidden" name="_csrf" value={csrf} />
            <div class={`field${pin.error ? ' invalid' : ''}`}>
              <label for="f-pin">{pin.set ? 'New PIN' : 'PIN'}</label>
              <input id="f-pin" name="pin" type="password" autocomplete="new-password" aria-describedby={describedBy} aria-invalid={pin.error ? 'true' : undefined} />
              <p class="help" id="pin-help">
                4 to 64 characters. Only a hash is kept; tell the patron the PIN, it cannot be shown again.
              </p>
              {pin.error ? (
                <p class="error" id="pin-error" safe>
                  {pin.error}
                </p>
              ) : (
                ''
              )}
            </div>
            <button type="submit">{pin.set ? 'Replace the PIN' : 'Set the PIN'}</button>
          </form>
          {pin.set ? (
            <form method="post" action={`${action}/pin/remove`}>
              <input type="hidden" name="_csrf" value={csrf} />
              <button type="submit">Remove the PIN</button>
            </form>
          ) : (
            ''
          )}
        </>
      ) : (
        ''
      )}
    </section>
  );
}

export function PatronFieldInput({ field }: { field: PatronField }) {
  const id = `f-${field.name}`;
  const describedBy = [field.help ? `${id}-help` : '', field.error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  const invalid = field.error ? 'true' : undefined;
  return (
    <div class={`field${field.kind === 'checkbox' ? ' check' : ''}${field.error ? ' invalid' : ''}`}>
      {field.kind === 'checkbox' ? (
        <label class="inline" for={id}>
          <input id={id} name={field.name} type="checkbox" checked={field.value === 'on'} aria-describedby={describedBy} aria-invalid={invalid} />
          <span safe>{field.label}</span>
        </label>
      ) : (
        <label for={id} safe>
          {field.label}
        </label>
      )}
      {field.kind === 'select' ? (
        <select id={id} name={field.name} aria-describedby={describedBy} aria-invalid={invalid}>
          {(field.options ?? []).map((o) => (
            <option value={o.value} selected={o.value === field.value} safe>
              {o.label}
            </option>
          ))}
        </select>
      ) : field.kind === 'textarea' ? (
        <textarea id={id} name={field.name} rows="3" aria-describedby={describedBy} aria-invalid={invalid} safe>
          {field.value}
        </textarea>
      ) : field.kind === 'text' ? (
        <input id={id} name={field.name} type="text" value={field.value} aria-describedby={describedBy} aria-invalid={invalid} />
      ) : (
        ''
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

/** The dry run's answer: replaced in place by htmx, or part of the page without JavaScript. */
export function IdentityResultView({ identity }: { identity?: IdentityView | { error: string } | undefined }) {
  return (
    <div id="identity-result" aria-live="polite">
      {!identity ? (
        ''
      ) : 'error' in identity ? (
        <p class="error" role="alert" safe>
          {identity.error}
        </p>
      ) : (
        <div class="card identity">
          <h3 safe>{`ILLiad identity with partner ${identity.partner}`}</h3>
          <dl class="fields">
            <dt>Identity rule</dt>
            <dd safe>{identity.rule}</dd>
            <dt>ILLiad username</dt>
            <dd>{identity.username ? <strong safe>{identity.username}</strong> : 'none: the rule derives no username'}</dd>
            <dt>What ILLiad says</dt>
            <dd class={identity.fine ? 'notice' : 'error'} safe>
              {identity.outcome}
            </dd>
          </dl>
          {identity.user.length ? (
            <>
              <h4>The ILLiad user</h4>
              <dl class="fields">
                {identity.user.map((f) => (
                  <>
                    <dt safe>{f.label}</dt>
                    <dd safe>{f.value}</dd>
                  </>
                ))}
              </dl>
            </>
          ) : (
            ''
          )}
          <h4>{`Calls made (${identity.calls.length})`}</h4>
          {identity.calls.length ? (
            <ol class="calls">
              {identity.calls.map((c) => (
                <li safe>{c}</li>
              ))}
            </ol>
          ) : (
            <p>None: ILLiad was not asked.</p>
          )}
          <p class="muted">A dry run: nothing was created in ILLiad or here.</p>
        </div>
      )}
    </div>
  );
}

export function PatronDetailPage(props: PatronDetailProps) {
  const { shell, heading, action, facts, identifiers, blocks, editable, fields, problems, csrf, saved, refused } = props;
  return (
    <Layout shell={shell}>
      <p class="muted">
        <a href="/ui/patrons">Patrons</a>
      </p>
      <h1 safe>{heading}</h1>
      {saved ? (
        <p class="notice" role="status">
          Saved.
        </p>
      ) : (
        ''
      )}
      {refused ? (
        <div class="error" role="alert">
          <p>Not saved: see the problems next to the fields.</p>
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
      <div class="columns">
        <section aria-labelledby="patron-facts">
          <h2 id="patron-facts">Patron</h2>
          <dl class="fields">
            {facts.map((f) => (
              <>
                <dt safe>{f.label}</dt>
                <dd safe>{f.value}</dd>
              </>
            ))}
          </dl>
          <h2>Identifiers</h2>
          {identifiers.length ? (
            <dl class="fields">
              {identifiers.map((f) => (
                <>
                  <dt safe>{f.label}</dt>
                  <dd safe>{f.value}</dd>
                </>
              ))}
            </dl>
          ) : (
            <p>None besides the primary id and the e-mail.</p>
          )}
          <h2>Blocks</h2>
          {blocks.length ? (
            <ul>
              {blocks.map((b) => (
                <li>
                  <strong safe>{b.code}</strong>
                  {b.note ? <span safe>{`: ${b.note}`}</span> : ''}
                </li>
              ))}
            </ul>
          ) : (
            <p>None.</p>
          )}
        </section>
        <section aria-labelledby="identity-heading">
          <h2 id="identity-heading">ILLiad identity (dry run)</h2>
          <p>Which ILLiad username the identity rule derives for this patron, and whether ILLiad has that user. It only looks: nothing is created.</p>
          {props.identityPartners.length ? (
            props.identityPartners.map((p) => (
              <form method="get" action={`${action}/identity`} hx-get={`${action}/identity`} hx-target="#identity-result" hx-swap="outerHTML" class="inline">
                <input type="hidden" name="partner" value={p.code} />
                <button type="submit" safe>
                  {`Check the identity with ${p.name} (${p.code})`}
                </button>
              </form>
            ))
          ) : (
            <p>No partner exports to ILLiad (Export To Third Party = Using API).</p>
          )}
          <IdentityResultView identity={props.identity} />
        </section>
        {props.pin ? <PinSection pin={props.pin} action={action} csrf={csrf} editable={editable} /> : ''}
      </div>
      {editable ? (
        <>
          <h2>Edit</h2>
          <form class="card grid" method="post" action={action}>
            {props.stale ? <StaleNotice view={props.stale} /> : ''}
            <input type="hidden" name="_csrf" value={csrf} />
            <VersionField version={props.version} />
            <div class="field">
              <span class="label">Primary id (cannot change)</span>
              <span safe>{props.primaryId}</span>
            </div>
            {fields.map((field) => (
              <PatronFieldInput field={field} />
            ))}
            <div class="submit">
              <button type="submit">Save the patron</button>
            </div>
          </form>
        </>
      ) : (
        ''
      )}
    </Layout>
  );
}
