// tsc compiles only .ts; the numbered .sql migrations ship beside the compiled adapters.
import { cpSync, existsSync } from 'node:fs';
for (const engine of ['sqlite', 'postgres']) {
  const from = `src/storage/${engine}/migrations`;
  if (existsSync(from)) cpSync(from, `dist/storage/${engine}/migrations`, { recursive: true });
}
