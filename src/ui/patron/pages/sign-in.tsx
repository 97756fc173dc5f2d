import { PatronLayout } from '../layout.tsx';

export interface PatronSignInProps {
  readonly demo: boolean;
  /** What patrons type as their id ("Library card number"). */
  readonly idLabel: string;
  readonly next: string;
  /** What was typed as the id (kept after a refusal); the PIN never is. */
  readonly identifier?: string | undefined;
  readonly error?: string | undefined;
}

/** Sign in with an id and a PIN; the PIN is never sent back, even after a refusal. */
export function PatronSignInPage({ demo, idLabel, next, identifier, error }: PatronSignInProps) {
  const describedBy = error ? 'sign-in-error' : undefined;
  return (
    <PatronLayout shell={{ title: 'Sign in', demo }}>
      <h1>Sign in to request items from other libraries</h1>
      <form class="card narrow" method="post" action="/patron/sign-in">
        <input type="hidden" name="next" value={next} />
        <label for="identifier" safe>
          {idLabel}
        </label>
        <input id="identifier" name="identifier" type="text" autocomplete="username" required value={identifier ?? ''} aria-describedby={describedBy} />
        <label for="pin">PIN</label>
        <input id="pin" name="pin" type="password" autocomplete="current-password" required aria-describedby={describedBy} />
        {error ? (
          <p id="sign-in-error" class="error" role="alert" safe>
            {error}
          </p>
        ) : (
          ''
        )}
        <button type="submit">Sign in</button>
        {demo ? <p class="muted">Demo: patron 100200300 (or any demo patron), PIN 1234.</p> : ''}
      </form>
      <p class="muted">No PIN yet, or forgotten it? Ask at the library’s service desk.</p>
    </PatronLayout>
  );
}
