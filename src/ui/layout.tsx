/**
 * The page shell: landmarks (banner, navigation, main), the DEMO banner, who is signed in, sign out. htmx is sent
 * the CSRF token on every request through hx-headers, so no form can forget it. Text is escaped with `safe`.
 */
import type { Children } from '@kitajs/html';
import type { NavLink } from './views/nav.ts';

export interface Shell {
  readonly title: string;
  readonly demo: boolean;
  /** Absent on the sign-in page. */
  readonly session?: { readonly name: string; readonly role: string; readonly csrf: string; readonly nav: readonly NavLink[]; readonly current?: string };
}

export function Layout({ shell, children }: { shell: Shell; children?: Children }) {
  const session = shell.session;
  return (
    <>
      {'<!doctype html>'}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          {/* The CSP allows no inline style: the indicator styles htmx would inject are in ui.css, and htmx must not
              copy `style` attributes when it settles a swap (its default), which the CSP refuses whenever the browser
              has put a style on an element (a resized textarea, a scrolled one): seen as a console error in the
              guide-setup browser test. */}
          <meta name="htmx-config" content='{"includeIndicatorStyles":false,"attributesToSettle":["class","width","height"]}' />
          <title safe>{`${shell.title} · Interlend`}</title>
          <link rel="stylesheet" href="/ui/static/ui.css" />
          <link rel="icon" href="/ui/static/favicon.svg" type="image/svg+xml" />
          <script src="/ui/static/htmx.min.js" defer></script>
        </head>
        <body hx-headers={session ? JSON.stringify({ 'X-CSRF-Token': session.csrf }) : undefined}>
          <a class="skip" href="#main">
            Skip to the content
          </a>
          {shell.demo ? (
            <div class="demo" role="note">
              DEMO MODE: the guide’s configuration, demo patrons, an ILLiad simulator and mock peers. Nothing here reaches a real library.
            </div>
          ) : (
            ''
          )}
          <header class="top">
            <span class="brand">Interlend</span>
            {session ? (
              <>
                <nav aria-label="Main">
                  <ul>
                    {session.nav.map((link) => (
                      <li>
                        <a href={link.href} aria-current={session.current === link.href ? 'page' : undefined} safe>
                          {link.label}
                        </a>
                      </li>
                    ))}
                  </ul>
                </nav>
                <form class="who" method="post" action="/ui/sign-out">
                  <input type="hidden" name="_csrf" value={session.csrf} />
                  <span safe>{`${session.name} (${session.role})`}</span>
                  <button type="submit">Sign out</button>
                </form>
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
