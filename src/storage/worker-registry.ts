// Worker heartbeats: each worker refreshes its row every few seconds; a worker silent for longer than
// `deadBefore` allows is dead, and the next heartbeat of any live worker gives its leases back, so a
// crashed worker's hooks are below their caps again at once rather than when its leases run out.

export interface Heartbeat {
  worker: string;
  /** ms since epoch, the worker's clock (as leases are). */
  now: number;
  /** Workers whose last heartbeat is older than this are dead. */
  deadBefore: number;
}

export interface WorkerRegistry {
  /** Records `worker` as alive, then releases the pending rows leased by dead workers and forgets them; returns how many rows. */
  heartbeat(beat: Heartbeat): Promise<number>;
  /** Forgets a worker that stopped cleanly (its leases were released already). */
  retireWorker(worker: string): Promise<void>;
}
