// A signing thread that fails on its first batch (test/unit/signer.test.ts).
import { parentPort } from 'node:worker_threads';

parentPort?.on('message', () => {
  throw new Error('boom');
});
