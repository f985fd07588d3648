// A hook's page (settings, buttons, Recent Deliveries as on GitHub) and one delivery's request and
// response. Headers, payloads and bodies are attacker-controlled: they only ever pass through `html`.
import type { FieldError } from '../../domain/errors.js';
import type { HookRecord } from '../../domain/model.js';
import type { DeliveryPage } from '../../services/deliveries.js';
import type { DeliveryDetail, DeliverySummary } from '../../storage/delivery-store.js';
import { csrfField, html, page, type Html, type PageContext } from './html.js';
import { hookForm } from './views-hooks.js';

const isOk = (code: number) => code >= 200 && code < 300;

function outcomeIcon(d: DeliverySummary): Html {
  return isOk(d.statusCode)
    ? html`<span class="ok" title="Succeeded">✔</span>`
    : html`<span class="bad" title="Failed">✖</span>`;
}

/** The automatic attempt a failure scheduled, as a machine-readable time; nothing when none is due. */
function nextAttempt(d: DeliverySummary): Html | null {
  return d.nextAttemptAt ? html`<time datetime="${d.nextAttemptAt}">${d.nextAttemptAt}</time>` : null;
}

function postButton(ctx: PageContext, action: string, label: string): Html {
  return html`<form method="post" action="${action}" class="inline">${csrfField(ctx)}<button type="submit">${label}</button></form>`;
}

export interface HookPageInput {
  base: string;
  title: string;
  hook: HookRecord;
  deliveries: DeliveryPage;
  /** Repository hooks can be sent the latest push (GitHub's test endpoint). */
  testPush: boolean;
  errors: FieldError[];
  notice: string | null;
}

export function hookPage(ctx: PageContext, input: HookPageInput): string {
  const { base, hook, deliveries } = input;
  const hookUrl = `${base}/hooks/${hook.id}`;
  return page(ctx, `Webhook ${hook.id}`, html`
    <p class="crumbs"><a href="${base}">${input.title}</a> / webhook ${hook.id}</p>
    <h1>${hook.config.url}</h1>
    ${input.notice ? html`<p class="notice" role="status">${input.notice}</p>` : null}
    <div class="actions">
      ${postButton(ctx, `${hookUrl}/pings`, 'Ping')}
      ${input.testPush ? postButton(ctx, `${hookUrl}/tests`, 'Test push') : null}
      <a class="button" href="${hookUrl}/replay">Replay failed…</a>
      <a class="button danger" href="${hookUrl}/delete">Delete…</a>
    </div>
    <h2>Recent Deliveries</h2>
    <div id="deliveries" data-live>
      <table class="deliveries">
        <thead><tr><th></th><th>GUID</th><th>Event</th><th>Delivered</th><th>Duration</th><th>Attempt</th><th></th><th>Next attempt</th></tr></thead>
        <tbody>${deliveries.deliveries.map((d) => html`
          <tr>
            <td>${outcomeIcon(d)}</td>
            <td><a href="${hookUrl}/deliveries/${d.id}">${d.guid}</a></td>
            <td>${d.event}${d.action ? `.${d.action}` : ''}</td>
            <td><time datetime="${d.deliveredAt}">${d.deliveredAt}</time></td>
            <td>${d.duration.toFixed(2)} s</td>
            <td class="attempt">${d.attempt}</td>
            <td>${d.redelivery ? html`<span class="tag">redelivery</span>` : null}</td>
            <td class="next-attempt">${nextAttempt(d)}</td>
          </tr>`)}
        </tbody>
      </table>
      ${deliveries.deliveries.length === 0 ? html`<p>No deliveries yet.</p>` : null}
      <p class="pager">
        ${deliveries.prev ? html`<a href="${hookUrl}?cursor=${deliveries.prev}">Newer</a>` : null}
        ${deliveries.next ? html`<a href="${hookUrl}?cursor=${deliveries.next}">Older</a>` : null}
      </p>
    </div>
    <h2>Settings</h2>
    ${hookForm(ctx, hookUrl, hook, 'Update webhook', input.errors)}`);
}

function headerTable(headers: Record<string, string> | null): Html {
  if (!headers) return html`<p class="muted">None.</p>`;
  return html`<table class="headers">${Object.entries(headers).map(([k, v]) => html`<tr><th>${k}</th><td>${v}</td></tr>`)}</table>`;
}

/** Pretty-printed JSON when the text is JSON; as it is otherwise. */
function pretty(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

export function deliveryPage(ctx: PageContext, base: string, hook: HookRecord, d: DeliveryDetail): string {
  const hookUrl = `${base}/hooks/${hook.id}`;
  return page(ctx, `Delivery ${d.guid}`, html`
    <p class="crumbs"><a href="${hookUrl}">webhook ${hook.id}</a> / delivery ${d.id}</p>
    <h1>${outcomeIcon(d)} ${d.guid}</h1>
    <p>${d.event}${d.action ? `.${d.action}` : ''} · ${d.deliveredAt} · ${d.duration.toFixed(2)} s${d.redelivery ? ' · redelivery' : ''}</p>
    <p class="attempt">Attempt ${d.attempt}${d.nextAttemptAt ? html` · next attempt ${nextAttempt(d)}` : null}</p>
    ${postButton(ctx, `${hookUrl}/deliveries/${d.id}/attempts`, 'Redeliver')}
    <h2>Request</h2>
    <p>POST ${d.url}</p>
    ${headerTable(d.requestHeaders)}
    <pre class="payload">${pretty(d.payload)}</pre>
    <h2>Response <span class="${isOk(d.statusCode) ? 'ok' : 'bad'}">${d.statusCode}</span></h2>
    <p>${d.status}</p>
    ${headerTable(d.responseHeaders)}
    <pre class="response">${d.responseBody ?? ''}</pre>`);
}
