// The site administrator's status page, and the dashboard's error page.
import type { SiteStatus } from '../../services/dashboard.js';
import type { HookAlert } from '../../storage/dashboard-store.js';
import { html, page, type Html, type PageContext } from './html.js';
import { ownerBase } from './views-hooks.js';

export function sitePage(ctx: PageContext, s: SiteStatus): string {
  const lagSeconds = s.queue.oldestDueAt === null ? 0 : Math.max(0, Math.round((s.now - s.queue.oldestDueAt) / 1000));
  const total = s.lastHour.success + s.lastHour.failure;
  return page(ctx, 'Site status', html`
    <h1>Site status</h1>
    <div id="site" data-live>
      <dl class="figures">
        <div><dt>Deliveries pending</dt><dd id="pending">${s.queue.pending}</dd></div>
        <div><dt>Oldest waiting</dt><dd id="lag">${lagSeconds} s</dd></div>
        <div><dt>Delivered in the last hour</dt><dd id="last-hour">${total}</dd></div>
        <div><dt>Succeeded</dt><dd class="ok" id="last-hour-ok">${s.lastHour.success}</dd></div>
        <div><dt>Failed</dt><dd class="bad" id="last-hour-failed">${s.lastHour.failure}</dd></div>
        <div><dt>Rate</dt><dd>${(total / 60).toFixed(2)} / min</dd></div>
        <div><dt>Hooks disabled</dt><dd>${s.queue.hooksDisabled}</dd></div>
      </dl>
      <h2>Failing or disabled hooks</h2>
      ${s.alerts.length === 0 ? html`<p>None.</p>` : html`
      <table class="alerts">
        <thead><tr><th>Owner</th><th>URL</th><th>Active</th><th>Last response</th></tr></thead>
        <tbody>${s.alerts.map((a) => html`
          <tr>
            <td>${a.ownerType === 'integration' ? `App ${a.ownerName}` : a.ownerName}</td>
            <td>${alertLink(a)}</td>
            <td>${a.active ? 'yes' : html`<span class="bad">no</span>`}</td>
            <td>${a.lastCode ?? ''} ${a.lastStatus ?? ''}</td>
          </tr>`)}
        </tbody>
      </table>`}
    </div>`);
}

/** The hook's page, for repository and organization hooks; App hooks have none, so their URL is text. */
function alertLink(a: HookAlert): Html | string {
  if (a.ownerType === 'integration') return a.url;
  return html`<a href="${ownerBase(`${a.ownerType === 'repository' ? 'repos' : 'orgs'}/${a.ownerName}`)}/hooks/${a.hookId}">${a.url}</a>`;
}

export function errorPage(ctx: PageContext, status: number, message: string): string {
  return page(ctx, String(status), html`<h1>${status}</h1><p>${message}</p><p><a href="/dashboard">Back to the dashboard</a></p>`);
}
