// WAL checkpoints on a thread of their own. By default SQLite checkpoints inside the commit that pushes
// the WAL past 1 000 pages: that commit copies ~4 MB into the database file and fsyncs it, on the event
// loop, and every request and delivery waiting behind it waits too (the benchmark's latency tail:
// p99 29.7 → 13.4 ms with fsync off). A second connection in a worker thread checkpoints instead;
// PASSIVE checkpoints never block the writer. The main connection keeps a far larger automatic
// threshold as a backstop, so the WAL stays bounded even if this thread stops.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/** How often the thread checkpoints: a checkpoint with nothing to copy costs microseconds. */
export const CHECKPOINT_INTERVAL_MS = 100;
/** The main connection's own automatic checkpoint, only reached if the thread falls far behind. */
export const BACKSTOP_AUTOCHECKPOINT_PAGES = 20_000;

// Evaluated in the thread, so it runs the same under tsc's output and under tsx. Dynamic imports,
// because an eval'd thread is CommonJS or, when the process runs with --input-type=module, ESM (where
// require() is not defined and the thread used to die at once, leaving only the backstop).
const THREAD_SOURCE = `
import('node:worker_threads').then(async ({ parentPort, workerData }) => {
  const { default: Database } = await import(workerData.driverUrl);
  const db = new Database(workerData.path, { fileMustExist: true });
  db.pragma('busy_timeout = 0');
  let reported = '';
  const timer = setInterval(() => {
    try {
      db.pragma('wal_checkpoint(PASSIVE)');
    } catch (err) {
      const message = String((err && err.message) || err);
      if (message !== reported) parentPort.postMessage({ error: (reported = message) });
    }
  }, workerData.intervalMs);
  parentPort.on('message', () => {
    clearInterval(timer);
    db.close();
    parentPort.close();
  });
});
`;

/** A running checkpoint thread for the database at `path` (in WAL mode). */
export class Checkpointer {
  private readonly thread: Worker;
  private stopped: Promise<void> | null = null;
  private exited = false;

  constructor(path: string, onError: (message: string) => void, intervalMs = CHECKPOINT_INTERVAL_MS) {
    const driverUrl = pathToFileURL(createRequire(import.meta.url).resolve('better-sqlite3')).href;
    this.thread = new Worker(THREAD_SOURCE, { eval: true, workerData: { driverUrl, path, intervalMs } });
    this.thread.on('message', (m: { error?: string }) => m.error && onError(m.error));
    this.thread.on('error', (err) => onError(err.message));
    this.thread.once('exit', () => (this.exited = true));
    // After the listeners: adding a 'message' listener references the thread again. Unreferenced, it
    // does not keep alive a process that never closes its store.
    this.thread.unref();
  }

  /** Stops the thread and closes its connection (the main connection's close checkpoints the rest). */
  stop(): Promise<void> {
    this.stopped ??= new Promise<void>((resolve) => {
      if (this.exited) return resolve();
      this.thread.once('exit', () => resolve());
      this.thread.ref(); // unreferenced, the thread would not keep the process alive to wait for its exit
      this.thread.postMessage('stop');
      // A thread stuck in a checkpoint is not worth a hung shutdown.
      setTimeout(() => void this.thread.terminate(), 2_000).unref();
    });
    return this.stopped;
  }
}
