// The dashboard's pages and actions. Every hook and delivery goes through the services the REST API
// uses, with the same scope checks, so a page shows only what the signed-in token could read.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { NotFound, ServiceError, ValidationFailed, type FieldError } from '../../domain/errors.js';
import type { HookAccess, HookScope, Principal } from '../../services/access.js';
import { SESSION_COOKIE, SignInRequired, cookieSecurity, pageContext, type DashboardDeps } from './plugin.js';
import { deliveryPage, hookPage } from './views-deliveries.js';
import { deletePage, overviewPage, ownerBase, ownerPage, signInPage } from './views-hooks.js';
import { replayPage, utcInstant } from './views-replay.js';
import { sitePage } from './views-site.js';

type Form = Record<string, string | undefined>;
type Params = Record<string, string>;

/** Fixed texts shown after an action (never text taken from the URL). */
const NOTICES: Record<string, string> = {
  ping: 'Ping sent.',
  test: 'The latest push was sent, if the repository has one and the hook subscribes to push.',
  redeliver: 'Redelivery queued.',
  updated: 'Webhook updated.',
  created: 'Webhook created; a ping is on its way.',
};

/** The owners whose hooks the dashboard shows: repositories and organizations. */
const OWNER_ROUTES = ['/repos/:owner/:repo', '/orgs/:org'];

export function registerDashboardRoutes(app: FastifyInstance, deps: DashboardDeps): void {
  const { access, hooks, deliveries, events } = deps.services;
  const html = (reply: FastifyReply, body: string, status = 200) => reply.code(status).type('text/html; charset=utf-8').send(body);
  const principalOf = (request: FastifyRequest): Principal => {
    if (!request.dashboard) throw new SignInRequired();
    return request.dashboard.principal;
  };
  const scopeOf = (request: FastifyRequest, need: HookAccess): Promise<HookScope> => {
    const p = request.params as Params;
    const principal = principalOf(request);
    return p.repo !== undefined ? access.repoHookScope(principal, p.owner, p.repo, need) : access.orgHookScope(principal, p.org);
  };
  const titleOf = (scope: HookScope) => (scope.repository ? `${scope.repository.owner.login}/${scope.repository.name}` : scope.organization!.login);
  const idOf = (raw: string | undefined): number => {
    if (!raw || !/^\d{1,15}$/.test(raw)) throw new NotFound();
    return Number(raw);
  };

  app.get('/', async (request, reply) => {
    const ctx = pageContext(request, reply);
    if (!request.dashboard) return html(reply, signInPage(ctx, null));
    const { repositories, organizations } = await deps.dashboard.overview(request.dashboard.principal);
    return html(reply, overviewPage(ctx, repositories, organizations));
  });

  app.post('/sign-in', async (request, reply) => {
    const token = (request.body as Form | undefined)?.token ?? '';
    try {
      const { sessionId, expiresAt } = await deps.dashboard.signIn(token);
      // The browser's previous session ends on the server too, so a copy of its cookie stops working.
      const previous = request.cookies[SESSION_COOKIE];
      if (previous) await deps.dashboard.signOut(previous);
      void reply.setCookie(SESSION_COOKIE, sessionId, {
        path: '/dashboard', httpOnly: true, sameSite: 'strict', secure: cookieSecurity(deps), expires: new Date(expiresAt),
      });
      return reply.redirect('/dashboard', 303);
    } catch (err) {
      if (!(err instanceof ServiceError) || err.status !== 401) throw err;
      return html(reply, signInPage(pageContext(request, reply), 'That token was not accepted.'), 401);
    }
  });

  app.post('/sign-out', async (request, reply) => {
    if (request.dashboard) await deps.dashboard.signOut(request.dashboard.sessionId);
    void reply.clearCookie(SESSION_COOKIE, { path: '/dashboard' });
    return reply.redirect('/dashboard', 303);
  });

  app.get('/site', async (request, reply) => {
    const status = await deps.dashboard.siteStatus(principalOf(request));
    return html(reply, sitePage(pageContext(request, reply), status));
  });

  for (const owner of OWNER_ROUTES) {
    app.get(owner, async (request, reply) => {
      const scope = await scopeOf(request, 'read');
      const list = await deps.dashboard.hooksWithHealth(scope);
      return html(reply, ownerPage(pageContext(request, reply), titleOf(scope), scope.path, list));
    });

    app.post(`${owner}/hooks`, async (request, reply) => {
      const scope = await scopeOf(request, 'write');
      const form = (request.body ?? {}) as Form;
      try {
        const input = { name: 'web', config: configOf(form), events: eventsOf(form), active: form.active === '1' };
        const hook = await hooks.create(scope, input, principalOf(request).user);
        return reply.redirect(`${ownerBase(scope.path)}/hooks/${hook.id}?notice=created`, 303);
      } catch (err) {
        const errors = fieldErrors(err);
        const list = await deps.dashboard.hooksWithHealth(scope);
        return html(reply, ownerPage(pageContext(request, reply), titleOf(scope), scope.path, list, errors), 422);
      }
    });

    const hookPath = `${owner}/hooks/:hook`;
    const showHook = async (request: FastifyRequest, reply: FastifyReply, errors: FieldError[], status = 200) => {
      const scope = await scopeOf(request, 'read');
      const hookId = idOf((request.params as Params).hook);
      const hook = await hooks.get(scope, hookId);
      const query = request.query as Form;
      const page = await deliveries.list(scope, hookId, { per_page: '30', cursor: query.cursor });
      return html(reply, hookPage(pageContext(request, reply), {
        base: ownerBase(scope.path), title: titleOf(scope), hook, deliveries: page, testPush: scope.repository !== null,
        errors, notice: noticeOf(query),
      }), status);
    };
    app.get(hookPath, (request, reply) => showHook(request, reply, []));

    app.post(hookPath, async (request, reply) => {
      const scope = await scopeOf(request, 'write');
      const hookId = idOf((request.params as Params).hook);
      const form = (request.body ?? {}) as Form;
      try {
        await hooks.updateSettings(scope, hookId, configOf(form), { events: eventsOf(form), active: form.active === '1' });
      } catch (err) {
        return showHook(request, reply, fieldErrors(err), 422);
      }
      return reply.redirect(`${ownerBase(scope.path)}/hooks/${hookId}?notice=updated`, 303);
    });

    app.get(`${hookPath}/delete`, async (request, reply) => {
      const scope = await scopeOf(request, 'admin');
      const hook = await hooks.get(scope, idOf((request.params as Params).hook));
      return html(reply, deletePage(pageContext(request, reply), ownerBase(scope.path), hook));
    });

    app.post(`${hookPath}/delete`, async (request, reply) => {
      const scope = await scopeOf(request, 'admin');
      await hooks.remove(scope, idOf((request.params as Params).hook));
      return reply.redirect(ownerBase(scope.path), 303);
    });

    app.post(`${hookPath}/pings`, async (request, reply) => {
      const scope = await scopeOf(request, 'read');
      const hook = await hooks.get(scope, idOf((request.params as Params).hook));
      await events.ping(scope, hook, principalOf(request).user);
      return reply.redirect(`${ownerBase(scope.path)}/hooks/${hook.id}?notice=ping`, 303);
    });

    app.post(`${hookPath}/tests`, async (request, reply) => {
      const scope = await scopeOf(request, 'read');
      const hook = await hooks.get(scope, idOf((request.params as Params).hook));
      if (!scope.repository) throw new NotFound();
      await events.testPush(scope, hook);
      return reply.redirect(`${ownerBase(scope.path)}/hooks/${hook.id}?notice=test`, 303);
    });

    app.get(`${hookPath}/replay`, async (request, reply) => {
      const scope = await scopeOf(request, 'write');
      const hook = await hooks.get(scope, idOf((request.params as Params).hook));
      return html(reply, replayPage(pageContext(request, reply), ownerBase(scope.path), hook, { since: '', until: '' }, []));
    });

    // The REST replay's service and permission; a bad window is the form again with the service's message.
    app.post(`${hookPath}/replay`, async (request, reply) => {
      const scope = await scopeOf(request, 'write');
      const hookId = idOf((request.params as Params).hook);
      const form = (request.body ?? {}) as Form;
      const since = utcInstant(form.since);
      const until = utcInstant(form.until);
      try {
        const { queued, truncated } = await deliveries.replay(scope, hookId, { ...(since && { since }), ...(until && { until }) });
        return reply.redirect(`${ownerBase(scope.path)}/hooks/${hookId}?notice=replay&queued=${queued}${truncated ? '&truncated=1' : ''}`, 303);
      } catch (err) {
        const errors = fieldErrors(err);
        const hook = await hooks.get(scope, hookId);
        const values = { since: form.since ?? '', until: form.until ?? '' };
        return html(reply, replayPage(pageContext(request, reply), ownerBase(scope.path), hook, values, errors), 422);
      }
    });

    app.get(`${hookPath}/deliveries/:delivery`, async (request, reply) => {
      const scope = await scopeOf(request, 'read');
      const p = request.params as Params;
      const hook = await hooks.get(scope, idOf(p.hook));
      const delivery = await deliveries.get(scope, hook.id, idOf(p.delivery));
      return html(reply, deliveryPage(pageContext(request, reply), ownerBase(scope.path), hook, delivery));
    });

    app.post(`${hookPath}/deliveries/:delivery/attempts`, async (request, reply) => {
      const scope = await scopeOf(request, 'write');
      const p = request.params as Params;
      const hookId = idOf(p.hook);
      await deliveries.redeliver(scope, hookId, idOf(p.delivery));
      return reply.redirect(`${ownerBase(scope.path)}/hooks/${hookId}?notice=redeliver`, 303);
    });
  }
}

