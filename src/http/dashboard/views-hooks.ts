// Pages about hooks: the overview of what a user administers, an owner's hooks with their health, a
// hook's settings form, and the delete confirmation.
import type { FieldError } from '../../domain/errors.js';
import type { HookRecord } from '../../domain/model.js';
import type { HealthBar } from '../../services/dashboard.js';
import type { AdministeredRepository } from '../../storage/dashboard-store.js';
import { csrfField, html, page, type Html, type PageContext } from './html.js';

/** Where an owner's pages live, e.g. `/dashboard/repos/octo/hello`. */
export function ownerBase(path: string): string {
  return `/dashboard/${path}`;
}

export function signInPage(ctx: PageContext, problem: string | null): string {
  return page(ctx, 'Sign in', html`
    <h1>Sign in to Hookline</h1>
    ${problem ? html`<p class="error" role="alert">${problem}</p>` : null}
    <form method="post" action="/dashboard/sign-in" class="stack">
      ${csrfField(ctx)}
      <label for="token">Token</label>
      <input id="token" name="token" type="password" autocomplete="off" required>
      <button type="submit">Sign in</button>
    </form>
    <p class="hint">A personal access token, or the site administrator's token.</p>`);
}

export function overviewPage(ctx: PageContext, repositories: AdministeredRepository[], organizations: string[]): string {
  return page(ctx, 'Repositories', html`
    <h1>Repositories</h1>
    ${repositories.length === 0 ? html`<p>No repositories you administer.</p>` : html`<ul class="owners">${repositories.map((r) => html`
      <li><a href="${ownerBase(`repos/${r.owner}/${r.name}`)}">${r.owner}/${r.name}</a>${r.private ? html` <span class="tag">private</span>` : null}</li>`)}
    </ul>`}
    <h1>Organizations</h1>
    ${organizations.length === 0 ? html`<p>No organizations you own.</p>` : html`<ul class="owners">${organizations.map((o) => html`
      <li><a href="${ownerBase(`orgs/${o}`)}">${o}</a></li>`)}
    </ul>`}`);
}

/** Deliveries per hour as stacked bars: successes above failures, scaled to the busiest hour. */
export function healthChart(bars: HealthBar[]): Html {
  const max = Math.max(1, ...bars.map((b) => b.success + b.failure));
  const height = 24;
  const rects = bars.map((b, i) => {
    const ok = Math.round((b.success / max) * height);
    const bad = Math.round((b.failure / max) * height);
    return html`<g><title>${b.hour}:00 UTC: ${b.success} ok, ${b.failure} failed</title>
      <rect x="${i * 5}" y="${height - ok - bad}" width="4" height="${ok}" fill="#2da44e"/>
      <rect x="${i * 5}" y="${height - bad}" width="4" height="${bad}" fill="#cf222e"/></g>`;
  });
  const total = bars.reduce((n, b) => n + b.success + b.failure, 0);
  const failed = bars.reduce((n, b) => n + b.failure, 0);
  return html`<svg class="health" width="120" height="${height}" viewBox="0 0 120 ${height}" role="img"
    aria-label="${total} deliveries in 24 hours, ${failed} failed">${rects}</svg>`;
}

function lastResponse(hook: HookRecord): Html {
  const r = hook.lastResponse;
  if (r.code === null) return html`<span class="muted">${r.status ?? 'unused'}</span>`;
  const ok = r.code >= 200 && r.code < 300;
  return html`<span class="${ok ? 'ok' : 'bad'}">${r.code} ${r.message ?? ''}</span>`;
}

export function ownerPage(
  ctx: PageContext, title: string, path: string, hooks: { hook: HookRecord; health: HealthBar[] }[], errors: FieldError[] = [],
): string {
  const base = ownerBase(path);
  return page(ctx, title, html`
    <h1>${title}</h1>
    <h2>Webhooks</h2>
    <table class="hooks">
      <thead><tr><th>URL</th><th>Events</th><th>Active</th><th>Last response</th><th>Last 24 hours</th></tr></thead>
      <tbody>${hooks.map(({ hook, health }) => html`
        <tr>
          <td><a href="${base}/hooks/${hook.id}">${hook.config.url}</a></td>
          <td>${hook.events.join(', ')}</td>
          <td>${hook.active ? 'yes' : html`<span class="bad">no</span>`}</td>
          <td>${lastResponse(hook)}</td>
          <td>${healthChart(health)}</td>
        </tr>`)}
      </tbody>
    </table>
    ${hooks.length === 0 ? html`<p>No webhooks yet.</p>` : null}
    <h2>Add webhook</h2>
    ${hookForm(ctx, `${base}/hooks`, null, 'Add webhook', errors)}`);
}

/** A form's validation problems (messages may quote what was typed: escaped like any text). */
export function errorList(errors: FieldError[]): Html | null {
  return errors.length > 0 ? html`<ul class="error" role="alert">${errors.map((e) => html`<li>${e.field ?? e.resource}: ${e.message ?? e.code}</li>`)}</ul>` : null;
}

/** The settings form; on edit an empty secret keeps the current one. */
export function hookForm(ctx: PageContext, action: string, hook: HookRecord | null, submit: string, errors: FieldError[]): Html {
  const contentType = hook?.config.contentType ?? 'json';
  return html`
    ${errorList(errors)}
    <form method="post" action="${action}" class="stack">
      ${csrfField(ctx)}
      <label for="url">Payload URL</label>
      <input id="url" name="url" type="url" required value="${hook?.config.url ?? ''}">
      <label for="content_type">Content type</label>
      <select id="content_type" name="content_type">
        <option value="json"${contentType === 'json' ? ' selected' : ''}>application/json</option>
        <option value="form"${contentType === 'form' ? ' selected' : ''}>application/x-www-form-urlencoded</option>
      </select>
      <label for="secret">Secret</label>
      <input id="secret" name="secret" type="password" autocomplete="new-password"
        placeholder="${hook?.config.secret ? 'unchanged (a secret is set)' : ''}">
      ${hook?.config.secret ? html`<label class="check"><input type="checkbox" name="remove_secret" value="1"> Remove the secret</label>` : null}
      <label for="events">Events (comma-separated, * for all)</label>
      <input id="events" name="events" required value="${(hook?.events ?? ['push']).join(', ')}">
      <label class="check"><input type="checkbox" name="active" value="1"${hook === null || hook.active ? ' checked' : ''}> Active</label>
      <button type="submit">${submit}</button>
    </form>`;
}

export function deletePage(ctx: PageContext, base: string, hook: HookRecord): string {
  return page(ctx, 'Delete webhook', html`
    <h1>Delete webhook</h1>
    <p>Delete the webhook to <strong>${hook.config.url}</strong>? Its deliveries stop at once.</p>
    <form method="post" action="${base}/hooks/${hook.id}/delete" class="inline">
      ${csrfField(ctx)}<button type="submit" class="danger">Yes, delete this webhook</button>
    </form>
    <a href="${base}/hooks/${hook.id}">Cancel</a>`);
}
