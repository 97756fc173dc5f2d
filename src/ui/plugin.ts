/**
 * The staff web interface (issue 8): server-rendered pages under /ui, built by the same use cases as the JSON API.
 * main.ts hands this plugin to the HTTP server (src/http may not import src/ui). Everything it registers stays in
 * its own scope: the form parser, the session check, the HTML error pages and the security headers.
 */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { installSession } from './context.ts';
import type { UiDeps } from './deps.ts';
import { installUiErrors } from './errors.ts';
import { dashboardRoutes } from './routes/dashboard.ts';
import { doctorRoutes } from './routes/doctor.ts';
import { lendingRoutes } from './routes/lending.ts';
import { noticeRoutes } from './routes/notices.ts';
import { partnerRoutes } from './routes/partners.ts';
import { patronRoutes } from './routes/patrons.ts';
import { placeRoutes } from './routes/places.ts';
import { requestRoutes } from './routes/requests.ts';
import { rotaRuleRoutes } from './routes/rota-rules.ts';
import { rotaTemplateRoutes } from './routes/rota-templates.ts';
import { signInRoutes } from './routes/sign-in.ts';
import { userRoutes } from './routes/users.ts';
import { staticRoutes } from './static.ts';

/** Forms are small: a request's citation, a reason. */
const FORM_BODY_LIMIT = 64 * 1024;

/** Only our own script and stylesheet run; no page can be framed (clickjacking) or post elsewhere. */
const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'x-frame-options': 'DENY',
};

function formParser(app: FastifyInstance): void {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
}

export function staffInterface(deps: UiDeps): FastifyPluginAsync {
  return async (app) => {
    formParser(app);
    app.addHook('onSend', async (request, reply, payload) => {
      reply.headers(SECURITY_HEADERS);
      // Pages show patrons' data: not to be kept by the browser or a proxy.
      if (!request.url.startsWith('/ui/static/')) reply.header('cache-control', 'no-store');
      return payload;
    });
    installUiErrors(app, deps);
    await staticRoutes(app);
    installSession(app, deps);
    signInRoutes(app, deps);
    dashboardRoutes(app, deps);
    requestRoutes(app, deps);
    lendingRoutes(app, deps);
    doctorRoutes(app, deps);
    rotaTemplateRoutes(app, deps);
    rotaRuleRoutes(app, deps);
    placeRoutes(app, deps);
    partnerRoutes(app, deps);
    patronRoutes(app, deps);
    if (deps.staffUsers) userRoutes(app, { ...deps, staffUsers: deps.staffUsers });
    noticeRoutes(app, deps);
  };
}