/** The notice after an action: a fixed text, or for a replay the count it queued (digits only). */
function noticeOf(query: Form): string | null {
  if (query.notice === 'replay' && /^\d{1,9}$/.test(query.queued ?? '')) {
    const n = Number(query.queued);
    const more = query.truncated === '1' ? ' (the most one replay sends; replay again for the rest)' : '';
    return `Replay queued ${n} failed ${n === 1 ? 'delivery' : 'deliveries'}${more}.`;
  }
  return NOTICES[query.notice ?? ''] ?? null;
}

/** The form's config fields as the API takes them; an empty secret keeps the current one. */
function configOf(form: Form): Record<string, string> {
  const config: Record<string, string> = { url: form.url ?? '', content_type: form.content_type ?? 'json' };
  if (form.remove_secret === '1') config.secret = '';
  else if (form.secret) config.secret = form.secret;
  return config;
}

function eventsOf(form: Form): string[] {
  return (form.events ?? '').split(',').map((e) => e.trim()).filter((e) => e !== '');
}

/** Validation problems as the settings form lists them; anything else is rethrown. */
function fieldErrors(err: unknown): FieldError[] {
  if (err instanceof ValidationFailed) return err.errors;
  if (err instanceof ServiceError && err.status === 422) return [{ resource: 'Hook', code: 'invalid', message: err.message }];
  throw err;
}
