// The logger every role takes: pino's call shape (`logger.warn({ err }, 'message')`), so fastify's request
// logger, a pino instance and a test's recorder all fit, and nothing below http knows fastify.
import pino from 'pino';
import { redactingLogger } from './log-redaction.js';

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

/** `false` (silent), `true`, or a level with an optional stream (tests capture lines with one). */
export type LoggerOption = boolean | { level: string; stream?: { write(line: string): void } };

/** A pino logger writing JSON lines (to stdout unless a stream is given) with credentials redacted, or a silent one for `false`. */
export function createLogger(option: LoggerOption): pino.Logger {
  if (option === false) return pino({ level: 'silent' });
  const { stream, ...base } = option === true ? { stream: undefined } : option;
  const options = redactingLogger(base);
  return stream ? pino(options, stream) : pino(options);
}
