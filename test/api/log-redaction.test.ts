// Credentials never reach the log (issue 21 item 9): tokens in a query string (`?access_token=`), the
// Authorization header and user-info in a URL are written redacted, whatever the request's outcome.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { redactUrl } from '../../src/log-redaction.js';
import { ADMIN_TOKEN } from '../support/app.js';
import { testDatabase } from '../support/database.js';

/** An app whose log lines (info and up) are collected in memory. */
async function loggedApp(t: import('node:test').TestContext) {
  const lines: string[] = [];
  const database = testDatabase();
  const config = loadConfig({
    HOOKLINE_DATABASE_URL: database.url, HOOKLINE_ADMIN_TOKEN: ADMIN_TOKEN, HOOKLINE_SECRET_KEY: randomBytes(32).toString('hex'),
  });
  const app = await buildApp({ config, logger: { level: 'trace', stream: { write: (line: string) => void lines.push(line) } } });
  t.after(async () => {
    await app.close();
    await database.drop();
  });
  return { app, lines };
}

test('tokens in the query string and the Authorization header are redacted in every log line', async (t) => {
  const { app, lines } = await loggedApp(t);
  const secrets = ['ghp_querytokenquerytoken000000000001', 'ghp_headertokenheadertoken0000000002', 'client-secret-3f9a', 'ghp_oauthtoken0000000000000000000003'];
  const requests = [
    { method: 'GET' as const, url: `/repos/a/b/hooks?access_token=${secrets[0]}&per_page=2` },
    { method: 'GET' as const, url: '/repos/a/b/hooks', headers: { authorization: `token ${secrets[1]}` } },
    { method: 'POST' as const, url: `/api/v3/hookline/events?client_secret=${secrets[2]}&token=${secrets[3]}`, payload: '{' },
    { method: 'GET' as const, url: '/nowhere', headers: { authorization: `Bearer ${secrets[1]}` } },
  ];
  for (const r of requests) await app.http.inject(r);
  // Headers are censored wherever a log line carries them (an error, a debugging line).
  app.http.log.error({ headers: { authorization: `token ${secrets[1]}` }, err: { headers: { Authorization: secrets[1] } } }, 'with headers');
  const log = lines.join('');
  assert.match(log, /incoming request/, 'requests are logged at all');
  assert.match(log, /access_token=\[REDACTED\]/);
  assert.match(log, /per_page=2/, 'other parameters stay readable');
  assert.match(log, /"authorization":"\[REDACTED\]"/);
  for (const secret of secrets) assert.equal(log.includes(secret), false, `${secret} in the log:\n${log}`);
});

test('redactUrl masks credential parameters and user-info, and leaves the rest as written', () => {
  assert.equal(redactUrl('/x?access_token=abc&b=1'), '/x?access_token=[REDACTED]&b=1');
  assert.equal(redactUrl('/x?b=1&ACCESS_TOKEN=abc#f'), '/x?b=1&ACCESS_TOKEN=[REDACTED]#f');
  assert.equal(redactUrl('https://u:p@host/x?sig=1&code=2'), 'https://u:[REDACTED]@host/x?sig=[REDACTED]&code=[REDACTED]');
  assert.equal(redactUrl('/plain/path'), '/plain/path');
  assert.equal(redactUrl('/x?password&token='), '/x?password=[REDACTED]&token=[REDACTED]');
});
