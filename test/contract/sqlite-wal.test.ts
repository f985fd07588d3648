// SQLite's write-ahead log is checkpointed by a thread of its own, not inside the commits on the event loop.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { BACKSTOP_AUTOCHECKPOINT_PAGES } from '../../src/storage/sqlite/checkpointer.js';
import { openStore } from '../../src/storage/open.js';

const PAGE_BYTES = 4096;

test('the checkpoint thread copies committed pages into the database file while the store keeps writing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hookline-wal-'));
  const path = join(dir, 'hookline.db');
  const store = await openStore(`sqlite:${path}`);
  try {
    // ~8 MB of events: far more than SQLite's default 1 000-page threshold and far less than the main
    // connection's backstop, so only the thread can have moved these pages into the database file.
    const payload = JSON.stringify({ filler: 'x'.repeat(20_000) });
    const written = 400 * payload.length;
    assert.ok(written < (BACKSTOP_AUTOCHECKPOINT_PAGES * PAGE_BYTES) / 2);
    const before = statSync(path).size;
    for (let i = 0; i < 400; i++) {
      await store.acceptEvent(
        { guid: `g${i}`, event: 'push', action: null, repositoryId: null, organizationId: null, payload, now: '2026-01-01T00:00:00Z' },
        { owners: [], accepts: () => true },
        0,
      );
    }
    let size = statSync(path).size;
    for (let waited = 0; size - before < written * 0.9 && waited < 10_000; waited += 50) {
      await new Promise((r) => setTimeout(r, 50));
      size = statSync(path).size;
    }
    assert.ok(size - before >= written * 0.9, `database file grew by ${size - before} bytes of ${written} written`);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('closing the store stops the checkpoint thread, and closing twice does not hang', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hookline-wal-'));
  try {
    const store = await openStore(`sqlite:${join(dir, 'hookline.db')}`);
    await store.close();
    await store.close().catch(() => undefined); // a second close must not hang either
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a process that opens a store and never closes it still exits (the thread does not hold it open)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hookline-wal-'));
  try {
    const open = fileURLToPath(new URL('../../src/storage/open.ts', import.meta.url));
    const script = join(dir, 'open-and-leave.mts');
    writeFileSync(script, `import { openStore } from ${JSON.stringify(open)};\nawait openStore(${JSON.stringify(`sqlite:${join(dir, 'h.db')}`)});\nconsole.log('opened');\n`);
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script], { timeout: 20_000 });
    assert.equal(stdout.trim(), 'opened');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
