-- Automatic retries (issue 16). Each attempt is a row: `attempt` counts the attempts of its event to
-- its hook (1, 2, …), `kind` says why it was made, `retry_index` is its place in the retry schedule
-- (0 for the first attempt), and a failed attempt that scheduled the next one says when in
-- `next_attempt_at`. The scheduled attempt is a pending row due then, found through deliveries_queued (075).
ALTER TABLE deliveries ADD COLUMN attempt INTEGER NOT NULL DEFAULT 1;
-- Written as comparisons: SQLite checks an IN list of three or more values by filling a temporary table,
-- on every row inserted.
ALTER TABLE deliveries ADD COLUMN kind TEXT NOT NULL DEFAULT 'first' CHECK (kind = 'first' OR kind = 'retry' OR kind = 'manual');
ALTER TABLE deliveries ADD COLUMN retry_index INTEGER NOT NULL DEFAULT 0;
ALTER TABLE deliveries ADD COLUMN next_attempt_at TEXT;
-- Since when (ms since epoch) every attempt to the hook has failed; null after a success.
ALTER TABLE hooks ADD COLUMN failing_since INTEGER;
