// tsc compiles only .ts; the dashboard's committed static files (script, styles) ship beside it.
import { cpSync } from 'node:fs';
cpSync('src/http/dashboard/static', 'dist/http/dashboard/static', { recursive: true });
