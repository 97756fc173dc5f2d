import { Layout } from '../layout.tsx';

export interface SignInView {
  readonly demo: boolean;
  /** Whether staff users may sign in with a user name and password (the main form). */
  readonly passwords: boolean;
  /** The user name as typed, kept after a refusal; the password never is. */
  readonly username?: string | undefined;
  /** Why the user name and password sign-in was refused (one message whichever part was wrong). */
  readonly passwordError?: string | undefined;
  /** Why the token sign-in was refused; the token is never echoed back. */
  readonly tokenError?: string | undefined;
  /** A refusal of both forms (one posted from another site). */
  readonly error?: string | undefined;
}

function FormError({ id, message }: { id: string; message?: string | undefined }) {
  return message ? (
    <p id={id} class="error" role="alert" safe>
      {message}
    </p>
  ) : (
    ''
  );
}

/**
 * Sign in with a user name and password (staff users) or with an API token. The token form is second: it is for
 * those who have no user yet (the first admin token) and for automation accounts.
 */
export function SignInPage(view: SignInView) {
  const { demo, passwords, username, passwordError, tokenError, error } = view;
  return (
    <Layout shell={{ title: 'Sign in', demo }}>
      <h1>Sign in</h1>
      <FormError id="sign-in-problem" message={error} />
      {passwords ? (
        <form class="card narrow sign-in" method="post" action="/ui/sign-in">
          <h2 id="password-sign-in">With your user name and password</h2>
          <label for="username">User name</label>
          <input
            id="username"
            name="username"
            type="text"
            autocomplete="username"
            autocapitalize="none"
            spellcheck="false"
            required
            autofocus={!tokenError}
            value={username ?? ''}
            aria-describedby={passwordError ? 'password-sign-in-error' : undefined}
          />
          <label for="password">Password</label>
          <input id="password" name="password" type="password" autocomplete="current-password" required aria-describedby={passwordError ? 'password-sign-in-error' : undefined} />
          <FormError id="password-sign-in-error" message={passwordError} />
          <button type="submit">Sign in</button>
        </form>
      ) : (
        ''
      )}
      <form class="card narrow sign-in" method="post" action="/ui/sign-in">
        <h2 id="token-sign-in">{passwords ? 'Or with an API token' : 'With an API token'}</h2>
        <p>An API token made with <code>interlend token create</code> or by an admin (the first admin token works too).</p>
        <label for="token">API token</label>
        <input id="token" name="token" type="password" autocomplete="off" required aria-describedby={tokenError ? 'sign-in-error' : undefined} />
        <FormError id="sign-in-error" message={tokenError} />
        <button type="submit">Sign in with the token</button>
      </form>
    </Layout>
  );
}
