// The delivery policy's retry rules: schedule parsing, ±20 % jitter, Retry-After, what ends a schedule,
// and the configuration that carries them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config.js';
import {
  followUpAfter, nextAttempt, parseDisableAfter, parseRetrySchedule, retryAfterMs,
} from '../../src/domain/delivery-policy.js';

const NOW = Date.parse('2026-01-01T00:00:00Z');
const failed = (statusCode: number, headers: Record<string, string> | null = null) => ({ statusCode, status: 'x', responseHeaders: headers });

test('schedules: durations in ms, s, m, h, d; off is one attempt; anything else is refused', () => {
  assert.deepEqual(parseRetrySchedule('250ms,5s,2h'), [250, 5000, 7_200_000]);
  assert.deepEqual(parseRetrySchedule('5s,5m,30m,2h,5h,10h,10h'), [5e3, 3e5, 18e5, 72e5, 18e6, 36e6, 36e6]);
  assert.deepEqual(parseRetrySchedule('1d'), [86_400_000]);
  assert.deepEqual(parseRetrySchedule('off'), []);
  for (const bad of ['', '5', '5x', '0s', '5s,', '-1s', '1.5s', 'on']) assert.equal(typeof parseRetrySchedule(bad), 'string', bad);
  assert.equal(parseDisableAfter('5d'), 5 * 86_400_000);
  assert.equal(parseDisableAfter('off'), null);
  assert.equal(typeof parseDisableAfter('soon'), 'string');
});

test('each wait is jittered within ±20 %, and the schedule ends', () => {
  const schedule = [60_000, 120_000];
  const at = (random: number, retryIndex = 0) => nextAttempt(schedule, { retryIndex, manual: false }, failed(500), NOW, () => random);
  assert.deepEqual(at(0), { retryIndex: 1, dueAt: NOW + 48_000 });
  assert.deepEqual(at(0.5), { retryIndex: 1, dueAt: NOW + 60_000 });
  assert.ok(at(0.999999)!.dueAt <= NOW + 72_000);
  assert.deepEqual(at(0.5, 1), { retryIndex: 2, dueAt: NOW + 120_000 });
  assert.equal(at(0.5, 2), null, 'exhausted');
  assert.equal(nextAttempt(schedule, { retryIndex: 0, manual: false }, failed(204), NOW), null, 'a success is not retried');
  assert.equal(nextAttempt(schedule, { retryIndex: 0, manual: true }, failed(500), NOW), null, 'a manual redelivery is not retried');
  assert.equal(nextAttempt([], { retryIndex: 0, manual: false }, failed(500), NOW), null, 'off');
});

test('Retry-After on 429 and 503, in seconds or as an HTTP date, capped at 24 h, never sooner than the schedule', () => {
  assert.equal(retryAfterMs(429, { 'retry-after': '120' }, NOW), 120_000);
  assert.equal(retryAfterMs(503, { 'Retry-After': new Date(NOW + 90_000).toUTCString() }, NOW), 90_000);
  assert.equal(retryAfterMs(503, { 'retry-after': '999999' }, NOW), 24 * 3_600_000);
  assert.equal(retryAfterMs(500, { 'retry-after': '120' }, NOW), null, 'only 429 and 503');
  assert.equal(retryAfterMs(429, { 'retry-after': 'later' }, NOW), null);
  const next = (headers: Record<string, string>) => nextAttempt([60_000], { retryIndex: 0, manual: false }, failed(429, headers), NOW, () => 0.5);
  assert.equal(next({ 'retry-after': '300' })!.dueAt, NOW + 300_000);
  assert.equal(next({ 'retry-after': '1' })!.dueAt, NOW + 60_000, "not sooner than the schedule's own wait");
});

test('a failure that ends its schedule asks to disable a hook failing since the window began', () => {
  const policy = { schedule: [60_000], disableAfterMs: 3_600_000, disableAfterText: '1h' };
  const first = followUpAfter(policy, { kind: 'first', retryIndex: 0 }, failed(500), NOW, () => 0.5);
  assert.equal(first.disable, null);
  assert.equal(first.next?.dueAtText, '2026-01-01T00:01:00Z');
  const last = followUpAfter(policy, { kind: 'retry', retryIndex: 1 }, failed(500), NOW);
  assert.equal(last.next, null);
  assert.deepEqual(last.disable, { failingSince: NOW - 3_600_000, lastResponse: { code: 500, status: 'failed', message: 'Disabled after every attempt failed for 1h' } });
  assert.equal(followUpAfter(policy, { kind: 'manual', retryIndex: 0 }, failed(500), NOW).disable, null, 'a manual attempt ends no schedule');
  assert.equal(followUpAfter({ ...policy, disableAfterMs: null }, { kind: 'retry', retryIndex: 1 }, failed(500), NOW).disable, null);
});

test('a success ends scheduled retries unless it is the first attempt, which cannot have any; a failure never does', () => {
  const policy = { schedule: [60_000], disableAfterMs: null, disableAfterText: 'off' };
  const ok = { statusCode: 200, status: 'OK', responseHeaders: {} };
  assert.equal(followUpAfter(policy, { kind: 'first', retryIndex: 0 }, ok, NOW).cancelRetries, false);
  assert.equal(followUpAfter(policy, { kind: 'retry', retryIndex: 1 }, ok, NOW).cancelRetries, true);
  assert.equal(followUpAfter(policy, { kind: 'manual', retryIndex: 0 }, ok, NOW).cancelRetries, true);
  for (const kind of ['first', 'retry', 'manual'] as const) {
    assert.equal(followUpAfter(policy, { kind, retryIndex: 0 }, failed(500), NOW).cancelRetries, false, kind);
  }
});

test('HOOKLINE_RETRY_SCHEDULE and HOOKLINE_DISABLE_AFTER are validated at start, with defaults', () => {
  const config = loadConfig({});
  assert.deepEqual(config.retrySchedule, [5e3, 3e5, 18e5, 72e5, 18e6, 36e6, 36e6]);
  assert.equal(config.disableAfterMs, 5 * 86_400_000);
  assert.throws(() => loadConfig({ HOOKLINE_RETRY_SCHEDULE: '5 seconds', HOOKLINE_DISABLE_AFTER: 'never' }), (err: unknown) => {
    assert.ok(err instanceof ConfigError);
    assert.equal(err.problems.length, 2);
    assert.match(err.problems[0], /HOOKLINE_RETRY_SCHEDULE/);
    assert.match(err.problems[1], /HOOKLINE_DISABLE_AFTER/);
    return true;
  });
});
