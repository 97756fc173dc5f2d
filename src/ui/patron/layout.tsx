/**
 * The patron pages' shell: its own look and navigation (New request, My requests), the DEMO banner, who is signed
 * in and, for a PIN session, Sign out. No script at all: every page works as plain HTML forms. Text is escaped
 * with `safe`.
 */
import type { Children } from '@kitajs/html';

export const PATRON_CSS_PATH = '/patron/static/patron.css';
export const PATRON_ICON_PATH = '/patron/static/favicon.svg';

export interface PatronShell {
  readonly title: string;
  readonly demo: boolean;
  /** Absent on the sign-in page and on error pages before sign-in. */
  readonly session?: { readonly name: string; readonly csrf: string; readonly canSignOut: boolean; readonly current?: string };
}

const NAV = [
  { href: '/patron/request', label: 'New request' },
  { href: '/patron/requests', label: 'My requests' },
];

export function PatronLayout({ shell, children }: { shell: PatronShell; children?: Children }) {
  const session = shell.session;
  return (
    <>
      {'<!doctype html>'}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title safe>{`${shell.title} · Interlibrary loan`}</title>
          <link rel="stylesheet" href={PATRON_CSS_PATH} />
          <link rel="icon" href={PATRON_ICON_PATH} type="image/svg+xml" />
        </head>
        <body>
          <a class="skip" href="#main">
            Skip to the content
          </a>
          {shell.demo ? (
            <div class="demo" role="note">
              DEMO MODE: requests go to simulated libraries. Nothing here reaches a real library.
            </div>
          ) : (
            ''
          )}
          <header class="top">
            <span class="brand">Interlibrary loan</span>
            {session ? (
              <>
                <nav aria-label="Main">
                  <ul>
                    {NAV.map((link) => (
                      <li>
                        <a href={link.href} aria-current={session.current === link.href ? 'page' : undefined} safe>
                          {link.label}
                        </a>
                      </li>
                    ))}
                  </ul>
                </nav>
                {session.canSignOut ? (
                  <form class="who" method="post" action="/patron/sign-out">
                    <input type="hidden" name="_csrf" value={session.csrf} />
                    <span safe>{session.name}</span>
                    <button type="submit">Sign out</button>
                  </form>
                ) : (
                  <span class="who" safe>
                    {session.name}
                  </span>
                )}
              </>
            ) : (
              ''
            )}
          </header>
          <main id="main" tabindex="-1">
            {children}
          </main>
        </body>
      </html>
    </>
  );
}
