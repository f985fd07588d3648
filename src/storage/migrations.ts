// Numbered .sql migrations beside each adapter (001_name.sql, 002_…), applied in order, each once.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One migration file: its number and SQL. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export function readMigrations(dir: string): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d+_.+\.sql$/.test(f))
    .sort()
    .map((f) => ({ version: Number(f.split('_')[0]), name: f, sql: readFileSync(join(dir, f), 'utf8') }));
}
