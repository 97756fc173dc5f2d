import { PatronLayout, type PatronShell } from '../layout.tsx';

/** A page that only says something: not found, not allowed, not signed in through the campus sign-on, a fault. */
export function PatronMessagePage({ shell, heading, message, back }: { shell: PatronShell; heading: string; message: string; back?: { href: string; label: string } | undefined }) {
  return (
    <PatronLayout shell={shell}>
      <h1 safe>{heading}</h1>
      <p class="refusal" role="alert" safe>
        {message}
      </p>
      {back ? (
        <p>
          <a href={back.href} safe>
            {back.label}
          </a>
        </p>
      ) : (
        ''
      )}
    </PatronLayout>
  );
}
