// The logger every role takes: pino's call shape (`logger.warn({ err }, 'message')`), so fastify's request
// logger, a pino instance and a test's recorder all fit, and nothing below http knows fastify.
import pino from 'pino';

type LogFn = (context: object, message?: string) => void;

/** A plain structured logger. */
export interface Logger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
}

/** Logs nothing (tests, and `logger: false`). */
export const silentLogger: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/** A pino logger at `level` writing JSON lines to stdout, or a silent one for `false`. */
export function createLogger(option: boolean | { level: string }): pino.Logger {
  if (option === false) return pino({ level: 'silent' });
  return pino(option === true ? {} : { level: option.level });
}
