// The CLI's help and version, in the conventions of Node CLIs, and usage errors with exit status 2.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { runCli } from './support.js';

const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

describe('hookline help and version', () => {
  test('--help, -h and help print the commands and exit 0', async () => {
    const outputs = await Promise.all([['--help'], ['-h'], ['help']].map((args) => runCli(args)));
    for (const res of outputs) {
      assert.equal(res.code, 0, res.stderr);
      assert.match(res.stdout, /^Usage: hookline \[command\] \[options\]/);
      for (const command of ['serve', 'worker', 'migrate', 'help']) assert.match(res.stdout, new RegExp(`^  ${command}\\b`, 'm'));
      assert.equal(res.stdout, outputs[0].stdout);
    }
  });

  test('help <command> and <command> --help list every option with its environment variable', async () => {
    const [viaHelp, viaFlag, viaShort] = await Promise.all([runCli(['help', 'serve']), runCli(['serve', '--help']), runCli(['serve', '-h'])]);
    assert.equal(viaHelp.code, 0, viaHelp.stderr);
    assert.equal(viaHelp.stdout, viaFlag.stdout);
    assert.equal(viaHelp.stdout, viaShort.stdout);
    assert.match(viaHelp.stdout, /^Usage: hookline serve \[options\]/);
    for (const [flag, env] of [['--port <n>', 'PORT'], ['--database-url <url>', 'HOOKLINE_DATABASE_URL'], ['--data-dir <dir>', 'HOOKLINE_DATA_DIR']]) {
      assert.match(viaHelp.stdout, new RegExp(`^  ${flag}\\s.*\\[${env}\\]$`, 'm'));
    }
    assert.match(viaHelp.stdout, /^ {2}--tls\s/m);
    assert.match(viaHelp.stdout, /^ {2}--no-worker\s/m);
    const migrate = await runCli(['help', 'migrate']);
    assert.match(migrate.stdout, /^  --database-url <url>/m);
    assert.doesNotMatch(migrate.stdout, /--port/);
  });

  test('--version and -v print package.json\'s version', async () => {
    for (const flag of ['--version', '-v']) {
      const res = await runCli([flag]);
      assert.equal(res.code, 0, res.stderr);
      assert.equal(res.stdout.trim(), VERSION);
    }
  });

  test('an unknown command, option or missing value exits 2 with one message and a pointer to the help', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['bogus'], /^hookline: unknown command "bogus"$/m],
      [['help', 'bogus'], /^hookline: unknown command "bogus"$/m],
      [['serve', '--bogus'], /^hookline: serve: Unknown option '--bogus'$/m],
      [['migrate', '--port', '1'], /^hookline: migrate: Unknown option '--port'$/m],
      [['serve', '--port'], /^hookline: serve: Option '--port <value>' argument missing$/m],
      [['worker', '--tls'], /^hookline: worker: Unknown option '--tls'$/m],
    ];
    for (const [args, message] of cases) {
      const res = await runCli(args);
      assert.equal(res.code, 2, `${args.join(' ')}: ${res.stderr}`);
      assert.match(res.stderr, message);
      assert.match(res.stderr, /Run 'hookline --help' for usage\.$/m);
      assert.equal(res.stdout, '');
    }
  });
});
