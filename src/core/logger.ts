import { currentRequest } from './telemetry/request-telemetry.js';

/** Structured log fields. Callers pass facts, never a header, body or credential. */
export type LogFields = Readonly<Record<string, string | number | boolean | null | undefined | readonly string[]>>;

/** The one logging seam; the server writes JSON lines, tests collect them. */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/** Log levels, least severe first: a logger at one level writes that level and the ones after it. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;

export type LogLevel = (typeof LOG_LEVELS)[number];

/** The level `LOG_LEVEL` names (any case, surrounding blanks ignored), `info` when unset, null when it names none. */
export function logLevelOf(text: string | undefined): LogLevel | null {
  if (text === undefined || text.trim() === '') return 'info';
  const wanted = text.trim().toLowerCase();
  return LOG_LEVELS.find((level) => level === wanted) ?? null;
}

/** Where a JSON logger writes, and from which level on. */
export interface JsonLoggerOptions {
  /** Default `info`: debug lines (probes, scrapes) are dropped. */
  readonly level?: LogLevel;
  /** Default: standard output. */
  readonly write?: (line: string) => void;
}

/**
 * A logger that writes one JSON object per line. A line written while a request runs carries the
 * request's id (`requestId`), whoever writes it: the request line, a vendor call that failed in
 * transport, a vendor answer that broke its contract. Fields are facts, never values a vendor or
 * a caller sent.
 */
export function createJsonLogger(options: JsonLoggerOptions = {}): Logger {
  const { level = 'info', write = (line: string) => process.stdout.write(line) } = options;
  const threshold = LOG_LEVELS.indexOf(level);
  const emit = (lineLevel: LogLevel) => {
    if (LOG_LEVELS.indexOf(lineLevel) < threshold) return () => {};
    return (message: string, fields: LogFields = {}) => {
      const requestId = currentRequest()?.requestId;
      write(`${JSON.stringify({ time: new Date().toISOString(), level: lineLevel, message, ...(requestId === undefined ? {} : { requestId }), ...fields })}\n`);
    };
  };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}

/** A logger that keeps every line in memory (debug included unless told otherwise), for tests that assert on what was logged. */
export function createMemoryLogger(level: LogLevel = 'debug'): Logger & { readonly lines: string[] } {
  const lines: string[] = [];
  return { lines, ...createJsonLogger({ level, write: (line) => lines.push(line) }) };
}

/** A logger that drops everything. */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
