// Waking the workers after new deliveries commit, one NOTIFY for every burst of commits. Rule: a
// transaction that NOTIFYs takes PostgreSQL's global notify lock until it has committed, so NOTIFY
// inside every ingest would serialise all ingest commits (no group commit); the NOTIFY is sent after the
// commit instead, on its own, and every commit is followed by a NOTIFY sent after it.
import type { Queryable } from './db.js';

/** Returns `wake()`: call it after a commit that made deliveries due; it never throws. */
export function coalescedNotify(db: Queryable, channel: string): () => void {
  let sending = false;
  let again = false;

  const send = (): void => {
    sending = true;
    again = false;
    // A lost NOTIFY (database away) costs a polling interval at worst: workers poll as a backstop.
    db.query(`SELECT pg_notify('${channel}', '')`, [])
      .catch(() => undefined)
      .finally(() => {
        sending = false;
        if (again) send();
      });
  };

  return () => {
    // One already on its way may have started before this commit: send another once it is done.
    if (sending) again = true;
    else send();
  };
}
