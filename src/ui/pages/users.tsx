import { Layout, type Shell } from '../layout.tsx';
import type { FieldErrors, Option } from '../views/rota-templates.ts';
import { ROLE_OPTIONS, type NewUserValues, type UserDetailsValues, type UserRow, USERS_PATH } from '../views/users.ts';

/** A labelled text, password or select field with its error next to it (aria-describedby), keeping what was typed. */
function Field(props: {
  id: string;
  name: string;
  label: string;
  value?: string;
  error?: string | undefined;
  type?: 'text' | 'password';
  autocomplete?: string;
  options?: readonly Option[];
  required?: boolean;
  help?: string;
}) {
  const { id, name, label, value, error, type, autocomplete, options, required, help } = props;
  const described = [error ? `${id}-error` : '', help ? `${id}-help` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class={error ? 'field invalid' : 'field'}>
      <label for={id} safe>
        {label}
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
        <input
          id={id}
          name={name}
          type={type ?? 'text'}
          value={type === 'password' ? undefined : (value ?? '')}
          autocomplete={autocomplete}
          required={required}
          aria-describedby={described}
          aria-invalid={error ? 'true' : undefined}
        />
      )}
      {help ? (
        <p class="help" id={`${id}-help`} safe>
          {help}
        </p>
      ) : (
        ''
      )}
      {error ? (
        <p class="error" id={`${id}-error`} safe>
          {error}
        </p>
      ) : (
        ''
      )}
    </div>
  );
}

function Refused({ errors, what }: { errors: FieldErrors; what: string }) {
  if (!errors.form.length && !Object.keys(errors.fields).length) return '';
  return (
    <div class="error" role="alert">
      <p safe>{`${what}: see the marked fields.`}</p>
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

function Notice({ message }: { message?: string | undefined }) {
  return message ? (
    <p class="notice" role="status" safe>
      {message}
    </p>
  ) : (
    ''
  );
}

const PASSWORD_HELP = 'At least 12 characters. A passphrase of a few words is easy to type and hard to guess.';

export function UsersPage({ shell, rows, form, errors, csrf, notice }: { shell: Shell; rows: readonly UserRow[]; form: NewUserValues; errors: FieldErrors; csrf: string; notice?: string | undefined }) {
  return (
    <Layout shell={shell}>
      <h1>Staff users</h1>
      <p class="muted">People who sign in with a user name and password. Each has one role, which decides what they see and may do.</p>
      <Notice message={notice} />
      {rows.length ? (
        <table>
          <caption class="visually-hidden">Staff users</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">User name</th>
              <th scope="col">Role</th>
              <th scope="col">Last sign-in</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr class={r.disabled ? 'disabled' : undefined}>
                <td>
                  <a href={r.href} safe>
                    {r.name}
                  </a>
                </td>
                <td safe>{r.username}</td>
                <td safe>{r.role}</td>
                <td safe>{r.lastSignIn}</td>
                <td safe>{r.status}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>There is no staff user yet.</p>
      )}
      <section aria-labelledby="new-user-heading">
        <h2 id="new-user-heading">Add a staff user</h2>
        <Refused errors={errors} what="The user was not added" />
        <form class="card grid" method="post" action={USERS_PATH}>
          <input type="hidden" name="_csrf" value={csrf} />
          <Field id="u-username" name="username" label="User name" value={form.username} error={errors.fields.username} autocomplete="off" required help="Letters, digits, “.”, “_”, “-” or “@”; not case-sensitive." />
          <Field id="u-name" name="name" label="Display name" value={form.name} error={errors.fields.name} autocomplete="off" required />
          <Field id="u-role" name="role" label="Role" value={form.role} error={errors.fields.role} options={ROLE_OPTIONS} />
          <Field id="u-password" name="password" label="Password" type="password" autocomplete="new-password" error={errors.fields.password} required help={PASSWORD_HELP} />
          <Field id="u-password-again" name="passwordAgain" label="Password again" type="password" autocomplete="new-password" error={errors.fields.passwordAgain} required />
          <div class="submit">
            <button type="submit">Add the user</button>
          </div>
        </form>
      </section>
    </Layout>
  );
}

export interface UserPageView {
  readonly shell: Shell;
  readonly username: string;
  readonly href: string;
  readonly heading: string;
  readonly facts: readonly { readonly label: string; readonly value: string }[];
  readonly disabled: boolean;
  /** The page is the signed-in user's own: no role change, no disabling. */
  readonly self: boolean;
  readonly details: UserDetailsValues;
  readonly detailErrors: FieldErrors;
  readonly passwordErrors: FieldErrors;
  readonly statusError?: string | undefined;
  readonly notice?: string | undefined;
  readonly csrf: string;
}

export function UserPage(view: UserPageView) {
  const { shell, href, heading, facts, disabled, self, details, detailErrors, passwordErrors, statusError, notice, csrf } = view;
  return (
    <Layout shell={shell}>
      <p class="muted">
        <a href={USERS_PATH}>Staff users</a>
      </p>
      <h1 safe>{heading}</h1>
      <Notice message={notice} />
      <dl class="fields">
        {facts.map((f) => (
          <>
            <dt safe>{f.label}</dt>
            <dd safe>{f.value}</dd>
          </>
        ))}
      </dl>
      <div class="user-forms">
        <section class="card" aria-labelledby="details-heading">
          <h2 id="details-heading">Name and role</h2>
          <Refused errors={detailErrors} what="Not saved" />
          <form method="post" action={href}>
            <input type="hidden" name="_csrf" value={csrf} />
            <Field id="d-name" name="name" label="Display name" value={details.name} error={detailErrors.fields.name} autocomplete="off" required />
            {self ? (
              <p class="muted">You cannot change your own role: another administrator can.</p>
            ) : (
              <Field id="d-role" name="role" label="Role" value={details.role} error={detailErrors.fields.role} options={ROLE_OPTIONS} help="A new role ends the user’s open sessions: they sign in again." />
            )}
            <button type="submit">Save</button>
          </form>
        </section>
        <section class="card" aria-labelledby="password-heading">
          <h2 id="password-heading">Set a new password</h2>
          <Refused errors={passwordErrors} what="The password was not set" />
          <form method="post" action={`${href}/password`}>
            <input type="hidden" name="_csrf" value={csrf} />
            <Field id="p-password" name="password" label="New password" type="password" autocomplete="new-password" error={passwordErrors.fields.password} required help={PASSWORD_HELP} />
            <Field id="p-password-again" name="passwordAgain" label="New password again" type="password" autocomplete="new-password" error={passwordErrors.fields.passwordAgain} required />
            <button type="submit">Set the password</button>
          </form>
        </section>
        <section class="card" aria-labelledby="status-heading">
          <h2 id="status-heading">Signing in</h2>
          {statusError ? (
            <p class="error" role="alert" safe>
              {statusError}
            </p>
          ) : (
            ''
          )}
          {self ? (
            <p class="muted">This is you: another administrator can disable your user.</p>
          ) : disabled ? (
            <form method="post" action={`${href}/enable`}>
              <input type="hidden" name="_csrf" value={csrf} />
              <p>This user may not sign in.</p>
              <button type="submit">Enable</button>
            </form>
          ) : (
            <form method="post" action={`${href}/disable`}>
              <input type="hidden" name="_csrf" value={csrf} />
              <p>Disabling ends the user’s open sessions at once and keeps them from signing in; nothing else changes.</p>
              <button type="submit">Disable</button>
            </form>
          )}
        </section>
      </div>
    </Layout>
  );
}
