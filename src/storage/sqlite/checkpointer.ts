// WAL checkpoints on a thread of their own (checkpoint-thread.ts). Rule: no commit on the event loop
// copies the WAL into the database file; a second connection in a thread checkpoints PASSIVE (never
// blocking the writer) every CHECKPOINT_INTERVAL_MS, and the main connection keeps a far larger
// automatic threshold as a backstop, so the WAL stays bounded even if the thread stops.
import type { Worker } from 'node:worker_threads';
import { besideModule, startThread } from '../../threads.js';
import type { CheckpointThreadData } from './checkpoint-thread.js';

/** How often the thread checkpoints: a checkpoint with nothing to copy costs microseconds. */
export const CHECKPOINT_INTERVAL_MS = 100;
/** The main connection's own automatic checkpoint, only reached if the thread falls far behind. */
export const BACKSTOP_AUTOCHECKPOINT_PAGES = 20_000;

const THREAD_MODULE = besideModule(import.meta.url, 'checkpoint-thread');

/** A running checkpoint thread for the database at `path` (in WAL mode). */
export class Checkpointer {
  private readonly thread: Worker;
  private stopped: Promise<void> | null = null;
  private exited = false;

  constructor(path: string, onError: (message: string) => void, intervalMs = CHECKPOINT_INTERVAL_MS) {
    this.thread = startThread(THREAD_MODULE, { workerData: { path, intervalMs } satisfies CheckpointThreadData });
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
