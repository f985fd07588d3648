// Server-side HTML: a tagged template that escapes every interpolated value unless it is already Html,
// so payloads and receiver responses (attacker-controlled text) always render as text.

/** Markup that is safe to insert as-is: produced by `html` from escaped parts. */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

type Part = Html | string | number | boolean | null | undefined | Part[];

function render(value: Part): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof Html) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

/** `html\`<p>${text}</p>\``: strings are escaped, Html and arrays of Html are inserted. */
export function html(strings: TemplateStringsArray, ...values: Part[]): Html {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1];
  return new Html(out);
}

/** What every page's frame needs: who is signed in and the CSRF token for its forms. */
export interface PageContext {
  login: string | null;
  siteAdmin: boolean;
  csrf: string;
}

/** A hidden field carrying the CSRF token, for every form that posts. */
export function csrfField(ctx: PageContext): Html {
  return html`<input type="hidden" name="_csrf" value="${ctx.csrf}">`;
}

/** The page frame: styles and the live-update script come from /dashboard/static (script-src 'self'). */
export function page(ctx: PageContext, title: string, body: Html): string {
  const nav = ctx.login === null ? null : html`
    <nav>
      <a href="/dashboard">Repositories</a>
      ${ctx.siteAdmin ? html`<a href="/dashboard/site">Site status</a>` : null}
      <span class="who">${ctx.login}</span>
      <form method="post" action="/dashboard/sign-out" class="inline">${csrfField(ctx)}<button type="submit">Sign out</button></form>
    </nav>`;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Hookline</title>
<link rel="stylesheet" href="/dashboard/static/dashboard.css">
<script src="/dashboard/static/dashboard.js" defer></script>
</head>
<body>
<header><a class="brand" href="/dashboard">Hookline</a>${nav}</header>
<main>
${body}
</main>
</body>
</html>`.value;
}
