import { Layout } from '../layout.tsx';

/** Sign in with an API token; the token is never echoed back, even after a failed attempt. */
export function SignInPage({ demo, error }: { demo: boolean; error?: string | undefined }) {
  return (
    <Layout shell={{ title: 'Sign in', demo }}>
      <h1>Sign in</h1>
      <form class="card narrow" method="post" action="/ui/sign-in">
        <p>Staff sign in with an API token (made with <code>interlend token create</code> or by an admin).</p>
        <label for="token">API token</label>
        <input id="token" name="token" type="password" autocomplete="current-password" required aria-describedby={error ? 'sign-in-error' : undefined} />
        {error ? (
          <p id="sign-in-error" class="error" role="alert" safe>
            {error}
          </p>
        ) : (
          ''
        )}
        <button type="submit">Sign in</button>
      </form>
    </Layout>
  );
}
