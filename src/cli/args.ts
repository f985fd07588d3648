// The command line: `hookline [command] [options]`, parsed with node:util's parseArgs. Every setting
// flag mirrors an environment variable; help text is generated from the same table.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

/** A command line that cannot be run; printed with a pointer to the help, exit status 2. */
export class UsageError extends Error {}

interface Setting {
  flag: string;
  env: string;
  arg: string;
  help: string;
}

const S = (flag: string, env: string, arg: string, help: string): Setting => ({ flag, env, arg, help });
const PORT = S('port', 'PORT', '<n>', 'port the API listens on (default 3000)');
const HOST = S('host', 'HOST', '<address>', 'address the API listens on (default 127.0.0.1)');
const DATABASE = S('database-url', 'HOOKLINE_DATABASE_URL', '<url>', 'sqlite:<path>, sqlite::memory: or postgres://… (default sqlite:./data/hookline.db)');
const PUBLIC_URL = S('public-url', 'HOOKLINE_PUBLIC_URL', '<url>', 'base of the url fields and Link headers (default http(s)://HOST:PORT)');
const ALLOWED = S('allowed-hosts', 'HOOKLINE_ALLOWED_HOSTS', '<list>', 'delivery targets: external, private, loopback, *, host names, CIDRs (default external)');
const TIMEOUT = S('delivery-timeout-ms', 'HOOKLINE_DELIVERY_TIMEOUT_MS', '<ms>', 'per-delivery timeout (default 10000)');
const CONCURRENCY = S('delivery-concurrency', 'HOOKLINE_DELIVERY_CONCURRENCY', '<n>', 'deliveries in flight at once (default 64)');
const RETENTION = S('delivery-retention-days', 'HOOKLINE_DELIVERY_RETENTION_DAYS', '<days>', 'how long deliveries are kept (default 7)');
const DATA_DIR = S('data-dir', 'HOOKLINE_DATA_DIR', '<dir>', 'where the generated key, admin token and certificate live (default: beside a SQLite file, else ./data)');

interface Command {
  summary: string;
  settings: Setting[];
  switches: Array<{ flag: string; help: string }>;
}

const COMMANDS: Record<string, Command> = {
  serve: {
    summary: 'Run the API and, unless --no-worker, the delivery worker (the default command).',
    settings: [PORT, HOST, DATABASE, PUBLIC_URL, ALLOWED, TIMEOUT, CONCURRENCY, RETENTION, DATA_DIR],
    switches: [
      { flag: 'no-worker', help: 'API only; run `hookline worker` processes on the same PostgreSQL database' },
      { flag: 'tls', help: 'serve HTTPS with a self-signed certificate for localhost/127.0.0.1 made in the data directory' },
    ],
  },
  worker: {
    summary: 'Run only the delivery worker (PostgreSQL; shares the database with `serve --no-worker`).',
    settings: [DATABASE, PUBLIC_URL, ALLOWED, TIMEOUT, CONCURRENCY, RETENTION, DATA_DIR],
    switches: [],
  },
  migrate: { summary: 'Apply pending database migrations and exit.', settings: [DATABASE], switches: [] },
};

/** What to do: print text, or run a command with settings from flags (which win over the environment). */
export type Invocation =
  | { kind: 'print'; text: string }
  | { kind: 'run'; command: 'serve' | 'worker' | 'migrate'; env: Record<string, string>; noWorker: boolean; tls: boolean };

export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export function parseCommandLine(argv: string[]): Invocation {
  const first = argv[0];
  if (first === undefined || first.startsWith('-')) {
    if (first === '-h' || first === '--help') return { kind: 'print', text: mainHelp() };
    if (first === '-v' || first === '--version') return { kind: 'print', text: version() };
    return parseCommand('serve', argv);
  }
  if (first === 'help') {
    const topic = argv[1];
    if (topic === undefined) return { kind: 'print', text: mainHelp() };
    if (!COMMANDS[topic]) throw new UsageError(`unknown command "${topic}"`);
    return { kind: 'print', text: commandHelp(topic) };
  }
  if (!COMMANDS[first]) throw new UsageError(`unknown command "${first}"`);
  return parseCommand(first as 'serve' | 'worker' | 'migrate', argv.slice(1));
}

function parseCommand(name: 'serve' | 'worker' | 'migrate', args: string[]): Invocation {
  const command = COMMANDS[name];
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = { help: { type: 'boolean', short: 'h' } };
  for (const s of command.settings) options[s.flag] = { type: 'string' };
  for (const s of command.switches) options[s.flag] = { type: 'boolean' };
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args, options, strict: true, allowPositionals: false }));
  } catch (err) {
    // parseArgs' messages name the option and add advice on `--`, which does not apply here.
    throw new UsageError(`${name}: ${(err as Error).message.split('. ')[0].replace(/\.$/, '')}`);
  }
  if (values.help) return { kind: 'print', text: commandHelp(name) };
  const env: Record<string, string> = {};
  for (const s of command.settings) if (typeof values[s.flag] === 'string') env[s.env] = values[s.flag] as string;
  return { kind: 'run', command: name, env, noWorker: values['no-worker'] === true, tls: values.tls === true };
}

function table(rows: Array<[string, string]>): string {
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  return rows.map(([left, right]) => `  ${left.padEnd(width)}${right}`).join('\n');
}

function mainHelp(): string {
  return [
    'Usage: hookline [command] [options]',
    '',
    "Hookline: a self-hosted webhook service that speaks GitHub's webhook REST API.",
    '',
    'Commands:',
    table([...Object.entries(COMMANDS).map(([n, c]): [string, string] => [n, c.summary]), ['help [command]', 'Show this help, or a command\'s options.']]),
    '',
    'Options:',
    table([['-h, --help', 'show help'], ['-v, --version', 'print the version']]),
    '',
    "Run 'hookline help <command>' (or 'hookline <command> --help') for a command's options.",
    ENVIRONMENT,
  ].join('\n');
}

function commandHelp(name: string): string {
  const c = COMMANDS[name];
  return [
    `Usage: hookline ${name} [options]`,
    '',
    c.summary,
    '',
    'Options:',
    table([
      ...c.settings.map((s): [string, string] => [`--${s.flag} ${s.arg}`, `${s.help} [${s.env}]`]),
      ...c.switches.map((s): [string, string] => [`--${s.flag}`, s.help]),
      ['-h, --help', 'show this help'],
    ]),
    ENVIRONMENT,
  ].join('\n');
}

const ENVIRONMENT = `
Every option can also be set in the environment (the name in brackets); options win. Environment only:
HOOKLINE_ADMIN_TOKEN, HOOKLINE_SECRET_KEY, HOOKLINE_TLS_CERT, HOOKLINE_TLS_KEY, HOOKLINE_LOG_LEVEL and
the others the README lists.`;
