// The Replay failed… form of a hook: a window (since, optional until) in which every event whose latest
// attempt to the hook failed is sent once more. Validation messages come back escaped like any text.
import type { FieldError } from '../../domain/errors.js';
import type { HookRecord } from '../../domain/model.js';
import { csrfField, html, page, type PageContext } from './html.js';
import { errorList } from './views-hooks.js';

export interface ReplayForm {
  since: string;
  until: string;
}

export function replayPage(ctx: PageContext, base: string, hook: HookRecord, form: ReplayForm, errors: FieldError[]): string {
  const hookUrl = `${base}/hooks/${hook.id}`;
  return page(ctx, 'Replay failed deliveries', html`
    <p class="crumbs"><a href="${hookUrl}">webhook ${hook.id}</a> / replay</p>
    <h1>Replay failed deliveries</h1>
    <p>Every event accepted in the window whose latest attempt to <strong>${hook.config.url}</strong> failed is
      sent once more, as a redelivery.</p>
    ${errorList(errors)}
    <form method="post" action="${hookUrl}/replay" class="stack">
      ${csrfField(ctx)}
      <label for="since">Since (UTC)</label>
      <input id="since" name="since" type="datetime-local" step="1" required value="${form.since}">
      <label for="until">Until (UTC, optional)</label>
      <input id="until" name="until" type="datetime-local" step="1" value="${form.until}">
      <button type="submit">Replay</button>
    </form>
    <a href="${hookUrl}">Cancel</a>`);
}

/**
 * A datetime-local value has no zone: the form says UTC, so one without a zone gets `Z`. Anything else
 * goes to the replay service as typed, which refuses what is not ISO 8601.
 */
export function utcInstant(value: string | undefined): string | undefined {
  const text = (value ?? '').trim();
  if (text === '') return undefined;
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text) ? `${text}Z` : text;
}
