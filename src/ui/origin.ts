/**
 * Login CSRF: a sign-in form posted from another site would sign the browser in as the attacker's account (a staff
 * token, a patron's PIN). SameSite cookies do not cover a form that sets a new cookie, so both sign-in forms refuse a
 * post whose Origin is another host. No Origin (an old browser, a tool) is let through: it carries no cookie to abuse.
 */
export function fromAnotherSite(origin: string | undefined, host: string): boolean {
  if (!origin) return false;
  try {
    return new URL(origin).host !== host;
  } catch {
    return true;
  }
}
