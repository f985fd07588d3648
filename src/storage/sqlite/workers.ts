// Worker heartbeats on SQLite (storage/worker-registry.ts): several processes may share one file.
import type { Database } from 'better-sqlite3';
import type { WorkerRegistry } from '../worker-registry.js';

export function sqliteWorkers(db: Database): WorkerRegistry {
  const beat = db.prepare(`INSERT INTO workers (id, heartbeat_at) VALUES (?, ?)
                           ON CONFLICT (id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at`);
  const release = db.prepare(`UPDATE deliveries SET lease_owner = NULL, lease_until = NULL
      WHERE state = 'pending' AND lease_owner IN (SELECT id FROM workers WHERE heartbeat_at < ?)`);
  const forgetDead = db.prepare('DELETE FROM workers WHERE heartbeat_at < ?');
  const forget = db.prepare('DELETE FROM workers WHERE id = ?');
  const heartbeat = db.transaction((worker: string, now: number, deadBefore: number) => {
    beat.run(worker, now);
    const released = release.run(deadBefore).changes;
    forgetDead.run(deadBefore);
    return released;
  });
  return {
    async heartbeat({ worker, now, deadBefore }) {
      return heartbeat.immediate(worker, now, deadBefore);
    },
    async retireWorker(worker) {
      forget.run(worker);
    },
  };
}
