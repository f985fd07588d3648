// Worker heartbeats on PostgreSQL (storage/worker-registry.ts); released rows wake the other workers.
import type { WorkerRegistry } from '../worker-registry.js';
import type { Db } from './db.js';

export function postgresWorkers(queue: Db, channel: string): WorkerRegistry {
  return {
    async heartbeat({ worker, now, deadBefore }) {
      const { rows } = await queue.query<{ released: string }>(
        `WITH beat AS (
           INSERT INTO workers (id, heartbeat_at) VALUES ($1, $2)
           ON CONFLICT (id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at),
         dead AS (DELETE FROM workers WHERE heartbeat_at < $3 AND id <> $1 RETURNING id),
         released AS (
           UPDATE deliveries SET lease_owner = NULL, lease_until = NULL
           WHERE state = 'pending' AND lease_owner IN (SELECT id FROM dead) RETURNING id)
         SELECT count(*) AS released FROM released`,
        [worker, now, deadBefore],
      );
      const released = Number(rows[0].released);
      if (released > 0) await queue.query(`SELECT pg_notify('${channel}', '')`);
      return released;
    },
    async retireWorker(worker) {
      await queue.query('DELETE FROM workers WHERE id = $1', [worker]);
    },
  };
}
