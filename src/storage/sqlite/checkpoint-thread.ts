// The checkpoint thread (checkpointer.ts starts it): a second connection to the database file that runs
// PASSIVE checkpoints, which never block the writer, until it is told to stop.
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';

/** What the thread is started with. */
export interface CheckpointThreadData {
  path: string;
  intervalMs: number;
}

const { path, intervalMs } = workerData as CheckpointThreadData;
const db = new Database(path, { fileMustExist: true });
db.pragma('busy_timeout = 0');
let reported = '';
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (err) {
    // Told once per distinct failure, not every interval.
    const message = String((err as Error)?.message ?? err);
    if (message !== reported) parentPort?.postMessage({ error: (reported = message) });
  }
}, intervalMs);
parentPort?.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort?.close();
});
