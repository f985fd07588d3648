// Diagnostic, not part of the bench: EXPLAIN ANALYZE of the claim's two statements with `backlog` pending rows of one
// hook, `leased` of them leased (16 = the per-hook cap reached), in the database the latency probe
// (probe-pg-latency.ts) left behind on PROBE_PG's server; rolled back. `npx tsx bench/probe-claim-explain.ts 20000 16 [url]`
import pg from 'pg';
import { claimParams, HOOK_BY_HOOK_CLAIM_SQL, WINDOW_CLAIM_SQL } from '../src/storage/postgres/claim-sql.js';
import { windowSize } from '../src/storage/fair-claim.js';
const c = new pg.Client({ connectionString: process.argv[4] ?? `${process.env.PROBE_PG ?? 'postgres://postgres@127.0.0.1:5499/test'}`.replace(/\/[^/]*$/, '/hookline_bench') });
await c.connect();
const backlog = Number(process.argv[2] ?? 5000);
const leased = Number(process.argv[3] ?? 16);
await c.query('BEGIN');
const now = Date.now();
await c.query(`INSERT INTO deliveries (hook_id, event_id, guid, event, due_at, created_at, lease_owner, lease_until)
  SELECT 1, (SELECT min(id) FROM events), 'g' || i, 'push', $1::bigint - 100000 + i, 'x', CASE WHEN i <= $3::int THEN 'other' END, CASE WHEN i <= $3::int THEN $1::bigint + 60000 END
  FROM generate_series(1, $2::int) i`, [now, backlog, leased]);
await c.query('ANALYZE deliveries');
const params = claimParams({ worker: 'w', now, leaseUntil: now + 30000, limit: 64, perHook: 16 } as any);
for (const [name, sql, values] of [['window', WINDOW_CLAIM_SQL, [...params, windowSize(64)]], ['hook by hook', HOOK_BY_HOOK_CLAIM_SQL, params]] as const) {
  const { rows } = await c.query({ text: 'EXPLAIN (ANALYZE, BUFFERS) ' + sql, values: [...values] });
  console.log(`-- ${name}\n` + rows.map((r: any) => r['QUERY PLAN']).join('\n'));
}
await c.query('ROLLBACK');
await c.end();
