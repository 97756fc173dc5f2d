/** Patrons sign in with an id and a PIN (PATRON_AUTH=pin), and sign out. */
import type { FastifyInstance } from 'fastify';
import { USER_IDENTIFIER_TYPE } from '../../../domain/config/enums.ts';
import { clientAddress, html, isHttps, PATRON_HOME, PATRON_SIGN_IN_PATH, safeNext } from '../context.ts';
import type { PatronUiDeps } from '../deps.ts';
import { PatronSignInPage } from '../pages/sign-in.tsx';
import type { PatronBody } from '../body.ts';
import { clearedPatronCookieHeader, newPatronSession, patronCookieHeader, sealPatronSession } from '../session.ts';
import { fromAnotherSite } from '../../origin.ts';

/** What patrons call the identifier they sign in with. */
const ID_LABELS: Record<(typeof USER_IDENTIFIER_TYPE.values)[number], string> = {
  PRIMARY_ID: 'Library id',
  EMAIL: 'E-mail address',
  BARCODE: 'Library card number',
  UNIVERSITY_ID: 'University id',
  ADDITIONAL_ID_1: 'Library id',
  ADDITIONAL_ID_2: 'Library id',
};

const minutesUntil = (instant: string, now: string) => Math.max(1, Math.ceil((Date.parse(instant) - Date.parse(now)) / 60_000));

export function patronSignInRoutes(app: FastifyInstance, deps: PatronUiDeps): void {
  const idLabel = ID_LABELS[deps.auth.idType];

  app.get(PATRON_SIGN_IN_PATH, async (request, reply) => {
    const next = safeNext((request.query as Record<string, unknown>).next);
    // With the campus sign-on nobody signs in here: the proxy has done it.
    if (deps.auth.method === 'header') return reply.redirect(next, 303);
    return html(reply, PatronSignInPage({ demo: await deps.demo(), idLabel, next }));
  });

  app.post(PATRON_SIGN_IN_PATH, async (request, reply) => {
    if (deps.auth.method === 'header') return reply.redirect(PATRON_HOME, 303);
    const demo = await deps.demo();
    const form = (request.body as PatronBody | undefined)?.fields ?? {};
    const next = safeNext(form.next);
    const identifier = typeof form.identifier === 'string' ? form.identifier.slice(0, 255) : '';
    const pin = typeof form.pin === 'string' ? form.pin.slice(0, 256) : '';
    const page = (error: string, status: number) => html(reply, PatronSignInPage({ demo, idLabel, next, identifier, error }), status);
    if (fromAnotherSite(request.headers.origin, request.host)) return page('This form did not come from this site.', 403);
    if (!identifier.trim() || !pin) return page(`Type your ${idLabel.toLowerCase()} and your PIN.`, 422);
    const outcome = await deps.patronAuth.signInWithPin(identifier, pin, clientAddress(request, deps));
    if (!outcome.ok) {
      if (outcome.locked) {
        const minutes = minutesUntil(outcome.locked, deps.clock.now());
        return page(`Too many wrong PINs. For your safety, signing in is paused: try again in ${minutes} minute${minutes === 1 ? '' : 's'}, or ask at the library if you have forgotten your PIN.`, 429);
      }
      return page(`That ${idLabel.toLowerCase()} and PIN do not match. Check them and try again.`, 401);
    }
    const session = newPatronSession(outcome.patron.storedId, 'pin', deps.clock.now());
    reply.header('set-cookie', patronCookieHeader(sealPatronSession(session, await deps.patronAuth.sessionKey(), outcome.patron.pinSetAt), isHttps(request)));
    return reply.redirect(next, 303);
  });

  app.post('/patron/sign-out', async (request, reply) => {
    reply.header('set-cookie', clearedPatronCookieHeader(isHttps(request)));
    return reply.redirect(PATRON_SIGN_IN_PATH, 303);
  });
}
