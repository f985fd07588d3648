// tsc compiles only .ts; the numbered .sql migrations ship beside the compiled adapters. The shipped set
// replaces the previous build's whole, so a migration removed from src/ is not applied from dist/.
import { cpSync, existsSync, rmSync } from 'node:fs';
for (const engine of ['sqlite', 'postgres']) {
  const from = `src/storage/${engine}/migrations`;
  const to = `dist/storage/${engine}/migrations`;
  rmSync(to, { recursive: true, force: true });
  if (existsSync(from)) cpSync(from, to, { recursive: true });
}
