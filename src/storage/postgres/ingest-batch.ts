// Ingest on PostgreSQL as group commit: events accepted by concurrent requests are stored together,
// one statement and one commit (so one WAL flush and one round trip) for all of them. Rule: an event
// goes out as soon as fewer than MAX_IN_FLIGHT batches are running, with every event that arrived
// while they ran, and its request is answered only after that batch committed; alone, an event waits
// for nothing. A batch failing for something other than the database being away is stored again event
// by event, so only the event at fault fails.
import type { FanOut, NewEvent } from '../../domain/deliveries.js';
import { isTransient } from './completions.js';
import type { Db } from './db.js';

/** Batches running at once: one can wait on its WAL flush while the next is executed. */
const MAX_IN_FLIGHT = 2;
/** Events per statement at most (the arrays are parameters; this keeps one statement short). */
const MAX_BATCH = 256;

/**
 * The events and their deliveries (the hooks chosen as domain fanOutReaches does: active, of these
 * owners, and subscribed to the event or to '*', or the one hook named; a contract test holds the two
 * equal). A guid twice in a batch is stored once; a guid stored already (a commit retried after its
 * connection was lost) stores nothing: those are answered by STORED_EVENT. The payloads come as one
 * text, joined by U+001E (PAYLOAD_SEPARATOR), not as an array: an array's text form escapes every quote of
 * every payload, and JSON text never holds a raw U+001E (JSON escapes every control character).
 */
const INSERT_EVENTS = `
WITH input AS (
  SELECT DISTINCT ON (guid) * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[],
    CASE WHEN $6::text = '' THEN ARRAY[''] ELSE string_to_array($6::text, chr(30)) END, $7::text[],
    $8::bigint[], $9::bigint[], $10::text[]) WITH ORDINALITY
    AS i(guid, event, action, repository_id, organization_id, payload, created_at, due_at, hook_id, subscribed_to, k)
  ORDER BY guid, k),
event AS (
  INSERT INTO events (guid, event, action, repository_id, organization_id, payload, created_at)
  SELECT guid, event, action, repository_id, organization_id, payload, created_at FROM input ORDER BY k
  ON CONFLICT (guid) DO NOTHING RETURNING id, guid),
owner AS (SELECT * FROM unnest($11::bigint[], $12::text[], $13::bigint[]) WITH ORDINALITY AS o(k, type, id, n)),
queued AS (
  INSERT INTO deliveries (hook_id, event_id, guid, event, action, repository_id, redelivery, due_at, created_at)
  SELECT h.id, event.id, i.guid, i.event, i.action, i.repository_id, FALSE, i.due_at, i.created_at
  FROM input i JOIN event ON event.guid = i.guid JOIN owner o ON o.k = i.k
    JOIN hooks h ON h.owner_type = o.type AND h.owner_id = o.id
  WHERE h.active AND CASE WHEN i.hook_id IS NULL THEN h.events::jsonb ? i.subscribed_to OR h.events::jsonb ? '*'
                          ELSE h.id = i.hook_id END
  ORDER BY i.k, o.n, h.id RETURNING event_id),
counted AS (SELECT event_id, count(*)::int AS n FROM queued GROUP BY event_id)
SELECT event.id, event.guid, coalesce(counted.n, 0) AS queued FROM event LEFT JOIN counted ON counted.event_id = event.id`;

const STORED_EVENT = `
SELECT e.id, (SELECT count(*) FROM deliveries d WHERE d.event_id = e.id AND NOT d.redelivery)::int AS deliveries
FROM events e WHERE e.guid = $1`;

interface Pending {
  event: NewEvent;
  fanOut: FanOut;
  dueAt: number;
  resolve(stored: { eventId: number; deliveries: number }): void;
  reject(err: unknown): void;
}

/** `acceptEvent` for PostgreSQL; `wake()` is called after a batch that queued deliveries committed. */
export function groupCommitIngest(db: Db, wake: () => void) {
  let waiting: Pending[] = [];
  let running = 0;

  const next = (): void => {
    while (running < MAX_IN_FLIGHT && waiting.length > 0) {
      const batch = waiting.slice(0, MAX_BATCH);
      waiting = waiting.slice(batch.length);
      running++;
      void store(batch).finally(() => {
        running--;
        next();
      });
    }
  };

  const store = async (batch: Pending[]): Promise<void> => {
    let inserted: Map<string, { eventId: number; deliveries: number }>;
    try {
      inserted = await insert(batch);
    } catch (err) {
      if (batch.length === 1 || isTransient(err)) {
        for (const p of batch) p.reject(err);
        return;
      }
      for (const p of batch) await store([p]);
      return;
    }
    if ([...inserted.values()].some((s) => s.deliveries > 0)) wake();
    for (const p of batch) {
      const stored = inserted.get(p.event.guid);
      if (stored) {
        inserted.delete(p.event.guid); // a guid twice in the batch: the second asks what is stored
        p.resolve(stored);
      } else {
        db.query<{ id: number; deliveries: number }>(STORED_EVENT, [p.event.guid])
          .then(({ rows }) => p.resolve({ eventId: rows[0].id, deliveries: rows[0].deliveries }))
          .catch(p.reject);
      }
    }
  };

  const insert = async (batch: Pending[]) => {
    const column = <T>(of: (p: Pending) => T) => batch.map(of);
    const owners = batch.flatMap((p, i) => p.fanOut.owners.map((o) => ({ k: i + 1, ...o })));
    const { rows } = await db.query<{ id: number; guid: string; queued: number }>(INSERT_EVENTS, [
      column((p) => p.event.guid), column((p) => p.event.event), column((p) => p.event.action),
      column((p) => p.event.repositoryId), column((p) => p.event.organizationId), joinPayloads(batch),
      column((p) => p.event.now), column((p) => p.dueAt),
      column((p) => ('hookId' in p.fanOut.to ? p.fanOut.to.hookId : null)),
      column((p) => ('subscribedTo' in p.fanOut.to ? p.fanOut.to.subscribedTo : null)),
      owners.map((o) => o.k), owners.map((o) => o.type), owners.map((o) => o.id),
    ]);
    return new Map(rows.map((r) => [r.guid, { eventId: r.id, deliveries: r.queued }]));
  };

  return (event: NewEvent, fanOut: FanOut, dueAt: number) =>
    new Promise<{ eventId: number; deliveries: number }>((resolve, reject) => {
      waiting.push({ event, fanOut, dueAt, resolve, reject });
      next();
    });
}

const PAYLOAD_SEPARATOR = '\u001e';

/** The batch's payloads as INSERT_EVENTS reads them; a payload that is not JSON text (holding the separator) is refused. */
function joinPayloads(batch: Pending[]): string {
  for (const p of batch) if (p.event.payload.includes(PAYLOAD_SEPARATOR)) throw new Error('an event payload must be JSON text (it holds a raw U+001E)');
  return batch.map((p) => p.event.payload).join(PAYLOAD_SEPARATOR);
}
